import { describe, expect, it } from 'vitest';
import { intType, type IntType } from '../../src/sema/types.js';
import { FnBuilder, fnType, i64, i8, NORETURN, u16, u32, u64, u8 } from './air_builder.js';
import { runProgram, type RunResult } from './harness.js';

const START = fnType([], NORETURN, 'C');

/** A program whose `check(a, b)` applies `op` to runtime arguments, then exits 0. */
function runOp(op: 'add' | 'sub' | 'mul' | 'div' | 'rem' | 'shl' | 'shr', t: IntType, a: bigint, b: bigint, safe = true): RunResult {
  const ty = fnType([t, t], t);
  const f = new FnBuilder('check', ty);
  f.ret(f.bin(op, t, f.arg(0), f.arg(1), safe));
  const e = new FnBuilder('entry', START);
  e.callDecl('check', ty, [e.int(t, a), e.int(t, b)]);
  e.exitWith(0);
  return runProgram({ functions: [e.build(), f.build()], entry: 'entry' });
}

function runCast(from: IntType, to: IntType, a: bigint): RunResult {
  const ty = fnType([from], to);
  const f = new FnBuilder('check', ty);
  f.ret(f.intcast(to, f.arg(0)));
  const e = new FnBuilder('entry', START);
  e.callDecl('check', ty, [e.int(from, a)]);
  e.exitWith(0);
  return runProgram({ functions: [e.build(), f.build()], entry: 'entry' });
}

const panicked = (reason: string) => ({ stderr: `panic: ${reason}\n`, status: 134 });
const passed = { stderr: '', status: 0 };
const outcome = (r: RunResult) => ({ stderr: r.stderr, status: r.status });

const i16 = intType(true, 16);
const u7 = intType(false, 7);
const i13 = intType(true, 13);
const u33 = intType(false, 33);
const i47 = intType(true, 47);

describe('safety checks (spec §8)', () => {
  it.each([
    ['add', u8, 255n, 1n], ['add', i8, 127n, 1n], ['add', u7, 127n, 1n], ['add', i13, -4096n, -1n],
    ['add', u64, 0xffffffffffffffffn, 1n], ['add', i64, 0x7fffffffffffffffn, 1n], ['add', u33, (1n << 33n) - 1n, 1n],
    ['sub', u8, 0n, 1n], ['sub', i8, -128n, 1n], ['sub', u64, 3n, 4n], ['sub', i64, -0x8000000000000000n, 1n], ['sub', i13, 4095n, -1n],
    ['mul', u8, 16n, 16n], ['mul', i8, -128n, -1n], ['mul', u32, 0x10000n, 0x10000n], ['mul', u64, 1n << 32n, 1n << 32n],
    ['mul', i64, 1n << 62n, 2n], ['mul', i47, 1n << 45n, 2n], ['mul', u33, 1n << 32n, 2n],
    ['div', i8, -128n, -1n], ['div', i64, -0x8000000000000000n, -1n], ['rem', i13, -4096n, -1n],
  ] as const)('%s of %s %d and %d panics with integer overflow', (op, t, a, b) => {
    expect(outcome(runOp(op, t, a, b))).toEqual(panicked('integer overflow'));
  });

  it.each([
    ['add', u8, 254n, 1n], ['add', i8, -128n, 127n], ['sub', u64, 4n, 4n], ['mul', u64, 1n << 31n, 1n << 32n],
    ['mul', i64, -(1n << 62n), 2n], ['div', i8, -128n, 1n], ['rem', i64, -0x8000000000000000n, 3n], ['shl', u8, 1n, 7n],
  ] as const)('%s of %s %d and %d at the edge does not panic', (op, t, a, b) => {
    expect(outcome(runOp(op, t, a, b))).toEqual(passed);
  });

  it.each([['div', u32], ['rem', i64], ['div', u7]] as const)('%s of %s by zero panics with division by zero', (op, t) => {
    expect(outcome(runOp(op, t, 5n, 0n))).toEqual(panicked('division by zero'));
  });

  it.each([['shl', u8, 8n], ['shr', i64, 64n], ['shl', u7, 7n], ['shr', i8, -1n]] as const)(
    '%s of %s by %d panics with shift amount is too large',
    (op, t, amount) => {
      expect(outcome(runOp(op, t, 1n, amount))).toEqual(panicked('shift amount is too large'));
    },
  );

  it.each([
    [i8, u8, -1n], [u16, u8, 256n], [u64, i64, 0x8000000000000000n], [i64, u64, -1n], [i64, i13, 4096n], [u32, i8, 128n],
    [i16, u7, 128n],
  ] as const)('intcast %s → %s of %d panics with integer cast truncated bits', (from, to, v) => {
    expect(outcome(runCast(from, to, v))).toEqual(panicked('integer cast truncated bits'));
  });

  it.each([[i8, u8, 127n], [u64, i64, 0x7fffffffffffffffn], [i64, i13, -4096n], [u32, i8, 127n], [i16, u7, 0n]] as const)(
    'intcast %s → %s of %d that fits passes',
    (from, to, v) => {
      expect(outcome(runCast(from, to, v))).toEqual(passed);
    },
  );

  it('checks constant divisors at compile time shape: zero always panics, -1 checks for minInt', () => {
    const run = (op: 'div' | 'rem', a: bigint, divisor: bigint) => {
      const ty = fnType([i8], i8);
      const f = new FnBuilder('check', ty);
      f.ret(f.bin(op, i8, f.arg(0), f.int(i8, divisor)));
      const e = new FnBuilder('entry', START);
      e.callDecl('check', ty, [e.int(i8, a)]);
      e.exitWith(0);
      return outcome(runProgram({ functions: [e.build(), f.build()], entry: 'entry' }));
    };
    expect(run('div', 5n, 0n)).toEqual(panicked('division by zero'));
    expect(run('div', -128n, -1n)).toEqual(panicked('integer overflow'));
    expect(run('rem', -127n, -1n)).toEqual(passed);
    expect(run('div', -128n, 2n)).toEqual(passed);
  });

  it('unchecked operations do not panic', () => {
    expect(outcome(runOp('add', u8, 255n, 1n, false))).toEqual(passed);
    expect(outcome(runOp('shl', u8, 1n, 9n, false))).toEqual(passed);
  });

  it('reaching a checked unreachable panics; an unchecked one traps with ud2; breakpoint traps with int3', () => {
    const run = (emit: (b: FnBuilder) => void) => {
      const b = new FnBuilder('entry', START);
      emit(b);
      return runProgram({ functions: [b.build()], entry: 'entry' });
    };
    expect(outcome(run((b) => b.unreachable(true)))).toEqual(panicked('reached unreachable code'));
    expect(run((b) => b.unreachable(false)).signal).toBe('SIGILL');
    expect(
      run((b) => {
        b.breakpoint();
        b.exitWith(0);
      }).signal,
    ).toBe('SIGTRAP');
  });
});

