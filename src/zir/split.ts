//! The decl splitter for the incremental update (DESIGN.md "Identity and change"): one
//! byte scan over the whole file that finds each top-level decl's name and span without
//! parsing it. `start` is the `@`, `end` is just after the instruction's closing `)`:
//! exactly `Decl.start`/`Decl.end` of `parseFile` on every valid file.
//!
//! It only tracks what can hide a decl boundary: strings (with escapes), `;` comments and
//! bracket nesting. Anything a valid file cannot contain that it happens to see (junk
//! between decls, a duplicate name, unbalanced or mismatched brackets, a string with a
//! raw newline, EOF inside a decl) sets `suspect`; the caller then runs `parseFile` for
//! the authoritative error. A file it does not flag may still be invalid inside a decl:
//! `parseDeclAt` reports that.
//!
//! Names are interned in the caller's name table (a compilation's, shared with its
//! parses), so each span comes with its name's id and the decl table is indexed by it.

import { CH_AT, CH_BACKSLASH, CH_EQ, CH_LF, CH_LPAREN, CH_QUOTE, CH_SEMI, NAME_BYTE } from './lex.js';
import { NAME_HASH_SEED, NameTable, nameHashStep, type NameId } from './intern.js';

export interface DeclSpan {
  name: string;
  /** The name's id in the name table the split was given. */
  nameId: NameId;
  /** Absolute offset of the `@`. */
  start: number;
  /** Absolute offset just after the instruction's closing `)`. */
  end: number;
}

export interface SplitResult {
  spans: DeclSpan[];
  suspect: boolean;
}

/** Byte classes inside an instruction: 0 = nothing to do. */
const OPEN = 1;
const CLOSE = 2;
const QUOTE = 3;
const SEMI = 4;
const INNER_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(256);
  t[0x28] = OPEN; t[0x5b] = OPEN; t[0x7b] = OPEN;
  t[0x29] = CLOSE; t[0x5d] = CLOSE; t[0x7d] = CLOSE;
  t[CH_QUOTE] = QUOTE;
  t[CH_SEMI] = SEMI;
  return t;
})();

/** 1 for whitespace. */
const WS: Uint8Array = (() => {
  const t = new Uint8Array(256);
  t[0x20] = 1; t[0x09] = 1; t[0x0a] = 1; t[0x0d] = 1;
  return t;
})();

/** The closer that matches an opener. */
function closerOf(open: number): number {
  return open === 0x28 ? 0x29 : open + 2; // '[' -> ']', '{' -> '}'
}

/** Returned by a scan for what a valid file cannot hold there (the caller stops, suspect). */
const SUSPECT = -1;

/*
 * The scan is a few small functions rather than one loop: a cold build runs it once, and
 * V8 optimizes a small function called once per decl within a few hundred decls, where
 * one big loop waited for an on-stack replacement that took tens of milliseconds to
 * compile (and again after each deopt), running the file in the interpreter meanwhile.
 */

/** Past the end of the line `p` is on (a `;` comment), or `len`. */
function pastLine(src: Uint8Array, p: number, len: number): number {
  const nl = src.indexOf(CH_LF, p);
  return nl < 0 ? len : nl + 1;
}

/** Past whitespace and comments from `p`. */
function skipSpace(src: Uint8Array, p: number, len: number): number {
  for (;;) {
    if (p >= len) return len;
    const c = src[p]!;
    if (WS[c] === 1) p++;
    else if (c === CH_SEMI) p = pastLine(src, p, len);
    else return p;
  }
}

/** Past a name's bytes from `p` (none: `p` itself). */
function skipName(src: Uint8Array, p: number, len: number): number {
  while (p < len && NAME_BYTE[src[p]!] === 1) p++;
  return p;
}

/** Past the string literal whose opening quote is at `p`, or SUSPECT (a raw newline, EOF). */
function skipString(src: Uint8Array, p: number, len: number): number {
  p++;
  for (;;) {
    if (p >= len) return SUSPECT;
    const s = src[p]!;
    if (s === CH_QUOTE) return p + 1;
    if (s === CH_BACKSLASH) p += 2;
    else if (s === CH_LF) return SUSPECT;
    else p++;
  }
}

