//! Handlers for instructions about decls and diagnostics: `fn`, `extern`, `export`,
//! `declref`, `declval`, `declref_str`, `compileerror`, `ensure_result_used`.

import { latin1AsUtf8, latin1String } from '../zir/bytes.js';
import type { Inst } from '../zir/ast.js';
import type { SemaOptions } from './api.js';
import { comptime, type Sema, type SVal, typeOfSVal } from './Sema.js';
import { hasRuntimeBits, isAggregate, typeName, VOID, type FnType, type Type } from './types.js';

function latin1(bytes: Uint8Array): string {
  return latin1String(bytes);
}

function fnTypeArg(sema: Sema, inst: Inst): FnType {
  const t = sema.typeArg(inst.args[0], inst.offset);
  if (t.kind !== 'fn') return sema.fail(inst.offset, `expected function type, found '${typeName(t)}'`);
  for (const p of t.params) {
    if (!hasRuntimeBits(p)) return sema.fail(inst.offset, `parameters of type '${typeName(p)}' are not supported yet`);
  }
  return t;
}

/** `fn(@ty, {body})` at decl level: the function's type and identity; the body is analyzed separately. */
export function analyzeFn(sema: Sema, inst: Inst): SVal {
  const t = fnTypeArg(sema, inst);
  if (inst.args[1]?.kind !== 'body') return sema.fail(inst.offset, 'expected a body');
  return comptime({ type: t, value: { kind: 'function', decl: sema.decl.name } });
}

/** The WASI functions zirc defines itself on x86-64 (spec §7). */
export function isBuiltinWasiFunction(name: string, lib: string): boolean {
  return lib === 'wasi_snapshot_preview1' && (name === 'fd_write' || name === 'proc_exit');
}

export function analyzeExtern(sema: Sema, inst: Inst, opts: SemaOptions): SVal {
  const t = fnTypeArg(sema, inst);
  // zirc passes slices and arrays through memory, which no C ABI does.
  for (const p of [...t.params, t.ret]) {
    if (isAggregate(p)) return sema.fail(inst.offset, `extern functions with values of type '${typeName(p)}' are not supported yet`);
  }
  const name = latin1(sema.stringArg(inst.args[1], inst.offset));
  const libArg = inst.kwargs.get('lib');
  const lib = libArg === undefined ? 'env' : latin1(sema.stringArg(libArg, inst.offset));
  if (opts.target.arch === 'x86_64' && !isBuiltinWasiFunction(name, lib) && !opts.externsLinkedLater) {
    return sema.fail(inst.offset, `undefined symbol: ${name}`);
  }
  return comptime({ type: t, value: { kind: 'extern_fn', decl: sema.decl.name, name, lib } });
}

export interface ExportInfo {
  symbolName: string;
  declName: string;
  offset: number;
}

export function analyzeExport(sema: Sema, inst: Inst): { value: SVal; info: ExportInfo } {
  const symbolName = latin1(sema.stringArg(inst.args[0], inst.offset));
  const target = inst.args[1];
  let declName: string;
  if (target?.kind === 'string') declName = latin1(target.bytes);
  else if (target?.kind === 'ref' && target.scope === 'decl') declName = target.name;
  else return sema.fail(inst.offset, 'expected the name of the exported decl');
  const tv = sema.resolveDeclByName(declName, inst.offset, target.kind === 'string');
  if (tv.value.kind === 'extern_fn') {
    return sema.fail(inst.offset, `unable to export extern function '${tv.value.name}'`);
  }
  if (tv.value.kind !== 'function') {
    return sema.fail(inst.offset, `unable to export type '${typeName(tv.type)}'`);
  }
  return {
    value: comptime({ type: VOID, value: { kind: 'void' } }),
    info: { symbolName, declName, offset: inst.offset },
  };
}

export function analyzeDeclVal(sema: Sema, inst: Inst): SVal {
  const name = latin1(sema.stringArg(inst.args[0], inst.offset));
  return comptime(sema.resolveDeclByName(name, inst.offset, true));
}

/** `declref`/`declref_str`: a comptime pointer to the decl's value. */
export function analyzeDeclRef(sema: Sema, inst: Inst): SVal {
  const arg = inst.args[0];
  const name = latin1(sema.stringArg(arg, inst.offset));
  const tv = sema.resolveDeclByName(name, inst.offset, true);
  const ptrType: Type = { kind: 'pointer', size: 'one', mutable: false, elem: tv.type };
  return comptime({ type: ptrType, value: { kind: 'ptr', target: null, object: tv, index: null } });
}

export function analyzeCompileError(sema: Sema, inst: Inst): never {
  const message = latin1(sema.stringArg(inst.args[0], inst.offset));
  return sema.fail(inst.offset, latin1AsUtf8(message));
}

export function analyzeEnsureResultUsed(sema: Sema, inst: Inst): SVal {
  const v = sema.resolveArg(inst.args[0], inst.offset);
  const t = typeOfSVal(v);
  if (t.kind !== 'void' && t.kind !== 'noreturn') sema.fail(inst.offset, `value of type '${typeName(t)}' ignored`);
  return comptime({ type: VOID, value: { kind: 'void' } });
}
