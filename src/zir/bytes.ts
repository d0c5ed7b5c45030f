//! Byte helpers for the core, on plain `Uint8Array`s: latin1 and UTF-8 text in and out,
//! hex, equality, and the first differing byte of two ranges. The core runs in browsers
//! too (`zirc/core`), so it uses no `Buffer`; everything here is standard JavaScript.
//!
//! A host may install a native range compare (`installNativeCompare`; the Node layer does,
//! with Buffer's memcmp): the diff of two sources then runs a few dozen native calls over
//! a 20 MB file instead of a JavaScript loop, about ten times faster.
//!
//! latin1 is decoded by hand: `new TextDecoder('latin1')` is windows-1252 per WHATWG,
//! which maps 0x80–0x9f to other characters.

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

/** How many code units one `String.fromCharCode.apply` takes at a time (well under engines' argument limits). */
const APPLY_CHUNK = 8192;

/** `bytes[start..end)` as a string of one character per byte (latin1). */
export function latin1String(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const n = end - start;
  if (n <= 16) {
    // Short names are most of the calls: a plain loop beats making a view.
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
  let s = '';
  for (let at = start; at < end; at += APPLY_CHUNK) {
    s += String.fromCharCode.apply(null, bytes.subarray(at, Math.min(end, at + APPLY_CHUNK)) as unknown as number[]);
  }
  return s;
}

/** One byte per character of `text` (each char code taken mod 256, as latin1 encoding does). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** `bytes` decoded as UTF-8 (ill-formed sequences become U+FFFD). */
export function utf8String(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** A latin1 string (one char per byte) re-read as UTF-8: names and messages kept as bytes in strings. */
export function latin1AsUtf8(text: string): string {
  return utf8String(latin1Bytes(text));
}

export function hexString(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return s;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && rangesEqual(a, 0, b, 0, a.length);
}

/** Whether `a[aStart..aStart+n)` and `b[bStart..bStart+n)` hold the same bytes. */
export function rangesEqual(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, n: number): boolean {
  if (nativeRangesEqual && n >= 64) return nativeRangesEqual(a, aStart, aStart + n, b, bStart, bStart + n);
  for (let i = 0; i < n; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}

/** Whether `a[aStart..aEnd)` equals `b[bStart..bEnd)` (the same lengths), natively. */
export type NativeRangesEqual = (a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number) => boolean;

let nativeRangesEqual: NativeRangesEqual | null = null;

/** Installs a host's native compare (src/node/native_bytes.ts); without one, JavaScript loops do. */
export function installNativeCompare(equal: NativeRangesEqual): void {
  nativeRangesEqual = equal;
}

/** Chunk sizes of the native compares, coarse to fine; each divides the one before. */
const LEVELS = [1 << 20, 1 << 15, 1 << 10];

/** How many leading bytes `a` and `b` share, up to `limit`. */
export function commonPrefixLength(a: Uint8Array, b: Uint8Array, limit: number): number {
  let i = 0;
  const equal = nativeRangesEqual;
  if (equal) {
    for (const chunk of LEVELS) while (i + chunk <= limit && equal(a, i, i + chunk, b, i, i + chunk)) i += chunk;
  } else
  // Four bytes a step where both views let a Uint32Array read them.
  if ((a.byteOffset & 3) === 0 && (b.byteOffset & 3) === 0 && limit >= 64) {
    const words = limit >>> 2;
    const wa = new Uint32Array(a.buffer, a.byteOffset, words);
    const wb = new Uint32Array(b.buffer, b.byteOffset, words);
    let w = 0;
    while (w < words && wa[w] === wb[w]) w++;
    i = w << 2;
  }
  while (i < limit && a[i] === b[i]) i++;
  return i;
}

/** How many trailing bytes `a` and `b` share, up to `limit`. */
export function commonSuffixLength(a: Uint8Array, b: Uint8Array, limit: number): number {
  const aEnd = a.byteOffset + a.length;
  const bEnd = b.byteOffset + b.length;
  let n = 0;
  const equal = nativeRangesEqual;
  if (equal) {
    for (const chunk of LEVELS) {
      while (n + chunk <= limit && equal(a, a.length - n - chunk, a.length - n, b, b.length - n - chunk, b.length - n)) n += chunk;
    }
  } else
  // Word steps need both ends at the same alignment; then the bytes up to a word edge go first.
  if ((aEnd & 3) === (bEnd & 3) && limit >= 64) {
    const lead = aEnd & 3;
    while (n < lead && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
    if (n === lead) {
      const words = (limit - n) >>> 2;
      const wa = new Uint32Array(a.buffer, aEnd - n - words * 4, words);
      const wb = new Uint32Array(b.buffer, bEnd - n - words * 4, words);
      let w = 0;
      while (w < words && wa[words - 1 - w] === wb[words - 1 - w]) w++;
      n += w << 2;
    }
  }
  while (n < limit && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}
