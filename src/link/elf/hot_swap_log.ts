//! What a hot-swapping ELF linker did since the running process last caught up with the
//! file: the atoms it placed at new addresses, the relocation fields it patched inside
//! atoms the process already has, the offset-table slots it rewrote, and why (if ever) the
//! change cannot be swapped into the process. `ElfLinker` records into it; at the end of
//! an update hot_swap_plan.ts turns the record into a `HotSwapPlan`, the list of writes
//! that bring the running process to the new code. Pure data, no I/O. Atoms are named by
//! their symbol ids (symbol_ids.ts).

import type { SymbolId } from './symbol_ids.js';

/** Bytes to write into the running process at a virtual address. */
export interface HotWrite {
  vaddr: number;
  bytes: Uint8Array;
}

/**
 * How to bring a process running the output of an earlier update to this one, or why it
 * cannot be done. `writes` are in the order to make them: code and read-only data at
 * their new places, then relocation fields of code the process already has, then the
 * offset-table slots that send the next call of each function to its new code.
 */
export interface HotSwapPlan {
  /** Why this change cannot be swapped into a running process; null when it can. */
  blocker: string | null;
  writes: HotWrite[];
  /** Functions whose new code is written (changed, new, or routines the linker defines). */
  functions: number;
  /** Offset-table slots rewritten. */
  slots: number;
}

/** A relocation field patched in an atom that did not move: its id, offset and width. */
export interface PatchedField {
  id: SymbolId;
  offset: number;
  size: number;
}

export class HotSwapLog {
  /** Atoms placed at a new address (their whole bytes are written). */
  readonly placed = new Set<SymbolId>();
  /** Of those, the ones that had a version before (which a process may be running). */
  readonly replaced = new Set<SymbolId>();
  /** Relocation fields re-applied inside atoms that stayed where they were. */
  readonly fields: PatchedField[] = [];
  /** Ids whose offset-table slot was written. */
  readonly slots = new Set<SymbolId>();
  /** Reasons the change cannot be swapped, in the order found (the first is reported). */
  readonly blockers: string[] = [];

  block(reason: string): void {
    if (!this.blockers.includes(reason)) this.blockers.push(reason);
  }

  clear(): void {
    this.placed.clear();
    this.replaced.clear();
    this.fields.length = 0;
    this.slots.clear();
    this.blockers.length = 0;
  }
}
