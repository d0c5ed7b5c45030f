//! Where each function body lies in the code section of a link in watch mode: a slot (a
//! 5-byte size field, then the body's room) per function, in index order, as wasm needs.
//! Each slot keeps the start the last link gave it while the body before it leaves room;
//! a body that outgrows its room gets a quarter more (at least 16 bytes) and pushes the
//! slots after it only until their own spare room has absorbed the push, so a grown body
//! moves a few neighbours, not the rest of the code. New slots go after the old end. Pure:
//! the whole link (stable_layout.ts) and the fast relink run the same packing, so both
//! give the same bytes.

import { blockCapacity } from './stable_layout.js';
import { SLOT_HEADER } from '../module_encoding.js';

/** Bytes of a slot's size field. */
export { SLOT_HEADER };

/** The slots as a link left them: each slot's start (relative to the first), -1 for one not placed yet, and the end of the last. */
export interface SlotPlaces {
  starts: Float64Array;
  /** How many of `starts` are placed (the placed ones come first). */
  placed: number;
  end: number;
}

/** The room slot `i` had: up to the next placed slot's start, or the end. */
export function slotRoom(places: SlotPlaces, i: number): number {
  const next = i + 1 < places.placed ? places.starts[i + 1]! : places.end;
  return next - places.starts[i]! - SLOT_HEADER;
}

/**
 * Packs `count` bodies (`sizeOf(i)` bytes each) from `places`, from slot `from` (whose
 * start is kept) on; stops early, once past slot `until`, at the first slot that keeps its
 * start (`stoppedAt`; then everything after is as it was). Returns the new starts of the
 * slots it reached, and the end if it reached the last.
 */
export function packSlots(places: SlotPlaces, count: number, sizeOf: (i: number) => number, from = 0, until = count - 1): { starts: Float64Array; stoppedAt: number; end: number } {
  const starts = new Float64Array(count);
  const old = (i: number) => (i < places.placed ? places.starts[i]! : -1);
  let need = 0;
  let start = from === 0 ? 0 : old(from);
  for (let i = from; i < count; i++) {
    if (i > from) {
      const min = start + SLOT_HEADER + need;
      const s = old(i);
      start = s >= min ? s : s < 0 ? Math.max(min, places.end) : min;
      if (i > until && start === s) return { starts, stoppedAt: i, end: places.end };
    }
    starts[i] = start;
    const size = sizeOf(i);
    need = old(i) >= 0 && size <= slotRoom(places, i) ? size : blockCapacity(size);
  }
  const end = count === 0 ? places.end : Math.max(places.end, start + SLOT_HEADER + need);
  return { starts, stoppedAt: count, end };
}
