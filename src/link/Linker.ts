//! The interface `Compilation` drives, whatever the output format: place a function's
//! finished code, update data, update exports, delete a symbol, flush. The ELF and wasm
//! linkers implement it. Code generation is not theirs: Compilation runs the target's code
//! generator (compile/target_backend.ts) and hands over what it made.

import type { DataAtom } from '../sema/air.js';

/** An exported symbol: `symbolName` in the output names the function decl `declName`. */
export interface ExportEntry {
  symbolName: string;
  declName: string;
}

export type OptimizeMode = 'Debug' | 'ReleaseSafe' | 'ReleaseFast';

export interface FlushReport {
  /** Bytes written to the output file by this flush. */
  bytesWritten: number;
  /** True when the whole file was (re)written rather than patched. */
  fullWrite: boolean;
}

/** A write to the output failed (full disk, permission, ...). The output is left not looking valid. */
export class OutputWriteError extends Error {
  constructor(
    readonly path: string,
    override readonly cause: unknown,
  ) {
    super(`unable to write '${path}': ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * The link of the program with its objects failed (an undefined or duplicate symbol, an
 * unreadable or malformed object): nothing was written, the output is as it was. Each
 * message is one error and names the input it is about.
 */
export class LinkError extends Error {
  constructor(readonly messages: readonly string[]) {
    super(messages.join('\n'));
  }
}

export interface Linker<Code = unknown> {
  /**
   * Place the code of function `name` (replacing an earlier version of it): what the
   * target's code generator made of its AIR.
   */
  updateFunc(name: string, code: Code): void;
  /** Place or replace a data atom. */
  updateData(atom: DataAtom): void;
  /** Remove a function or data symbol; its space is reused. */
  deleteSymbol(name: string): void;
  /** The complete set of exports after this update (replaces the previous set). */
  updateExports(exports: readonly ExportEntry[]): void;
  /** Write what changed to the output file, then close it. Throws `OutputWriteError` or `LinkError`. */
  flush(): FlushReport;
  /** Release everything; the output file stays as the last flush left it. */
  close(): void;
}
