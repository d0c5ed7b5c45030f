//! The relocation types of Linking.md (LLVM's WasmRelocs.def numbering): for each, its
//! name, how many bytes it patches (5 for a padded LEB, 10 for a padded LEB64, 4 or 8 for
//! a little-endian integer), whether an addend follows it in the `reloc.*` section (and
//! whether that addend is a varint64), and what its index field names (a symbol of some
//! kind, or a type index). One table, so the reader and the linker agree on every fact.

import { SYMTAB_DATA, SYMTAB_FUNCTION, SYMTAB_GLOBAL, SYMTAB_SECTION, SYMTAB_TABLE, SYMTAB_TAG } from './wasm_constants.js';

export const R_WASM_FUNCTION_INDEX_LEB = 0;
export const R_WASM_TABLE_INDEX_SLEB = 1;
export const R_WASM_TABLE_INDEX_I32 = 2;
export const R_WASM_MEMORY_ADDR_LEB = 3;
export const R_WASM_MEMORY_ADDR_SLEB = 4;
export const R_WASM_MEMORY_ADDR_I32 = 5;
export const R_WASM_TYPE_INDEX_LEB = 6;
export const R_WASM_GLOBAL_INDEX_LEB = 7;
export const R_WASM_FUNCTION_OFFSET_I32 = 8;
export const R_WASM_SECTION_OFFSET_I32 = 9;
export const R_WASM_TAG_INDEX_LEB = 10;
export const R_WASM_MEMORY_ADDR_REL_SLEB = 11;
export const R_WASM_TABLE_INDEX_REL_SLEB = 12;
export const R_WASM_GLOBAL_INDEX_I32 = 13;
export const R_WASM_MEMORY_ADDR_LEB64 = 14;
export const R_WASM_MEMORY_ADDR_SLEB64 = 15;
export const R_WASM_MEMORY_ADDR_I64 = 16;
export const R_WASM_MEMORY_ADDR_REL_SLEB64 = 17;
export const R_WASM_TABLE_INDEX_SLEB64 = 18;
export const R_WASM_TABLE_INDEX_I64 = 19;
export const R_WASM_TABLE_NUMBER_LEB = 20;
export const R_WASM_MEMORY_ADDR_TLS_SLEB = 21;
export const R_WASM_FUNCTION_OFFSET_I64 = 22;
export const R_WASM_MEMORY_ADDR_LOCREL_I32 = 23;
export const R_WASM_TABLE_INDEX_REL_SLEB64 = 24;
export const R_WASM_MEMORY_ADDR_TLS_SLEB64 = 25;
export const R_WASM_FUNCTION_INDEX_I32 = 26;

/** What a relocation's index field refers to. */
export const TARGET_FUNCTION = 1 << SYMTAB_FUNCTION;
export const TARGET_DATA = 1 << SYMTAB_DATA;
export const TARGET_GLOBAL = 1 << SYMTAB_GLOBAL;
export const TARGET_SECTION = 1 << SYMTAB_SECTION;
export const TARGET_TAG = 1 << SYMTAB_TAG;
export const TARGET_TABLE = 1 << SYMTAB_TABLE;
/** Not a symbol: the index is a type index. */
export const TARGET_TYPE = 1 << 8;

/** The addend: none, a varint32 or a varint64. */
export const ADDEND_NONE = 0;
export const ADDEND_32 = 1;
export const ADDEND_64 = 2;

export interface RelocationTypeInfo {
  name: string;
  /** Bytes patched at the relocation's offset. */
  width: number;
  addend: typeof ADDEND_NONE | typeof ADDEND_32 | typeof ADDEND_64;
  /** TARGET_* bits: which symbol kinds (or a type) the index may name. */
  targets: number;
}

const info = (name: string, width: number, addend: RelocationTypeInfo['addend'], targets: number): RelocationTypeInfo => ({ name, width, addend, targets });

