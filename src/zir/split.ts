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

export function splitDecls(source: Uint8Array, names: NameTable = new NameTable()): SplitResult {
  const src = source;
  const buf = source;
  const len = src.length;
  const spans: DeclSpan[] = [];
  /**
   * Name id -> 1 once a span has it (a repeat is suspect), made when there are enough
   * spans to pay for it: an edit's re-split of a decl or two searches its spans instead of
   * clearing a byte for every name of a big program.
   */
  let seen: Uint8Array | null = null;
  let closers = new Uint8Array(64);
  let pos = 0;

  /** Skip whitespace and comments; returns the new position. */
  const skipSpace = (p: number): number => {
    for (;;) {
      const c = src[p]!;
      if (p >= len) return len;
      if (WS[c] === 1) p++;
      else if (c === CH_SEMI) {
        const nl = buf.indexOf(CH_LF, p);
        p = nl < 0 ? len : nl + 1;
      } else return p;
    }
  };
  const suspect = (): SplitResult => ({ spans, suspect: true });

  for (;;) {
    pos = skipSpace(pos);
    if (pos >= len) break;
    if (src[pos] !== CH_AT) return suspect();
    const start = pos;
    pos++;
    const nameStart = pos;
    let h = NAME_HASH_SEED;
    while (pos < len && NAME_BYTE[src[pos]!] === 1) h = nameHashStep(h, src[pos++]!);
    if (pos === nameStart) return suspect();
    const nameId = names.internHashed(buf, nameStart, pos, h);
    pos = skipSpace(pos);
    if (src[pos] !== CH_EQ || pos >= len) return suspect();
    pos = skipSpace(pos + 1);
    const tagStart = pos;
    while (pos < len && NAME_BYTE[src[pos]!] === 1) pos++;
    if (pos === tagStart) return suspect();
    pos = skipSpace(pos);
    if (src[pos] !== CH_LPAREN || pos >= len) return suspect();
    pos++;

    // Scan to the matching `)`.
    let depth = 1;
    closers[0] = 0x29;
    for (;;) {
      // Past the end `src[pos]` is undefined, whose class is not 0: no bounds test per byte.
      while (INNER_CLASS[src[pos]!] === 0) pos++;
      if (pos >= len) return suspect();
      const c = src[pos]!;
      const cls = INNER_CLASS[c];
      if (cls === OPEN) {
        if (depth === closers.length) {
          const grown = new Uint8Array(closers.length * 2);
          grown.set(closers);
          closers = grown;
        }
        closers[depth++] = closerOf(c);
        pos++;
      } else if (cls === CLOSE) {
        if (closers[--depth] !== c) return suspect();
        pos++;
        if (depth === 0) break;
      } else if (cls === QUOTE) {
        pos++;
        for (;;) {
          if (pos >= len) return suspect();
          const s = src[pos]!;
          if (s === CH_QUOTE) { pos++; break; }
          if (s === CH_BACKSLASH) pos += 2;
          else if (s === CH_LF) return suspect();
          else pos++;
        }
      } else {
        const nl = buf.indexOf(CH_LF, pos);
        pos = nl < 0 ? len : nl + 1;
      }
    }
    if (seen === null && spans.length < FEW_SPANS) {
      for (const span of spans) if (span.nameId === nameId) return suspect();
    } else {
      if (seen === null) {
        seen = new Uint8Array(names.size + 256);
        for (const span of spans) seen[span.nameId] = 1;
      }
      if (nameId >= seen.length) seen = grown(seen, nameId);
      if (seen[nameId] === 1) return suspect();
      seen[nameId] = 1;
    }
    spans.push({ name: names.names[nameId]!, nameId, start, end: pos });
  }
  return { spans, suspect: false };
}

/** Spans the repeat check searches before it marks ids in an array. */
const FEW_SPANS = 32;

/** `marks` with room for index `at`, its marks kept. */
function grown(marks: Uint8Array, at: number): Uint8Array {
  const bigger = new Uint8Array(Math.max(at + 1, marks.length * 2));
  bigger.set(marks);
  return bigger;
}
