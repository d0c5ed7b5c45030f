//! Comptime values. A `Value` is meaningful together with its `Type` (see `TypedValue`
//! in api.ts): an `int` value is a `comptime_int` or a sized integer depending on it.

import type { SymbolTarget } from './air.js';
import type { Type } from './types.js';

export type Value =
  | { kind: 'int'; value: bigint }
  | { kind: 'bool'; value: boolean }
  | { kind: 'void' }
  | { kind: 'undef' }
  | { kind: 'null' }
  | { kind: 'type'; type: Type }
  /** The function whose body is decl `decl`'s. */
  | { kind: 'function'; decl: string }
  /** A function declared `extern(...)` by decl `decl`. */
  | { kind: 'extern_fn'; decl: string; name: string; lib: string }
  /** The bytes of a `[N]u8` / `[N:0]u8` array (sentinel not included). */
  | { kind: 'bytes'; bytes: Uint8Array }
  /** Elements of any other array. */
  | { kind: 'aggregate'; elems: Value[] }
  /**
   * A comptime-known pointer into `object` (the whole pointed-at value: for `str`, its
   * `[N:0]u8` array). `index` is null for a pointer to the whole object, else the element
   * of the object (an array) it points at. `target` is the symbol whose memory holds the
   * object (an anonymous constant or a function), or null for a comptime-only location
   * (e.g. the `len` of an array) that gets an address only if the pointer reaches runtime.
   * (Added by sema; additive.)
   */
  | { kind: 'ptr'; target: SymbolTarget | null; object: TypedValue; index: number | null }
  /** A comptime slice: a many-pointer value (`ptr` kind) and a length. (Added by sema; additive.) */
  | { kind: 'slice'; ptr: Value; len: number };

/** A value with its type (the same shape as api.ts's `TypedValue`, kept here to avoid a cycle). */
export interface TypedValue {
  type: Type;
  value: Value;
}
