//! Turning a byte offset into what a person reads: 1-based line and byte column, and the
//! `path:line:col: error: message` line followed by the source line (shown as UTF-8) and
//! a caret under the offending byte. Pure functions.

import { utf8String } from './bytes.js';
import { CH_LF } from './lex.js';

export interface LineCol {
  /** 1-based line. */
  line: number;
  /** 1-based column, in bytes. */
  col: number;
}

/** Line and byte column of `offset` (clamped to the source). */
export function lineCol(source: Uint8Array, offset: number): LineCol {
  const buf = source;
  const target = Math.max(0, Math.min(offset, source.length));
  let line = 1;
  let lineStart = 0;
  for (;;) {
    const nl = buf.indexOf(CH_LF, lineStart);
    if (nl < 0 || nl >= target) break;
    line++;
    lineStart = nl + 1;
  }
  return { line, col: target - lineStart + 1 };
}

/**
 * Line and byte column of each offset of an ascending list, in one pass over the source:
 * many errors cost one scan, not one scan each.
 */
export function lineColsAscending(source: Uint8Array, offsets: readonly number[]): LineCol[] {
  const buf = source;
  const out: LineCol[] = [];
  let line = 1;
  let lineStart = 0;
  for (const offset of offsets) {
    const target = Math.max(0, Math.min(offset, source.length));
    if (target < lineStart) throw new RangeError('lineColsAscending: offsets must ascend');
    for (;;) {
      const nl = buf.indexOf(CH_LF, lineStart);
      if (nl < 0 || nl >= target) break;
      line++;
      lineStart = nl + 1;
    }
    out.push({ line, col: target - lineStart + 1 });
  }
  return out;
}

/** `path:line:col: error: message`. */
export function formatDiagnosticLine(path: string, line: number, col: number, message: string): string;
/** `path:line:col: error: message`, with line and column computed from `offset`. */
export function formatDiagnosticLine(path: string, source: Uint8Array, offset: number, message: string): string;
export function formatDiagnosticLine(
  path: string, a: number | Uint8Array, b: number, message: string,
): string {
  if (typeof a === 'number') return `${path}:${a}:${b}: error: ${message}`;
  const { line, col } = lineCol(a, b);
  return `${path}:${line}:${col}: error: ${message}`;
}

/** The source line holding `offset` (without its newline or a trailing `\r`), as bytes. */
export function sourceLineAt(source: Uint8Array, offset: number): Uint8Array {
  const buf = source;
  const target = Math.max(0, Math.min(offset, source.length));
  const lineStart = target === 0 ? 0 : buf.lastIndexOf(CH_LF, target - 1) + 1;
  let lineEnd = buf.indexOf(CH_LF, target);
  if (lineEnd < 0) lineEnd = source.length;
  if (lineEnd > lineStart && source[lineEnd - 1] === 0x0d) lineEnd--;
  return source.subarray(lineStart, Math.max(lineStart, lineEnd));
}

/**
 * The full diagnostic:
 * ```
 * path:line:col: error: message
 * <source line>
 * <spaces>^
 * ```
 * The source line is decoded as UTF-8; the caret sits under the character that holds
 * the offending byte (for ASCII lines: `col - 1` spaces).
 */
export function renderDiagnostic(
  path: string,
  source: Uint8Array,
  offset: number,
  message: string,
  at: LineCol = lineCol(source, offset),
): string {
  const { line, col } = at;
  const text = sourceLineAt(source, offset);
  const prefix = text.subarray(0, Math.min(col - 1, text.length));
  const shown = utf8String(text);
  // Characters before the caret: count UTF-8 lead bytes, so multi-byte characters take one cell.
  let cells = 0;
  for (let i = 0; i < prefix.length; i++) if ((prefix[i]! & 0xc0) !== 0x80) cells++;
  cells += Math.max(0, col - 1 - text.length);
  return `${formatDiagnosticLine(path, line, col, message)}\n${shown}\n${' '.repeat(cells)}^`;
}
