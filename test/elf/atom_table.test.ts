// AtomTable: atoms by symbol id through growth, views that write `block` back, and a view
// taken before a delete that still reads what the atom was (removeAtom relies on it).
import { describe, expect, it } from 'vitest';
import { AtomTable } from '../../src/link/elf/atom_table.js';

describe('AtomTable', () => {
  it('keeps each atom by id, its block writable through any view', () => {
    const t = new AtomTable();
    const ids = [0, 5, 1023, 1024, 5000];
    ids.forEach((id, i) => t.add({ id, symbolName: `s${id}`, kind: i % 2 ? 'data' : 'func', section: i % 2 ? 'rodata' : 'text', block: i, symIndex: 10 + i, nameOffset: 100 + i }));
    ids.forEach((id, i) => expect({ ...pick(t.get(id)!) }).toEqual({ id, symbolName: `s${id}`, kind: i % 2 ? 'data' : 'func', section: i % 2 ? 'rodata' : 'text', block: i, symIndex: 10 + i, nameOffset: 100 + i }));
    expect(t.get(6)).toBeUndefined();
    expect(t.get(1 << 20)).toBeUndefined();
    t.get(5)!.block = 77;
    expect(t.get(5)!.block).toBe(77);
  });

  it('still shows a deleted atom through a view taken before, and none after', () => {
    const t = new AtomTable();
    const view = t.add({ id: 3, symbolName: 'f', kind: 'func', section: 'text', block: 9, symIndex: 2, nameOffset: 4 });
    t.delete(3);
    expect(t.get(3)).toBeUndefined();
    expect(pick(view)).toEqual({ id: 3, symbolName: 'f', kind: 'func', section: 'text', block: 9, symIndex: 2, nameOffset: 4 });
    t.add({ id: 3, symbolName: 'd', kind: 'data', section: 'bss', block: 1, symIndex: 5, nameOffset: 6 });
    expect(pick(t.get(3)!)).toEqual({ id: 3, symbolName: 'd', kind: 'data', section: 'bss', block: 1, symIndex: 5, nameOffset: 6 });
  });
});

function pick(a: { id: number; symbolName: string; kind: string; section: string; block: number; symIndex: number; nameOffset: number }) {
  return { id: a.id, symbolName: a.symbolName, kind: a.kind, section: a.section, block: a.block, symIndex: a.symIndex, nameOffset: a.nameOffset };
}
