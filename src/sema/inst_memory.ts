//! Handlers for conversions and memory: `as`, `intcast`, `bitcast`, `ptrtoint`, `alloc`,
//! `alloc_mut`, `store`, `deref`, `ref`, `elemptr`, `fieldptr`. Comptime pointers fold
//! (a pointer into a constant knows the value it points at); runtime ones lower to AIR.

import { latin1String } from '../zir/bytes.js';
import type { Inst } from '../zir/ast.js';
import type { AirRef } from './air.js';
import { coerce } from './coerce.js';
import { intFits, wrapInt } from './int_math.js';
import { runtimeBody } from './inst_arith.js';
import { comptime, type Sema, type SVal, typeOfSVal } from './Sema.js';
import {
  airType,
  hasRuntimeBits,
  isAggregate,
  sizeOf,
  typeEql,
  typeName,
  usizeType,
  type PointerType,
  type Type,
} from './types.js';
import type { TypedValue, Value } from './value.js';

export function analyzeAs(sema: Sema, inst: Inst, body: AirRef[] | null): SVal {
  const dest = sema.typeArg(inst.args[0], inst.offset);
  const v = sema.resolveArg(inst.args[1], inst.offset);
  return coerce(sema, v, dest, inst.offset, body);
}

export function analyzeIntCast(sema: Sema, inst: Inst, body: AirRef[] | null): SVal {
  const dest = sema.typeArg(inst.args[0], inst.offset);
  const v = sema.resolveArg(inst.args[1], inst.offset);
  const src = typeOfSVal(v);
  if (dest.kind !== 'int' && dest.kind !== 'comptime_int') {
    return sema.fail(inst.offset, `expected integer type, found '${typeName(dest)}'`);
  }
  if (src.kind !== 'int' && src.kind !== 'comptime_int') {
    return sema.fail(inst.offset, `expected integer type, found '${typeName(src)}'`);
  }
  if (!v.rt && v.tv.value.kind === 'int') {
    const n = v.tv.value.value;
    if (dest.kind === 'int' && !intFits(n, dest)) {
      return sema.fail(inst.offset, `type '${typeName(dest)}' cannot represent integer value ${n}`);
    }
    return comptime({ type: dest, value: { kind: 'int', value: n } });
  }
  if (dest.kind !== 'int') return sema.fail(inst.offset, 'unable to resolve comptime value');
  if (typeEql(src, dest)) return v;
  return sema.emit(
    { op: 'intcast', type: dest, operand: sema.toRef(v, inst.offset), safe: sema.opts.safety },
    runtimeBody(sema, body, inst),
  );
}

function isBitcastable(t: Type): boolean {
  return t.kind === 'int' || (t.kind === 'pointer' && t.size !== 'slice');
}

export function analyzeBitCast(sema: Sema, inst: Inst, body: AirRef[] | null): SVal {
  const dest = sema.typeArg(inst.args[0], inst.offset);
  const v = sema.resolveArg(inst.args[1], inst.offset);
  const src = typeOfSVal(v);
  const target = sema.opts.target;
  if (!isBitcastable(dest) || !isBitcastable(src) || sizeOf(dest, target) !== sizeOf(src, target)) {
    return sema.fail(inst.offset, `cannot bitcast from '${typeName(src)}' to '${typeName(dest)}'`);
  }
  if (typeEql(src, dest)) return v;
  if (!v.rt && src.kind === 'int' && dest.kind === 'int' && v.tv.value.kind === 'int') {
    return comptime({ type: dest, value: { kind: 'int', value: wrapInt(v.tv.value.value, dest) } });
  }
  if (!v.rt && src.kind === 'pointer' && dest.kind === 'pointer') return comptime({ type: dest, value: v.tv.value });
  return sema.emit({ op: 'bitcast', type: dest, operand: sema.toRef(v, inst.offset) }, runtimeBody(sema, body, inst));
}

function requirePointer(sema: Sema, v: SVal, offset: number): PointerType {
  const t = typeOfSVal(v);
  if (t.kind !== 'pointer') return sema.fail(offset, `expected pointer, found '${typeName(t)}'`);
  return t;
}

