//! Lowering of integer operations with the normalization rule of `types.ts` and the
//! safety checks of spec §8 (overflow, division by zero, minInt / -1, shift amount,
//! intcast range). Each helper expects nothing on the wasm stack and leaves the result
//! on it; failed checks call the backend's panic routines.

import type { RuntimeSymbol } from '../../sema/air.js';
import type { FunctionEmitter } from './emit.js';
import { Op } from './opcodes.js';
import { I32, I64 } from './output.js';
import { maxInt, minInt, type IntRepr } from './types.js';

/** Emits the value of an operand (a local.get or a materialized constant). */
export type ValueEmitter = () => void;

export class IntLowering {
  private scratch64: number[] = [];
  private scratch32: number[] = [];

  constructor(private readonly e: FunctionEmitter) {}

  /** The `n`th scratch local of a type (shared by all instructions of the function). */
  tmp64(n: number): number {
    while (this.scratch64.length <= n) this.scratch64.push(this.e.newLocal(I64));
    return this.scratch64[n]!;
  }

  tmp32(n: number): number {
    while (this.scratch32.length <= n) this.scratch32.push(this.e.newLocal(I32));
    return this.scratch32[n]!;
  }

  /** Normalize the value on top of the stack to `r.bits` within its container. */
  normalize(r: IntRepr): void {
    if (r.bits >= r.width) return;
    const e = this.e;
    if (r.width === 32) {
      if (r.signed) {
        e.i32Const(32 - r.bits);
        e.op(Op.i32_shl);
        e.i32Const(32 - r.bits);
        e.op(Op.i32_shr_s);
      } else {
        e.i32Const((2 ** r.bits - 1) | 0);
        e.op(Op.i32_and);
      }
    } else if (r.signed) {
      e.i64Const(BigInt(64 - r.bits));
      e.op(Op.i64_shl);
      e.i64Const(BigInt(64 - r.bits));
      e.op(Op.i64_shr_s);
    } else {
      e.i64Const(BigInt.asIntN(64, (1n << BigInt(r.bits)) - 1n));
      e.op(Op.i64_and);
    }
  }

  /** Pops an i32 condition; if it is non-zero, calls the panic routine. */
  panicIf(sym: RuntimeSymbol): void {
    const e = this.e;
    e.open(Op.if);
    e.call({ kind: 'runtime', name: sym }, { params: [], results: [] });
    e.op(Op.unreachable);
    e.close();
  }

  /** Pushes an i32: whether the i64 on top of the stack lies outside `r`'s range. The value
   * must be the exact mathematical result (no 64-bit wrap happened). */
  private outOfRange64(r: { bits: number; signed: boolean }): void {
    const e = this.e;
    if (r.signed) {
      // (v - min) >u (max - min)
      e.i64Const(BigInt.asIntN(64, -minInt(r)));
      e.op(Op.i64_add);
      e.i64Const(BigInt.asIntN(64, maxInt(r) - minInt(r)));
      e.op(Op.i64_gt_u);
    } else {
      e.i64Const(BigInt.asIntN(64, maxInt(r)));
      e.op(Op.i64_gt_u);
    }
  }

  private extendTo64(r: IntRepr): void {
    if (r.width === 32) this.e.op(r.signed ? Op.i64_extend_i32_s : Op.i64_extend_i32_u);
  }

  wrapping(op: 'add' | 'sub' | 'mul', r: IntRepr, lhs: ValueEmitter, rhs: ValueEmitter): void {
    lhs();
    rhs();
    this.e.op(arithOpcode(op, r.width));
    this.normalize(r);
  }

  checked(op: 'add' | 'sub' | 'mul', r: IntRepr, lhs: ValueEmitter, rhs: ValueEmitter): void {
    const e = this.e;
    const exactIn64 = r.width === 32 || (op !== 'mul' && r.bits < 64);
    if (exactIn64) {
      // The mathematical result fits an i64: compute it there and range-check.
      const v = this.tmp64(0);
      lhs();
      this.extendTo64(r);
      rhs();
      this.extendTo64(r);
      e.op(arithOpcode(op, 64));
      e.tee(v);
      this.outOfRange64(r);
      this.panicIf('panic_integer_overflow');
      e.get(v);
      if (r.width === 32) e.op(Op.i32_wrap_i64);
      return;
    }
    const a = this.tmp64(0);
    const b = this.tmp64(1);
    const res = this.tmp64(2);
    lhs();
    e.set(a);
    rhs();
    e.set(b);
    e.get(a);
    e.get(b);
    e.op(arithOpcode(op, 64));
    e.set(res);
    if (op === 'add' || op === 'sub') {
      // 64-bit add/sub.
      if (!r.signed) {
        if (op === 'add') {
          e.get(res);
          e.get(a);
          e.op(Op.i64_lt_u);
        } else {
          e.get(a);
          e.get(b);
          e.op(Op.i64_lt_u);
        }
      } else {
        if (op === 'add') {
          e.get(a);
          e.get(res);
          e.op(Op.i64_xor);
          e.get(b);
          e.get(res);
          e.op(Op.i64_xor);
        } else {
          e.get(a);
          e.get(b);
          e.op(Op.i64_xor);
          e.get(a);
          e.get(res);
          e.op(Op.i64_xor);
        }
        e.op(Op.i64_and);
        e.i64Const(0n);
        e.op(Op.i64_lt_s);
      }
    } else {
      // mul of 33..64 bits: res / a != b detects a 64-bit wrap (a == -1 handled apart
      // so the division cannot trap), then the range check catches < 64-bit overflow.
      e.get(a);
      e.op(Op.i64_eqz);
      e.open(Op.if, I32);
      e.i32Const(0);
      e.else();
      if (r.signed) {
        e.get(a);
        e.i64Const(-1n);
        e.op(Op.i64_eq);
        e.open(Op.if, I32);
        e.get(b);
        e.i64Const(-(1n << 63n));
        e.op(Op.i64_eq);
        e.else();
        e.get(res);
        e.get(a);
        e.op(Op.i64_div_s);
        e.get(b);
        e.op(Op.i64_ne);
        e.close();
      } else {
        e.get(res);
        e.get(a);
        e.op(Op.i64_div_u);
        e.get(b);
        e.op(Op.i64_ne);
      }
      e.close();
      if (r.bits < 64) {
        e.get(res);
        this.outOfRange64(r);
        e.op(Op.i32_or);
      }
    }
    this.panicIf('panic_integer_overflow');
    e.get(res);
  }