/** The bracket stack of an instruction's scan, kept between decls. */
interface Closers {
  stack: Uint8Array;
}

/**
 * Just past the `)` that closes the instruction whose `(` is just before `p`, or SUSPECT
 * (a mismatched bracket, a bad string, EOF).
 */
function scanToClose(src: Uint8Array, p: number, len: number, closers: Closers): number {
  let stack = closers.stack;
  let depth = 1;
  stack[0] = 0x29;
  for (;;) {
    // Past the end `src[p]` is undefined, whose class is not 0: no bounds test per byte.
    while (INNER_CLASS[src[p]!] === 0) p++;
    if (p >= len) return SUSPECT;
    const c = src[p]!;
    const cls = INNER_CLASS[c];
    if (cls === OPEN) {
      if (depth === stack.length) stack = closers.stack = grownCopy(stack, depth);
      stack[depth++] = closerOf(c);
      p++;
    } else if (cls === CLOSE) {
      if (stack[--depth] !== c) return SUSPECT;
      p++;
      if (depth === 0) return p;
    } else if (cls === QUOTE) {
      p = skipString(src, p, len);
      if (p === SUSPECT) return SUSPECT;
    } else p = pastLine(src, p, len);
  }
}

/** Whether `nameId` names a span already found; marks it found. */
class RepeatCheck {
  /**
   * Name id -> 1 once a span has it, made when there are enough spans to pay for it: an
   * edit's re-split of a decl or two searches its spans instead of clearing a byte for
   * every name of a big program.
   */
  private seen: Uint8Array | null = null;

  constructor(private readonly names: NameTable) {}

  repeated(spans: readonly DeclSpan[], nameId: NameId): boolean {
    let seen = this.seen;
    if (seen === null) {
      if (spans.length < FEW_SPANS) {
        for (const span of spans) if (span.nameId === nameId) return true;
        return false;
      }
      seen = this.seen = new Uint8Array(this.names.size + 256);
      for (const span of spans) seen[span.nameId] = 1;
    }
    if (nameId >= seen.length) seen = this.seen = grownCopy(seen, nameId);
    if (seen[nameId] === 1) return true;
    seen[nameId] = 1;
    return false;
  }
}

export function splitDecls(src: Uint8Array, names: NameTable = new NameTable()): SplitResult {
  const len = src.length;
  const spans: DeclSpan[] = [];
  const repeats = new RepeatCheck(names);
  const closers: Closers = { stack: new Uint8Array(64) };
  const suspect = (): SplitResult => ({ spans, suspect: true });
  let pos = 0;
  for (;;) {
    pos = skipSpace(src, pos, len);
    if (pos >= len) break;
    if (src[pos] !== CH_AT) return suspect();
    const start = pos;
    const nameStart = ++pos;
    let h = NAME_HASH_SEED;
    while (pos < len && NAME_BYTE[src[pos]!] === 1) h = nameHashStep(h, src[pos++]!);
    if (pos === nameStart) return suspect();
    const nameId = names.internHashed(src, nameStart, pos, h);
    pos = skipSpace(src, pos, len);
    if (pos >= len || src[pos] !== CH_EQ) return suspect();
    pos = skipSpace(src, pos + 1, len);
    const tagStart = pos;
    pos = skipName(src, pos, len);
    if (pos === tagStart) return suspect();
    pos = skipSpace(src, pos, len);
    if (pos >= len || src[pos] !== CH_LPAREN) return suspect();
    pos = scanToClose(src, pos + 1, len, closers);
    if (pos === SUSPECT) return suspect();
    if (repeats.repeated(spans, nameId)) return suspect();
    spans.push({ name: names.names[nameId]!, nameId, start, end: pos });
  }
  return { spans, suspect: false };
}

/** Spans the repeat check searches before it marks ids in an array. */
const FEW_SPANS = 32;

/** `bytes` with room for index `at`, its contents kept. */
function grownCopy(bytes: Uint8Array, at: number): Uint8Array {
  const bigger = new Uint8Array(Math.max(at + 1, bytes.length * 2));
  bigger.set(bytes);
  return bigger;
}
