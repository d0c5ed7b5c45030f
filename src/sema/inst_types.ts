//! Handlers for instructions that make types and constants: `primitive`, `int`, `str`,
//! `inttype`, the pointer/slice/array type constructors, `fntype` and `typeof`.

import { latin1String } from '../zir/bytes.js';
import type { Inst } from '../zir/ast.js';
import { lookupPrimitive } from './primitives.js';
import { comptime, type Sema, type SVal, typeOfSVal } from './Sema.js';
import { COMPTIME_INT_TOO_WIDE, comptimeIntFits, intFits } from './int_math.js';
import {
  TYPE,
  intType,
  typeName,
  usizeType,
  type CallingConvention,
  type Type,
} from './types.js';

export function typeSVal(t: Type): SVal {
  return comptime({ type: TYPE, value: { kind: 'type', type: t } });
}

export function analyzePrimitive(sema: Sema, inst: Inst): SVal {
  const arg = inst.args[0];
  const word = arg?.kind === 'word' ? arg.text : arg?.kind === 'string' ? latin1String(arg.bytes) : null;
  if (word === null) return sema.fail(inst.offset, 'expected a primitive name');
  const found = lookupPrimitive(word, sema.opts.target);
  if (!found.ok) return sema.fail(inst.offset, found.message);
  return comptime(found.typedValue);
}

export function analyzeIntLiteral(sema: Sema, inst: Inst): SVal {
  const n = sema.intArg(inst.args[0], inst.offset);
  if (!comptimeIntFits(n)) return sema.fail(inst.offset, COMPTIME_INT_TOO_WIDE);
  return comptime({ type: { kind: 'comptime_int' }, value: { kind: 'int', value: n } });
}

/** `str("...")`: a pointer to a new anonymous `[N:0]u8` constant. */
export function analyzeStr(sema: Sema, inst: Inst): SVal {
  const arg = inst.args[0];
  if (arg?.kind !== 'string') return sema.fail(inst.offset, 'expected a string literal');
  return comptime(stringConstant(sema, arg.bytes, inst.offset));
}

export function stringConstant(sema: Sema, bytes: Uint8Array, offset: number) {
  const arrayType: Type = { kind: 'array', len: bytes.length, sentinel: 0n, elem: intType(false, 8) };
  const ptrType: Type = { kind: 'pointer', size: 'one', mutable: false, elem: arrayType };
  return sema.pointerToNewConstant({ type: arrayType, value: { kind: 'bytes', bytes: Uint8Array.from(bytes) } }, ptrType, offset);
}

export function analyzeIntType(sema: Sema, inst: Inst): SVal {
  const signed = sema.boolArg(inst.args[0], inst.offset);
  const bits = sema.intArg(inst.args[1], inst.offset);
  if (bits < 1n || bits > 64n) {
    return sema.fail(inst.offset, `integer type '${signed ? 'i' : 'u'}${bits}' is not supported: bit width must be 1 to 64`);
  }
  return typeSVal(intType(signed, Number(bits)));
}

const POINTER_TAGS: Record<string, { size: 'one' | 'many' | 'slice'; mutable: boolean }> = {
  single_const_ptr_type: { size: 'one', mutable: false },
  single_mut_ptr_type: { size: 'one', mutable: true },
  many_const_ptr_type: { size: 'many', mutable: false },
  many_mut_ptr_type: { size: 'many', mutable: true },
  const_slice_type: { size: 'slice', mutable: false },
  mut_slice_type: { size: 'slice', mutable: true },
};

export function isPointerTypeTag(tag: string): boolean {
  return tag in POINTER_TAGS;
}

export function analyzePointerType(sema: Sema, inst: Inst): SVal {
  const shape = POINTER_TAGS[inst.tag]!;
  const elem = sema.typeArg(inst.args[0], inst.offset);
  return typeSVal({ kind: 'pointer', size: shape.size, mutable: shape.mutable, elem });
}

function arrayLen(sema: Sema, inst: Inst): number {
  const len = sema.intArg(inst.args[0], inst.offset);
  if (!intFits(len, usizeType(sema.opts.target))) {
    return sema.fail(inst.offset, `type 'usize' cannot represent integer value ${len}`);
  }
  if (len > 0x7fffffffn) return sema.fail(inst.offset, `array length ${len} is too large`);
  return Number(len);
}

export function analyzeArrayType(sema: Sema, inst: Inst): SVal {
  const len = arrayLen(sema, inst);
  const elem = sema.typeArg(inst.args[1], inst.offset);
  return typeSVal({ kind: 'array', len, sentinel: null, elem });
}

export function analyzeArrayTypeSentinel(sema: Sema, inst: Inst): SVal {
  const len = arrayLen(sema, inst);
  const elem = sema.typeArg(inst.args[2], inst.offset);
  const sentinel = sema.intArg(inst.args[1], inst.offset);
  if (elem.kind !== 'int') return sema.fail(inst.offset, `sentinels of type '${typeName(elem)}' are not supported yet`);
  if (!intFits(sentinel, elem)) {
    return sema.fail(inst.offset, `type '${typeName(elem)}' cannot represent integer value ${sentinel}`);
  }
  return typeSVal({ kind: 'array', len, sentinel, elem });
}

export function analyzeFnType(sema: Sema, inst: Inst): SVal {
  const list = inst.args[0];
  if (list?.kind !== 'list') return sema.fail(inst.offset, 'expected a list of parameter types');
  const params = list.items.map((item) => sema.typeArg(item, inst.offset));
  const ret = sema.typeArg(inst.args[1], inst.offset);
  const ccArg = inst.kwargs.get('cc');
  let cc: CallingConvention = 'Unspecified';
  if (ccArg !== undefined) {
    const word = ccArg.kind === 'word' ? ccArg.text : null;
    if (word !== 'Unspecified' && word !== 'C' && word !== 'Naked') {
      return sema.fail(inst.offset, `calling convention '${word ?? ccArg.kind}' is not supported yet`);
    }
    cc = word;
  }
  return typeSVal({ kind: 'fn', params, ret, cc });
}

export function analyzeTypeOf(sema: Sema, inst: Inst): SVal {
  return typeSVal(typeOfSVal(sema.resolveArg(inst.args[0], inst.offset)));
}
