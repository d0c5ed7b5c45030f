//! Turns what a hot-swapping linker recorded (hot_swap_log.ts) into the `HotSwapPlan`: the
//! bytes of each placed atom at its new address, the patched relocation fields of atoms
//! that stayed, the offset-table slots, each group coalesced, in that order. It reads the
//! linker's state through `HotSwapView` only, so it is a pure function of the two.

import type { HotSwapLog, HotSwapPlan, HotWrite } from './hot_swap_log.js';
import type { SymbolId } from './symbol_ids.js';

/** What the plan needs to know of the linker's state as it is now. */
export interface HotSwapView {
  /** A live atom's address, bytes (as in the output) and kind; null if it is gone or has no bytes (.bss). */
  atom(id: SymbolId): { vaddr: number; bytes: Uint8Array; kind: 'func' | 'data' } | null;
  /** An id's offset-table slot (address and its 8 bytes), or null if it has none or its symbol is gone. */
  slot(id: SymbolId): HotWrite | null;
}

export function buildHotSwapPlan(log: HotSwapLog, view: HotSwapView): HotSwapPlan {
  const code: HotWrite[] = [];
  let functions = 0;
  for (const id of log.placed) {
    const a = view.atom(id);
    if (!a) continue;
    if (a.kind === 'func') functions++;
    code.push({ vaddr: a.vaddr, bytes: a.bytes });
  }
  const fields: HotWrite[] = [];
  for (const f of log.fields) {
    if (log.placed.has(f.id)) continue; // written whole already
    const a = view.atom(f.id);
    if (a) fields.push({ vaddr: a.vaddr + f.offset, bytes: a.bytes.subarray(f.offset, f.offset + f.size) });
  }
  const slots: HotWrite[] = [];
  for (const id of log.slots) {
    // A slot whose symbol is gone is not written: the process's old code keeps reaching the old version.
    const s = view.slot(id);
    if (s) slots.push(s);
  }
  return {
    blocker: log.blockers[0] ?? null,
    writes: [...coalesceWrites(code), ...coalesceWrites(fields), ...coalesceWrites(slots)],
    functions,
    slots: slots.length,
  };
}

/**
 * Merges writes that touch or overlap into one (later bytes win), in address order:
 * fewer, larger writes into the process.
 */
export function coalesceWrites(writes: readonly HotWrite[]): HotWrite[] {
  const sorted = [...writes].sort((a, b) => a.vaddr - b.vaddr);
  const out: HotWrite[] = [];
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last && w.vaddr <= last.vaddr + last.bytes.length) {
      const end = Math.max(last.vaddr + last.bytes.length, w.vaddr + w.bytes.length);
      const merged = new Uint8Array(end - last.vaddr);
      merged.set(last.bytes, 0);
      merged.set(w.bytes, w.vaddr - last.vaddr);
      out[out.length - 1] = { vaddr: last.vaddr, bytes: merged };
    } else out.push(w);
  }
  return out;
}
