//! Deep equality of comptime typed values (Compilation re-analyzes a decl's dependants
//! only when its value changed), and the owner of a function value.

import { symbolKey } from './air.js';
import type { TypedValue, Value } from './value.js';
import { typeEql } from './types.js';

export function typedValueEql(a: TypedValue, b: TypedValue): boolean {
  return typeEql(a.type, b.type) && valueEql(a.value, b.value);
}

export function valueEql(a: Value, b: Value): boolean {
  if (a === b) return true;
  switch (a.kind) {
    case 'int':
      return b.kind === 'int' && a.value === b.value;
    case 'bool':
      return b.kind === 'bool' && a.value === b.value;
    case 'void':
    case 'undef':
    case 'null':
      return b.kind === a.kind;
    case 'type':
      return b.kind === 'type' && typeEql(a.type, b.type);
    case 'function':
      return b.kind === 'function' && a.decl === b.decl;
    case 'extern_fn':
      return b.kind === 'extern_fn' && a.decl === b.decl && a.name === b.name && a.lib === b.lib;
    case 'bytes':
      return b.kind === 'bytes' && bytesEql(a.bytes, b.bytes);
    case 'aggregate':
      return (
        b.kind === 'aggregate' &&
        a.elems.length === b.elems.length &&
        a.elems.every((e, i) => valueEql(e, b.elems[i]!))
      );
    case 'ptr':
      return (
        b.kind === 'ptr' &&
        a.index === b.index &&
        (a.target === null ? b.target === null : b.target !== null && symbolKey(a.target) === symbolKey(b.target)) &&
        typedValueEql(a.object, b.object)
      );
    case 'slice':
      return b.kind === 'slice' && a.len === b.len && valueEql(a.ptr, b.ptr);
  }
}

function bytesEql(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The decl whose body defines this function value, or null if it is not a function defined in the program. */
export function functionOwner(tv: TypedValue): string | null {
  return tv.value.kind === 'function' ? tv.value.decl : null;
}
