//! Comptime values. A `Value` is meaningful together with its `Type` (see `TypedValue`
//! in api.ts): an `int` value is a `comptime_int` or a sized integer depending on it.

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
  | { kind: 'aggregate'; elems: Value[] };
