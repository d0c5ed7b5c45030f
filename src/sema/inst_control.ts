//! Handlers for control flow and calls inside a function body: `arg`, `block`,
//! `block_flat`, `loop`, `condbr`, `break`, `breakvoid`, `return`, `returnvoid`, `call`,
//! `unreachable`, `unreach_nocheck`, `breakpoint`. A `condbr` on a comptime condition
//! analyzes only the taken branch, inline; a `block` whose body is just one `br` to itself
//! folds away.

import { latin1String } from '../zir/bytes.js';
import type { Inst, Local } from '../zir/ast.js';
import type { AirRef } from './air.js';
import { coerce } from './coerce.js';
import { analyzeBody } from './dispatch.js';
import { comptime, type Label, type Sema, type SVal, typeOfSVal } from './Sema.js';
import { copyAggregate } from './inst_memory.js';
import {
  BOOL,
  NORETURN,
  VOID,
  airType,
  hasRuntimeBits,
  lowerFnType,
  returnsThroughMemory,
  typeEql,
  typeName,
  type FnType,
  type Type,
} from './types.js';

const VOID_SVAL: SVal = comptime({ type: VOID, value: { kind: 'void' } });

export function analyzeArg(sema: Sema, inst: Inst, body: AirRef[]): SVal {
  const fn = sema.requireFn();
  if (fn.sawNonArg) return sema.fail(inst.offset, "'arg' instructions must come first in a function body");
  const index = fn.argCount++;
  const paramType = fn.fnType.params[index];
  if (paramType === undefined) {
    return sema.fail(inst.offset, `function type has ${fn.fnType.params.length} parameter(s); this is argument ${index + 1}`);
  }
  const arg = inst.args[0];
  const name = arg?.kind === 'string' ? latin1String(arg.bytes) : `${index}`;
  if (!hasRuntimeBits(paramType)) return comptime({ type: paramType, value: { kind: 'undef' } });
  const airIndex = index + (fn.resultPtr === null ? 0 : 1);
  const ref = sema.emitRef({ op: 'arg', type: airType(paramType), index: airIndex, name }, body);
  return { rt: true, type: paramType, ref };
}

function bodyArg(sema: Sema, inst: Inst, index: number): Local[] {
  const arg = inst.args[index];
  if (arg?.kind !== 'body') return sema.fail(inst.offset, 'expected a body');
  return arg.locals;
}

export function analyzeBlockFlat(sema: Sema, inst: Inst, body: AirRef[]): SVal {
  const result = analyzeBody(sema, bodyArg(sema, inst, 0), body);
  return result.last ?? VOID_SVAL;
}

export function analyzeBlock(sema: Sema, inst: Inst, body: AirRef[], name: string): SVal {
  const fn = sema.requireFn();
  const ref = sema.addUnlisted({ op: 'block', type: VOID, body: [] });
  const label: Label = { name, kind: 'block', ref, breaks: [] };
  const inner: AirRef[] = [];
  fn.labels.push(label);
  let ended: { noreturn: boolean };
  try {
    ended = analyzeBody(sema, bodyArg(sema, inst, 0), inner);
  } finally {
    fn.labels.pop();
  }
  if (!ended.noreturn) {
    const br = sema.addUnlisted({ op: 'br', type: NORETURN, block: ref, operand: null });
    inner.push(br);
    label.breaks.push({ br, value: null, offset: inst.offset });
  }
  // A body that only leaves the block at once: the block is its break's value.
  const first = label.breaks[0];
  if (inner.length === 1 && label.breaks.length === 1 && first !== undefined && inner[0] === first.br) {
    return first.value ?? VOID_SVAL;
  }
  const resultType = blockResultType(sema, label);
  for (const b of label.breaks) {
    const br = fn.insts[b.br]!;
    if (br.op !== 'br' || b.value === null || b.value.rt) continue;
    if (!hasRuntimeBits(b.value.tv.type)) {
      if (b.value.tv.type.kind === 'void') continue;
      return sema.fail(b.offset, `a block reached at runtime cannot yield a value of type '${typeName(b.value.tv.type)}'`);
    }
    br.operand = sema.toRef(b.value, b.offset);
  }
  for (const b of label.breaks) {
    const br = fn.insts[b.br]!;
    if (br.op === 'br' && resultType.kind === 'void') br.operand = null;
  }
  fn.insts[ref] = { op: 'block', type: airType(resultType), body: inner };
  body.push(ref);
  return { rt: true, type: resultType, ref };
}

