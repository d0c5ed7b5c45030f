//! Zig string literals as ZIR writes them: decoding `"..."` with the escapes
//! \n \r \t \\ \' \" \xHH \u{H+} (UTF-8 encoded), and encoding bytes back into the
//! canonical escaped form the printer uses (`\xHH` for every byte that is not printable
//! ASCII). Pure functions over bytes.

import { latin1String } from './bytes.js';
import { CH_BACKSLASH, CH_LF, CH_QUOTE } from './lex.js';

/** Result of decoding: the bytes and the offset just after the closing quote, or an error. */
export type DecodedString =
  | { ok: true; bytes: Uint8Array; end: number }
  | { ok: false; offset: number; message: string };

const INVALID = 'invalid string literal';

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

function eofOrInvalid(src: Uint8Array, i: number): { ok: false; offset: number; message: string } {
  return i >= src.length
    ? { ok: false, offset: src.length, message: 'unexpected EOF' }
    : { ok: false, offset: i, message: INVALID };
}

/**
 * Decode the string literal whose opening quote is at `start`. A raw newline or a bad
 * escape is `invalid string literal` at the offending byte; running out of input is
 * `unexpected EOF`.
 */
export function decodeStringLiteral(src: Uint8Array, start: number): DecodedString {
  const len = src.length;
  // Fast path: no escapes.
  let i = start + 1;
  for (; i < len; i++) {
    const c = src[i]!;
    if (c === CH_QUOTE) {
      const n = i - start - 1;
      const bytes = new Uint8Array(n);
      for (let k = 0; k < n; k++) bytes[k] = src[start + 1 + k]!;
      return { ok: true, bytes, end: i + 1 };
    }
    if (c === CH_BACKSLASH) break;
    if (c === CH_LF) return { ok: false, offset: i, message: INVALID };
  }
  if (i >= len) return { ok: false, offset: len, message: 'unexpected EOF' };

  const out: number[] = [];
  for (let k = start + 1; k < i; k++) out.push(src[k]!);
  while (i < len) {
    const c = src[i]!;
    if (c === CH_QUOTE) return { ok: true, bytes: Uint8Array.from(out), end: i + 1 };
    if (c === CH_LF) return { ok: false, offset: i, message: INVALID };
    if (c !== CH_BACKSLASH) {
      out.push(c);
      i++;
      continue;
    }
    i++;
    if (i >= len) return eofOrInvalid(src, i);
    const e = src[i]!;
    switch (e) {
      case 0x6e: out.push(0x0a); i++; break; // n
      case 0x72: out.push(0x0d); i++; break; // r
      case 0x74: out.push(0x09); i++; break; // t
      case CH_BACKSLASH: case 0x27: case CH_QUOTE: out.push(e); i++; break;
      case 0x78: { // x
        const h1 = i + 1 < len ? hexValue(src[i + 1]!) : -1;
        if (h1 < 0) return eofOrInvalid(src, i + 1);
        const h2 = i + 2 < len ? hexValue(src[i + 2]!) : -1;
        if (h2 < 0) return eofOrInvalid(src, i + 2);
        out.push(h1 * 16 + h2);
        i += 3;
        break;
      }
      case 0x75: { // u{H+}
        i++;
        if (i >= len || src[i] !== 0x7b) return eofOrInvalid(src, i);
        i++;
        let cp = 0;
        let digits = 0;
        while (i < len && src[i] !== 0x7d) {
          const h = hexValue(src[i]!);
          if (h < 0) return { ok: false, offset: i, message: INVALID };
          cp = cp * 16 + h;
          if (cp > 0x10ffff) return { ok: false, offset: i, message: INVALID };
          digits++;
          i++;
        }
        if (i >= len) return eofOrInvalid(src, i);
        if (digits === 0 || (cp >= 0xd800 && cp <= 0xdfff)) return { ok: false, offset: i, message: INVALID };
        i++;
        appendUtf8(out, cp);
        break;
      }
      default:
        return { ok: false, offset: i, message: INVALID };
    }
  }
  return { ok: false, offset: len, message: 'unexpected EOF' };
}

function appendUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

const HEX = '0123456789abcdef';

/** The canonical literal for `bytes`, quotes included: Zig escapes, `\xHH` for the rest. */
export function encodeStringLiteral(bytes: Uint8Array): string {
  let s = '"';
  let runStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c >= 0x20 && c < 0x7f && c !== CH_QUOTE && c !== CH_BACKSLASH) continue;
    if (i > runStart) s += latin1(bytes.subarray(runStart, i));
    runStart = i + 1;
    switch (c) {
      case 0x0a: s += '\\n'; break;
      case 0x0d: s += '\\r'; break;
      case 0x09: s += '\\t'; break;
      case CH_QUOTE: s += '\\"'; break;
      case CH_BACKSLASH: s += '\\\\'; break;
      default: s += '\\x' + HEX[c >> 4] + HEX[c & 15];
    }
  }
  if (bytes.length > runStart) s += latin1(bytes.subarray(runStart));
  return s + '"';
}

function latin1(b: Uint8Array): string {
  if (b.length < 64) {
    let s = '';
    for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
    return s;
  }
  return latin1String(b);
}
