// RelocationIndex against a model (a map of arrays): any sequence of replacements, growing,
// shrinking, emptying and packing the flat pool, gives back each symbol's relocations as
// last set, the old ones on replace, and the sources that refer to each target.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RelocationIndex, type LinkReloc } from '../../src/link/elf/relocations.js';

const reloc = fc.record({
  offset: fc.nat(1 << 20),
  kind: fc.constantFrom('rel32' as const, 'got_rel32' as const, 'abs64' as const),
  target: fc.nat(40),
  addend: fc.oneof(fc.integer({ min: -8, max: 8 }), fc.constant(2 ** 40)),
});

describe('RelocationIndex', () => {
  it('keeps what was last set for each symbol, through pool growth and packing', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(300), fc.array(reloc, { maxLength: 12 })), { maxLength: 2500 }), (steps) => {
        const index = new RelocationIndex();
        const model = new Map<number, LinkReloc[]>();
        for (const [source, relocs] of steps) {
          expect(index.replace(source, relocs)).toEqual(model.get(source) ?? []);
          model.set(source, relocs);
        }
        for (let id = 0; id <= 300; id++) expect(index.relocsIn(id)).toEqual(model.get(id) ?? []);
        for (let target = 0; target <= 40; target++) {
          const sources = [...model].filter(([, rs]) => rs.some((r) => r.target === target && r.kind !== 'got_rel32')).map(([s]) => s);
          expect(new Set(index.sourcesOf(target) ?? [])).toEqual(new Set(sources));
        }
      }),
      { numRuns: 30 },
    );
  });

  it('keeps every run right while runs that grow one at a time leave most of the pool behind', () => {
    const index = new RelocationIndex();
    const make = (source: number, n: number): LinkReloc[] => Array.from({ length: n }, (_, i) => ({ offset: i, kind: 'rel32', target: source, addend: -i }));
    for (let n = 1; n <= 120; n++) for (let source = 0; source < 5; source++) index.replace(source, make(source, n));
    index.replace(2, []);
    for (let source = 0; source < 5; source++) expect(index.relocsIn(source)).toEqual(source === 2 ? [] : make(source, 120));
    expect(index.sourcesOf(2)).toBeUndefined();
    expect([...index.sourcesOf(3)!]).toEqual([3]);
  });
});
