//! Dispatch of one ZIR instruction to its handler, and the analysis of a body (a list of
//! locals): terminators, `unreachable code`, and the local namespace. At decl level
//! (`body === null`) only comptime instructions are legal.

import type { Inst, Local } from '../zir/ast.js';
import type { AirRef } from './air.js';
import {
  analyzeArith,
  analyzeBitNot,
  analyzeBoolBinary,
  analyzeBoolNot,
  analyzeCmp,
  isCmpTag,
} from './inst_arith.js';
import { analyzeAsm } from './inst_asm.js';
import {
  analyzeArg,
  analyzeBlock,
  analyzeBlockFlat,
  analyzeBreak,
  analyzeBreakpoint,
  analyzeCall,
  analyzeCondBr,
  analyzeLoop,
  analyzeReturn,
  analyzeReturnVoid,
  analyzeUnreachable,
} from './inst_control.js';
import {
  analyzeCompileError,
  analyzeDeclRef,
  analyzeDeclVal,
  analyzeEnsureResultUsed,
  analyzeExtern,
  analyzeFn,
} from './inst_decl.js';
import {
  analyzeAlloc,
  analyzeAs,
  analyzeBitCast,
  analyzeDeref,
  analyzeElemPtr,
  analyzeFieldPtr,
  analyzeIntCast,
  analyzePtrToInt,
  analyzeRef,
  analyzeStore,
} from './inst_memory.js';
import {
  analyzeArrayType,
  analyzeArrayTypeSentinel,
  analyzeFnType,
  analyzeIntLiteral,
  analyzeIntType,
  analyzePointerType,
  analyzePrimitive,
  analyzeStr,
  analyzeTypeOf,
  isPointerTypeTag,
} from './inst_types.js';
import { ARITH_TAGS } from './int_math.js';
import { comptime, type Sema, type SVal, typeOfSVal } from './Sema.js';
import { VOID } from './types.js';

/** Instructions that need a function body (spec §10 `instruction illegal outside function body`). */
const RUNTIME_ONLY = new Set([
  'arg',
  'alloc',
  'alloc_mut',
  'store',
  'return',
  'returnvoid',
  'block',
  'block_flat',
  'loop',
  'condbr',
  'break',
  'breakvoid',
  'unreachable',
  'unreach_nocheck',
  'asm',
  'call',
  'breakpoint',
]);

export function analyzeInst(sema: Sema, inst: Inst, body: AirRef[] | null, name: string): SVal {
  const tag = inst.tag;
  if (body === null && RUNTIME_ONLY.has(tag)) return sema.fail(inst.offset, 'instruction illegal outside function body');
  if (ARITH_TAGS.has(tag)) return analyzeArith(sema, inst, body);
  if (isCmpTag(tag)) return analyzeCmp(sema, inst, body);
  if (isPointerTypeTag(tag)) return analyzePointerType(sema, inst);
  switch (tag) {
    case 'primitive':
      return analyzePrimitive(sema, inst);
    case 'int':
      return analyzeIntLiteral(sema, inst);
    case 'str':
      return analyzeStr(sema, inst);
    case 'inttype':
      return analyzeIntType(sema, inst);
    case 'array_type':
      return analyzeArrayType(sema, inst);
    case 'array_type_sentinel':
      return analyzeArrayTypeSentinel(sema, inst);
    case 'fntype':
      return analyzeFnType(sema, inst);
    case 'typeof':
      return analyzeTypeOf(sema, inst);
    case 'as':
      return analyzeAs(sema, inst, body);
    case 'intcast':
      return analyzeIntCast(sema, inst, body);
    case 'bitcast':
      return analyzeBitCast(sema, inst, body);
    case 'ptrtoint':
      return analyzePtrToInt(sema, inst, body);
    case 'deref':
      return analyzeDeref(sema, inst, body);
    case 'ref':
      return analyzeRef(sema, inst, body);
    case 'elemptr':
      return analyzeElemPtr(sema, inst, body);
    case 'fieldptr':
      return analyzeFieldPtr(sema, inst, body);
    case 'bitnot':
      return analyzeBitNot(sema, inst, body);
    case 'booland':
    case 'boolor':
      return analyzeBoolBinary(sema, inst, body);
    case 'boolnot':
      return analyzeBoolNot(sema, inst, body);
    case 'declval':
      return analyzeDeclVal(sema, inst);
    case 'declref':
    case 'declref_str':
      return analyzeDeclRef(sema, inst);
    case 'compileerror':
      return analyzeCompileError(sema, inst);
    case 'ensure_result_used':
      return analyzeEnsureResultUsed(sema, inst);
    case 'dbg_stmt':
      return comptime({ type: VOID, value: { kind: 'void' } });
    case 'fn':
      if (body !== null) break;
      return analyzeFn(sema, inst);
    case 'extern':
      return analyzeExtern(sema, inst, sema.opts);
    case 'export':
      break;
  }
  if (body !== null) {
    switch (tag) {
      case 'arg':
        return analyzeArg(sema, inst, body);
      case 'alloc':
      case 'alloc_mut':
        return analyzeAlloc(sema, inst, body);
      case 'store':
        return analyzeStore(sema, inst, body);
      case 'return':
        return analyzeReturn(sema, inst, body);
      case 'returnvoid':
        return analyzeReturnVoid(sema, inst, body);
      case 'block':
        return analyzeBlock(sema, inst, body, name);
      case 'block_flat':
        return analyzeBlockFlat(sema, inst, body);
      case 'loop':
        return analyzeLoop(sema, inst, body, name);
      case 'condbr':
        return analyzeCondBr(sema, inst, body);
      case 'break':
        return analyzeBreak(sema, inst, body, true);
      case 'breakvoid':
        return analyzeBreak(sema, inst, body, false);
      case 'unreachable':
      case 'unreach_nocheck':
        return analyzeUnreachable(sema, inst, body);
      case 'breakpoint':
        return analyzeBreakpoint(sema, inst, body);
      case 'call':
        return analyzeCall(sema, inst, body);
      case 'asm':
        return analyzeAsm(sema, inst, body);
    }
  }
  return sema.fail(inst.offset, `instruction '${tag}' is not supported yet`);
}

export interface BodyEnd {
  /** The value of the last instruction (null for an empty body). */
  last: SVal | null;
  /** The body ended with a terminator. */
  noreturn: boolean;
}

/** Analyzes `locals` in order into `body`; an instruction after a terminator is `unreachable code`. */
export function analyzeBody(sema: Sema, locals: Local[], body: AirRef[]): BodyEnd {
  const fn = sema.requireFn();
  let last: SVal | null = null;
  let noreturn = false;
  for (const local of locals) {
    if (noreturn) sema.fail(local.inst.offset, 'unreachable code');
    if (local.inst.tag !== 'arg') fn.sawNonArg = true;
    const v = analyzeInst(sema, local.inst, body, local.name);
    fn.locals.set(local.name, v);
    last = v;
    noreturn = typeOfSVal(v).kind === 'noreturn';
  }
  return { last, noreturn };
}