export function analyzePtrToInt(sema: Sema, inst: Inst, body: AirRef[] | null): SVal {
  const p = sema.resolveArg(inst.args[0], inst.offset);
  const t = requirePointer(sema, p, inst.offset);
  if (t.size === 'slice') return sema.fail(inst.offset, `expected pointer, found '${typeName(t)}'`);
  const b = runtimeBody(sema, body, inst);
  return sema.emit({ op: 'ptrtoint', type: usizeType(sema.opts.target), operand: sema.toRef(p, inst.offset) }, b);
}

export function analyzeAlloc(sema: Sema, inst: Inst, body: AirRef[]): SVal {
  const elemType = sema.typeArg(inst.args[0], inst.offset);
  if (!hasRuntimeBits(elemType)) {
    return sema.fail(inst.offset, `unable to allocate a value of type '${typeName(elemType)}' at runtime`);
  }
  const type: Type = { kind: 'pointer', size: 'one', mutable: inst.tag === 'alloc_mut', elem: elemType };
  return sema.emit({ op: 'alloc', type, elemType }, body);
}

/** The value a comptime pointer points at, or null when it points at nothing known. */
export function comptimePointee(p: Value): TypedValue | null {
  if (p.kind !== 'ptr') return null;
  if (p.index === null) return p.object;
  const obj = p.object;
  if (obj.type.kind !== 'array') return p.index === 0 ? obj : null;
  const elemType = obj.type.elem;
  const v = obj.value;
  if (p.index === obj.type.len && obj.type.sentinel !== null) {
    return { type: elemType, value: { kind: 'int', value: obj.type.sentinel } };
  }
  if (p.index < 0 || p.index >= obj.type.len) return null;
  if (v.kind === 'bytes') return { type: elemType, value: { kind: 'int', value: BigInt(v.bytes[p.index] ?? 0) } };
  if (v.kind === 'aggregate') return { type: elemType, value: v.elems[p.index]! };
  if (v.kind === 'undef') return { type: elemType, value: { kind: 'undef' } };
  return null;
}

export function analyzeDeref(sema: Sema, inst: Inst, body: AirRef[] | null): SVal {
  const p = sema.resolveArg(inst.args[0], inst.offset);
  const t = requirePointer(sema, p, inst.offset);
  if (t.size !== 'one') return sema.fail(inst.offset, `cannot dereference a value of type '${typeName(t)}'`);
  if (!p.rt) {
    const pointee = comptimePointee(p.tv.value);
    if (pointee !== null) return comptime({ type: t.elem, value: pointee.value });
  }
  const b = runtimeBody(sema, body, inst);
  if (isAggregate(t.elem)) {
    // The value is a copy: later stores through `p` must not change it.
    const from = sema.toRef(p, inst.offset);
    const slot = sema.emitRef({ op: 'alloc', type: airType(t.elem), elemType: t.elem }, b);
    sema.lowered(slot, 'deref', [{ ref: from }], copyAggregate(sema, slot, from, t.elem, b));
    return sema.aggregateAt(t.elem, slot);
  }
  if (!isScalar(t.elem)) {
    return sema.fail(inst.offset, `loading a value of type '${typeName(t.elem)}' at runtime is not supported yet`);
  }
  return sema.emit({ op: 'load', type: airType(t.elem), ptr: sema.toRef(p, inst.offset) }, b);
}

function isScalar(t: Type): boolean {
  return t.kind === 'int' || t.kind === 'bool' || t.kind === 'fn' || (t.kind === 'pointer' && t.size !== 'slice');
}

