// Differential test of the register allocator and lowering: random AIR functions (many
// live values, nested blocks with values, branches, loops reading outer values, calls in
// between) whose results are known while they are generated, run for real.
import { describe, expect, it } from 'vitest';
import type { AirRef } from '../../src/sema/air.js';
import { intType, type IntType } from '../../src/sema/types.js';
import { arrayOf, FnBuilder, fnType, NORETURN, onePtr, u64, usize, VOID } from './air_builder.js';
import { runProgram } from './harness.js';

const TYPES: IntType[] = [u64, intType(true, 32), intType(false, 8), intType(false, 13), intType(true, 47)];
const wrap = (t: IntType, v: bigint) => (t.signed ? BigInt.asIntN(t.bits, v) : BigInt.asUintN(t.bits, v));

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

interface Val {
  ref: AirRef;
  type: IntType;
  value: bigint;
}

const MIX_TY = fnType([u64, u64], u64);

class Generator {
  private pool: Val[] = [];
  constructor(
    private readonly b: FnBuilder,
    private readonly r: (n: number) => number,
  ) {}

  addArg(index: number, type: IntType, value: bigint): void {
    this.pool.push({ ref: this.b.arg(index), type, value });
  }

  private pick(type?: IntType): Val {
    const candidates = type ? this.pool.filter((v) => v.type === type) : this.pool;
    if (candidates.length === 0) {
      const t = type ?? u64;
      const value = wrap(t, BigInt(this.r(1000)));
      return { ref: this.b.int(t, value), type: t, value };
    }
    return candidates[this.r(candidates.length)]!;
  }

  private toU64(v: Val): Val {
    if (v.type === u64) return v;
    const b = this.b;
    const ref = v.type.signed
      ? b.bitcast(u64, v.type.bits === 64 ? v.ref : b.intcast(intType(true, 64), v.ref))
      : b.intcast(u64, v.ref);
    return { ref, type: u64, value: BigInt.asUintN(64, v.value) };
  }

  statement(depth: number): void {
    const b = this.b;
    const choice = this.r(depth > 2 ? 7 : 10);
    if (choice <= 2) {
      const x = this.pick();
      const y = this.pick(x.type);
      const ops = ['addwrap', 'subwrap', 'mulwrap', 'bitand', 'bitor', 'xor'] as const;
      const op = ops[this.r(ops.length)]!;
      const f = { addwrap: (p: bigint, q: bigint) => p + q, subwrap: (p: bigint, q: bigint) => p - q, mulwrap: (p: bigint, q: bigint) => p * q,
        bitand: (p: bigint, q: bigint) => p & q, bitor: (p: bigint, q: bigint) => p | q, xor: (p: bigint, q: bigint) => p ^ q }[op];
      this.pool.push({ ref: b.wrap(op, x.type, x.ref, y.ref), type: x.type, value: wrap(x.type, f(x.value, y.value)) });
    } else if (choice === 3) {
      const x = this.pick();
      const to = TYPES[this.r(TYPES.length)]!;
      this.pool.push({ ref: b.intcast(to, x.ref, false), type: to, value: wrap(to, x.value) });
    } else if (choice === 4) {
      const x = this.pick();
      const amount = BigInt(this.r(x.type.bits));
      const left = this.r(2) === 0;
      const ref = b.bin(left ? 'shl' : 'shr', x.type, x.ref, b.int(x.type, amount));
      this.pool.push({ ref, type: x.type, value: left ? wrap(x.type, x.value << amount) : x.value >> amount });
    } else if (choice === 5) {
      const x = this.toU64(this.pick());
      const y = this.toU64(this.pick());
      const ref = b.callDecl('mix', MIX_TY, [x.ref, y.ref]);
      this.pool.push({ ref, type: u64, value: BigInt.asUintN(64, x.value * 31n + y.value) });
    } else if (choice === 6) {
      // unsigned division by a nonzero runtime value
      const x = this.toU64(this.pick());
      const y = this.toU64(this.pick());
      const d = b.wrap('bitor', u64, y.ref, b.int(u64, 1));
      const dv = y.value | 1n;
      const rem = this.r(2) === 0;
      this.pool.push({ ref: b.bin(rem ? 'rem' : 'div', u64, x.ref, d), type: u64, value: rem ? x.value % dv : x.value / dv });
    } else if (choice <= 8) {
      this.branchBlock(depth);
    } else {
      this.loop(depth);
    }
  }

  private scoped(fn: () => void): void {
    const saved = this.pool.slice();
    fn();
    this.pool = saved;
  }

