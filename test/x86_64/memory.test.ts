import { describe, expect, it } from 'vitest';
import type { DataAtom } from '../../src/sema/air.js';
import { intType, type IntType } from '../../src/sema/types.js';
import { BOOL, FnBuilder, fnType, i64, NORETURN, onePtr, u64, usize, VOID } from './air_builder.js';
import { runProgram } from './harness.js';

const START = fnType([], NORETURN, 'C');

/** Prints each of `values` (u64 after widening) as 8 raw bytes and returns them. */
function runValues(build: (e: FnBuilder) => number[], helpers: ReturnType<FnBuilder['build']>[] = [], data: DataAtom[] = []): bigint[] {
  const e = new FnBuilder('entry', START);
  const values = build(e);
  const buf = e.alloc({ kind: 'array', len: values.length, sentinel: null, elem: u64 });
  values.forEach((v, i) => e.store(e.elemptr(onePtr(u64), buf, e.int(usize, i), 8), v));
  e.write(1, e.ptrtoint(buf), e.int(usize, values.length * 8));
  e.exitWith(0);
  const r = runProgram({ functions: [e.build(), ...helpers], data, entry: 'entry' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return values.map((_, i) => r.stdoutBytes.readBigUInt64LE(i * 8));
}

const WIDTHS: IntType[] = [1, 7, 8, 13, 16, 24, 32, 33, 47, 63, 64].flatMap((bits) => [intType(false, bits), intType(true, bits)]);

describe('memory operations', () => {
  it('store and load every width and signedness through stack slots and through a pointer argument', () => {
    // roundtrip(p: *T, v: T) T: stores v through p, loads it back, returns it widened (sign or zero) to 64 bits.
    const helpers = WIDTHS.map((t) => {
      const ty = fnType([onePtr(t), t], i64);
      const f = new FnBuilder(`roundtrip_${t.name}`, ty);
      const p = f.arg(0);
      f.store(p, f.arg(1));
      const loaded = f.load(t, p);
      f.ret(t.bits === 64 ? (t.signed ? loaded : f.bitcast(i64, loaded)) : f.intcast(i64, loaded));
      return f.build();
    });
    const samples = (t: IntType) => (t.signed ? [-(1n << BigInt(t.bits - 1)), -1n] : [(1n << BigInt(t.bits)) - 1n, 1n]);
    const expected: bigint[] = [];
    const got = runValues((e) => {
      const out: number[] = [];
      for (const t of WIDTHS) {
        for (const v of samples(t)) {
          const slot = e.alloc(t);
          const r = e.callDecl(`roundtrip_${t.name}`, fnType([onePtr(t), t], i64), [slot, e.int(t, v)]);
          out.push(e.bitcast(u64, r));
          expected.push(BigInt.asUintN(64, v));
          // The same through a local slot without a call.
          const local = e.alloc(t);
          e.store(local, e.int(t, v));
          const l = e.load(t, local);
          out.push(t.bits === 64 ? (t.signed ? e.bitcast(u64, l) : l) : e.bitcast(u64, e.intcast(i64, l)));
          expected.push(BigInt.asUintN(64, v));
        }
      }
      return out;
    }, helpers);
    expect(got).toEqual(expected);
  });

  it('reads and writes mutable global data rip-relative, and a void function returns with retvoid', () => {
    const counter: DataAtom = { name: 'counter', bytes: new Uint8Array([5, 0, 0, 0, 0, 0, 0, 0]), align: 8, relocs: [], section: 'data' };
    const bumpTy = fnType([u64], VOID);
    const bump = new FnBuilder('bump', bumpTy);
    const g = bump.addr(onePtr(u64), { kind: 'decl', name: 'counter' });
    bump.store(g, bump.bin('add', u64, bump.load(u64, g), bump.arg(0)));
    bump.retvoid();
    const got = runValues((e) => {
      e.callDecl('bump', bumpTy, [e.int(u64, 10)]);
      e.callDecl('bump', bumpTy, [e.int(u64, 100)]);
      return [e.load(u64, e.addr(onePtr(u64), { kind: 'decl', name: 'counter' }))];
    }, [bump.build()], [counter]);
    expect(got).toEqual([115n]);
  });

  it('computes bool and/or/not and comparisons of bools and pointers', () => {
    const ty = fnType([BOOL, BOOL], u64);
    const f = new FnBuilder('logic', ty);
    const a = f.arg(0);
    const b = f.arg(1);
    const bits = [f.wrap('booland', BOOL, a, b), f.wrap('boolor', BOOL, a, b), f.unary('boolnot', BOOL, a), f.cmp('neq', a, b)];
    let acc = f.int(u64, 0);
    bits.forEach((bit, i) => {
      const wide = f.block(u64, (blk) => f.condbr(bit, () => f.br(blk, f.int(u64, 1 << i)), () => f.br(blk, f.int(u64, 0))));
      acc = f.wrap('bitor', u64, acc, wide);
    });
    f.ret(acc);
    const got = runValues((e) => {
      const out = [[0, 0], [0, 1], [1, 0], [1, 1]].map(([x, y]) => e.callDecl('logic', ty, [e.int(BOOL, x!), e.int(BOOL, y!)]));
      const s1 = e.alloc(u64);
      const s2 = e.alloc(u64);
      const lt = e.cmp('lt', s1, s2);
      const eq = e.cmp('eq', s1, s1);
      const asU64 = (c: number) => e.block(u64, (blk) => e.condbr(c, () => e.br(blk, e.int(u64, 1)), () => e.br(blk, e.int(u64, 0))));
      out.push(asU64(lt), asU64(eq), asU64(e.cmp('gte', s1, s2)));
      return out;
    }, [f.build()]);
    // and|or<<1|not a<<2|neq<<3
    expect(got.slice(0, 4)).toEqual([0b0100n, 0b1110n, 0b1010n, 0b0011n]);
    // Two distinct slots compare one way or the other, never both.
    expect(got[4]! + got[6]!).toBe(1n);
    expect(got[5]).toBe(1n);
  });

  it('materializes undefined values without crashing and ignores void values', () => {
    const got = runValues((e) => {
      const u = e.constant(u64, { kind: 'undef' });
      const slot = e.alloc(u64);
      e.store(slot, u);
      e.store(e.alloc(VOID), e.constant(VOID, { kind: 'none' }));
      return [e.wrap('mulwrap', u64, e.load(u64, slot), e.int(u64, 0))];
    });
    expect(got).toEqual([0n]);
  });
});
