//! The offset table (.got): one 8-byte slot per function (and per other target that code
//! reaches through `got_rel32`). Code calls `call [rip+slot]`, so moving a function only
//! rewrites its slot. A slot is kept while its symbol exists or any relocation still
//! refers to it; then it is freed and reused. With `holdFreed` (hot swap) a freed slot is
//! held instead, since code in a running process may still call through it, until
//! `releaseHeld` says no process does.

export const GOT_ENTRY_SIZE = 8;

export class OffsetTable {
  private readonly slots = new Map<string, number>();
  /** got_rel32 relocations referring to each key. */
  private readonly refs = new Map<string, number>();
  /** Keys whose symbol is defined and wants a slot (functions). */
  private readonly pinned = new Set<string>();
  private readonly freeSlots: number[] = [];
  private readonly held: number[] = [];
  /** Hold freed slots instead of reusing them (see the file comment). */
  holdFreed = false;
  /** One past the highest slot ever used: the section's entry count. */
  count = 0;

  slotOf(key: string): number | undefined {
    return this.slots.get(key);
  }

  /** The slot of `key`, allocating one if needed; `isNew` tells the caller to write it. */
  ensureSlot(key: string): { slot: number; isNew: boolean } {
    const s = this.slots.get(key);
    if (s !== undefined) return { slot: s, isNew: false };
    const slot = this.freeSlots.pop() ?? this.count++;
    this.slots.set(key, slot);
    return { slot, isNew: true };
  }

  pin(key: string): { slot: number; isNew: boolean } {
    this.pinned.add(key);
    return this.ensureSlot(key);
  }

  /** The symbol is gone; returns the slot if it became free (the caller zeroes it). */
  unpin(key: string): number | undefined {
    this.pinned.delete(key);
    return this.releaseIfUnused(key);
  }

  addRef(key: string): { slot: number; isNew: boolean } {
    this.refs.set(key, (this.refs.get(key) ?? 0) + 1);
    return this.ensureSlot(key);
  }

  /** A got_rel32 relocation to `key` went away; returns the slot if it became free. */
  dropRef(key: string): number | undefined {
    const n = (this.refs.get(key) ?? 0) - 1;
    if (n > 0) this.refs.set(key, n);
    else this.refs.delete(key);
    return this.releaseIfUnused(key);
  }

  /** Whether any got_rel32 relocation refers to `key`. */
  isReferenced(key: string): boolean {
    return this.refs.has(key);
  }

  private releaseIfUnused(key: string): number | undefined {
    if (this.pinned.has(key) || this.refs.has(key)) return undefined;
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    this.slots.delete(key);
    (this.holdFreed ? this.held : this.freeSlots).push(slot);
    return slot;
  }

  /**
   * Gives `key` a new slot; its old one is freed (held, with `holdFreed`). Returns the old
   * slot, or undefined if `key` had none. The caller writes the new slot and re-applies
   * the relocations through it.
   */
  reassign(key: string): number | undefined {
    const old = this.slots.get(key);
    if (old === undefined) return undefined;
    this.slots.set(key, this.freeSlots.pop() ?? this.count++);
    (this.holdFreed ? this.held : this.freeSlots).push(old);
    return old;
  }

  /** The slots held since the last call may be reused. */
  releaseHeld(): void {
    this.freeSlots.push(...this.held);
    this.held.length = 0;
  }
}