export function analyzeStore(sema: Sema, inst: Inst, body: AirRef[]): SVal {
  const p = sema.resolveArg(inst.args[0], inst.offset);
  const t = requirePointer(sema, p, inst.offset);
  if (t.size !== 'one') return sema.fail(inst.offset, `cannot store through a value of type '${typeName(t)}'`);
  if (!p.rt) return sema.fail(inst.offset, 'cannot store to a comptime-known constant');
  const value = coerce(sema, sema.resolveArg(inst.args[1], inst.offset), t.elem, inst.offset, body);
  const ptrRef = p.ref;
  const elem = t.elem;
  if (isAggregate(elem)) {
    // Storing `undefined` leaves any bytes there (no constant of the aggregate's size is made);
    // a comptime slice is written field by field; anything else is copied from its memory.
    if (!value.rt && value.tv.value.kind === 'undef') return comptime({ type: { kind: 'void' }, value: { kind: 'void' } });
    if (elem.kind === 'pointer' && !value.rt && value.tv.value.kind === 'slice') return storeComptimeSlice(sema, ptrRef, elem, value.tv.value, body, inst.offset);
    const valueRef = sema.toRef(value, inst.offset);
    const [first, ...rest] = copyAggregate(sema, ptrRef, valueRef, elem, body);
    sema.lowered(first!, 'store', [{ ref: ptrRef }, { ref: valueRef }], rest);
    return comptime({ type: { kind: 'void' }, value: { kind: 'void' } });
  }
  if (!isScalar(elem)) {
    return sema.fail(inst.offset, `storing a value of type '${typeName(elem)}' at runtime is not supported yet`);
  }
  return sema.emit({ op: 'store', type: { kind: 'void' }, ptr: ptrRef, value: sema.toRef(value, inst.offset) }, body);
}

/** Writes the two words of a comptime slice through `ptrRef`: no constant holding the slice is needed. */
function storeComptimeSlice(
  sema: Sema,
  ptrRef: AirRef,
  sliceType: PointerType,
  slice: Extract<Value, { kind: 'slice' }>,
  body: AirRef[],
  offset: number,
): SVal {
  const many: Type = { kind: 'pointer', size: 'many', mutable: sliceType.mutable, elem: sliceType.elem };
  const usize = usizeType(sema.opts.target);
  const field = (elem: Type, at: number): AirRef =>
    sema.emitRef({ op: 'offsetptr', type: { kind: 'pointer', size: 'one', mutable: true, elem }, ptr: ptrRef, offset: at }, body);
  const ptrVal = sema.toRef(comptime({ type: many, value: slice.ptr }), offset);
  sema.emit({ op: 'store', type: { kind: 'void' }, ptr: field(many, 0), value: ptrVal }, body);
  const lenVal = sema.toRef(comptime({ type: usize, value: { kind: 'int', value: BigInt(slice.len) } }), offset);
  return sema.emit({ op: 'store', type: { kind: 'void' }, ptr: field(usize, sema.opts.target.ptrBytes), value: lenVal }, body);
}

export function analyzeRef(sema: Sema, inst: Inst, body: AirRef[] | null): SVal {
  const v = sema.resolveArg(inst.args[0], inst.offset);
  const t = typeOfSVal(v);
  const ptrType: Type = { kind: 'pointer', size: 'one', mutable: false, elem: t };
  if (!v.rt) return comptime(sema.pointerToNewConstant(v.tv, ptrType, inst.offset));
  const b = runtimeBody(sema, body, inst);
  // A runtime aggregate already lives in memory nothing writes: point at it.
  if (isAggregate(t)) {
    const ref = sema.emitRef({ op: 'bitcast', type: airType(t), operand: v.ref }, b);
    sema.writeAs(ref, { kind: 'inst', tag: 'ref', operands: [{ ref: v.ref }] });
    return { rt: true, type: ptrType, ref };
  }
  if (!isScalar(t)) return sema.fail(inst.offset, `taking the address of a runtime '${typeName(t)}' is not supported yet`);
  const slot = sema.emitRef({ op: 'alloc', type: ptrType, elemType: t }, b);
  sema.emit({ op: 'store', type: { kind: 'void' }, ptr: slot, value: v.ref }, b);
  return { rt: true, type: ptrType, ref: slot };
}

