//! The names `primitive(...)` accepts (spec §3): primitive types, with the target's sizes
//! for `usize`/`isize` and the C integer types, and the primitive values.

import type { TypedValue } from './value.js';
import {
  BOOL,
  COMPTIME_INT,
  NORETURN,
  TYPE,
  VOID,
  intType,
  type TargetInfo,
  type Type,
} from './types.js';

/** Float and other types the spec lets parse but that zirc does not analyze yet. */
const UNSUPPORTED_TYPES = new Set([
  'f16',
  'f32',
  'f64',
  'f128',
  'c_longdouble',
  'comptime_float',
  'c_void',
]);

export type PrimitiveLookup =
  | { ok: true; typedValue: TypedValue }
  | { ok: false; message: string };

function typeValue(t: Type): TypedValue {
  return { type: TYPE, value: { kind: 'type', type: t } };
}

/** The type or value named by `primitive(name)` on `target`. */
export function lookupPrimitive(name: string, target: TargetInfo): PrimitiveLookup {
  const ptrBits = target.ptrBytes * 8;
  const cLongBits = target.arch === 'x86_64' ? 64 : 32;
  const intTypes: Record<string, [boolean, number]> = {
    u8: [false, 8],
    i8: [true, 8],
    u16: [false, 16],
    i16: [true, 16],
    u32: [false, 32],
    i32: [true, 32],
    u64: [false, 64],
    i64: [true, 64],
    usize: [false, ptrBits],
    isize: [true, ptrBits],
    c_short: [true, 16],
    c_ushort: [false, 16],
    c_int: [true, 32],
    c_uint: [false, 32],
    c_long: [true, cLongBits],
    c_ulong: [false, cLongBits],
    c_longlong: [true, 64],
    c_ulonglong: [false, 64],
  };
  const int = intTypes[name];
  if (int !== undefined) return { ok: true, typedValue: typeValue(intType(int[0], int[1], name)) };
  switch (name) {
    case 'bool':
      return { ok: true, typedValue: typeValue(BOOL) };
    case 'void':
      return { ok: true, typedValue: typeValue(VOID) };
    case 'noreturn':
      return { ok: true, typedValue: typeValue(NORETURN) };
    case 'type':
      return { ok: true, typedValue: typeValue(TYPE) };
    case 'anyerror':
      return { ok: true, typedValue: typeValue({ kind: 'anyerror' }) };
    case 'comptime_int':
      return { ok: true, typedValue: typeValue(COMPTIME_INT) };
    case 'true':
    case 'false':
      return { ok: true, typedValue: { type: BOOL, value: { kind: 'bool', value: name === 'true' } } };
    case 'null':
      return { ok: true, typedValue: { type: { kind: 'null' }, value: { kind: 'null' } } };
    case 'undefined':
      return { ok: true, typedValue: { type: { kind: 'undefined' }, value: { kind: 'undef' } } };
    case 'void_value':
      return { ok: true, typedValue: { type: VOID, value: { kind: 'void' } } };
  }
  if (UNSUPPORTED_TYPES.has(name)) return { ok: false, message: `type '${name}' is not supported yet` };
  return { ok: false, message: `unknown primitive '${name}'` };
}

/** The word `primitive(...)` would need to name this type, or null if it has none. */
export function primitiveNameOfType(t: Type, target: TargetInfo): string | null {
  switch (t.kind) {
    case 'int': {
      const back = lookupPrimitive(t.name, target);
      if (back.ok && back.typedValue.value.kind === 'type') {
        const bt = back.typedValue.value.type;
        if (bt.kind === 'int' && bt.bits === t.bits && bt.signed === t.signed) return t.name;
      }
      return null;
    }
    case 'bool':
    case 'void':
    case 'noreturn':
    case 'type':
    case 'anyerror':
    case 'comptime_int':
      return t.kind;
    default:
      return null;
  }
}