function blockResultType(sema: Sema, label: Label): Type {
  if (label.breaks.length === 0) return NORETURN;
  let result: Type | null = null;
  for (const b of label.breaks) {
    const t = b.value === null ? VOID : typeOfSVal(b.value);
    if (result === null) result = t;
    else if (!typeEql(result, t)) sema.fail(b.offset, `expected type '${typeName(result)}', found '${typeName(t)}'`);
  }
  return result ?? VOID;
}

export function analyzeLoop(sema: Sema, inst: Inst, body: AirRef[], name: string): SVal {
  const fn = sema.requireFn();
  const ref = sema.addUnlisted({ op: 'loop', type: NORETURN, body: [] });
  const inner: AirRef[] = [];
  fn.labels.push({ name, kind: 'loop', ref, breaks: [] });
  try {
    analyzeBody(sema, bodyArg(sema, inst, 0), inner);
  } finally {
    fn.labels.pop();
  }
  fn.insts[ref] = { op: 'loop', type: NORETURN, body: inner };
  body.push(ref);
  return { rt: true, type: NORETURN, ref };
}

/** Analyzes a branch body that must end with a terminator. */
function analyzeTerminatedBody(sema: Sema, inst: Inst, locals: Local[], body: AirRef[]): void {
  const ended = analyzeBody(sema, locals, body);
  if (!ended.noreturn) sema.fail(inst.offset, 'expected a terminator at the end of this branch');
}

export function analyzeCondBr(sema: Sema, inst: Inst, body: AirRef[]): SVal {
  const cond = coerce(sema, sema.resolveArg(inst.args[0], inst.offset), BOOL, inst.offset, body);
  const thenLocals = bodyArg(sema, inst, 1);
  const elseLocals = bodyArg(sema, inst, 2);
  if (!cond.rt && cond.tv.value.kind === 'bool') {
    analyzeTerminatedBody(sema, inst, cond.tv.value.value ? thenLocals : elseLocals, body);
    return { rt: true, type: NORETURN, ref: body[body.length - 1]! };
  }
  const condRef = sema.toRef(cond, inst.offset);
  const thenBody: AirRef[] = [];
  const elseBody: AirRef[] = [];
  analyzeTerminatedBody(sema, inst, thenLocals, thenBody);
  analyzeTerminatedBody(sema, inst, elseLocals, elseBody);
  return sema.emit({ op: 'condbr', type: NORETURN, cond: condRef, then: thenBody, else: elseBody }, body);
}

export function analyzeBreak(sema: Sema, inst: Inst, body: AirRef[], hasOperand: boolean): SVal {
  const fn = sema.requireFn();
  const name = latin1String(sema.stringArg(inst.args[0], inst.offset));
  let label: Label | undefined;
  for (let i = fn.labels.length - 1; i >= 0; i--) {
    if (fn.labels[i]!.name === name) {
      label = fn.labels[i];
      break;
    }
  }
  if (label === undefined) return sema.fail(inst.offset, `no enclosing block named '${name}'`);
  if (label.kind === 'loop') return sema.fail(inst.offset, `cannot break from loop '${name}'; break to an enclosing block`);
  const value = hasOperand ? sema.resolveArg(inst.args[1], inst.offset) : null;
  const operand = value !== null && value.rt ? value.ref : null;
  const br = sema.emitRef({ op: 'br', type: NORETURN, block: label.ref, operand }, body);
  label.breaks.push({ br, value, offset: inst.offset });
  return { rt: true, type: NORETURN, ref: br };
}

