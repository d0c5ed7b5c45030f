//! Compile errors as the user sees them: a file position computed from a byte offset,
//! and the spec §10 rendering `path:line:col: error: msg` with the source line and a caret.

import { lineCol, lineColsAscending, renderDiagnostic } from '../zir/diagnostic.js';
import type { LineCol } from '../zir/diagnostic.js';

export interface CompileError {
  path: string;
  /** 1-based; 0 when the error has no position in the source (e.g. an unreadable file). */
  line: number;
  col: number;
  /** Absolute byte offset in the source, or -1. */
  offset: number;
  message: string;
  /** The full text to print: first line, then the source line and a caret when there is a position. */
  rendered: string;
}

export function errorAt(
  path: string,
  source: Uint8Array,
  offset: number,
  message: string,
  at: LineCol = lineCol(source, offset),
): CompileError {
  return { path, line: at.line, col: at.col, offset, message, rendered: renderDiagnostic(path, source, offset, message, at) };
}

/** Errors at the given places, sorted by offset; positions found in one pass over the source. */
export function errorsAt(path: string, source: Uint8Array, found: Array<{ offset: number; message: string }>): CompileError[] {
  const sorted = [...found].sort((a, b) => a.offset - b.offset);
  const places = lineColsAscending(source, sorted.map((e) => e.offset));
  return sorted.map((e, i) => errorAt(path, source, e.offset, e.message, places[i]));
}

/** An error about the file as a whole (unreadable source, unwritable output). */
export function errorWithoutPosition(path: string, message: string): CompileError {
  return { path, line: 0, col: 0, offset: -1, message, rendered: `${path}: error: ${message}` };
}

/**
 * An error of the link with objects: the linker's message starts with the input it is
 * about (`util.o: undefined symbol: f`), which becomes the error's path; a message with
 * no input in front is about `outputPath`.
 */
export function linkError(outputPath: string, message: string): CompileError {
  const m = /^([^\s:][^:\n]*): (.*)$/s.exec(message);
  return m ? errorWithoutPosition(m[1]!, m[2]!) : errorWithoutPosition(outputPath, message);
}

/** The first line of an error, as `#expect_error` lines state it. */
export function errorHeadline(e: CompileError): string {
  return e.line > 0 ? `${e.path}:${e.line}:${e.col}: error: ${e.message}` : `${e.path}: error: ${e.message}`;
}
