//! The byte ranges in which two versions of a file image differ, so that an output built
//! again in memory is written to disk as a patch of what changed. Chunks are compared
//! natively first where the host installed a compare (zir/bytes.ts); only a chunk that differs is scanned byte by byte,
//! so a few changed bytes in a large image cost a memcmp of the image, not a JS loop.

import { rangesEqual } from '../zir/bytes.js';
import type { ByteRange } from './output_io.js';

const CHUNK = 4096;
/** Ranges closer than this are written as one (fewer writes, a few more bytes). */
const JOIN_GAP = 64;

/** Sorted, disjoint ranges of `next` that differ from `prev` (bytes past `prev`'s end all differ). */
export function differingRanges(prev: Uint8Array, next: Uint8Array): ByteRange[] {
  const a = prev;
  const b = next;
  const common = Math.min(a.length, b.length);
  const out: ByteRange[] = [];
  const add = (start: number, end: number) => {
    const last = out[out.length - 1];
    if (last && start <= last.end + JOIN_GAP) last.end = Math.max(last.end, end);
    else out.push({ start, end });
  };
  for (let at = 0; at < common; at += CHUNK) {
    const end = Math.min(at + CHUNK, common);
    if (rangesEqual(a, at, b, at, end - at)) continue;
    let lo = at;
    while (a[lo] === b[lo]) lo++;
    let hi = end - 1;
    while (a[hi] === b[hi]) hi--;
    add(lo, hi + 1);
  }
  if (b.length > common) add(common, b.length);
  return out;
}
