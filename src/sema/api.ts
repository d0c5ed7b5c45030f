//! The contract between `Compilation` (src/compile) and sema: what sema is asked to
//! analyze, how it reaches other decls (through a resolver that records dependencies),
//! and what it returns. Sema never touches files or the linker.

import type { Decl } from '../zir/ast.js';
import type { AirFunction, DataAtom } from './air.js';
import type { TargetInfo, Type } from './types.js';
import type { Value } from './value.js';

export interface TypedValue {
  type: Type;
  value: Value;
}

export interface SemaOptions {
  target: TargetInfo;
  /** Emit the safety checks of spec §8 (Debug, ReleaseSafe). */
  safety: boolean;
  /**
   * The target's check of an `asm` instruction (spec §6), given by Compilation: the
   * message of what its assembler cannot encode, or null. Without it, `asm` is an error.
   */
  checkInlineAsm?: InlineAsmCheck;
  /**
   * The output is an object for another link (`zirc build -c`): an `extern` that zirc does
   * not define itself is left undefined for that link, not an error (spec §7).
   */
  externsLinkedLater?: boolean;
}

/** Checks inline assembly source and constraints; returns an error message or null. */
export type InlineAsmCheck = (source: string, output: string | null, inputs: readonly string[], clobbers: readonly string[]) => string | null;

/**
 * The answer to "what is the value of decl `name`?": the value itself (no wrapper to
 * allocate for each of the half million references of a 100k-function build), or why not.
 */
export type ResolvedDecl =
  | TypedValue
  /** No decl of that name exists: sema reports `decl 'x' not found` at the operand. */
  | 'not_found'
  /** The decl has errors of its own (already reported): the asker fails silently. */
  | 'failed'
  /** The decl's value depends on itself: sema reports `unable to resolve comptime value`. */
  | 'cycle';

/**
 * Provided by `Compilation`. Every call records the edge "the decl being analyzed reads
 * `name`" (for invalidation) and marks `name` as referenced (for reachability). The
 * resolver analyzes `name` first if it is not up to date; when that would nest analyses
 * too deeply, it throws `AnalysisSuspended` instead.
 */
export interface DeclResolver {
  /**
   * `nameId` is the reference's `RefValue.id` (the compilation's name table gave the trees
   * their ids, so it finds the decl without hashing the name), or -1 for a name that was
   * not parsed as a reference (a string, an emitted tree).
   */
  resolveDecl(name: string, nameId: number): ResolvedDecl;
}

/**
 * Thrown by a resolver to abandon the analysis under way until a decl it needs has been
 * analyzed on its own (so dependency chains are walked with a work stack, not the JS
 * stack). Sema lets it through untouched and keeps no state from the abandoned attempt:
 * the same analysis, run again later, starts afresh.
 */
export class AnalysisSuspended extends Error {
  /** The analyses abandoned on the way out, innermost first (filled in by the resolver's owner). */
  readonly abandoned: unknown[] = [];
  constructor(readonly needed: unknown) {
    super('analysis suspended until a dependency is analyzed');
  }
}

/** An error inside a decl. `offset` is relative to the decl's first byte (like AST offsets). */
export interface SemaError {
  offset: number;
  message: string;
}

/** The result of analyzing a decl's value (for a `fn` decl: its type and identity, not its body). */
export interface DeclAnalysis {
  /** Null when analysis failed (errors say why, or a dependency failed). */
  typedValue: TypedValue | null;
  errors: readonly SemaError[];
  /** Anonymous constants the value refers to (e.g. the bytes of `str`), named by `anonSymbolName` (anon_names.ts). */
  data: readonly DataAtom[];
  /** Set for `export(...)` decls that analyzed successfully. `offset` is the export instruction's. */
  export: { symbolName: string; declName: string; offset: number } | null;
}

/** The result of analyzing a function decl's body. */
export interface FunctionAnalysis {
  /** Null when the body has errors. */
  air: AirFunction | null;
  errors: readonly SemaError[];
  /** Anonymous constants created in the body, named by `anonSymbolName` (anon_names.ts). */
  data: readonly DataAtom[];
}
