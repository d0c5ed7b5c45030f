//! Response files (`@file`) on a linker command line, expanded as GNU libiberty's
//! `expandargv` (and LLVM's `cl::ExpandResponseFiles` with GNU quoting, which lld uses)
//! do before anything is parsed: the file is split into arguments by `buildargv`'s rules,
//! and `@file`s inside it are expanded in turn. The file system is injected, so this stays
//! pure; shared by `zirc ld` and `zirc wasm-ld`.

import type { UsageErrorFactory } from './usage_error.js';

/** Returns the file's text, or undefined when it cannot be read. */
export type ReadResponseFile = (path: string) => string | undefined;

/** libiberty stops expanding after this many response files (a file that includes itself). */
const EXPANSION_LIMIT = 2000;

/**
 * Splits response-file text into arguments, as libiberty's `buildargv`: whitespace separates
 * arguments; a backslash takes the next character literally, inside quotes too; '…' and
 * "…" quote (each literal inside the other); adjacent pieces join into one argument, and
 * `''` is an empty argument.
 */
export function splitResponseFile(text: string): string[] {
  const args: string[] = [];
  let i = 0;
  const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
  while (i < text.length) {
    while (i < text.length && isSpace(text[i]!)) i++;
    if (i >= text.length) break;
    let arg = '';
    let squote = false;
    let dquote = false;
    let escaped = false;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (isSpace(c) && !squote && !dquote && !escaped) break;
      if (escaped) {
        escaped = false;
        arg += c;
      } else if (c === '\\') {
        escaped = true;
      } else if (squote) {
        if (c === "'") squote = false;
        else arg += c;
      } else if (dquote) {
        if (c === '"') dquote = false;
        else arg += c;
      } else if (c === "'") {
        squote = true;
      } else if (c === '"') {
        dquote = true;
      } else {
        arg += c;
      }
    }
    args.push(arg);
  }
  return args;
}

/**
 * Replaces each `@file` argument by the arguments in that file, recursively. A file that
 * cannot be read leaves its `@file` argument as it is (libiberty's and LLVM's rule; the
 * linker then fails to open it as an input). A file that includes itself is an error.
 */
export function expandResponseFiles(
  argv: readonly string[],
  read: ReadResponseFile | undefined,
  usageError: UsageErrorFactory,
): string[] {
  if (!read) return [...argv];
  const out = [...argv];
  let expansions = 0;
  for (let i = 0; i < out.length; ) {
    const arg = out[i]!;
    if (!arg.startsWith('@') || arg.length === 1) {
      i++;
      continue;
    }
    const text = read(arg.slice(1));
    if (text === undefined) {
      i++;
      continue;
    }
    if (++expansions > EXPANSION_LIMIT) {
      throw usageError(arg, `${arg}: too many response files (does it include itself?)`);
    }
    // Expanded in place, so `@file`s inside it are expanded next.
    out.splice(i, 1, ...splitResponseFile(text));
  }
  return out;
}
