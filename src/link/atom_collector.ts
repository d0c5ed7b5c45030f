//! The part every relocatable-object linker shares (`zirc build -c` on both targets, and
//! the programs linked with objects): a `Linker` that only remembers the latest code of
//! each function, the data atoms and the exports, for the subclass to write as an object
//! at flush. A decl is a function or a data atom, never both: placing one drops the other.

import type { DataAtom } from '../sema/air.js';
import type { ExportEntry, FlushReport, Linker } from './Linker.js';

export abstract class AtomCollector<Code> implements Linker<Code> {
  protected readonly funcs = new Map<string, Code>();
  protected readonly data = new Map<string, DataAtom>();
  protected exports: readonly ExportEntry[] = [];
  /** The object the last flush wrote, or null before the first. */
  object: Uint8Array | null = null;

  updateFunc(name: string, code: Code): void {
    this.data.delete(name);
    this.funcs.set(name, code);
  }

  updateData(atom: DataAtom): void {
    this.funcs.delete(atom.name);
    this.data.set(atom.name, atom);
  }

  deleteSymbol(name: string): void {
    this.funcs.delete(name);
    this.data.delete(name);
  }

  updateExports(exports: readonly ExportEntry[]): void {
    this.exports = [...exports];
  }

  /** Writes `object` from what was placed (subclasses may then link it). */
  abstract flush(): FlushReport;

  close(): void {}
}
