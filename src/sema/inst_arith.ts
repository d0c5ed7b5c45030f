//! Handlers for arithmetic, bitwise, shift, comparison and boolean instructions. Both
//! operands get one type (a comptime_int operand is coerced to the other's type); with both
//! comptime-known the result folds, else it lowers to one AIR instruction.

import type { Inst } from '../zir/ast.js';
import type { AirRef, CmpOp } from './air.js';
import { coerce } from './coerce.js';
import { foldArith, foldBitNot, foldCmp, type ArithTag } from './int_math.js';
import { comptime, type Sema, type SVal, typeOfSVal } from './Sema.js';
import { valueEql } from './typed_value_eql.js';
import { BOOL, typeEql, typeName, type Type } from './types.js';

/** Gives both operands one type, coercing a comptime_int to the other's type. */
function unifyOperands(sema: Sema, inst: Inst, body: AirRef[] | null): [SVal, SVal, Type] {
  let lhs = sema.resolveArg(inst.args[0], inst.offset);
  let rhs = sema.resolveArg(inst.args[1], inst.offset);
  const lt = typeOfSVal(lhs);
  const rt = typeOfSVal(rhs);
  if (typeEql(lt, rt)) return [lhs, rhs, lt];
  if (lt.kind === 'comptime_int') {
    lhs = coerce(sema, lhs, rt, inst.offset, body);
    return [lhs, rhs, rt];
  }
  if (rt.kind === 'comptime_int') {
    rhs = coerce(sema, rhs, lt, inst.offset, body);
    return [lhs, rhs, lt];
  }
  return sema.fail(inst.offset, `expected type '${typeName(lt)}', found '${typeName(rt)}'`);
}

function requireInt(sema: Sema, t: Type, offset: number): void {
  if (t.kind !== 'int' && t.kind !== 'comptime_int') {
    sema.fail(offset, `expected integer type, found '${typeName(t)}'`);
  }
}

function intOf(v: SVal): bigint | null {
  return !v.rt && v.tv.value.kind === 'int' ? v.tv.value.value : null;
}

export function analyzeArith(sema: Sema, inst: Inst, body: AirRef[] | null): SVal {
  const tag = inst.tag as ArithTag;
  const [lhs, rhs, t] = unifyOperands(sema, inst, body);
  requireInt(sema, t, inst.offset);
  const l = intOf(lhs);
  const r = intOf(rhs);
  if (l !== null && r !== null) {
    const folded = foldArith(tag, l, r, t);
    if (!folded.ok) return sema.fail(inst.offset, folded.message);
    return comptime({ type: t, value: { kind: 'int', value: folded.value } });
  }
  if (t.kind === 'comptime_int') return sema.fail(inst.offset, 'unable to resolve comptime value');
  const b = runtimeBody(sema, body, inst);
  const lr = sema.toRef(lhs, inst.offset);
  const rr = sema.toRef(rhs, inst.offset);
  const safe = sema.opts.safety;
  switch (tag) {
    case 'add':
    case 'sub':
    case 'mul':
      return sema.emit({ op: tag, type: t, lhs: lr, rhs: rr, safe }, b);
    case 'div':
      return sema.emit({ op: 'div', type: t, lhs: lr, rhs: rr, safe }, b);
    case 'mod_rem':
      return sema.emit({ op: 'rem', type: t, lhs: lr, rhs: rr, safe }, b);
    case 'shl':
    case 'shr':
      return sema.emit({ op: tag, type: t, lhs: lr, rhs: rr, safe }, b);
    default:
      return sema.emit({ op: tag, type: t, lhs: lr, rhs: rr }, b);
  }
}

export function analyzeBitNot(sema: Sema, inst: Inst, body: AirRef[] | null): SVal {
  const x = sema.resolveArg(inst.args[0], inst.offset);
  const t = typeOfSVal(x);
  requireInt(sema, t, inst.offset);
  const n = intOf(x);
  if (n !== null) return comptime({ type: t, value: { kind: 'int', value: foldBitNot(n, t) } });
  return sema.emit({ op: 'bitnot', type: t, operand: sema.toRef(x, inst.offset) }, runtimeBody(sema, body, inst));
}

