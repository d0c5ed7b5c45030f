//! The `asm` instruction (spec §6): x86-64 only. Source, output constraint, inputs and
//! clobbers are comptime strings; the source is checked by the target's assembler (given
//! through SemaOptions.checkInlineAsm) so that an instruction zirc cannot encode is an
//! analysis error. Arguments keep their
//! types, except that a `comptime_int` is coerced to `usize` (as Zig 0.7.0 does); comptime
//! ones become constants.

import { latin1String } from '../zir/bytes.js';
import type { Inst } from '../zir/ast.js';
import type { AirRef } from './air.js';
import { comptime, type Sema, type SVal, typeOfSVal } from './Sema.js';
import { coerce } from './coerce.js';
import { hasRuntimeBits, typeName, usizeType, VOID } from './types.js';

function latin1(bytes: Uint8Array): string {
  return latin1String(bytes);
}

export function analyzeAsm(sema: Sema, inst: Inst, body: AirRef[]): SVal {
  if (sema.opts.target.arch === 'wasm32') return sema.fail(inst.offset, 'inline assembly is not supported on wasm32');
  const source = latin1(sema.stringArg(inst.args[0], inst.offset));
  const resultType = sema.typeArg(inst.args[1], inst.offset);
  const volatileArg = inst.kwargs.get('volatile');
  const isVolatile = volatileArg === undefined ? false : sema.boolArg(volatileArg, inst.offset);
  const outputArg = inst.kwargs.get('output');
  const output = outputArg === undefined ? null : latin1(sema.stringArg(outputArg, inst.offset));
  const stringList = (kw: string): string[] => {
    const arg = inst.kwargs.get(kw);
    if (arg === undefined) return [];
    if (arg.kind !== 'list') return sema.fail(inst.offset, `expected a list for '${kw}'`);
    return arg.items.map((item) => latin1(sema.stringArg(item, inst.offset)));
  };
  const inputs = stringList('inputs');
  const clobbers = stringList('clobbers');
  const argsArg = inst.kwargs.get('args');
  const argValues = argsArg === undefined ? [] : argsArg.kind === 'list' ? argsArg.items : sema.fail(inst.offset, "expected a list for 'args'");
  if (argValues.length !== inputs.length) {
    return sema.fail(inst.offset, `expected ${inputs.length} asm argument(s), found ${argValues.length}`);
  }
  if (output === null && hasRuntimeBits(resultType)) {
    return sema.fail(inst.offset, `asm with result type '${typeName(resultType)}' needs an output constraint`);
  }
  const check = sema.opts.checkInlineAsm;
  if (check === undefined) return sema.fail(inst.offset, 'inline assembly is not supported on this target');
  const asmError = check(source, output, inputs, clobbers);
  if (asmError !== null) return sema.fail(inst.offset, asmError);
  const args = argValues.map((item) => {
    const resolved = sema.resolveArg(item, inst.offset);
    // Zig 0.7.0 coerces asm arguments to usize; a comptime_int becomes a usize constant.
    const v = typeOfSVal(resolved).kind === 'comptime_int' ? coerce(sema, resolved, usizeType(sema.opts.target), inst.offset, body) : resolved;
    const t = typeOfSVal(v);
    if (!hasRuntimeBits(t)) return sema.fail(inst.offset, `asm argument of type '${typeName(t)}' has no runtime value`);
    return sema.toRef(v, inst.offset);
  });
  const type = hasRuntimeBits(resultType) || resultType.kind === 'noreturn' ? resultType : VOID;
  const result = sema.emit(
    { op: 'asm', type, source, isVolatile, output, inputs, clobbers, args },
    body,
  );
  if (!hasRuntimeBits(type) && type.kind !== 'noreturn') return comptime({ type: VOID, value: { kind: 'void' } });
  return result;
}
