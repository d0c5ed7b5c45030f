import { describe, expect, it } from 'vitest';
import { allocateRegisters, liveIntervals } from '../../src/codegen/x86_64/regalloc.js';
import { CALLEE_SAVED, CALLER_SAVED, R11, RAX, RCX, RDX } from '../../src/codegen/x86_64/registers.js';
import { FnBuilder, fnType, u64, VOID } from './air_builder.js';

const clobbers = (inst: { op: string }) => (inst.op === 'call' ? CALLER_SAVED : null);

describe('liveness and register allocation', () => {
  it('extends a value used inside a loop to the end of the loop', () => {
    const f = new FnBuilder('f', fnType([u64], u64));
    const x = f.arg(0);
    const slot = f.alloc(u64);
    let inner: number[] = [];
    f.block(VOID, (done) => {
      f.loop(() => {
        f.store(slot, x); // x's last textual use is here, at the top of the loop body...
        f.block(VOID, (step) => {
          const l = f.load(u64, slot);
          const c = f.cmp('eq', l, f.int(u64, 3));
          inner = [l, c];
          f.condbr(c, () => f.br(done), () => f.br(step));
        });
      });
    });
    f.ret(f.load(u64, slot));
    const ivs = liveIntervals(f.build(), clobbers);
    const of = (v: number) => ivs.find((iv) => iv.value === v)!;
    // ...but the back edge brings control back to it: x stays live past everything in the loop.
    for (const v of inner) expect(of(x).end).toBeGreaterThan(of(v).end);
  });

  it('gives values live across a call callee-saved registers and never hands out scratch registers', () => {
    const callee = fnType([], u64);
    const f = new FnBuilder('f', fnType([u64, u64], u64));
    const a = f.arg(0);
    const b = f.arg(1);
    const c = f.callDecl('g', callee, []);
    f.ret(f.bin('add', u64, f.bin('add', u64, a, b), c));
    const { homes, usedCalleeSaved } = allocateRegisters(f.build(), clobbers);
    for (const v of [a, b]) {
      const h = homes[v]!;
      expect(h.kind === 'reg' && CALLEE_SAVED.includes(h.reg)).toBe(true);
    }
    expect(usedCalleeSaved.length).toBe(2);
    for (const h of homes) if (h.kind === 'reg') expect([RAX, RCX, RDX, R11]).not.toContain(h.reg);
  });

  it('spills when more values are live than registers, and never gives two overlapping values one home', () => {
    const f = new FnBuilder('f', fnType([u64], u64));
    const x = f.arg(0);
    const vals = Array.from({ length: 30 }, (_, i) => f.bin('add', u64, x, f.int(u64, i)));
    let acc = x;
    for (const v of vals) acc = f.bin('add', u64, acc, v);
    f.ret(acc);
    const func = f.build();
    const { homes, spillSlots } = allocateRegisters(func, clobbers);
    expect(spillSlots).toBeGreaterThan(0);
    const ivs = liveIntervals(func, clobbers);
    const key = (v: number) => JSON.stringify(homes[v]);
    for (const p of ivs) {
      for (const q of ivs) {
        if (p.value >= q.value) continue;
        const overlap = p.start < q.end && q.start < p.end;
        if (overlap) expect(key(p.value), `%${p.value} and %${q.value}`).not.toBe(key(q.value));
      }
    }
  });
});
