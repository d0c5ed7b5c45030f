//! The numbers of the wasm binary format and of the tool-conventions object format
//! (Linking.md) that the object reader decodes: section ids, import/export kinds, symbol
//! kinds and flags, segment flags, COMDAT kinds, linking subsections. Names for messages.

export const WASM_MAGIC = 0x6d736100; // "\0asm", little-endian
export const WASM_VERSION = 1;
export const LINKING_VERSION = 2;

/** Section ids. */
export const SEC_CUSTOM = 0;
export const SEC_TYPE = 1;
export const SEC_IMPORT = 2;
export const SEC_FUNCTION = 3;
export const SEC_TABLE = 4;
export const SEC_MEMORY = 5;
export const SEC_GLOBAL = 6;
export const SEC_EXPORT = 7;
export const SEC_START = 8;
export const SEC_ELEM = 9;
export const SEC_CODE = 10;
export const SEC_DATA = 11;
export const SEC_DATACOUNT = 12;
export const SEC_TAG = 13;

const SECTION_NAMES = ['custom', 'TYPE', 'IMPORT', 'FUNCTION', 'TABLE', 'MEMORY', 'GLOBAL', 'EXPORT', 'START', 'ELEM', 'CODE', 'DATA', 'DATACOUNT', 'TAG'];

/** The name LLVM gives a standard section ("CODE", "DATA", …), as in `reloc.CODE`. */
export function standardSectionName(id: number): string {
  return SECTION_NAMES[id] ?? `<unknown section id ${id}>`;
}

/**
 * Where each standard section may appear: a section's rank must be greater than the
 * previous standard section's. The tag section sits between memory and global, the
 * data count section between element and code.
 */
export function sectionOrder(id: number): number {
  switch (id) {
    case SEC_TYPE: return 1;
    case SEC_IMPORT: return 2;
    case SEC_FUNCTION: return 3;
    case SEC_TABLE: return 4;
    case SEC_MEMORY: return 5;
    case SEC_TAG: return 6;
    case SEC_GLOBAL: return 7;
    case SEC_EXPORT: return 8;
    case SEC_START: return 9;
    case SEC_ELEM: return 10;
    case SEC_DATACOUNT: return 11;
    case SEC_CODE: return 12;
    case SEC_DATA: return 13;
    default: return -1;
  }
}

/** External kinds, shared by imports and exports. */
export const EXTERNAL_FUNCTION = 0;
export const EXTERNAL_TABLE = 1;
export const EXTERNAL_MEMORY = 2;
export const EXTERNAL_GLOBAL = 3;
export const EXTERNAL_TAG = 4;
const EXTERNAL_NAMES = ['function', 'table', 'memory', 'global', 'tag'];
export function externalKindName(kind: number): string {
  return EXTERNAL_NAMES[kind] ?? `<kind ${kind}>`;
}

/** Value and reference types. */
export const TYPE_I32 = 0x7f;
export const TYPE_I64 = 0x7e;
export const TYPE_F32 = 0x7d;
export const TYPE_F64 = 0x7c;
export const TYPE_V128 = 0x7b;
export const TYPE_FUNCREF = 0x70;
export const TYPE_EXTERNREF = 0x6f;
export const TYPE_EXNREF = 0x69;
export const TYPE_FUNC = 0x60;

export function isValueType(t: number): boolean {
  return (t >= TYPE_V128 && t <= TYPE_I32) || isReferenceType(t);
}
export function isReferenceType(t: number): boolean {
  return t === TYPE_FUNCREF || t === TYPE_EXTERNREF || t === TYPE_EXNREF;
}

/** Limits flags (tables and memories). */
export const LIMITS_HAS_MAX = 0x1;
export const LIMITS_SHARED = 0x2;
export const LIMITS_64 = 0x4;

/** Subsections of the `linking` custom section. */
export const LINKING_SEGMENT_INFO = 5;
export const LINKING_INIT_FUNCS = 6;
export const LINKING_COMDAT_INFO = 7;
export const LINKING_SYMBOL_TABLE = 8;

/** Symbol kinds of WASM_SYMBOL_TABLE. */
export const SYMTAB_FUNCTION = 0;
export const SYMTAB_DATA = 1;
export const SYMTAB_GLOBAL = 2;
export const SYMTAB_SECTION = 3;
export const SYMTAB_TAG = 4; // "event" before LLVM 13
export const SYMTAB_TABLE = 5;
const SYMBOL_KIND_NAMES = ['function', 'data', 'global', 'section', 'tag', 'table'];
export function symbolKindName(kind: number): string {
  return SYMBOL_KIND_NAMES[kind] ?? `<kind ${kind}>`;
}

/** Symbol flags. */
export const SYM_BINDING_WEAK = 0x1;
export const SYM_BINDING_LOCAL = 0x2;
export const SYM_VISIBILITY_HIDDEN = 0x4;
export const SYM_UNDEFINED = 0x10;
export const SYM_EXPORTED = 0x20;
export const SYM_EXPLICIT_NAME = 0x40;
export const SYM_NO_STRIP = 0x80;
export const SYM_TLS = 0x100;
export const SYM_ABSOLUTE = 0x200;
/** Every flag Linking.md defines: another bit is a meaning zirc would silently drop, so it is an error. */
export const SYM_KNOWN_FLAGS = 0x3f7;

/** Data segment flags of WASM_SEGMENT_INFO. */
export const SEG_FLAG_STRINGS = 0x1;
export const SEG_FLAG_TLS = 0x2;
export const SEG_FLAG_RETAIN = 0x4;
export const SEG_KNOWN_FLAGS = 0x7;

/** What a COMDAT entry names. */
export const COMDAT_DATA = 0;
export const COMDAT_FUNCTION = 1;
export const COMDAT_GLOBAL = 2;
export const COMDAT_TAG = 3;
export const COMDAT_TABLE = 4;
export const COMDAT_SECTION = 5;

/** Segment modes (data and element). */
export const SEGMENT_ACTIVE = 0;
export const SEGMENT_PASSIVE = 1;
export const SEGMENT_DECLARATIVE = 2;

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
