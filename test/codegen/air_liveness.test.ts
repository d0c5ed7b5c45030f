import { describe, expect, it } from 'vitest';
import { computeAirLiveness, NONE } from '../../src/codegen/air_liveness.js';
import { X86_64_TARGET } from '../../src/sema/types.js';
import { FnBuilder, fnType, u64 } from '../support/air_builder.js';

describe('the shared AIR liveness walk', () => {
  it('numbers instructions in emission order, with end positions after structured bodies', () => {
    const f = new FnBuilder('f', fnType([u64], u64), X86_64_TARGET);
    const x = f.arg(0);
    const slot = f.alloc(u64);
    let store = 0, l = 0, three = 0, c = 0, br = 0, ret = 0;
    const loop = f.loop(() => {
      store = f.store(slot, x);
      l = f.load(u64, slot);
      three = f.int(u64, 3);
      c = f.cmp('eq', l, three);
      br = f.condbr(c, () => (ret = f.ret(l)), () => {});
    });
    const live = computeAirLiveness(f.build());

    expect(live.positions).toBe(10);
    expect([x, slot, loop, store, l, c, br, ret].map((r) => live.pos[r])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(live.pos[three]).toBe(NONE); // consts get no position
    expect(live.endPos[br]).toBe(8);
    expect(live.endPos[loop]).toBe(9);
    expect(live.endPos[l]).toBe(NONE);
    expect(Array.from(live.instAt)).toEqual([x, slot, loop, store, l, c, br, ret, NONE, NONE]);
  });

  it('extends a use inside a loop to the loop end only for values defined outside it', () => {
    const f = new FnBuilder('f', fnType([u64], u64), X86_64_TARGET);
    const x = f.arg(0);
    const slot = f.alloc(u64);
    let l = 0, inner = 0, c = 0, ret = 0;
    const outer = f.loop(() => {
      l = f.load(u64, slot); // defined in the outer loop...
      inner = f.loop(() => {
        f.store(slot, l); // ...used in the inner one: live to the inner loop's end
        c = f.cmp('eq', x, f.int(u64, 0));
        f.condbr(c, () => (ret = f.ret(x)), () => {});
      });
    });
    const live = computeAirLiveness(f.build());

    expect(live.lastUse[l]).toBe(live.endPos[inner]);
    expect(live.endPos[inner]).toBeLessThan(live.endPos[outer]!);
    // x and slot come from outside both loops: the outermost loop's end wins.
    expect(live.lastUse[x]).toBe(live.endPos[outer]);
    expect(live.lastUse[slot]).toBe(live.endPos[outer]);
    // c is defined and used inside the inner loop: its last use is where it is used.
    expect(live.lastUse[c]).toBe(live.pos[c]! + 1);
    // Nothing uses the loops or the return.
    for (const r of [outer, inner, ret]) expect(live.lastUse[r]).toBe(NONE);
  });
});