/** The element type and result pointer type of indexing through `t`, or null if `t` is not indexable. */
function indexing(t: PointerType): { elem: Type; result: Type; arrayLen: number | null } | null {
  const result = (elem: Type, mutable: boolean): Type => ({ kind: 'pointer', size: 'one', mutable, elem });
  if (t.size === 'one' && t.elem.kind === 'array') {
    return { elem: t.elem.elem, result: result(t.elem.elem, t.mutable), arrayLen: t.elem.len };
  }
  if (t.size === 'many' || t.size === 'slice') return { elem: t.elem, result: result(t.elem, t.mutable), arrayLen: null };
  if (t.size === 'one' && t.elem.kind === 'pointer' && t.elem.size !== 'one') {
    return { elem: t.elem.elem, result: result(t.elem.elem, t.elem.mutable), arrayLen: null };
  }
  return null;
}

/**
 * For a pointer to a single pointer to an array (what `ref` of an array pointer gives),
 * the array pointer it holds, read at comptime or loaded at runtime; any other pointer
 * unchanged. `elemptr` and `fieldptr` look through this one level, as Zig 0.7.0 does.
 */
function throughArrayPointerRef(sema: Sema, p: SVal, t: PointerType, inst: Inst, body: AirRef[] | null): SVal {
  const inner = t.elem;
  if (t.size !== 'one' || inner.kind !== 'pointer' || inner.size !== 'one' || inner.elem.kind !== 'array') return p;
  if (!p.rt) {
    const pointee = comptimePointee(p.tv.value);
    if (pointee === null) return sema.fail(inst.offset, 'unable to resolve comptime value');
    return comptime({ type: inner, value: pointee.value });
  }
  return sema.emit({ op: 'load', type: inner, ptr: p.ref }, runtimeBody(sema, body, inst));
}

export function analyzeElemPtr(sema: Sema, inst: Inst, body: AirRef[] | null): SVal {
  const operand = sema.resolveArg(inst.args[0], inst.offset);
  let p = throughArrayPointerRef(sema, operand, requirePointer(sema, operand, inst.offset), inst, body);
  const t = typeOfSVal(p) as PointerType;
  const shape = indexing(t);
  if (shape === null) return sema.fail(inst.offset, `array access of non-array type '${typeName(t.size === 'one' ? t.elem : t)}'`);
  const usize = usizeType(sema.opts.target);
  const index = coerce(sema, sema.resolveArg(inst.args[1], inst.offset), usize, inst.offset, body);
  const indexValue = !index.rt && index.tv.value.kind === 'int' ? Number(index.tv.value.value) : null;
  if (indexValue !== null && shape.arrayLen !== null && indexValue >= shape.arrayLen) {
    return sema.fail(inst.offset, `index ${indexValue} outside array of length ${shape.arrayLen}`);
  }
  const elemSize = sizeOf(shape.elem, sema.opts.target);
  // A pointer to a slice or many-pointer in memory: first read the pointer it holds.
  if (t.size === 'one' && t.elem.kind === 'pointer') {
    const inner = t.elem;
    const many: Type = { kind: 'pointer', size: 'many', mutable: inner.mutable, elem: inner.elem };
    if (!p.rt) {
      const pointee = comptimePointee(p.tv.value);
      if (pointee === null) return sema.fail(inst.offset, 'unable to resolve comptime value');
      const pv = pointee.value.kind === 'slice' ? pointee.value.ptr : pointee.value;
      p = comptime({ type: many, value: pv });
    } else {
      const b = runtimeBody(sema, body, inst);
      const field = sema.emitRef(
        { op: 'offsetptr', type: { kind: 'pointer', size: 'one', mutable: t.mutable, elem: many }, ptr: p.ref, offset: 0 },
        b,
      );
      p = sema.emit({ op: 'load', type: many, ptr: field }, b);
    }
  } else if (t.size === 'slice') {
    const many: Type = { kind: 'pointer', size: 'many', mutable: t.mutable, elem: t.elem };
    if (p.rt) {
      // A runtime slice is held in memory: its first word is the pointer.
      const b = runtimeBody(sema, body, inst);
      const field = sema.emitRef({ op: 'offsetptr', type: { kind: 'pointer', size: 'one', mutable: false, elem: many }, ptr: p.ref, offset: 0 }, b);
      const loaded = sema.emitRef({ op: 'load', type: many, ptr: field }, b);
      const indexRef = sema.toRef(index, inst.offset);
      const ref = sema.emitRef({ op: 'elemptr', type: shape.result, ptr: loaded, index: indexRef, elemSize }, b);
      sema.lowered(ref, 'elemptr', [{ ref: p.ref }, { ref: indexRef }], [field, loaded]);
      return { rt: true, type: shape.result, ref };
    } else {
      const sv = p.tv.value;
      p = comptime({ type: many, value: sv.kind === 'slice' ? sv.ptr : sv });
    }
  }
  if (!p.rt && indexValue !== null && p.tv.value.kind === 'ptr') {
    const pv = p.tv.value;
    const base = t.size === 'one' && t.elem.kind === 'array' ? 0 : pv.index ?? 0;
    return comptime({ type: shape.result, value: { ...pv, index: base + indexValue } });
  }
  const b = runtimeBody(sema, body, inst);
  return sema.emit(
    { op: 'elemptr', type: shape.result, ptr: sema.toRef(p, inst.offset), index: sema.toRef(index, inst.offset), elemSize },
    b,
  );
}