  divRem(op: 'div' | 'rem', r: IntRepr, safe: boolean, lhs: ValueEmitter, rhs: ValueEmitter): void {
    const e = this.e;
    const w = r.width;
    if (safe) {
      rhs();
      e.op(w === 64 ? Op.i64_eqz : Op.i32_eqz);
      this.panicIf('panic_division_by_zero');
      if (r.signed) {
        lhs();
        e.constOf(r.val, minInt(r));
        e.op(w === 64 ? Op.i64_eq : Op.i32_eq);
        rhs();
        e.constOf(r.val, -1n);
        e.op(w === 64 ? Op.i64_eq : Op.i32_eq);
        e.op(Op.i32_and);
        this.panicIf('panic_integer_overflow');
      }
    }
    lhs();
    rhs();
    if (w === 64) e.op(op === 'div' ? (r.signed ? Op.i64_div_s : Op.i64_div_u) : r.signed ? Op.i64_rem_s : Op.i64_rem_u);
    else e.op(op === 'div' ? (r.signed ? Op.i32_div_s : Op.i32_div_u) : r.signed ? Op.i32_rem_s : Op.i32_rem_u);
    if (r.signed) this.normalize(r);
  }

  shift(op: 'shl' | 'shr', r: IntRepr, safe: boolean, lhs: ValueEmitter, rhs: ValueEmitter): void {
    const e = this.e;
    const w = r.width;
    if (safe) {
      rhs();
      e.constOf(r.val, BigInt(r.bits));
      e.op(w === 64 ? Op.i64_ge_u : Op.i32_ge_u);
      this.panicIf('panic_shift_too_large');
    }
    lhs();
    rhs();
    if (op === 'shl') {
      e.op(w === 64 ? Op.i64_shl : Op.i32_shl);
      this.normalize(r);
    } else {
      e.op(w === 64 ? (r.signed ? Op.i64_shr_s : Op.i64_shr_u) : r.signed ? Op.i32_shr_s : Op.i32_shr_u);
    }
  }

  bitwise(op: 'bitand' | 'bitor' | 'xor', r: IntRepr, lhs: ValueEmitter, rhs: ValueEmitter): void {
    lhs();
    rhs();
    const w = r.width;
    this.e.op(op === 'bitand' ? (w === 64 ? Op.i64_and : Op.i32_and) : op === 'bitor' ? (w === 64 ? Op.i64_or : Op.i32_or) : w === 64 ? Op.i64_xor : Op.i32_xor);
  }

  bitnot(r: IntRepr, x: ValueEmitter): void {
    x();
    this.e.constOf(r.val, -1n);
    this.e.op(r.width === 64 ? Op.i64_xor : Op.i32_xor);
    this.normalize(r);
  }

  /** Integer conversion between widths/signedness; range-checked when `safe`. */
  intcast(from: IntRepr, to: IntRepr, safe: boolean, x: ValueEmitter): void {
    const e = this.e;
    const needsLow = from.signed ? minInt(from) < minInt(to) : false;
    const needsHigh = maxInt(from) > maxInt(to);
    if (safe && (needsLow || needsHigh)) {
      const v = this.tmp64(0);
      x();
      this.extendTo64(from);
      e.set(v);
      // The source value as an exact i64 (u64 when `from` is an unsigned 64-bit int).
      if (needsLow) {
        e.get(v);
        e.i64Const(BigInt.asIntN(64, minInt(to)));
        e.op(Op.i64_lt_s);
      }
      if (needsHigh) {
        e.get(v);
        e.i64Const(BigInt.asIntN(64, maxInt(to)));
        // A signed source compares signed; an unsigned source compares unsigned.
        e.op(from.signed ? Op.i64_gt_s : Op.i64_gt_u);
        if (needsLow) e.op(Op.i32_or);
      }
      this.panicIf('panic_cast_truncated');
    }
    x();
    if (from.width === 32 && to.width === 64) e.op(from.signed ? Op.i64_extend_i32_s : Op.i64_extend_i32_u);
    else if (from.width === 64 && to.width === 32) e.op(Op.i32_wrap_i64);
    this.normalize(to);
  }
}

export function arithOpcode(op: 'add' | 'sub' | 'mul', width: 32 | 64): number {
  if (width === 64) return op === 'add' ? Op.i64_add : op === 'sub' ? Op.i64_sub : Op.i64_mul;
  return op === 'add' ? Op.i32_add : op === 'sub' ? Op.i32_sub : Op.i32_mul;
}
