//! Integer arithmetic at compile time (spec §3, §5): ranges of sized integers, and the
//! folding of arithmetic, bitwise, shift and comparison operators on bigints with Zig's
//! errors (overflow, division by zero, oversized shifts). `comptime_int` is unbounded.

import type { CmpOp } from './air.js';
import { typeName, type IntType, type Type } from './types.js';

export function intMin(t: IntType): bigint {
  return t.signed ? -(1n << BigInt(t.bits - 1)) : 0n;
}

export function intMax(t: IntType): bigint {
  return t.signed ? (1n << BigInt(t.bits - 1)) - 1n : (1n << BigInt(t.bits)) - 1n;
}

export function intFits(v: bigint, t: IntType): boolean {
  return v >= intMin(t) && v <= intMax(t);
}

/** Two's complement wrap of `v` into `t`. */
export function wrapInt(v: bigint, t: IntType): bigint {
  return t.signed ? BigInt.asIntN(t.bits, v) : BigInt.asUintN(t.bits, v);
}

export type ArithTag =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'mod_rem'
  | 'addwrap'
  | 'subwrap'
  | 'mulwrap'
  | 'bitand'
  | 'bitor'
  | 'xor'
  | 'shl'
  | 'shr';

export const ARITH_TAGS: ReadonlySet<string> = new Set<ArithTag>([
  'add',
  'sub',
  'mul',
  'div',
  'mod_rem',
  'addwrap',
  'subwrap',
  'mulwrap',
  'bitand',
  'bitor',
  'xor',
  'shl',
  'shr',
]);

export type FoldResult = { ok: true; value: bigint } | { ok: false; message: string };

/** Folds `lhs tag rhs` in type `t` (an integer type or comptime_int). */
export function foldArith(tag: ArithTag, lhs: bigint, rhs: bigint, t: Type): FoldResult {
  const sized = t.kind === 'int' ? t : null;
  const checked = (v: bigint): FoldResult =>
    sized === null || intFits(v, sized)
      ? { ok: true, value: v }
      : { ok: false, message: `overflow of integer type '${typeName(t)}' with value '${v}'` };
  const wrapped = (v: bigint): FoldResult => ({ ok: true, value: sized === null ? v : wrapInt(v, sized) });
  switch (tag) {
    case 'add':
      return checked(lhs + rhs);
    case 'sub':
      return checked(lhs - rhs);
    case 'mul':
      return checked(lhs * rhs);
    case 'div':
      if (rhs === 0n) return { ok: false, message: 'division by zero' };
      return checked(lhs / rhs);
    case 'mod_rem':
      if (rhs === 0n) return { ok: false, message: 'division by zero' };
      if (sized !== null && !intFits(lhs / rhs, sized)) return checked(lhs / rhs);
      return { ok: true, value: lhs % rhs };
    case 'addwrap':
      return wrapped(lhs + rhs);
    case 'subwrap':
      return wrapped(lhs - rhs);
    case 'mulwrap':
      return wrapped(lhs * rhs);
    case 'bitand':
      return { ok: true, value: lhs & rhs };
    case 'bitor':
      return { ok: true, value: lhs | rhs };
    case 'xor':
      return { ok: true, value: lhs ^ rhs };
    case 'shl':
    case 'shr': {
      if (rhs < 0n || (sized !== null && rhs >= BigInt(sized.bits))) {
        return { ok: false, message: `shift amount '${rhs}' is too large for type '${typeName(t)}'` };
      }
      if (tag === 'shr') return { ok: true, value: lhs >> rhs };
      return wrapped(lhs << rhs);
    }
  }
}

export function foldBitNot(v: bigint, t: Type): bigint {
  return t.kind === 'int' ? wrapInt(~v, t) : ~v;
}

export function foldCmp(op: CmpOp, lhs: bigint, rhs: bigint): boolean {
  switch (op) {
    case 'lt':
      return lhs < rhs;
    case 'lte':
      return lhs <= rhs;
    case 'eq':
      return lhs === rhs;
    case 'gte':
      return lhs >= rhs;
    case 'gt':
      return lhs > rhs;
    case 'neq':
      return lhs !== rhs;
  }
}