  /** blk: T = if (x < y) { ...; br blk, v } else { ...; br blk, w } */
  private branchBlock(depth: number): void {
    const b = this.b;
    const x = this.pick();
    const y = this.pick(x.type);
    const type = TYPES[this.r(TYPES.length)]!;
    const taken = x.value < y.value;
    let result = 0n;
    const ref = b.block(type, (blk) => {
      const cond = b.cmp('lt', x.ref, y.ref);
      const arm = (isTaken: boolean) => () =>
        this.scoped(() => {
          const n = 1 + this.r(4);
          for (let i = 0; i < n; i++) this.statement(depth + 1);
          const v = this.pick(type);
          if (isTaken) result = v.value;
          b.br(blk, v.ref);
        });
      b.condbr(cond, arm(taken), arm(!taken));
    });
    this.pool.push({ ref, type, value: result });
  }

  /** sum = 0; for i in 0..k: sum = sum*3 + (i ^ outer) ... reads values defined before the loop. */
  private loop(depth: number): void {
    const b = this.b;
    const outer = this.toU64(this.pick());
    const k = BigInt(1 + this.r(6));
    const sum = b.alloc(u64);
    const i = b.alloc(u64);
    b.store(sum, b.int(u64, 0));
    b.store(i, b.int(u64, 0));
    b.block(VOID, (done) => {
      b.loop(() => {
        b.block(VOID, (step) => {
          const iv = b.load(u64, i);
          b.condbr(
            b.cmp('lt', iv, b.int(u64, k)),
            () =>
              this.scoped(() => {
                // Extra values inside the loop body, unused outside it.
                for (let n = this.r(3); n > 0; n--) this.statement(depth + 3);
                const term = b.wrap('xor', u64, iv, outer.ref);
                b.store(sum, b.wrap('addwrap', u64, b.wrap('mulwrap', u64, b.load(u64, sum), b.int(u64, 3)), term));
                b.store(i, b.bin('add', u64, iv, b.int(u64, 1)));
                b.br(step);
              }),
            () => b.br(done),
          );
        });
      });
    });
    let s = 0n;
    for (let n = 0n; n < k; n++) s = BigInt.asUintN(64, s * 3n + (n ^ outer.value));
    this.pool.push({ ref: b.load(u64, sum), type: u64, value: s });
  }

  /** Folds every live value into one u64 (so all stay live to the end). */
  finish(): bigint {
    const b = this.b;
    let acc: Val = { ref: b.int(u64, 0), type: u64, value: 0n };
    for (const v of this.pool.slice().reverse()) {
      const w = this.toU64(v);
      acc = {
        ref: b.wrap('xor', u64, b.wrap('mulwrap', u64, acc.ref, b.int(u64, 1000003)), w.ref),
        type: u64,
        value: BigInt.asUintN(64, acc.value * 1000003n) ^ w.value,
      };
    }
    b.ret(acc.ref);
    return acc.value;
  }
}

describe('random programs', () => {
  it.each([1, 2, 3, 4])('seed %d: every function returns the value computed while generating it', (seed) => {
    const r = rng(seed * 7919);
    const mix = new FnBuilder('mix', MIX_TY);
    mix.ret(mix.wrap('addwrap', u64, mix.wrap('mulwrap', u64, mix.arg(0), mix.int(u64, 31)), mix.arg(1)));
    const fns = [];
    const calls: { name: string; params: IntType[]; args: bigint[]; expected: bigint }[] = [];
    for (let n = 0; n < 12; n++) {
      const params = Array.from({ length: 1 + r(9) }, () => TYPES[r(TYPES.length)]!);
      const args = params.map((t) => wrap(t, BigInt(r(1 << 30)) * BigInt(r(1 << 30)) - BigInt(r(1 << 20))));
      const b = new FnBuilder(`rand${n}`, fnType(params, u64));
      const g = new Generator(b, r);
      params.forEach((t, i) => g.addArg(i, t, args[i]!));
      const count = 20 + r(40);
      for (let s = 0; s < count; s++) g.statement(0);
      calls.push({ name: b.name, params, args, expected: g.finish() });
      fns.push(b.build());
    }
    const e = new FnBuilder('entry', fnType([], NORETURN, 'C'));
    const buf = e.alloc(arrayOf(calls.length, u64));
    calls.forEach((c, i) => {
      const v = e.callDecl(c.name, fnType(c.params, u64), c.args.map((a, k) => e.int(c.params[k]!, a)));
      e.store(e.elemptr(onePtr(u64), buf, e.int(usize, i), 8), v);
    });
    e.write(1, e.ptrtoint(buf), e.int(usize, calls.length * 8));
    e.exitWith(0);
    const out = runProgram({ functions: [e.build(), mix.build(), ...fns], entry: 'entry' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const got = calls.map((_, i) => out.stdoutBytes.readBigUInt64LE(i * 8));
    expect(got).toEqual(calls.map((c) => c.expected));
  });
});
