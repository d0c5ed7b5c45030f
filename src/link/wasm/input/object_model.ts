//! The plain data model of one wasm relocatable object (a module with a `linking`
//! section, as clang -c makes) read from disk: every section in file order, the decoded
//! standard sections, the `linking` metadata (symbols, segment info, init functions,
//! COMDATs), every `reloc.*` section and `target_features`. Hot tables (symbols,
//! relocations, function bodies) are parallel typed arrays indexed by integer; bytes are
//! subarrays of the input, never copies. Nothing here parses; one accessor gives a body's bytes.

/** One section as it lies in the file. For a custom section the contents start after its name. */
export interface WasmSection {
  /** Position in the file's section list: what a `reloc.*` section's target index and a section symbol name. */
  index: number;
  /** Section id (SEC_*). */
  id: number;
  /** A custom section's name, or the standard section's name ("CODE", "DATA", …). */
  name: string;
  /** File offset of the section id byte. */
  headerOffset: number;
  /** File offset of the contents: what relocation offsets in this section are relative to. */
  offset: number;
  size: number;
  /** The contents (a subarray of the input). */
  data: Uint8Array;
}

export interface FuncType {
  params: Uint8Array;
  results: Uint8Array;
}

export interface Limits {
  flags: number;
  /** Minimum, in pages or elements (a 64-bit memory's limits above 2^53 are rejected). */
  min: number;
  /** Maximum, or -1 if there is none. */
  max: number;
}

export interface TableType {
  elemType: number;
  limits: Limits;
}

export interface GlobalType {
  valueType: number;
  mutable: boolean;
}

/**
 * A constant expression (a global's initializer, a segment's offset) as its bytes up to
 * and including `end`, plus its value when it is one i32/i64.const or global.get.
 */
export interface ConstExpr {
  /** File offset of the first instruction. */
  offset: number;
  bytes: Uint8Array;
  /** 'i32' / 'i64' const, 'global' (global.get), or 'other' (floats, references, extended constants). */
  kind: 'i32' | 'i64' | 'global' | 'other';
  /** The constant or global index for kinds i32 / i64 / global (an i64 above 2^53 is inexact), else 0. */
  value: number;
}

export interface WasmImport {
  module: string;
  field: string;
  /** EXTERNAL_* kind. */
  kind: number;
  /** The import's index in its kind's index space (the n-th imported function is function n). */
  kindIndex: number;
  /** For a function or tag: its type index; else -1. */
  typeIndex: number;
  table: TableType | null;
  memory: Limits | null;
  global: GlobalType | null;
}

export interface WasmExport {
  name: string;
  kind: number;
  index: number;
}

export interface WasmGlobal {
  type: GlobalType;
  init: ConstExpr;
}

export interface ElementSegment {
  /** SEGMENT_ACTIVE / SEGMENT_PASSIVE / SEGMENT_DECLARATIVE. */
  mode: number;
  /** The segment's flags field (0…7). */
  flags: number;
  table: number;
  /** An active segment's offset, else null. */
  offset: ConstExpr | null;
  elemType: number;
  /** The function indices, for the forms that list indices; null for the forms that list expressions. */
  functions: Uint32Array | null;
  /** The init expressions, for the forms that list expressions; null otherwise. */
  exprs: ConstExpr[] | null;
}

export interface DataSegment {
  mode: number;
  flags: number;
  memory: number;
  offset: ConstExpr | null;
  /** Offset of the segment's bytes in the DATA section's contents (what reloc.DATA offsets count from). */
  dataOffset: number;
  /** The bytes (a subarray of the input). */
  data: Uint8Array;
}

/**
 * The function bodies of the CODE section, as parallel arrays. A body is the bytes after
 * its size field (locals, then instructions); offsets are into the CODE section's contents.
 */
export interface CodeBodies {
  /** Index of the CODE section in `WasmObject.sections`, or -1 if there is none. */
  section: number;
  count: number;
  offset: Uint32Array;
  size: Uint32Array;
}

