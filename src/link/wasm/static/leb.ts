//! LEB128 for the module writer and the relocation patcher: compact encodings for what
//! the linker writes itself, padded fixed-width writes (5 bytes for 32 bits, 10 for 64)
//! for relocation sites, so a patched value never moves a byte.

export function encodeUleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

export function encodeSleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v = Math.floor(v / 128);
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** Writes `v` (0 … 2^32-1) as a 5-byte padded unsigned LEB. */
export function writePaddedUleb32(buf: Uint8Array, pos: number, v: number): void {
  v >>>= 0;
  buf[pos] = (v & 0x7f) | 0x80;
  buf[pos + 1] = ((v >>> 7) & 0x7f) | 0x80;
  buf[pos + 2] = ((v >>> 14) & 0x7f) | 0x80;
  buf[pos + 3] = ((v >>> 21) & 0x7f) | 0x80;
  buf[pos + 4] = (v >>> 28) & 0x0f;
}

/** Writes `v` as a 32-bit signed value in a 5-byte padded signed LEB. */
export function writePaddedSleb32(buf: Uint8Array, pos: number, v: number): void {
  v |= 0;
  buf[pos] = (v & 0x7f) | 0x80;
  buf[pos + 1] = ((v >> 7) & 0x7f) | 0x80;
  buf[pos + 2] = ((v >> 14) & 0x7f) | 0x80;
  buf[pos + 3] = ((v >> 21) & 0x7f) | 0x80;
  buf[pos + 4] = (v >> 28) & 0x7f;
}

/** Writes `v` as a 10-byte padded LEB (signed or not: the same bits for values that fit). */
export function writePaddedLeb64(buf: Uint8Array, pos: number, v: number, signed: boolean): void {
  let x = signed ? BigInt.asIntN(64, BigInt(v)) : BigInt.asUintN(64, BigInt(v));
  for (let i = 0; i < 10; i++) {
    const b = Number(x & 0x7fn);
    x >>= 7n;
    buf[pos + i] = i < 9 ? b | 0x80 : b & (signed ? 0x7f : 0x01);
  }
}

/** Bytes of `v`'s compact unsigned LEB. */
export function ulebSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Writes `v`'s compact unsigned LEB at `pos`; returns the position after it. */
export function writeUleb(buf: Uint8Array, pos: number, v: number): number {
  while (v >= 128) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

/** An `i32.const v; end` constant expression. */
export function constI32(v: number): Uint8Array {
  return Uint8Array.from([0x41, ...encodeSleb(v | 0), 0x0b]);
}
