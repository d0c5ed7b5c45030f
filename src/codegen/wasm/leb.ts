//! LEB128 encoding for wasm: a growable byte writer with unsigned/signed LEB128 and
//! the 5-byte padded forms used at relocation sites, plus in-place patchers that the
//! linker uses to rewrite a padded LEB (or a little-endian u32) inside a buffer.

import { utf8Bytes } from '../../zir/bytes.js';

/** Width of a padded LEB128 at a relocation site (enough for any u32 / i32). */
export const PADDED_LEB_BYTES = 5;

/** An append-only byte buffer that grows by doubling. */
export class ByteWriter {
  bytes: Uint8Array;
  length = 0;

  constructor(initialCapacity = 64) {
    this.bytes = new Uint8Array(initialCapacity);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let cap = this.bytes.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.bytes[this.length++] = b & 0xff;
  }

  raw(data: ArrayLike<number>): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  /** Append `n` zero bytes. */
  zeros(n: number): void {
    this.reserve(n);
    this.bytes.fill(0, this.length, this.length + n);
    this.length += n;
  }

  u32(value: number): void {
    this.reserve(5);
    this.length = writeUleb(this.bytes, this.length, value);
  }

  s32(value: number): void {
    this.reserve(5);
    this.length = writeSleb32(this.bytes, this.length, value);
  }

  s64(value: bigint): void {
    this.reserve(10);
    this.length = writeSleb64(this.bytes, this.length, value);
  }

  /** A 5-byte padded unsigned LEB; returns its offset (for a relocation). */
  paddedU32(value: number): number {
    this.reserve(5);
    const at = this.length;
    writePaddedUleb(this.bytes, at, value);
    this.length += 5;
    return at;
  }

  /** A 5-byte padded signed LEB; returns its offset (for a relocation). */
  paddedS32(value: number): number {
    this.reserve(5);
    const at = this.length;
    writePaddedSleb(this.bytes, at, value);
    this.length += 5;
    return at;
  }

  /** A length-prefixed UTF-8 name. */
  name(s: string): void {
    const b = utf8Bytes(s);
    this.u32(b.length);
    this.raw(b);
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

export function ulebSize(value: number): number {
  let n = 1;
  value >>>= 0;
  while (value >= 0x80) {
    value >>>= 7;
    n++;
  }
  return n;
}

export function writeUleb(buf: Uint8Array, at: number, value: number): number {
  value >>>= 0;
  do {
    let b = value & 0x7f;
    value >>>= 7;
    if (value !== 0) b |= 0x80;
    buf[at++] = b;
  } while (value !== 0);
  return at;
}

export function writeSleb32(buf: Uint8Array, at: number, value: number): number {
  value |= 0;
  for (;;) {
    const b = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (b & 0x40) === 0) || (value === -1 && (b & 0x40) !== 0);
    buf[at++] = done ? b : b | 0x80;
    if (done) return at;
  }
}

export function writeSleb64(buf: Uint8Array, at: number, value: bigint): number {
  let v = BigInt.asIntN(64, value);
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
    buf[at++] = done ? b : b | 0x80;
    if (done) return at;
  }
}

/** Overwrite 5 bytes at `at` with `value` as a padded unsigned LEB. */
export function writePaddedUleb(buf: Uint8Array, at: number, value: number): void {
  value >>>= 0;
  buf[at] = (value & 0x7f) | 0x80;
  buf[at + 1] = ((value >>> 7) & 0x7f) | 0x80;
  buf[at + 2] = ((value >>> 14) & 0x7f) | 0x80;
  buf[at + 3] = ((value >>> 21) & 0x7f) | 0x80;
  buf[at + 4] = (value >>> 28) & 0x0f;
}

/** Overwrite 5 bytes at `at` with `value` as a padded signed LEB (i32 range). */
export function writePaddedSleb(buf: Uint8Array, at: number, value: number): void {
  value |= 0;
  buf[at] = (value & 0x7f) | 0x80;
  buf[at + 1] = ((value >> 7) & 0x7f) | 0x80;
  buf[at + 2] = ((value >> 14) & 0x7f) | 0x80;
  buf[at + 3] = ((value >> 21) & 0x7f) | 0x80;
  buf[at + 4] = (value >> 28) & 0x7f;
}

export function writeU32Le(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value & 0xff;
  buf[at + 1] = (value >>> 8) & 0xff;
  buf[at + 2] = (value >>> 16) & 0xff;
  buf[at + 3] = (value >>> 24) & 0xff;
}
