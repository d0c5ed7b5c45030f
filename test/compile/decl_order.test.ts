// DeclOrder against a plain array of spans: random replacements (edits that insert,
// delete and resize decls and move the rest of the file) keep every position, index
// lookup and slice the same as the array's.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeclOrder, OrderBlock, endOf, startOf } from '../../src/compile/decl_order.js';
import type { Ordered } from '../../src/compile/decl_order.js';

class Item implements Ordered {
  block = new OrderBlock(0, []);
  relStart = 0;
  relEnd = 0;
  constructor(readonly id: number) {}
}

interface Span {
  item: Item;
  start: number;
  end: number;
}

/** Spans laid end to end from `at`, each `len` long. */
function layout(items: Item[], at: number, lens: number[]): Span[] {
  const out: Span[] = [];
  for (let k = 0; k < items.length; k++) {
    out.push({ item: items[k], start: at, end: at + lens[k] });
    at += lens[k] + 1;
  }
  return out;
}

function check(order: DeclOrder<Item>, model: Span[]): void {
  expect(order.length).toBe(model.length);
  expect([...order].map((i) => i.id)).toEqual(model.map((s) => s.item.id));
  expect(model.map((s) => [startOf(s.item), endOf(s.item)])).toEqual(model.map((s) => [s.start, s.end]));
  for (const k of [0, model.length >> 1, model.length - 1]) if (k >= 0 && k < model.length) expect(order.at(k)).toBe(model[k].item);
  for (const probe of [0, 7, ...model.slice(0, 40).map((s) => s.start), model.at(-1)?.end ?? 0, 1e9]) {
    expect(order.firstEndingAfter(probe)).toBe(firstIndex(model, (s) => s.end > probe));
    expect(order.firstStartingAtOrAfter(probe)).toBe(firstIndex(model, (s) => s.start >= probe));
  }
}

function firstIndex(model: Span[], holds: (s: Span) => boolean): number {
  const i = model.findIndex(holds);
  return i < 0 ? model.length : i;
}

describe('DeclOrder', () => {
  it('agrees with an array of spans under random edits', () => {
    const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 300 }), lens: fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 300 }) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.array(edit, { maxLength: 12 }), (initial, edits) => {
        let nextId = 0;
        const order = new DeclOrder<Item>();
        const fresh = (n: number): Item[] => Array.from({ length: n }, () => new Item(nextId++));
        let model = layout(fresh(initial), 0, new Array<number>(initial).fill(10));
        order.replace(0, 0, model, 0);
        check(order, model);
        for (const e of edits) {
          const first = model.length === 0 ? 0 : e.at % (model.length + 1);
          const count = Math.min(e.remove, model.length - first);
          const at = first > 0 ? model[first - 1].end + 1 : 0;
          const oldEnd = first + count < model.length ? model[first + count].start : at;
          const placed = layout(fresh(e.lens.length), at, e.lens);
          const newEnd = placed.length > 0 ? placed.at(-1)!.end + 1 : at;
          const delta = first + count < model.length ? newEnd - oldEnd : 0;
          order.replace(first, count, placed, delta);
          const after = model.slice(first + count).map((s) => ({ ...s, start: s.start + delta, end: s.end + delta }));
          model = [...model.slice(0, first), ...placed, ...after];
          check(order, model);
          expect(order.slice(first, placed.length)).toEqual(placed.map((p) => p.item));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('moves later decls without touching them: an edit costs its block, not the file', () => {
    const order = new DeclOrder<Item>();
    const items = Array.from({ length: 100_000 }, (_, i) => new Item(i));
    order.replace(0, 0, layout(items, 0, new Array<number>(items.length).fill(5)), 0);
    const last = items.at(-1)!;
    const relBefore = last.relStart;
    const edited = order.at(10);
    order.replace(10, 1, [{ item: edited, start: startOf(edited), end: endOf(edited) + 3 }], 3);
    expect(last.relStart).toBe(relBefore);
    expect(startOf(last)).toBe(99_999 * 6 + 3);
  });
});
