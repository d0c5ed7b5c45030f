//! Integer arithmetic at compile time (spec §3, §5): ranges of sized integers, and the
//! folding of arithmetic, bitwise, shift and comparison operators on bigints with Zig's
//! errors (overflow, division by zero, oversized shifts). A `comptime_int` holds at most
//! `COMPTIME_INT_BITS` bits of magnitude (spec §10), so folding never runs away.

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

/** The widest comptime integer: 65535 bits of magnitude, the widest integer type Zig allows. */
export const COMPTIME_INT_BITS = 65535;
const COMPTIME_INT_BOUND = 1n << BigInt(COMPTIME_INT_BITS);
// Both bounds made once: negating the bound in the check made an 8 KB bigint for every
// integer literal, a third of all a build allocated.
const COMPTIME_INT_NEGATIVE_BOUND = -COMPTIME_INT_BOUND;
export const COMPTIME_INT_TOO_WIDE = `comptime integer exceeds the ${COMPTIME_INT_BITS}-bit limit`;

/** Whether `v` fits a comptime_int: |v| < 2^65535. */
export function comptimeIntFits(v: bigint): boolean {
  return v < COMPTIME_INT_BOUND && v > COMPTIME_INT_NEGATIVE_BOUND;
}

export type FoldResult = { ok: true; value: bigint } | { ok: false; message: string };

/** Folds `lhs tag rhs` in type `t` (an integer type or comptime_int). */
export function foldArith(tag: ArithTag, lhs: bigint, rhs: bigint, t: Type): FoldResult {
  const folded = foldArithUnbounded(tag, lhs, rhs, t);
  if (folded.ok && t.kind !== 'int' && !comptimeIntFits(folded.value)) return { ok: false, message: COMPTIME_INT_TOO_WIDE };
  return folded;
}

function foldArithUnbounded(tag: ArithTag, lhs: bigint, rhs: bigint, t: Type): FoldResult {
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
      if (tag === 'shr') return { ok: true, value: rhs > BigInt(COMPTIME_INT_BITS) ? (lhs < 0n ? -1n : 0n) : lhs >> rhs };
      // Shifting a comptime_int this far would exceed the limit: do not compute it.
      if (sized === null && lhs !== 0n && rhs > BigInt(COMPTIME_INT_BITS)) return { ok: false, message: COMPTIME_INT_TOO_WIDE };
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
