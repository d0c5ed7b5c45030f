// SymbolIds: one id per key however it comes in (a decl name, its `d:` key, a target), ids
// in the order keys first came, decls found through a shared name table or a private one,
// and names no name table takes (chars above U+00FF) still given ids.
import { describe, expect, it } from 'vitest';
import { SymbolIds } from '../../src/link/elf/symbol_ids.js';
import { NameTable } from '../../src/zir/intern.js';

describe('SymbolIds', () => {
  for (const shared of [false, true]) {
    it(`gives a decl one id by name, by key and by target (${shared ? 'shared' : 'own'} name table)`, () => {
      const names = new NameTable();
      if (shared) names.idOf('unrelated'); // the shared table's ids are not the linker's
      const ids = new SymbolIds(shared ? names : undefined);
      const f = ids.declIdOf('f');
      expect(ids.idOf('d:f')).toBe(f);
      expect(ids.idOfTarget({ kind: 'decl', name: 'f' })).toBe(f);
      expect(ids.find('d:f')).toBe(f);
      expect(ids.keyOf(f)).toBe('d:f');
      const e = ids.idOfTarget({ kind: 'extern', name: 'f', lib: 'c' });
      const r = ids.idOf('r:panic_integer_overflow');
      expect([f, e, r]).toEqual([0, 1, 2]);
      expect(ids.keyOf(e)).toBe('e:c:f');
      expect(ids.find('e:c:f')).toBe(e);
      expect(ids.declIdOf('g')).toBe(3);
    });
  }

  it('finds nothing for a key it never gave an id, without giving one', () => {
    const ids = new SymbolIds();
    expect(ids.find('d:nope')).toBeUndefined();
    expect(ids.find('c:d:f:k')).toBeUndefined();
    expect(ids.declIdOf('first')).toBe(0);
  });

  it('keys a decl name with a char above U+00FF by its text', () => {
    const ids = new SymbolIds(new NameTable());
    const wide = ids.declIdOf('\u4e2d');
    expect(ids.declIdOf('\u4e2d')).toBe(wide);
    expect(ids.idOf('d:\u4e2d')).toBe(wide);
    expect(ids.find('d:\u4e2d')).toBe(wide);
    expect(ids.keyOf(wide)).toBe('d:\u4e2d');
    expect(ids.declIdOf('\u00e4')).not.toBe(wide);
  });
});
