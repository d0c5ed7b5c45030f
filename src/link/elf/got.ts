//! The offset table (.got): one 8-byte slot per function (and per other target that code
//! reaches through `got_rel32`). Code calls `call [rip+slot]`, so moving a function only
//! rewrites its slot. A slot is kept while its symbol exists or any relocation still
//! refers to it; then it is freed and reused. With `holdFreed` (hot swap) a freed slot is
//! held instead, since code in a running process may still call through it, until
//! `releaseHeld` says no process does. Symbols are named by their ids (symbol_ids.ts).

import type { SymbolId } from './symbol_ids.js';

export const GOT_ENTRY_SIZE = 8;
const NO_SLOT = -1;

export class OffsetTable {
  /** The slot of each id, or NO_SLOT. */
  private slots = new Int32Array(0);
  /** got_rel32 relocations referring to each id. */
  private refs = new Int32Array(0);
  /** 1 for ids whose symbol is defined and wants a slot (functions). */
  private pinned = new Uint8Array(0);
  private readonly freeSlots: number[] = [];
  private readonly held: number[] = [];
  /** Hold freed slots instead of reusing them (see the file comment). */
  holdFreed = false;
  /** One past the highest slot ever used: the section's entry count. */
  count = 0;

  slotOf(id: SymbolId): number | undefined {
    const slot = id < this.slots.length ? this.slots[id]! : NO_SLOT;
    return slot === NO_SLOT ? undefined : slot;
  }

  /** The slot of `id`, allocating one if needed; `isNew` tells the caller to write it. */
  ensureSlot(id: SymbolId): { slot: number; isNew: boolean } {
    this.cover(id);
    const s = this.slots[id]!;
    if (s !== NO_SLOT) return { slot: s, isNew: false };
    const slot = this.freeSlots.pop() ?? this.count++;
    this.slots[id] = slot;
    return { slot, isNew: true };
  }

  pin(id: SymbolId): { slot: number; isNew: boolean } {
    this.cover(id);
    this.pinned[id] = 1;
    return this.ensureSlot(id);
  }

  /** The symbol is gone; returns the slot if it became free (the caller zeroes it). */
  unpin(id: SymbolId): number | undefined {
    if (id < this.pinned.length) this.pinned[id] = 0;
    return this.releaseIfUnused(id);
  }

  addRef(id: SymbolId): { slot: number; isNew: boolean } {
    this.cover(id);
    this.refs[id]!++;
    return this.ensureSlot(id);
  }

  /** A got_rel32 relocation to `id` went away; returns the slot if it became free. */
  dropRef(id: SymbolId): number | undefined {
    if (id < this.refs.length && this.refs[id]! > 0) this.refs[id]!--;
    return this.releaseIfUnused(id);
  }

  /** Whether any got_rel32 relocation refers to `id`. */
  isReferenced(id: SymbolId): boolean {
    return id < this.refs.length && this.refs[id]! > 0;
  }

  private releaseIfUnused(id: SymbolId): number | undefined {
    if (id >= this.slots.length || this.pinned[id] || this.refs[id]) return undefined;
    const slot = this.slots[id]!;
    if (slot === NO_SLOT) return undefined;
    this.slots[id] = NO_SLOT;
    (this.holdFreed ? this.held : this.freeSlots).push(slot);
    return slot;
  }

  /**
   * Gives `id` a new slot; its old one is freed (held, with `holdFreed`). Returns the old
   * slot, or undefined if `id` had none. The caller writes the new slot and re-applies
   * the relocations through it.
   */
  reassign(id: SymbolId): number | undefined {
    const old = this.slotOf(id);
    if (old === undefined) return undefined;
    this.slots[id] = this.freeSlots.pop() ?? this.count++;
    (this.holdFreed ? this.held : this.freeSlots).push(old);
    return old;
  }

  /** The slots held since the last call may be reused. */
  releaseHeld(): void {
    this.freeSlots.push(...this.held);
    this.held.length = 0;
  }

  /** Grows the per-id arrays (doubling) so they have an entry for `id`. */
  private cover(id: SymbolId): void {
    if (id < this.slots.length) return;
    const length = Math.max(1024, this.slots.length * 2, id + 1);
    const slots = new Int32Array(length).fill(NO_SLOT);
    slots.set(this.slots);
    this.slots = slots;
    const refs = new Int32Array(length);
    refs.set(this.refs);
    this.refs = refs;
    const pinned = new Uint8Array(length);
    pinned.set(this.pinned);
    this.pinned = pinned;
  }
}
