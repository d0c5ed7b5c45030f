// The layout memory of watch mode (src/link/wasm/static/stable_layout.ts), alone: functions
// keep their index (new ones appended, gone ones keep a slot until a compaction, a change
// of the imports lays them out afresh), table slots keep their number, a data segment
// keeps its offset while it fits its block, and a section keeps its room while it fits.
import { describe, expect, it } from 'vitest';
import { packSlots, slotRoom } from '../../../src/link/wasm/static/body_slots.js';
import { blockCapacity, MIN_RESERVE, WasmStableLayout } from '../../../src/link/wasm/static/stable_layout.js';

const VOID = { params: new Uint8Array(0), results: new Uint8Array(0) };
const fns = (...keys: string[]) => keys.map((key) => ({ key, name: key, type: VOID }));
const order = (placed: ReturnType<WasmStableLayout['placeFunctions']>, entries: Array<{ key: string }>) =>
  placed.map((p) => ('entry' in p ? entries[p.entry]!.key : `gone:${p.gone.name}`));

describe('WasmStableLayout', () => {
  it('keeps each function at its index, appends new ones, and keeps a slot for a gone one (which it takes again if it comes back)', () => {
    const m = new WasmStableLayout();
    const first = fns('a', 'b', 'c');
    expect(order(m.placeFunctions('imports', first), first)).toEqual(['a', 'b', 'c']);
    const second = fns('d', 'c', 'a');
    expect(order(m.placeFunctions('imports', second), second)).toEqual(['a', 'gone:b', 'c', 'd']);
    // A function that comes back takes its old slot again.
    const third = fns('b', 'a', 'c', 'd', 'e');
    expect(order(m.placeFunctions('imports', third), third)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(m.slotOf('b')).toBe(1);
  });

  it('lays the functions out afresh when the imports change, and compacts when many slots are gone', () => {
    const m = new WasmStableLayout();
    const many = fns(...Array.from({ length: 200 }, (_, i) => `f${i}`));
    m.placeFunctions('i1', many);
    const fresh = fns('f5', 'f1');
    expect(order(m.placeFunctions('i2', fresh), fresh)).toEqual(['f5', 'f1']);
    expect(m.freshLayouts).toBe(1);
    m.placeFunctions('i2', many);
    const few = many.slice(0, 100);
    // 100 of 200 gone: more than a quarter of what is left, and more than 64.
    expect(m.placeFunctions('i2', few)).toHaveLength(100);
    expect(m.freshLayouts).toBe(2);
  });

  it('gives a body room to grow; one that outgrows it pushes its neighbours only until their spare room absorbs it', () => {
    expect(blockCapacity(10)).toBe(26);
    expect(blockCapacity(400)).toBe(500);
    const m = new WasmStableLayout();
    m.placeFunctions('', fns('a', 'b', 'c'));
    const sizes = [10, 100, 3];
    expect([...m.placeBodies(3, (i) => sizes[i]!).starts]).toEqual([0, 31, 161]);
    expect(m.bodySlots.end).toBe(161 + 5 + blockCapacity(3));
    expect(slotRoom(m.bodySlots, 0)).toBe(26);
    // Within its room: nothing moves.
    sizes[0] = 26;
    expect([...m.placeBodies(3, (i) => sizes[i]!).starts]).toEqual([0, 31, 161]);
    // Past it: the next slot moves (its spare room shrinks), the one after stays.
    sizes[0] = 30;
    const grown = packSlots(m.bodySlots, 3, (i) => sizes[i]!, 0, 0);
    expect([...grown.starts.subarray(0, 2)]).toEqual([0, 5 + blockCapacity(30)]);
    expect(grown.stoppedAt).toBe(2);
    expect([...m.placeBodies(3, (i) => sizes[i]!).starts]).toEqual([0, 51, 161]);
    // A new slot goes after the old end.
    m.placeFunctions('', fns('a', 'b', 'c', 'd'));
    expect(m.placeBodies(4, (i) => sizes[i] ?? 8).starts[3]).toBe(185);
  });

  it('numbers table slots once, and keeps slots no one asks for any more', () => {
    const m = new WasmStableLayout();
    expect(m.placeTable(['a', 'b']).slotOf).toEqual([1, 2]);
    const again = m.placeTable(['c', 'a']);
    expect(again.slotOf).toEqual([3, 1]);
    expect(again.all).toEqual(['a', 'b', 'c']);
  });

  it('keeps a data segment where it was while it fits its block and its alignment', () => {
    const m = new WasmStableLayout();
    const a = m.placeRegion('.data', [{ key: 'x', size: 8, align: 4 }, { key: 'y', size: 100, align: 8 }]);
    expect(a.offsets).toEqual([0, 24]);
    const b = m.placeRegion('.data', [{ key: 'y', size: 120, align: 8 }, { key: 'x', size: 30, align: 4 }]);
    expect(b.offsets[0]).toBe(24);
    expect(b.offsets[1]).toBeGreaterThanOrEqual(24 + blockCapacity(100));
    expect(b.reserved).toBe(a.reserved);
    expect(m.fitsInRegion('.data', 'y', 125, 8)).toBe(true);
    expect(m.fitsInRegion('.data', 'y', 126, 8)).toBe(false);
    expect(m.orderRegions(['.rodata', '.data'])).toEqual(['.data', '.rodata']);
  });

  it('keeps a section\'s room while its payload and a reserve fit', () => {
    const m = new WasmStableLayout();
    const room = m.sectionRoom('10', 1000);
    expect(room).toBeGreaterThanOrEqual(1000 + MIN_RESERVE);
    expect(m.sectionRoom('10', room - MIN_RESERVE)).toBe(room);
    expect(m.sectionRoom('10', room - MIN_RESERVE + 1)).toBeGreaterThan(room);
  });
});
