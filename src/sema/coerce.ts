//! Coercion (spec §3), used by `as`, argument passing, `store`, `return`, `break`:
//! identical types; comptime_int to an integer type that holds the value; integer
//! widening; `*[N]T` to `[]const T` / `[*]const T`; mutable pointer to const pointer;
//! `undefined` to anything. Comptime values stay comptime; runtime ones lower to AIR.

import type { AirRef } from './air.js';
import { intFits } from './int_math.js';
import { comptime, type Sema, type SVal, typeOfSVal } from './Sema.js';
import { airType, typeEql, typeName, usizeType, type IntType, type PointerType, type Type } from './types.js';

/** Can a runtime integer of type `src` widen to `dest` without loss? */
export function intWidens(src: IntType, dest: IntType): boolean {
  if (src.signed === dest.signed) return dest.bits >= src.bits;
  return !src.signed && dest.signed && dest.bits > src.bits;
}

export function coerce(sema: Sema, v: SVal, dest: Type, offset: number, body: AirRef[] | null): SVal {
  const src = typeOfSVal(v);
  if (typeEql(src, dest)) return v;
  const mismatch = (): never => sema.fail(offset, `expected type '${typeName(dest)}', found '${typeName(src)}'`);

  if (!v.rt && v.tv.value.kind === 'undef') return comptime({ type: dest, value: { kind: 'undef' } });

  if (src.kind === 'comptime_int' && !v.rt && v.tv.value.kind === 'int') {
    const n = v.tv.value.value;
    if (dest.kind === 'int') {
      if (!intFits(n, dest)) return sema.fail(offset, `type '${typeName(dest)}' cannot represent integer value ${n}`);
      return comptime({ type: dest, value: { kind: 'int', value: n } });
    }
    return mismatch();
  }

  if (src.kind === 'int' && dest.kind === 'int') {
    if (!intWidens(src, dest)) return mismatch();
    if (!v.rt) return comptime({ type: dest, value: v.tv.value });
    return sema.emit({ op: 'intcast', type: dest, operand: v.ref, safe: false }, requireBody(body));
  }

  if (src.kind === 'pointer' && dest.kind === 'pointer') {
    const converted = coercePointer(sema, v, src, dest, offset, body);
    if (converted !== null) return converted;
  }
  return mismatch();
}

function coercePointer(
  sema: Sema,
  v: SVal,
  src: PointerType,
  dest: PointerType,
  offset: number,
  body: AirRef[] | null,
): SVal | null {
  if (dest.mutable && !src.mutable) return null;
  // Same kind of pointer, only losing mutability.
  if (src.size === dest.size && typeEql(src.elem, dest.elem)) {
    return v.rt ? { rt: true, type: dest, ref: v.ref } : comptime({ type: dest, value: v.tv.value });
  }
  // Pointer to array → many-pointer or slice of its elements.
  if (src.size !== 'one' || src.elem.kind !== 'array' || !typeEql(src.elem.elem, dest.elem)) return null;
  const array = src.elem;
  if (dest.size === 'many') {
    if (v.rt) return sema.emit({ op: 'bitcast', type: dest, operand: v.ref }, requireBody(body));
    const p = v.tv.value;
    if (p.kind !== 'ptr') return comptime({ type: dest, value: p });
    return comptime({ type: dest, value: { ...p, index: p.index ?? 0 } });
  }
  if (dest.size === 'slice') {
    if (v.rt) return sliceOfArray(sema, v.ref, dest, array.len, requireBody(body));
    const p = v.tv.value;
    const ptr = p.kind === 'ptr' ? { ...p, index: p.index ?? 0 } : p;
    return comptime({ type: dest, value: { kind: 'slice', ptr, len: array.len } });
  }
  return null;
}

/** A runtime slice of the `len` elements at `arrayPtr`: a new stack slot holding (pointer, length). */
function sliceOfArray(sema: Sema, arrayPtr: AirRef, dest: PointerType, len: number, body: AirRef[]): SVal {
  const target = sema.opts.target;
  const usize = usizeType(target);
  const many: Type = { kind: 'pointer', size: 'many', mutable: dest.mutable, elem: dest.elem };
  const slot = sema.emitRef({ op: 'alloc', type: airType(dest), elemType: dest }, body);
  const fieldPtr = (elem: Type, offset: number): AirRef =>
    sema.emitRef({ op: 'offsetptr', type: { kind: 'pointer', size: 'one', mutable: true, elem }, ptr: slot, offset }, body);
  const ptr = sema.emitRef({ op: 'bitcast', type: many, operand: arrayPtr }, body);
  const ptrField = fieldPtr(many, 0);
  const storePtr = sema.emitRef({ op: 'store', type: { kind: 'void' }, ptr: ptrField, value: ptr }, body);
  const length = sema.toRef(comptime({ type: usize, value: { kind: 'int', value: BigInt(len) } }), 0);
  const lenField = fieldPtr(usize, target.ptrBytes);
  const storeLen = sema.emitRef({ op: 'store', type: { kind: 'void' }, ptr: lenField, value: length }, body);
  sema.lowered(slot, 'as', [{ type: dest }, { ref: arrayPtr }], [ptr, ptrField, storePtr, lenField, storeLen]);
  return sema.aggregateAt(dest, slot);
}

function requireBody(body: AirRef[] | null): AirRef[] {
  if (body === null) throw new Error('sema: runtime coercion outside a function body');
  return body;
}
