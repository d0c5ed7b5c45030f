// `memcpy` (copying an aggregate by value) on x86-64: short copies unrolled into moves,
// long ones with `rep movsb`, for pointers in every kind of home, and without disturbing
// the values that live across the copy (rep movsb takes rsi and rdi).

import { describe, expect, it } from 'vitest';
import type { AirFunction, AirRef, DataAtom } from '../../src/sema/air.js';
import { arrayOf, FnBuilder, fnType, NORETURN, onePtr, u8, usize, VOID } from './air_builder.js';
import { runProgram } from './harness.js';

const SIZES = [0, 1, 2, 3, 5, 6, 7, 8, 9, 15, 16, 17, 63, 64, 65, 100, 1003, 70001];

function pattern(len: number): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => (i * 37 + len) & 0xff);
}

function memcpy(b: FnBuilder, dst: AirRef, src: AirRef, len: number): AirRef {
  return b.emit({ op: 'memcpy', type: VOID, dst, src, len });
}

/** copy_<len>(src, dst): copies, then prints dst through an address taken before the copy. */
function copyAndPrint(len: number): AirFunction {
  const arr = arrayOf(len, u8);
  const f = new FnBuilder(`copy_${len}`, fnType([onePtr(arr, false), onePtr(arr)], VOID));
  const src = f.arg(0);
  const dst = f.arg(1);
  const before = f.ptrtoint(dst);
  memcpy(f, dst, src, len);
  f.write(1, before, f.int(usize, len));
  f.retvoid();
  return f.build();
}

describe('memcpy', () => {
  it('copies every size exactly, from a constant into the stack, through pointer arguments', () => {
    const data: DataAtom[] = SIZES.map((len) => ({ name: `pat_${len}`, bytes: pattern(len), align: 1, relocs: [], section: 'rodata' }));
    const e = new FnBuilder('entry', fnType([], NORETURN, 'C'));
    for (const len of SIZES) {
      const arr = arrayOf(len, u8);
      const dst = e.alloc(arr);
      const src = e.addr(onePtr(arr, false), { kind: 'decl', name: `pat_${len}` });
      e.callDecl(`copy_${len}`, fnType([onePtr(arr, false), onePtr(arr)], VOID), [src, dst]);
    }
    e.exitWith(0);
    const r = runProgram({ functions: [e.build(), ...SIZES.map(copyAndPrint)], data, entry: 'entry' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const expected = Buffer.concat(SIZES.map((len) => Buffer.from(pattern(len))));
    expect(r.stdoutBytes.equals(expected)).toBe(true);
  });

  it('copies between two stack slots, short and long; a value live across the copy keeps its register', () => {
    const data: DataAtom[] = [{ name: 'pat', bytes: pattern(300), align: 1, relocs: [], section: 'rodata' }];
    const e = new FnBuilder('entry', fnType([], NORETURN, 'C'));
    for (const len of [13, 300]) {
      const arr = arrayOf(len, u8);
      const b = e.alloc(arr);
      const a = e.alloc(arr);
      // The first free register (rsi) would hold `before`, were rep movsb not known to destroy it.
      const before = e.ptrtoint(b);
      memcpy(e, a, e.addr(onePtr(arr, false), { kind: 'decl', name: 'pat' }), len);
      memcpy(e, b, a, len);
      e.store(e.elemptr(onePtr(u8), a, e.int(usize, 0), 1), e.int(u8, 0));
      e.write(1, before, e.int(usize, len));
    }
    e.exitWith(0);
    const r = runProgram({ functions: [e.build()], data, entry: 'entry' });
    expect(r.status).toBe(0);
    const p = pattern(300);
    expect(r.stdoutBytes.equals(Buffer.concat([Buffer.from(p.subarray(0, 13)), Buffer.from(p)]))).toBe(true);
  });
});
