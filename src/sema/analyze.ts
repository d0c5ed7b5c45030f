//! The two entry points Compilation calls (api.ts): `analyzeDecl` (a decl's comptime
//! value; a `fn`'s type and identity, not its body) and `analyzeFunctionBody` (a body to
//! AIR). Each stops at its first error. The finished AIR is compacted so that it holds
//! only instructions reachable from the body, numbered in order of first use.

import type { Decl } from '../zir/ast.js';
import { mapAirRefs } from './air.js';
import type { AirFunction, AirInst, AirRef } from './air.js';
import type { DeclAnalysis, DeclResolver, FunctionAnalysis, SemaError, SemaOptions } from './api.js';
import { AnalysisSuspended } from './api.js';
import { analyzeBody, analyzeInst } from './dispatch.js';
import { analyzeExport } from './inst_decl.js';
import { Sema, SemaFailure } from './Sema.js';
import { lowerFnType, NORETURN, returnsThroughMemory, typeName, type FnType } from './types.js';

export function analyzeDecl(decl: Decl, resolver: DeclResolver, opts: SemaOptions): DeclAnalysis {
  const sema = new Sema(decl, resolver, opts);
  try {
    if (decl.inst.tag === 'export') {
      const { value, info } = analyzeExport(sema, decl.inst);
      return { typedValue: value.rt ? null : value.tv, errors: [], data: sema.data, export: info };
    }
    const v = analyzeInst(sema, decl.inst, null, decl.name);
    if (v.rt) throw new Error('sema: runtime value at decl level');
    return { typedValue: v.tv, errors: [], data: sema.data, export: null };
  } catch (e) {
    return { typedValue: null, errors: failureErrors(e, decl), data: [], export: null };
  }
}

export function analyzeFunctionBody(
  decl: Decl,
  fnType: FnType,
  resolver: DeclResolver,
  opts: SemaOptions,
): FunctionAnalysis {
  const sema = new Sema(decl, resolver, opts);
  const bodyArg = decl.inst.args[1];
  if (decl.inst.tag !== 'fn' || bodyArg?.kind !== 'body') {
    return { air: null, errors: [{ offset: decl.inst.offset, message: 'expected a function' }], data: [] };
  }
  sema.fn = { fnType, insts: [], locals: new Map(), labels: [], argCount: 0, sawNonArg: false, resultPtr: null };
  const airFnType = lowerFnType(fnType);
  try {
    const body: AirRef[] = [];
    if (returnsThroughMemory(fnType)) {
      sema.fn.resultPtr = sema.emitRef({ op: 'arg', type: airFnType.params[0]!, index: 0, name: 'result' }, body);
      sema.hideInZir([sema.fn.resultPtr]);
    }
    const ended = analyzeBody(sema, bodyArg.locals, body);
    if (!ended.noreturn) {
      if (fnType.ret.kind !== 'void') {
        sema.fail(decl.inst.offset, `function with non-void return type '${typeName(fnType.ret)}' implicitly returns`);
      }
      sema.emit({ op: 'retvoid', type: NORETURN }, body);
    }
    const air = compactAir({ name: decl.name, type: airFnType, insts: sema.fn.insts, body });
    return { air, errors: [], data: sema.data };
  } catch (e) {
    return { air: null, errors: failureErrors(e, decl), data: [] };
  }
}

/**
 * The errors of a failed analysis. Analysis never throws for bad input: a nesting too deep
 * for the JS stack, or a bug, becomes an error at the decl rather than a crash. Only a
 * stack overflow is "nesting too deep"; any other exception says what it was.
 */
function failureErrors(e: unknown, decl: Decl): SemaError[] {
  if (e instanceof AnalysisSuspended) throw e;
  if (e instanceof SemaFailure) return e.error ? [e.error] : [];
  if (isStackOverflow(e)) return [{ offset: decl.inst.offset, message: 'nesting too deep to analyze' }];
  const detail = e instanceof Error ? e.message : String(e);
  return [{ offset: decl.inst.offset, message: `internal error in analysis: ${detail}` }];
}

/** Renumbers the instructions reachable from the body, in order of first use (operands before users). */
export function compactAir(func: AirFunction): AirFunction {
  /** Old ref -> new ref, -1 until visited. */
  const newIndex = new Int32Array(func.insts.length).fill(-1);
  const out: AirInst[] = [];
  const visit = (ref: AirRef): AirRef => {
    const known = newIndex[ref]!;
    if (known >= 0) return known;
    const inst = func.insts[ref]!;
    // Blocks are numbered before their bodies so that `br`s inside can name them.
    if (inst.op === 'block' || inst.op === 'loop') {
      const at = out.length;
      newIndex[ref] = at;
      out.push(inst);
      out[at] = { ...inst, body: inst.body.map(visit) };
      return at;
    }
    const copy = mapAirRefs(inst, visit);
    const at = out.length;
    out.push(copy);
    newIndex[ref] = at;
    return at;
  };
  const body = func.body.map(visit);
  return { name: func.name, type: func.type, insts: out, body };
}

/** V8's stack overflow: a RangeError "Maximum call stack size exceeded". */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}
