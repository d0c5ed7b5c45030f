//! Re-splits only the part of a file an edit touched: decls that end before the edit
//! and decls that start after it are unchanged (the latter only shifted), so the
//! splitter runs on the slice between them. A pure function over byte buffers.

import type { DeclSpan, SplitResult } from '../zir/split.js';
import type { ChangedRange } from './source_diff.js';

/** The old decls in file order, as the re-split needs to see them. */
export interface DeclPositions {
  readonly length: number;
  at(index: number): { start: number; end: number };
  /** Index of the first decl that ends after `offset` (length when none does). */
  firstEndingAfter(offset: number): number;
  /** Index of the first decl that starts at or after `offset` (length when none does). */
  firstStartingAtOrAfter(offset: number): number;
}

export interface Resplit {
  /** Index of the first old decl the edit may have touched. */
  first: number;
  /** How many old decls, from `first`, the new spans replace. */
  oldCount: number;
  /** The decls of the re-split slice, with absolute offsets in the new file. */
  spans: DeclSpan[];
  /** How far decls after the slice moved. */
  delta: number;
  /** The slice held something a valid file cannot; the caller must parse the whole file. */
  suspect: boolean;
}

export function resplitChanged(
  order: DeclPositions,
  newBuf: Uint8Array,
  range: ChangedRange,
  split: (source: Uint8Array) => SplitResult,
): Resplit {
  const delta = range.newEnd - range.oldEnd;
  // Decls [0, first) end at or before the edit; decls [last, n) start at or after its old end.
  const first = order.firstEndingAfter(range.prefix);
  const last = Math.max(first, order.firstStartingAtOrAfter(range.oldEnd));
  const sliceStart = first > 0 ? order.at(first - 1).end : 0;
  const sliceEnd = last < order.length ? order.at(last).start + delta : newBuf.length;
  const result = split(newBuf.subarray(sliceStart, sliceEnd));
  // A slice from the file's start (every first build) has its spans' offsets right already.
  const spans = sliceStart === 0 ? result.spans : result.spans.map((s: DeclSpan) => ({ name: s.name, nameId: s.nameId, start: s.start + sliceStart, end: s.end + sliceStart }));
  const tailFrom = spans.length > 0 ? spans[spans.length - 1].end : sliceStart;
  const suspect = result.suspect || (last < order.length && endsInsideComment(newBuf, tailFrom, sliceEnd));
  return { first, oldCount: last - first, spans, delta, suspect };
}

/** True when a `;` comment in [from, to) runs past `to`: in the whole file it would swallow what follows. */
function endsInsideComment(buf: Uint8Array, from: number, to: number): boolean {
  let inComment = false;
  for (let i = from; i < to; i++) {
    const c = buf[i];
    if (inComment) {
      if (c === 0x0a) inComment = false;
    } else if (c === 0x3b) {
      inComment = true;
    }
  }
  return inComment;
}
