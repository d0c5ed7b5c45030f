//! The wasm code generator's output format, read by the wasm linker: a function body
//! (locals declaration + instructions + `end`, without the size prefix) with its wasm
//! signature and relocations. Every relocation site is a 5-byte padded LEB128 so the
//! linker patches it in place, as wasm object files (`R_WASM_*`) do.

import type { SymbolTarget } from '../../sema/air.js';

export const I32 = 0x7f;
export const I64 = 0x7e;
export type WasmValType = typeof I32 | typeof I64;

export interface WasmFuncSig {
  params: WasmValType[];
  results: WasmValType[];
}

/** A stable string key for a signature, e.g. `ii:i` (deduplicates types). */
export function sigKey(sig: WasmFuncSig): string {
  const c = (t: WasmValType) => (t === I32 ? 'i' : 'I');
  return `${sig.params.map(c).join('')}:${sig.results.map(c).join('')}`;
}

export function sigFromKey(key: string): WasmFuncSig {
  const [p, r] = key.split(':') as [string, string];
  const t = (c: string): WasmValType => (c === 'i' ? I32 : I64);
  return { params: [...p].map(t), results: [...r].map(t) };
}

export type WasmRelocKind =
  /** Padded ULEB: the function index of `target` (operand of `call`). */
  | 'func_index_leb'
  /** Padded SLEB (operand of `i32.const`): the table index of `target` when it is a
   * function, else its memory address; plus `addend`. */
  | 'addr_sleb'
  /** Padded ULEB: the type index of `sig` (operand of `call_indirect`). */
  | 'type_index_leb'
  /** Padded ULEB: the index of the `__stack_pointer` global. */
  | 'stack_pointer_leb';

export interface WasmReloc {
  kind: WasmRelocKind;
  /** Byte offset of the 5-byte site within `WasmFunction.body`. */
  offset: number;
  /** Null for `type_index_leb` and `stack_pointer_leb`. */
  target: SymbolTarget | null;
  addend: number;
  /** For `type_index_leb`, and for references to `extern` functions (their import type). */
  sig: WasmFuncSig | null;
}

export interface WasmFunction {
  name: string;
  sig: WasmFuncSig;
  /** Locals declaration, instructions and the final `end` (no size prefix). */
  body: Uint8Array;
  relocs: WasmReloc[];
}
