//! How AIR types map to wasm32: value types of locals, function signatures, and the
//! integer representation rule (a value in a local is always normalized: unsigned
//! zero-extended, signed sign-extended to its 32- or 64-bit container).

import type { FnType, Type } from '../../sema/types.js';
import { hasRuntimeBits } from '../../sema/types.js';
import { I32, I64, type WasmFuncSig, type WasmValType } from './output.js';

/** The wasm value type holding values of `t`, or null when `t` has no runtime bits. */
export function wasmValType(t: Type): WasmValType | null {
  switch (t.kind) {
    case 'int':
      return t.bits > 32 ? I64 : I32;
    case 'bool':
    case 'pointer':
    case 'fn':
      return I32;
    default:
      return null;
  }
}

/** The wasm signature of a function type: zero-bit parameters are dropped, `void` and
 * `noreturn` results give no result. */
export function wasmSigOf(fn: FnType): WasmFuncSig {
  const params: WasmValType[] = [];
  for (const p of fn.params) {
    const v = hasRuntimeBits(p) ? wasmValType(p) : null;
    if (v !== null) params.push(v);
  }
  const r = hasRuntimeBits(fn.ret) ? wasmValType(fn.ret) : null;
  return { params, results: r === null ? [] : [r] };
}

/** Integer view of a scalar type: bits, signedness, container width. */
export interface IntRepr {
  bits: number;
  signed: boolean;
  /** Container width: 32 or 64. */
  width: 32 | 64;
  val: WasmValType;
}

export function intRepr(t: Type): IntRepr {
  if (t.kind === 'int') {
    const width = t.bits > 32 ? 64 : 32;
    return { bits: t.bits, signed: t.signed, width, val: width === 64 ? I64 : I32 };
  }
  if (t.kind === 'bool') return { bits: 1, signed: false, width: 32, val: I32 };
  return { bits: 32, signed: false, width: 32, val: I32 };
}

export function minInt(r: { bits: number; signed: boolean }): bigint {
  return r.signed ? -(1n << BigInt(r.bits - 1)) : 0n;
}

export function maxInt(r: { bits: number; signed: boolean }): bigint {
  return r.signed ? (1n << BigInt(r.bits - 1)) - 1n : (1n << BigInt(r.bits)) - 1n;
}
