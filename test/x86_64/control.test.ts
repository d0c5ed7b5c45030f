import { describe, expect, it } from 'vitest';
import type { AirFunction, AirRef } from '../../src/sema/air.js';
import { arrayOf, BOOL, FnBuilder, fnType, i32, i64, i8, NORETURN, onePtr, u32, u64, u8, usize, VOID } from './air_builder.js';
import { runProgram } from './harness.js';

const START = fnType([], NORETURN, 'C');

/** Runs `entry` (plus helpers); `entry` computes a u64 that the program prints as 8 raw bytes. */
function runValue(build: (e: FnBuilder) => AirRef, helpers: AirFunction[] = []): bigint {
  const e = new FnBuilder('entry', START);
  const v = build(e);
  const slot = e.alloc(u64);
  e.store(slot, v);
  e.write(1, e.ptrtoint(slot), e.int(usize, 8));
  e.exitWith(0);
  const r = runProgram({ functions: [e.build(), ...helpers], entry: 'entry' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdoutBytes.readBigUInt64LE(0);
}

describe('control flow and register allocation', () => {
  it('keeps more live values than registers correct (spilling), also across a call', () => {
    const idTy = fnType([u64], u64);
    const id = new FnBuilder('id', idTy);
    id.ret(id.arg(0));
    const ty = fnType([u64, u64], u64);
    const f = new FnBuilder('pressure', ty);
    const a = f.arg(0);
    const b = f.arg(1);
    const values: AirRef[] = [];
    for (let i = 1; i <= 40; i++) values.push(f.bin('add', u64, f.bin('mul', u64, a, f.int(u64, i)), b));
    const mid = f.callDecl('id', idTy, [values[20]!]);
    let sum = mid;
    for (let i = values.length - 1; i >= 0; i--) sum = f.wrap('xor', u64, f.bin('add', u64, sum, values[i]!), f.int(u64, i));
    f.ret(sum);
    let expected = 21n * 3n + 5n;
    for (let i = 39; i >= 0; i--) expected = (expected + (BigInt(i + 1) * 3n + 5n)) ^ BigInt(i);
    expect(runValue((e) => e.callDecl('pressure', ty, [e.int(u64, 3), e.int(u64, 5)]), [f.build(), id.build()])).toBe(expected);
  });

  it('passes more than six arguments, on the stack in order, with narrow signed values', () => {
    const params = [u64, i8, u32, i32, u8, u64, i8, u64, i64, u8];
    const ty = fnType(params, i64);
    const f = new FnBuilder('weighted', ty);
    let acc = f.int(i64, 0);
    params.forEach((p, i) => {
      const x = f.arg(i);
      const wide = p === i64 ? x : p === u64 ? f.bitcast(i64, x) : f.intcast(i64, x);
      acc = f.bin('add', i64, acc, f.bin('mul', i64, wide, f.int(i64, i + 1)));
    });
    f.ret(acc);
    const args = [7n, -3n, 100000n, -77777n, 200n, 9n, -128n, 11n, -5n, 255n];
    const expected = args.reduce((s, v, i) => s + v * BigInt(i + 1), 0n);
    const got = runValue(
      (e) => e.bitcast(u64, e.callDecl('weighted', ty, args.map((v, i) => e.int(params[i]!, v)))),
      [f.build()],
    );
    expect(BigInt.asIntN(64, got)).toBe(expected);
  });

  it('runs a loop with a counter in memory and a value defined before the loop used inside and after it', () => {
    // sum = 0; i = 0; while (i < n) { sum += i * k; i += 1 }  return sum + k
    const ty = fnType([u64, u64], u64);
    const f = new FnBuilder('sum', ty);
    const n = f.arg(0);
    const k = f.arg(1);
    const sum = f.alloc(u64);
    const i = f.alloc(u64);
    f.store(sum, f.int(u64, 0));
    f.store(i, f.int(u64, 0));
    f.block(VOID, (done) => {
      f.loop(() => {
        // `step` is the loop body; leaving it with br repeats the loop (a `continue`).
        f.block(VOID, (step) => {
          const iv = f.load(u64, i);
          f.condbr(
            f.cmp('lt', iv, n),
            () => {
              f.store(sum, f.bin('add', u64, f.load(u64, sum), f.bin('mul', u64, iv, k)));
              f.store(i, f.bin('add', u64, iv, f.int(u64, 1)));
              f.br(step);
            },
            () => f.br(done),
          );
        });
      });
    });
    f.ret(f.bin('add', u64, f.load(u64, sum), k));
    expect(runValue((e) => e.callDecl('sum', ty, [e.int(u64, 100), e.int(u64, 3)]), [f.build()])).toBe(3n * 4950n + 3n);
  });

  it('yields values from nested blocks through br from inner branches', () => {
    // classify(x) = x < 10 ? (x < 5 ? 1 : 2) : (x == 10 ? 3 : 4) * 100, plus x
    const ty = fnType([u32], u32);
    const f = new FnBuilder('classify', ty);
    const x = f.arg(0);
    const outer = f.block(u32, (outerBlk) => {
      f.condbr(
        f.cmp('lt', x, f.int(u32, 10)),
        () => {
          const inner = f.block(u32, (innerBlk) => {
            f.condbr(f.cmp('lt', x, f.int(u32, 5)), () => f.br(innerBlk, f.int(u32, 1)), () => f.br(innerBlk, f.int(u32, 2)));
          });
          f.br(outerBlk, inner);
        },
        () => {
          const scaled = f.block(u32, (blk) => {
            const v = f.block(u32, (b2) => {
              f.condbr(f.cmp('eq', x, f.int(u32, 10)), () => f.br(b2, f.int(u32, 3)), () => f.br(b2, f.int(u32, 4)));
            });
            f.br(blk, f.bin('mul', u32, v, f.int(u32, 100)));
          });
          f.br(outerBlk, scaled);
        },
      );
    });
    f.ret(f.bin('add', u32, outer, x));
    const fn = f.build();
    const run = (v: number) => runValue((e) => e.intcast(u64, e.callDecl('classify', ty, [e.int(u32, v)])), [fn]);
    expect([run(3), run(7), run(10), run(11)]).toEqual([4n, 9n, 310n, 411n]);
  });

  it('recurses (fib) with values kept in callee-saved registers across calls', () => {
    const ty = fnType([u64], u64);
    const f = new FnBuilder('fib', ty);
    const n = f.arg(0);
    f.condbr(
      f.cmp('lt', n, f.int(u64, 2)),
      () => f.ret(n),
      () => {
        const a = f.callDecl('fib', ty, [f.bin('sub', u64, n, f.int(u64, 1))]);
        const b = f.callDecl('fib', ty, [f.bin('sub', u64, n, f.int(u64, 2))]);
        f.ret(f.bin('add', u64, f.bin('add', u64, a, b), f.bin('sub', u64, n, n)));
      },
    );
    expect(runValue((e) => e.callDecl('fib', ty, [e.int(u64, 20)]), [f.build()])).toBe(6765n);
  });

  it('calls through a function value (indirect call) and takes function addresses', () => {
    const opTy = fnType([u64, u64], u64);
    const add = new FnBuilder('plus', opTy);
    add.ret(add.bin('add', u64, add.arg(0), add.arg(1)));
    const mul = new FnBuilder('times', opTy);
    mul.ret(mul.bin('mul', u64, mul.arg(0), mul.arg(1)));
    const applyTy = fnType([opTy, u64, u64, BOOL], u64);
    const apply = new FnBuilder('apply', applyTy);
    const fv = apply.arg(0);
    const x = apply.arg(1);
    const y = apply.arg(2);
    const twice = apply.arg(3);
    const once = apply.call(fv, opTy, [x, y]);
    const r = apply.block(u64, (blk) => {
      apply.condbr(twice, () => apply.br(blk, apply.call(fv, opTy, [once, y])), () => apply.br(blk, once));
    });
    apply.ret(r);
    const helpers = [add.build(), mul.build(), apply.build()];
    const v = runValue((e) => {
      const p = e.callDecl('apply', applyTy, [e.fnRef('plus', opTy), e.int(u64, 6), e.int(u64, 7), e.int(BOOL, 0)]);
      const t = e.callDecl('apply', applyTy, [e.fnRef('times', opTy), e.int(u64, 6), e.int(u64, 7), e.int(BOOL, 1)]);
      return e.bin('add', u64, e.bin('mul', u64, p, e.int(u64, 1000)), t);
    }, helpers);
    expect(v).toBe(13n * 1000n + 294n);
  });

  it('keeps a loop counter in a register across calls inside the loop', () => {
    const idTy = fnType([u64], u64);
    const id = new FnBuilder('id', idTy);
    id.ret(id.bin('add', u64, id.arg(0), id.int(u64, 1)));
    const v = runValue((e) => {
      const acc = e.alloc(u64);
      e.store(acc, e.int(u64, 0));
      const k = e.callDecl('id', idTy, [e.int(u64, 4)]); // 5, live across the loop
      e.block(VOID, (done) => {
        e.loop(() => {
          e.block(VOID, (step) => {
            const cur = e.load(u64, acc);
            const next = e.callDecl('id', idTy, [e.bin('add', u64, cur, k)]);
            e.store(acc, next);
            e.condbr(e.cmp('gte', next, e.int(u64, 60)), () => e.br(done), () => e.br(step));
          });
        });
      });
      return e.bin('mul', u64, e.load(u64, acc), k);
    }, [id.build()]);
    expect(v).toBe(60n * 5n);
  });

  it('indexes arrays of every element size with elemptr and offsetptr', () => {
    const v = runValue((e) => {
      const bytes = e.alloc(arrayOf(10, u8));
      const words = e.alloc(arrayOf(5, i32));
      const wides = e.alloc(arrayOf(3, arrayOf(3, u8))); // 3-byte elements
      for (let i = 0; i < 10; i++) e.store(e.elemptr(onePtr(u8), bytes, e.int(usize, i), 1), e.int(u8, i * 3));
      const idx = e.callDecl('seven', fnType([], usize), []);
      for (let i = 0; i < 5; i++) e.store(e.elemptr(onePtr(i32), words, e.int(usize, i), 4), e.int(i32, -i));
      const w3 = e.elemptr(onePtr(arrayOf(3, u8)), wides, e.bin('sub', usize, idx, e.int(usize, 5)), 3);
      e.store(e.offsetptr(onePtr(u8), w3, 1), e.int(u8, 99));
      const b7 = e.load(u8, e.elemptr(onePtr(u8), bytes, idx, 1)); // 21
      const w4 = e.load(i32, e.elemptr(onePtr(i32), words, e.bin('sub', usize, idx, e.int(usize, 3)), 4)); // -4
      const m = e.load(u8, e.offsetptr(onePtr(u8), e.elemptr(onePtr(arrayOf(3, u8)), wides, e.int(usize, 2), 3), 1)); // 99
      const sum = e.bin('add', i64, e.intcast(i64, b7), e.bin('add', i64, e.intcast(i64, w4), e.intcast(i64, m)));
      return e.bitcast(u64, sum);
    }, [(() => { const s = new FnBuilder('seven', fnType([], usize)); s.ret(s.int(usize, 7)); return s.build(); })()]);
    expect(v).toBe(21n - 4n + 99n);
  });

  it('runs a naked entry with stack slots in the red zone and calls from it', () => {
    const idTy = fnType([u64, u64, u64, u64, u64, u64, u64], u64);
    const id = new FnBuilder('sum7', idTy);
    let acc = id.arg(0);
    for (let i = 1; i < 7; i++) acc = id.bin('add', u64, acc, id.arg(i));
    id.ret(acc);
    const e = new FnBuilder('entry', fnType([], NORETURN, 'Naked'));
    const slot = e.alloc(u64);
    e.store(slot, e.int(u64, 5));
    const before = e.bin('add', u64, e.load(u64, slot), e.int(u64, 1)); // 6, live across the call
    const r = e.callDecl('sum7', idTy, [1, 2, 3, 4, 5, 6, 7].map((v) => e.int(u64, v)));
    const total = e.bin('add', u64, e.bin('add', u64, r, before), e.load(u64, slot)); // 28 + 6 + 5
    e.exit(e.intcast(u32, total));
    const out = runProgram({ functions: [e.build(), id.build()], entry: 'entry' });
    expect(out.status).toBe(39);
  });

  it('handles a frame far larger than a page (a 1 MiB array on the stack)', () => {
    const n = 1 << 20;
    const v = runValue((e) => {
      const big = e.alloc(arrayOf(n, u8));
      const last = e.elemptr(onePtr(u8), big, e.int(usize, n - 1), 1);
      const first = e.elemptr(onePtr(u8), big, e.int(usize, 0), 1);
      e.store(last, e.int(u8, 200));
      e.store(first, e.int(u8, 55));
      return e.intcast(u64, e.bin('add', u8, e.load(u8, last), e.load(u8, first)));
    });
    expect(v).toBe(255n);
  });
});