export function analyzeReturn(sema: Sema, inst: Inst, body: AirRef[]): SVal {
  const fn = sema.requireFn();
  const fnType = fn.fnType;
  const v = coerce(sema, sema.resolveArg(inst.args[0], inst.offset), fnType.ret, inst.offset, body);
  if (fn.resultPtr !== null) {
    const value = sema.toRef(v, inst.offset);
    const copy = copyAggregate(sema, fn.resultPtr, value, fnType.ret, body);
    const ret = sema.emitRef({ op: 'retvoid', type: NORETURN }, body);
    sema.lowered(ret, 'return', [{ ref: value }], copy);
    return { rt: true, type: NORETURN, ref: ret };
  }
  if (!hasRuntimeBits(fnType.ret)) {
    if (fnType.ret.kind === 'void') return sema.emit({ op: 'retvoid', type: NORETURN }, body);
    return sema.fail(inst.offset, `unable to return a value of type '${typeName(fnType.ret)}' at runtime`);
  }
  return sema.emit({ op: 'ret', type: NORETURN, operand: sema.toRef(v, inst.offset) }, body);
}

export function analyzeReturnVoid(sema: Sema, inst: Inst, body: AirRef[]): SVal {
  const fnType = sema.requireFn().fnType;
  if (fnType.ret.kind !== 'void') return sema.fail(inst.offset, `expected type '${typeName(fnType.ret)}', found 'void'`);
  return sema.emit({ op: 'retvoid', type: NORETURN }, body);
}

export function analyzeCall(sema: Sema, inst: Inst, body: AirRef[]): SVal {
  const calleeArg = inst.args[0];
  const callee = sema.resolveArg(calleeArg, inst.offset);
  const t = typeOfSVal(callee);
  if (t.kind !== 'fn') return sema.fail(inst.offset, `type '${typeName(t)}' not a function`);
  const fnType: FnType = t;
  if (fnType.cc === 'Naked') {
    const at = calleeArg?.kind === 'ref' ? calleeArg.offset : inst.offset;
    return sema.fail(at, 'unable to call function with naked calling convention');
  }
  const list = inst.args[1];
  if (list?.kind !== 'list') return sema.fail(inst.offset, 'expected a list of arguments');
  if (list.items.length !== fnType.params.length) {
    return sema.fail(inst.offset, `expected ${fnType.params.length} argument(s), found ${list.items.length}`);
  }
  const modifier = inst.kwargs.get('modifier');
  if (modifier !== undefined && !(modifier.kind === 'word' && modifier.text === 'auto')) {
    const text = modifier.kind === 'word' ? modifier.text : modifier.kind;
    return sema.fail(inst.offset, `call modifier '${text}' is not supported yet`);
  }
  const args: AirRef[] = [];
  list.items.forEach((item, i) => {
    const paramType = fnType.params[i]!;
    const v = coerce(sema, sema.resolveArg(item, inst.offset), paramType, inst.offset, body);
    if (hasRuntimeBits(paramType)) args.push(sema.toRef(v, inst.offset));
  });
  const calleeRef = sema.toRef(callee, inst.offset);
  const calleeType = lowerFnType(fnType);
  if (!returnsThroughMemory(fnType)) {
    const ref = sema.emitRef({ op: 'call', type: calleeType.ret, callee: calleeRef, args, calleeType }, body);
    return { rt: true, type: fnType.ret, ref };
  }
  // The result goes to a new stack slot, which then holds the returned value.
  const slot = sema.emitRef({ op: 'alloc', type: calleeType.params[0]!, elemType: fnType.ret }, body);
  const call = sema.emitRef({ op: 'call', type: VOID, callee: calleeRef, args: [slot, ...args], calleeType }, body);
  // `zirc ir` writes the call where the slot is made, and nothing for the call itself.
  sema.lowered(slot, 'call', [{ ref: calleeRef }, { refs: args }], [call]);
  return sema.aggregateAt(fnType.ret, slot);
}

export function analyzeUnreachable(sema: Sema, inst: Inst, body: AirRef[]): SVal {
  const safe = inst.tag === 'unreachable' && sema.opts.safety;
  return sema.emit({ op: 'unreachable', type: NORETURN, safe }, body);
}

export function analyzeBreakpoint(sema: Sema, _inst: Inst, body: AirRef[]): SVal {
  return sema.emit({ op: 'breakpoint', type: VOID }, body);
}