const CMP_OPS: Record<string, CmpOp> = {
  cmp_lt: 'lt',
  cmp_lte: 'lte',
  cmp_eq: 'eq',
  cmp_gte: 'gte',
  cmp_gt: 'gt',
  cmp_neq: 'neq',
};

export function isCmpTag(tag: string): boolean {
  return tag in CMP_OPS;
}

export function analyzeCmp(sema: Sema, inst: Inst, body: AirRef[] | null): SVal {
  const op = CMP_OPS[inst.tag]!;
  const [lhs, rhs, t] = unifyOperands(sema, inst, body);
  const equality = op === 'eq' || op === 'neq';
  const ordered = t.kind === 'int' || t.kind === 'comptime_int';
  const eqOnly = t.kind === 'bool' || (t.kind === 'pointer' && t.size !== 'slice');
  if (!ordered && !(equality && eqOnly)) {
    return sema.fail(inst.offset, `operator not allowed for type '${typeName(t)}'`);
  }
  if (!lhs.rt && !rhs.rt) {
    const l = lhs.tv.value;
    const r = rhs.tv.value;
    let result: boolean | null = null;
    if (l.kind === 'int' && r.kind === 'int') result = foldCmp(op, l.value, r.value);
    else if (l.kind === 'bool' && r.kind === 'bool') result = (l.value === r.value) === (op === 'eq');
    else if (l.kind === 'ptr' && r.kind === 'ptr' && l.target !== null && r.target !== null) {
      result = valueEql(l, r) === (op === 'eq');
    }
    if (result !== null) return comptime({ type: BOOL, value: { kind: 'bool', value: result } });
  }
  if (t.kind === 'comptime_int') return sema.fail(inst.offset, 'unable to resolve comptime value');
  const b = runtimeBody(sema, body, inst);
  return sema.emit(
    { op: 'cmp', type: BOOL, cmp: op, lhs: sema.toRef(lhs, inst.offset), rhs: sema.toRef(rhs, inst.offset) },
    b,
  );
}

function boolOperand(sema: Sema, inst: Inst, index: number, body: AirRef[] | null): SVal {
  const v = sema.resolveArg(inst.args[index], inst.offset);
  return coerce(sema, v, BOOL, inst.offset, body);
}

export function analyzeBoolBinary(sema: Sema, inst: Inst, body: AirRef[] | null): SVal {
  const lhs = boolOperand(sema, inst, 0, body);
  const rhs = boolOperand(sema, inst, 1, body);
  const isAnd = inst.tag === 'booland';
  if (!lhs.rt && !rhs.rt && lhs.tv.value.kind === 'bool' && rhs.tv.value.kind === 'bool') {
    const a = lhs.tv.value.value;
    const b = rhs.tv.value.value;
    return comptime({ type: BOOL, value: { kind: 'bool', value: isAnd ? a && b : a || b } });
  }
  return sema.emit(
    { op: isAnd ? 'booland' : 'boolor', type: BOOL, lhs: sema.toRef(lhs, inst.offset), rhs: sema.toRef(rhs, inst.offset) },
    runtimeBody(sema, body, inst),
  );
}

export function analyzeBoolNot(sema: Sema, inst: Inst, body: AirRef[] | null): SVal {
  const x = boolOperand(sema, inst, 0, body);
  if (!x.rt && x.tv.value.kind === 'bool') return comptime({ type: BOOL, value: { kind: 'bool', value: !x.tv.value.value } });
  return sema.emit({ op: 'boolnot', type: BOOL, operand: sema.toRef(x, inst.offset) }, runtimeBody(sema, body, inst));
}

/** The body to emit into, or the comptime error when there is none (decl level). */
export function runtimeBody(sema: Sema, body: AirRef[] | null, inst: Inst): AirRef[] {
  if (body === null) return sema.fail(inst.offset, 'unable to resolve comptime value');
  return body;
}