/** Body `i` of the CODE section (defined function importedFunctions + i): a view, not a copy. */
export function functionBody(obj: WasmObject, i: number): Uint8Array {
  const offset = obj.code.offset[i]!;
  return obj.sections[obj.code.section]!.data.subarray(offset, offset + obj.code.size[i]!);
}

export interface TagType {
  attribute: number;
  typeIndex: number;
}

/**
 * The WASM_SYMBOL_TABLE as parallel arrays. `index` is the function / global / table /
 * tag index (an import's index if undefined), the data segment of a defined data symbol,
 * or the section of a section symbol; 0xffffffff for an undefined data symbol.
 */
export interface SymbolTable {
  count: number;
  names: string[];
  /** SYMTAB_* kind. */
  kind: Uint8Array;
  /** SYM_* flags. */
  flags: Uint32Array;
  index: Uint32Array;
  /** A defined data symbol's offset in its segment (an absolute one's address), else 0. */
  offset: Float64Array;
  /** A defined data symbol's size, else 0. */
  size: Float64Array;
}

/** WASM_SEGMENT_INFO: one entry per data segment, parallel arrays. */
export interface SegmentInfo {
  count: number;
  names: string[];
  /** log2 of the alignment. */
  alignLog2: Uint32Array;
  /** SEG_FLAG_* flags. */
  flags: Uint32Array;
}

/** WASM_INIT_FUNCS: constructors (function symbols) with their priorities, in file order. */
export interface InitFuncs {
  count: number;
  priority: Uint32Array;
  symbol: Uint32Array;
}

export interface Comdat {
  name: string;
  flags: number;
  /** COMDAT_* kind of each member. */
  kinds: Uint8Array;
  /** Each member's data segment, function, global, tag, table or section index. */
  indices: Uint32Array;
}

export interface LinkingSection {
  /** Index of the `linking` section in `WasmObject.sections`. */
  section: number;
  version: number;
  symbols: SymbolTable;
  segments: SegmentInfo;
  initFuncs: InitFuncs;
  comdats: Comdat[];
}

/**
 * The entries of one `reloc.*` section, as parallel arrays sorted by offset (the file
 * must list them so). Offsets are into the target section's contents; `index` is a
 * symbol index, or a type index for R_WASM_TYPE_INDEX_LEB.
 */
export interface RelocationTable {
  /** Index of the `reloc.*` section itself. */
  section: number;
  /** Index of the section it applies to: CODE, DATA or a custom section. */
  target: number;
  count: number;
  type: Uint8Array;
  offset: Uint32Array;
  index: Uint32Array;
  addend: Float64Array;
  /**
   * For CODE and DATA: the relocations of function body / data segment i are
   * [chunkStart[i], chunkStart[i + 1]) (no relocation straddles two). Null for a custom section.
   */
  chunkStart: Uint32Array | null;
}

/** One `target_features` entry: '+' used, '-' disallowed, '=' required of every object. */
export interface TargetFeature {
  prefix: '+' | '-' | '=';
  name: string;
}

export interface WasmObject {
  path: string;
  /** Every section, in file order. */
  sections: WasmSection[];
  types: FuncType[];
  imports: WasmImport[];
  /** How many imports there are of each kind: the defined ones follow in each index space. */
  importedFunctions: number;
  importedTables: number;
  importedMemories: number;
  importedGlobals: number;
  importedTags: number;
  /** The type index of each defined function (function importedFunctions + i). */
  functionTypes: Uint32Array;
  tables: TableType[];
  memories: Limits[];
  tags: TagType[];
  globals: WasmGlobal[];
  exports: WasmExport[];
  /** The start function's index, or -1. */
  start: number;
  elements: ElementSegment[];
  /** The DATACOUNT section's count, or -1 if there is none. */
  dataCount: number;
  code: CodeBodies;
  /** Index of the DATA section in `sections`, or -1. */
  dataSection: number;
  dataSegments: DataSegment[];
  linking: LinkingSection;
  relocations: RelocationTable[];
  /** The `target_features` entries, or null if the section is absent. */
  targetFeatures: TargetFeature[] | null;
  /** Every custom section other than `linking`, `reloc.*` and `target_features` (names, producers, debug info…), as indices into `sections`. */
  customSections: number[];
}
