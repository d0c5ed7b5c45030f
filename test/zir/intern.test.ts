// NameTable: one dense id per distinct byte string, the same however the name comes in
// (bytes, bytes hashed by the caller, a string), stable while the table grows past many
// times its first capacity, and -1 for a string no source byte spells.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NAME_HASH_SEED, NameTable, nameHashStep } from '../../src/zir/intern.js';

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('NameTable', () => {
  it('gives each distinct name one id, in order, through growth', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom(...'ab_.0x\u00e9'.split('')), maxLength: 12 }), { maxLength: 3000 }), (list) => {
        const t = new NameTable(2);
        const first = new Map<string, number>();
        for (const name of list) {
          const src = bytes(`@${name};`);
          const id = t.intern(src, 1, 1 + name.length);
          if (!first.has(name)) first.set(name, first.size);
          expect(id).toBe(first.get(name));
        }
        expect(t.size).toBe(first.size);
        for (const [name, id] of first) {
          expect(t.names[id]).toBe(name);
          expect(t.idOf(name)).toBe(id);
          let h = NAME_HASH_SEED;
          for (const b of bytes(name)) h = nameHashStep(h, b);
          expect(t.internHashed(bytes(name), 0, name.length, h)).toBe(id);
        }
        expect(t.size).toBe(first.size);
      }),
      { numRuns: 40 },
    );
  });

  it('tells apart names whose bytes differ only at the end or in length', () => {
    const t = new NameTable(1);
    const ids = ['a', 'aa', 'ab', 'ba', 'a\u00ff', ''].map((n) => t.idOf(n));
    expect(new Set(ids).size).toBe(ids.length);
    expect(t.idOf('aa')).toBe(ids[1]);
  });

  it('has no id for a string with a char above U+00FF', () => {
    const t = new NameTable();
    expect(t.idOf('\u4e2d')).toBe(-1);
    expect(t.size).toBe(0);
  });
});