const TABLE: readonly RelocationTypeInfo[] = [
  info('R_WASM_FUNCTION_INDEX_LEB', 5, ADDEND_NONE, TARGET_FUNCTION),
  info('R_WASM_TABLE_INDEX_SLEB', 5, ADDEND_NONE, TARGET_FUNCTION),
  info('R_WASM_TABLE_INDEX_I32', 4, ADDEND_NONE, TARGET_FUNCTION),
  info('R_WASM_MEMORY_ADDR_LEB', 5, ADDEND_32, TARGET_DATA),
  info('R_WASM_MEMORY_ADDR_SLEB', 5, ADDEND_32, TARGET_DATA),
  info('R_WASM_MEMORY_ADDR_I32', 4, ADDEND_32, TARGET_DATA),
  info('R_WASM_TYPE_INDEX_LEB', 5, ADDEND_NONE, TARGET_TYPE),
  // In PIC code a GOT entry is a global that may stand for a function or data symbol.
  info('R_WASM_GLOBAL_INDEX_LEB', 5, ADDEND_NONE, TARGET_GLOBAL | TARGET_FUNCTION | TARGET_DATA),
  info('R_WASM_FUNCTION_OFFSET_I32', 4, ADDEND_32, TARGET_FUNCTION),
  info('R_WASM_SECTION_OFFSET_I32', 4, ADDEND_32, TARGET_SECTION),
  info('R_WASM_TAG_INDEX_LEB', 5, ADDEND_NONE, TARGET_TAG),
  info('R_WASM_MEMORY_ADDR_REL_SLEB', 5, ADDEND_32, TARGET_DATA),
  info('R_WASM_TABLE_INDEX_REL_SLEB', 5, ADDEND_NONE, TARGET_FUNCTION),
  info('R_WASM_GLOBAL_INDEX_I32', 4, ADDEND_NONE, TARGET_GLOBAL),
  info('R_WASM_MEMORY_ADDR_LEB64', 10, ADDEND_64, TARGET_DATA),
  info('R_WASM_MEMORY_ADDR_SLEB64', 10, ADDEND_64, TARGET_DATA),
  info('R_WASM_MEMORY_ADDR_I64', 8, ADDEND_64, TARGET_DATA),
  info('R_WASM_MEMORY_ADDR_REL_SLEB64', 10, ADDEND_64, TARGET_DATA),
  info('R_WASM_TABLE_INDEX_SLEB64', 10, ADDEND_NONE, TARGET_FUNCTION),
  info('R_WASM_TABLE_INDEX_I64', 8, ADDEND_NONE, TARGET_FUNCTION),
  info('R_WASM_TABLE_NUMBER_LEB', 5, ADDEND_NONE, TARGET_TABLE),
  info('R_WASM_MEMORY_ADDR_TLS_SLEB', 5, ADDEND_32, TARGET_DATA),
  info('R_WASM_FUNCTION_OFFSET_I64', 8, ADDEND_64, TARGET_FUNCTION),
  info('R_WASM_MEMORY_ADDR_LOCREL_I32', 4, ADDEND_32, TARGET_DATA),
  info('R_WASM_TABLE_INDEX_REL_SLEB64', 10, ADDEND_NONE, TARGET_FUNCTION),
  info('R_WASM_MEMORY_ADDR_TLS_SLEB64', 10, ADDEND_64, TARGET_DATA),
  info('R_WASM_FUNCTION_INDEX_I32', 4, ADDEND_NONE, TARGET_FUNCTION),
];

/** The facts about relocation type `type`, or undefined if Linking.md defines no such type. */
export function relocationTypeInfo(type: number): RelocationTypeInfo | undefined {
  return TABLE[type];
}

export function relocationTypeName(type: number): string {
  return TABLE[type]?.name ?? `<unknown relocation type ${type}>`;
}

/** Bytes patched by each type, indexed by type (0 for an unknown type): for hot loops. */
export const RELOCATION_WIDTH: Uint8Array = Uint8Array.from(TABLE, (t) => t.width);
