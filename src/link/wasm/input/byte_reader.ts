//! A bounds-checked cursor over a wasm file: LEB128 (u32, s32, and 64-bit values as exact
//! numbers), bytes, names. Every read stays inside [pos, end) — the end of the current
//! section or subsection — and every failure is an ObjectFormatError that names the file,
//! where the reader is (`where`, e.g. "section 'linking' (#7)"), the byte offset and what
//! is wrong, so a malformed file can never cause another exception or a huge allocation.

import { ObjectFormatError } from '../../elf/input/format_error.js';
import { hex } from './wasm_constants.js';

const utf8 = new TextDecoder('utf-8');

export class ByteReader {
  pos = 0;
  end: number;
  /** Where the reader is, for messages: the section (and subsection) being read. */
  where = 'module header';
  /**
   * The item being read in a hot loop ("relocation", "symbol"), with its index; reads
   * name their field alone ("type") and a message says "relocation 7 type". Setting two
   * fields per item costs less than building a description per field read.
   */
  item = '';
  itemIndex = -1;

  constructor(readonly path: string, readonly bytes: Uint8Array) {
    this.end = bytes.length;
  }

  /** Starts an item of a hot loop (see `item`); `endItems` ends the loop. */
  at(item: string, index: number): void {
    this.item = item;
    this.itemIndex = index;
  }
  endItems(): void {
    this.itemIndex = -1;
  }

  /** A field's description: "relocation 7 type" inside an item, else the field's own. */
  describe(what: string): string {
    return this.itemIndex >= 0 ? `${this.item} ${this.itemIndex} ${what}` : what;
  }

  fail(detail: string, at: number = this.pos): never {
    throw new ObjectFormatError(this.path, `${this.where} at offset ${hex(at)}: ${detail}`);
  }

  /** Fails unless `n` more bytes lie before the end of the current range. */
  need(n: number, what: string): void {
    if (n > this.end - this.pos) this.fail(`${this.describe(what)} (${n} bytes) runs past the end of the ${this.rangeName()} at ${hex(this.end)}`);
  }

  private rangeName(): string {
    return this.end === this.bytes.length ? 'file' : 'section';
  }

  private truncated(what: string, at: number): never {
    this.fail(`truncated: ${this.describe(what)} runs past the end of the ${this.rangeName()} at ${hex(this.end)}`, at);
  }

  u8(what: string): number {
    if (this.pos >= this.end) this.truncated(what, this.pos);
    return this.bytes[this.pos++]!;
  }

  /** A varuint32; `suffix` is added to `what` in a message ("name" + "'s length"). */
  u32(what: string, suffix = ''): number {
    const b = this.bytes;
    const start = this.pos;
    let p = start;
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      if (p >= this.end) this.truncated(what + suffix, start);
      const byte = b[p++]!;
      if (shift === 28) {
        if (byte & 0xf0) this.fail(`bad LEB128 for ${this.describe(what + suffix)}: ${byte & 0x80 ? 'longer than 5 bytes' : 'value does not fit in 32 bits'}`, start);
        this.pos = p;
        return (result | (byte << 28)) >>> 0;
      }
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = p;
        return result >>> 0;
      }
    }
  }

  /** A varint32. */
  s32(what: string): number {
    const b = this.bytes;
    const start = this.pos;
    let p = start;
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      if (p >= this.end) this.truncated(what, start);
      const byte = b[p++]!;
      if (shift === 28) {
        const unused = byte & 0x70;
        if (byte & 0x80) this.fail(`bad LEB128 for ${this.describe(what)}: longer than 5 bytes`, start);
        if (unused !== (byte & 0x08 ? 0x70 : 0)) this.fail(`bad LEB128 for ${this.describe(what)}: value does not fit in 32 bits`, start);
        this.pos = p;
        return result | (byte << 28);
      }
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = p;
        return byte & 0x40 ? result | (-1 << (shift + 7)) : result;
      }
    }
  }

  /** A varuint64 as a number; a value above 2^53 is rejected (no wasm32 object needs one). */
  u64(what: string): number {
    return this.leb64(what, false);
  }

  /** A varint64 as a number; a value beyond ±2^53 is rejected. */
  s64(what: string): number {
    return this.leb64(what, true);
  }

  private leb64(what: string, signed: boolean): number {
    const b = this.bytes;
    const start = this.pos;
    let p = start;
    let value = 0;
    let scale = 1;
    // Up to 7 bytes (49 bits) accumulate exactly in a double; longer ones go through BigInt.
    for (let n = 0; n < 7; n++) {
      if (p >= this.end) this.truncated(what, start);
      const byte = b[p++]!;
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) {
        this.pos = p;
        return signed && byte & 0x40 ? value - scale : value;
      }
    }
    let big = BigInt(value);
    let shift = 49n;
    for (let n = 7; ; n++) {
      if (p >= this.end) this.truncated(what, start);
      const byte = b[p++]!;
      if (n === 9) {
        const ok = signed ? byte === 0 || byte === 0x7f : byte <= 1;
        if (!ok) this.fail(`bad LEB128 for ${this.describe(what)}: ${byte & 0x80 ? 'longer than 10 bytes' : 'value does not fit in 64 bits'}`, start);
        big |= BigInt(byte & 1) << 63n;
        if (signed) big = BigInt.asIntN(64, big);
        break;
      }
      big |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (byte < 0x80) {
        if (signed && byte & 0x40) big -= 1n << shift;
        break;
      }
    }
    this.pos = p;
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER)) {
      this.fail(`${this.describe(what)} ${big} is beyond 2^53, which zirc does not support`, start);
    }
    return Number(big);
  }

  /** `n` bytes, as a subarray of the input. */
  bytesOf(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A name: a varuint32 length, then that many bytes of UTF-8. */
  name(what: string): string {
    const len = this.u32(what, "'s length");
    this.need(len, what);
    const start = this.pos;
    this.pos += len;
    return decodeName(this.bytes, start, start + len);
  }

  /**
   * A vector's count, checked against the bytes left (each element takes at least
   * `minBytes`), so a corrupt count cannot make the reader allocate or loop without end.
   */
  count(what: string, minBytes: number): number {
    const at = this.pos;
    const n = this.u32(what);
    if (n * minBytes > this.end - this.pos) this.fail(`${this.describe(what)} ${n} is more than the ${this.end - this.pos} bytes left in the ${this.rangeName()} can hold`, at);
    return n;
  }

  /** Narrows the range to the next `size` bytes; returns the outer end, for `widen`. */
  narrow(size: number, what: string): number {
    this.need(size, what);
    const outer = this.end;
    this.end = this.pos + size;
    return outer;
  }

  /** Checks the narrowed range was read to its end, then restores the outer end. */
  widen(outer: number, what: string): void {
    if (this.pos !== this.end) this.fail(`${what} has ${this.end - this.pos} bytes left over after its contents`);
    this.end = outer;
  }
}

/** UTF-8 to a string, with a fast path for ASCII (nearly every symbol name). */
export function decodeName(bytes: Uint8Array, start: number, end: number): string {
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii) return utf8.decode(bytes.subarray(start, end));
  if (end - start < 64) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
  let s = '';
  for (let i = start; i < end; i += 4096) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
  }
  return s;
}
