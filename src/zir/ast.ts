//! The ZIR syntax tree: top-level decls, their instructions, and argument values.
//!
//! Offsets: a `Decl` carries its absolute byte span in the file; every offset inside a
//! decl (instruction `offset`, argument `offset`) is relative to the decl's first byte
//! (its `@`). A decl whose text did not change therefore has an identical tree wherever
//! it moves in the file, which is what lets the incremental update reuse it. Add
//! `decl.start` to get a file offset.
//!
//! Names (decl and local) are kept as latin1 strings: one char per source byte, so
//! byte-exact round trips are free. Use `nameForDisplay` to show them as UTF-8.

import { latin1AsUtf8 } from './bytes.js';

/** A reference `@name` (decl) or `%name` (local of the enclosing function). */
export interface RefValue {
  kind: 'ref';
  scope: 'decl' | 'local';
  name: string;
  /** The name's id in the parse's name table (zir/intern.ts); -1 for a reference not parsed (emitted). */
  id: number;
  /** Offset of the `@` or `%`, relative to the decl start. */
  offset: number;
}

export interface ListValue {
  kind: 'list';
  items: ArgValue[];
  offset: number;
}

export interface BodyValue {
  kind: 'body';
  locals: Local[];
  offset: number;
}

export interface StringValue {
  kind: 'string';
  /** The decoded bytes of the literal. */
  bytes: Uint8Array;
  offset: number;
}

export interface IntValue {
  kind: 'int';
  value: bigint;
  offset: number;
}

export interface BoolValue {
  kind: 'bool';
  value: boolean;
  offset: number;
}

/** A bare enum name: `u32` in `primitive(u32)`, `C` in `cc=C`. */
export interface WordValue {
  kind: 'word';
  text: string;
  offset: number;
}

/** One prong of `switchbr`: `%item => { body }`. */
export interface SwitchCaseValue {
  kind: 'switch_case';
  item: RefValue;
  body: BodyValue;
  offset: number;
}

export type ArgValue =
  | RefValue
  | ListValue
  | BodyValue
  | StringValue
  | IntValue
  | BoolValue
  | WordValue
  | SwitchCaseValue;

/** One instruction `tag(positionals..., kw=value...)`. */
export interface Inst {
  /** Canonical tag (2020 spellings are rewritten, e.g. `cmp(a, eq, b)` becomes `cmp_eq`). */
  tag: string;
  /** Positional arguments, in the order of the tag's schema (see `schema.ts`). */
  args: ArgValue[];
  /** Keyword arguments that were written, by keyword. */
  kwargs: Map<string, ArgValue>;
  /** Offset of the byte just after `(`, relative to the decl start: where analysis errors point. */
  offset: number;
  /** Offset of the first byte of the tag, relative to the decl start. */
  tagOffset: number;
}

/** `%name = inst` inside a body. */
export interface Local {
  name: string;
  /** Offset of the `%`, relative to the decl start. */
  offset: number;
  inst: Inst;
}

/** A top-level `@name = inst`. Bodies hold `Local`s; see `BodyValue.locals`. */
export interface Decl {
  name: string;
  /** Absolute offset of the `@`. */
  start: number;
  /** Absolute offset just after the closing `)` of the instruction. */
  end: number;
  inst: Inst;
}

export interface Module {
  decls: Decl[];
}

/** Show a latin1-kept name as the UTF-8 text the user wrote. */
export function nameForDisplay(name: string): string {
  for (let i = 0; i < name.length; i++) {
    if (name.charCodeAt(i) > 0x7f) return latin1AsUtf8(name);
  }
  return name;
}
