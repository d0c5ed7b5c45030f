//! The in-memory mirror of the output file plus the list of byte ranges changed since the
//! last flush. Every edit of the output goes through here; `takeDirtyRanges` hands the
//! writer a sorted, coalesced list so a flush writes only what changed. While a full
//! rewrite is pending, ranges are not recorded at all (the whole image will be written).
//! Where the engine has resizable ArrayBuffers, the mirror is one that grows in place
//! (address space reserved, pages committed as it grows): growing copies nothing and
//! leaves no old buffer for the collector, and a buffer replaced whole is given back
//! at once.

import { differingRanges } from '../byte_diff.js';
import type { ByteRange } from '../output_io.js';

export type { ByteRange };

/** Two dirty ranges closer than this are written as one (saves syscalls, costs few bytes). */
const COALESCE_GAP = 32;
const utf8 = new TextEncoder();

/**
 * How far an image's buffer may grow in place: address space, not memory. ELF offsets
 * here are 32-bit in practice (a 100k-function program is 27 MB); past this the image
 * falls back to copying into a larger buffer.
 */
const GROW_IN_PLACE_LIMIT = 2 ** 32;

/** ES2024's resizable ArrayBuffer, as far as the image uses it (the project's lib is ES2022). */
interface ResizableBuffer extends ArrayBuffer {
  readonly resizable: boolean;
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}

const canGrowInPlace = typeof (ArrayBuffer.prototype as Partial<ResizableBuffer>).resize === 'function';

/**
 * A zeroed buffer of `capacity` bytes: resizable up to GROW_IN_PLACE_LIMIT where the engine
 * can (the view tracks its length), else fixed. A reservation the system refuses falls
 * back to a fixed buffer.
 */
function newBuffer(capacity: number): Uint8Array {
  if (canGrowInPlace && capacity <= GROW_IN_PLACE_LIMIT) {
    try {
      const Resizable = ArrayBuffer as unknown as new (len: number, opts: { maxByteLength: number }) => ResizableBuffer;
      return new Uint8Array(new Resizable(capacity, { maxByteLength: GROW_IN_PLACE_LIMIT }));
    } catch {
      // No address space for the reservation: a fixed buffer works, it only copies to grow.
    }
  }
  return new Uint8Array(capacity);
}

function resizable(buf: Uint8Array): ResizableBuffer | null {
  const b = buf.buffer as ResizableBuffer;
  return b.resizable === true && buf.byteOffset === 0 ? b : null;
}

/** Gives a resizable buffer's memory back now rather than at the next full collection. */
function release(buf: Uint8Array): void {
  resizable(buf)?.resize(0);
}

/** `length` bytes that a relayout carries from offset `from` to offset `to`. */
export interface RangeMove {
  readonly from: number;
  readonly to: number;
  readonly length: number;
}

function overlaps(aStart: number, aLen: number, bStart: number, bLen: number): boolean {
  return aStart < bStart + bLen && bStart < aStart + aLen;
}

/**
 * Carries out `moves` inside `buf`, each exactly once: a move whose destination no other
 * pending move still reads from goes first; when every pending move waits on another (a
 * cycle), the smallest is copied aside and written from the copy. Moves are few (one per region).
 */
function moveRangesInPlace(buf: Uint8Array, moves: readonly RangeMove[]): void {
  const pending = moves.filter((m) => m.length > 0 && m.from !== m.to);
  const aside = new Map<RangeMove, Uint8Array>();
  while (pending.length > 0) {
    let i = pending.findIndex((m) => pending.every((o) => o === m || aside.has(o) || !overlaps(m.to, m.length, o.from, o.length)));
    if (i < 0) {
      // The smallest copy that may break the cycle.
      const m = pending.filter((o) => !aside.has(o)).reduce((a, b) => (b.length < a.length ? b : a));
      aside.set(m, buf.slice(m.from, m.from + m.length));
      continue;
    }
    const m = pending[i];
    const copy = aside.get(m);
    if (copy) buf.set(copy, m.to);
    else buf.copyWithin(m.to, m.from, m.from + m.length);
    pending.splice(i, 1);
  }
}