export function analyzeFieldPtr(sema: Sema, inst: Inst, body: AirRef[] | null): SVal {
  const operand = sema.resolveArg(inst.args[0], inst.offset);
  const p = throughArrayPointerRef(sema, operand, requirePointer(sema, operand, inst.offset), inst, body);
  const t = typeOfSVal(p) as PointerType;
  const field = latin1String(sema.stringArg(inst.args[1], inst.offset));
  const usize = usizeType(sema.opts.target);
  const constUsizePtr: Type = { kind: 'pointer', size: 'one', mutable: false, elem: usize };
  if (t.size === 'one' && t.elem.kind === 'array') {
    if (field !== 'len') return sema.fail(inst.offset, `no member named '${field}' in '${typeName(t.elem)}'`);
    const len: TypedValue = { type: usize, value: { kind: 'int', value: BigInt(t.elem.len) } };
    return comptime({ type: constUsizePtr, value: { kind: 'ptr', target: null, object: len, index: null } });
  }
  if (t.size === 'one' && t.elem.kind === 'pointer' && t.elem.size === 'slice') {
    const slice = t.elem;
    const many: Type = { kind: 'pointer', size: 'many', mutable: slice.mutable, elem: slice.elem };
    if (field !== 'len' && field !== 'ptr') return sema.fail(inst.offset, `no member named '${field}' in '${typeName(slice)}'`);
    const fieldType: Type = field === 'len' ? usize : many;
    if (!p.rt) {
      const pointee = comptimePointee(p.tv.value);
      if (pointee !== null && pointee.value.kind === 'slice') {
        const object: TypedValue =
          field === 'len'
            ? { type: usize, value: { kind: 'int', value: BigInt(pointee.value.len) } }
            : { type: many, value: pointee.value.ptr };
        return comptime({
          type: { kind: 'pointer', size: 'one', mutable: false, elem: fieldType },
          value: { kind: 'ptr', target: null, object, index: null },
        });
      }
    }
    const b = runtimeBody(sema, body, inst);
    return sema.emit(
      {
        op: 'offsetptr',
        type: { kind: 'pointer', size: 'one', mutable: t.mutable, elem: fieldType },
        ptr: sema.toRef(p, inst.offset),
        offset: field === 'len' ? sema.opts.target.ptrBytes : 0,
      },
      b,
    );
  }
  return sema.fail(inst.offset, `type '${typeName(t.size === 'one' ? t.elem : t)}' does not support field access`);
}

/**
 * Copies the aggregate of type `t` at `src` to `dst`: one `memcpy` whatever the size (the
 * backends choose loads and stores or a block move), so analysis does not grow with the
 * aggregate's length. Returns the instructions emitted.
 */
export function copyAggregate(sema: Sema, dst: AirRef, src: AirRef, t: Type, body: AirRef[]): AirRef[] {
  const len = sizeOf(t, sema.opts.target);
  return [sema.emitRef({ op: 'memcpy', type: { kind: 'void' }, dst, src, len }, body)];
}