/** Zeroes every byte of `buf` below `limit` that no move's destination covers. */
function zeroOutside(buf: Uint8Array, moves: readonly RangeMove[], limit: number): void {
  const kept = moves.filter((m) => m.length > 0).sort((a, b) => a.to - b.to);
  let cursor = 0;
  for (const m of kept) {
    if (m.to > cursor) buf.fill(0, cursor, Math.min(m.to, limit));
    cursor = Math.max(cursor, m.to + m.length);
  }
  if (cursor < limit) buf.fill(0, cursor, limit);
}

export class FileImage {
  private buf: Uint8Array;
  private dv: DataView;
  /** Logical size of the file. */
  size = 0;
  /** When true the next flush writes everything; dirty ranges are not tracked. */
  fullWritePending = true;
  private dirtyStarts: number[] = [];
  private dirtyEnds: number[] = [];

  constructor(initialCapacity = 1 << 16) {
    this.buf = newBuffer(initialCapacity);
    this.dv = new DataView(this.buf.buffer);
  }

  get bytes(): Uint8Array {
    return this.buf.subarray(0, this.size);
  }

  get view(): DataView {
    return this.dv;
  }

  /** Grows the logical size (new bytes are zero). Never shrinks. */
  ensureSize(size: number): void {
    if (size <= this.size) return;
    if (size > this.buf.length) this.grow(size);
    this.size = size;
  }

  private grow(size: number): void {
    let cap = this.buf.length;
    while (cap < size) cap = Math.ceil(cap * 1.5) + 4096;
    const inPlace = resizable(this.buf);
    if (inPlace && size <= inPlace.maxByteLength) {
      // The view and the DataView track the buffer's length; the new bytes are zero.
      inPlace.resize(Math.min(cap, inPlace.maxByteLength));
      return;
    }
    const next = newBuffer(cap);
    next.set(this.buf.subarray(0, this.size));
    release(this.buf);
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  /**
   * Lays the content out again (a relayout): the image becomes `size` bytes holding each
   * move's `length` bytes, taken from `from` in the old content, at `to`; every other byte
   * is zero. Only while a full write is pending: nothing is tracked. The moves' sources do
   * not overlap one another, nor do their destinations. Where the buffer grows in place,
   * the content is moved inside it (a move runs once no other pending move still reads
   * the bytes it writes over; a cycle sets one aside in a copy), so a relayout never holds
   * the old file and the new one at once; otherwise it is copied into a new buffer.
   */
  relocate(size: number, moves: readonly RangeMove[]): void {
    if (!this.fullWritePending) throw new Error('FileImage.relocate outside a full write');
    const inPlace = resizable(this.buf);
    if (!inPlace || Math.max(size, this.size) > inPlace.maxByteLength) {
      const next = newBuffer(Math.max(size, 4096));
      for (const m of moves) next.set(this.buf.subarray(m.from, m.from + m.length), m.to);
      release(this.buf);
      this.buf = next;
      this.dv = new DataView(next.buffer);
      this.size = size;
      return;
    }
    const oldSize = this.size;
    this.ensureSize(size);
    moveRangesInPlace(this.buf, moves);
    // Past the old size the bytes are zero already (and zeroing them would only commit
    // pages); below it, stale content must go.
    zeroOutside(this.buf, moves, oldSize);
    if (size < oldSize) {
      inPlace.resize(Math.max(size, 4096));
      this.size = size;
    }
  }

  /**
   * Makes `next` the whole content (the image takes the buffer): a file built again in
   * memory. Outside a full write, the ranges that differ from the current content are
   * marked dirty, so the flush patches only those.
   */
  replaceAll(next: Uint8Array): void {
    if (!this.fullWritePending) for (const r of differingRanges(this.bytes, next)) this.markDirty(r.start, r.end - r.start);
    this.buf = next;
    this.dv = new DataView(next.buffer, next.byteOffset, next.byteLength);
    this.size = next.length;
  }

  markDirty(start: number, len: number): void {
    if (this.fullWritePending || len <= 0) return;
    const n = this.dirtyStarts.length;
    // Cheap merge with the previous range: edits often come in adjacent runs.
    if (n > 0) {
      const ps = this.dirtyStarts[n - 1]!;
      const pe = this.dirtyEnds[n - 1]!;
      if (start <= pe + COALESCE_GAP && start + len >= ps - COALESCE_GAP) {
        this.dirtyStarts[n - 1] = Math.min(ps, start);
        this.dirtyEnds[n - 1] = Math.max(pe, start + len);
        return;
      }
    }
    this.dirtyStarts.push(start);
    this.dirtyEnds.push(start + len);
  }

  write(at: number, src: Uint8Array): void {
    this.ensureSize(at + src.length);
    this.buf.set(src, at);
    this.markDirty(at, src.length);
  }

  /** Writes `src` only if the bytes differ (used to resync headers cheaply each flush). */
  writeIfChanged(at: number, src: Uint8Array): void {
    this.ensureSize(at + src.length);
    let lo = -1;
    let hi = -1;
    for (let i = 0; i < src.length; i++) {
      if (this.buf[at + i] !== src[i]) {
        if (lo < 0) lo = i;
        hi = i;
      }
    }
    if (lo < 0) return;
    this.buf.set(src.subarray(lo, hi + 1), at + lo);
    this.markDirty(at + lo, hi - lo + 1);
  }

  fill(at: number, len: number, value: number): void {
    if (len <= 0) return;
    this.ensureSize(at + len);
    this.buf.fill(value, at, at + len);
    this.markDirty(at, len);
  }

  writeU32(at: number, v: number): void {
    this.ensureSize(at + 4);
    this.dv.setUint32(at, v >>> 0, true);
    this.markDirty(at, 4);
  }

  writeI32(at: number, v: number): void {
    this.ensureSize(at + 4);
    this.dv.setInt32(at, v, true);
    this.markDirty(at, 4);
  }

  writeU64(at: number, v: bigint): void {
    this.ensureSize(at + 8);
    this.dv.setBigUint64(at, BigInt.asUintN(64, v), true);
    this.markDirty(at, 8);
  }

  /** Copies `len` bytes from `from` to `to` inside the image (a region move). */
  move(to: number, from: number, len: number): void {
    if (len <= 0) return;
    this.ensureSize(to + len);
    this.buf.copyWithin(to, from, from + len);
    this.markDirty(to, len);
  }

  /** Encodes a fixed-size record straight into the image at `at` (marks it dirty). */
  encodeAt(at: number, len: number, encode: (view: DataView, at: number) => void): void {
    this.ensureSize(at + len);
    encode(this.dv, at);
    this.markDirty(at, len);
  }

  /** Writes `text` as UTF-8 followed by a NUL at `at`; returns the bytes written (with the NUL). */
  writeCString(at: number, text: string, maxLen: number): number {
    this.ensureSize(at + maxLen);
    // Not `encodeInto` straight into the image: browsers refuse views of resizable
    // buffers in web APIs. ASCII (nearly every symbol name) is copied as it is.
    let written = 0;
    while (written < text.length && written < maxLen - 1 && text.charCodeAt(written) < 0x80) {
      this.buf[at + written] = text.charCodeAt(written);
      written++;
    }
    if (written < text.length && written < maxLen - 1) {
      const rest = new Uint8Array(maxLen - 1 - written);
      const encoded = utf8.encodeInto(text.slice(written), rest).written;
      this.buf.set(rest.subarray(0, encoded), at + written);
      written += encoded;
    }
    this.buf[at + written] = 0;
    this.markDirty(at, written + 1);
    return written + 1;
  }

  /** Encodes into a scratch area through `encode`, then stores it with `writeIfChanged`. */
  encodeIfChanged(at: number, len: number, encode: (view: DataView, at: number) => void): void {
    const scratch = new Uint8Array(len);
    encode(new DataView(scratch.buffer), 0);
    this.writeIfChanged(at, scratch);
  }

  /** The sorted, coalesced dirty ranges; clears the list. */
  takeDirtyRanges(): ByteRange[] {
    const n = this.dirtyStarts.length;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.dirtyStarts[a]! - this.dirtyStarts[b]!);
    const out: ByteRange[] = [];
    for (const i of order) {
      const s = this.dirtyStarts[i]!;
      const e = Math.min(this.dirtyEnds[i]!, this.size);
      if (e <= s) continue;
      const last = out[out.length - 1];
      if (last && s <= last.end + COALESCE_GAP) last.end = Math.max(last.end, e);
      else out.push({ start: s, end: e });
    }
    this.dirtyStarts = [];
    this.dirtyEnds = [];
    return out;
  }

  /** Forget pending ranges and require the next flush to write the whole image. */
  requireFullWrite(): void {
    this.fullWritePending = true;
    this.dirtyStarts = [];
    this.dirtyEnds = [];
  }
}
