//! The state one wasm static link passes from pass to pass: the loaded objects (each with
//! its symbol → global id map and per-function / per-segment / per-global liveness and
//! output placement as typed arrays), the global symbol table (parallel arrays indexed by
//! an integer symbol id, one name → id map for the non-local ones), the synthetic
//! functions the linker writes itself, and the laid-out module. Every pass takes the
//! context and fills in its part; errors are collected here, never thrown.

import type { Archive, FuncType, RelocationTable, WasmObject } from '../input/index.js';
import type { WasmStableLayout } from './stable_layout.js';

export interface WasmLinkInput {
  path: string;
  bytes: Uint8Array;
  /** `--whole-archive` was in force: every member of the archive is linked. */
  wholeArchive?: boolean;
}

/** What the linker needs of a wasm-ld command line (a subset of `WasmLdPlan`, so tests can pass plain objects). */
export interface WasmLinkOptions {
  /** The entry symbol, or null for `--no-entry`. */
  entry: string | null;
  exports: readonly string[];
  exportsIfDefined: readonly string[];
  exportAll: boolean;
  exportDynamic: boolean;
  allowUndefined: boolean;
  allowUndefinedSymbols: readonly string[];
  undefinedSymbols: readonly string[];
  importMemory: boolean;
  importMemoryModule: string;
  importMemoryName: string;
  exportMemory: boolean;
  exportMemoryName: string;
  initialMemory: number | null;
  maxMemory: number | null;
  stackSize: number;
  globalBase: number | null;
  stackFirst: boolean;
  gcSections: boolean;
  mergeDataSegments: boolean;
  importTable: boolean;
  exportTable: boolean;
  growableTable: boolean;
  stripAll: boolean;
  stripDebug: boolean;
  /** `-O N`: strings are merged from 1 on, as wasm-ld does. */
  optimize: number;
}

export const DEFAULT_LINK_OPTIONS: WasmLinkOptions = {
  entry: '_start', exports: [], exportsIfDefined: [], exportAll: false, exportDynamic: false,
  allowUndefined: false, allowUndefinedSymbols: [], undefinedSymbols: [],
  importMemory: false, importMemoryModule: 'env', importMemoryName: 'memory', exportMemory: true, exportMemoryName: 'memory',
  initialMemory: null, maxMemory: null, stackSize: 65536, globalBase: null, stackFirst: false,
  gcSections: true, mergeDataSegments: true, importTable: false, exportTable: false, growableTable: false, stripAll: false, stripDebug: false, optimize: 1,
};

export interface PassTiming {
  pass: string;
  ms: number;
}

export type WasmStaticLinkResult =
  | { ok: true; bytes: Uint8Array; warnings: string[]; timings: PassTiming[]; context?: LinkContext }
  | { ok: false; errors: string[]; warnings: string[]; timings: PassTiming[] };

/** One object in the link: a command-line object or an archive member pulled in. */
export interface LoadedObject {
  obj: WasmObject;
  /** For each symbol-table entry: its id in the global table (locals get ids of their own), -1 for section symbols. */
  symId: Int32Array;
  /** Its reloc.CODE and reloc.DATA tables, or null. */
  codeRelocs: RelocationTable | null;
  dataRelocs: RelocationTable | null;
  /** For function import k: its index in `obj.imports`. */
  funcImport: Int32Array;
  /** Per defined function / data segment / defined global: 1 when a COMDAT group another object supplied owns it. */
  funcDiscarded: Uint8Array;
  /** Custom sections (by section index) of COMDAT groups another object supplied. */
  sectionDiscarded: Set<number>;
  segDiscarded: Uint8Array;
  globalDiscarded: Uint8Array;
  /** Per defined function / segment / defined global: 1 when kept by --gc-sections. */
  funcLive: Uint8Array;
  segLive: Uint8Array;
  globalLive: Uint8Array;
  /** Once one of its defined symbols is live (its constructors then run); from the start for a command-line object. */
  live: boolean;
  /** Named on the command line or linked by --whole-archive (not pulled by a symbol): its constructors always run. */
  explicit: boolean;
  /** Output function index of each defined function, output global index of each defined global (-1 if dropped). */
  funcOut: Int32Array;
  globalOut: Int32Array;
  /** Where each live function's body starts in the code section's payload, once written (for debug info). */
  bodyOffset: Float64Array;
  /** Output type index of each of its types (-1 if unused). */
  typeOut: Int32Array;
  /** Address of each data segment in memory, once laid out. */
  segAddr: Float64Array;
  /** Output data segment each segment belongs to (-1 if dropped). */
  segOutput: Int32Array;
  /**
   * Merged string segments (SEG_FLAG_STRINGS, as wasm-ld merges them at -O1 and above):
   * per segment, the input offset where each string starts and the address it got.
   */
  pieces: Map<number, { start: Uint32Array; address: Float64Array }>;
}

/** How a global symbol stands at this point of the resolution. */
export const enum SymState {
  Undefined = 0,
  /** Defined in an archive member not loaded yet. */
  Lazy = 1,
  /** Defined by an object: `object`, `symbol` say where. */
  Defined = 2,
  /** Defined by the linker (`__stack_pointer`, `__heap_base`, `__wasm_call_ctors`, a weak-undefined stub). */
  Synthetic = 3,
}

/** The global symbol table: parallel typed arrays indexed by symbol id, grown by doubling. */
export interface Symbols {
  count: number;
  byName: Map<string, number>;
  names: string[];
  /** SYMTAB_* kind (of the definition, else of the first reference); -1 while only an archive index names it. */
  kind: Int8Array;
  state: Uint8Array;
  /** SYM_* flags of the definition (or of the first reference while undefined). */
  flags: Uint32Array;
  /** Defining object (index into `objects`) and its symbol index there; for Lazy: archive and member. */
  object: Int32Array;
  symbol: Int32Array;
  /** 1 for a binding-local symbol (not in `byName`). */
  local: Uint8Array;
  /** 1 when some object refers to it with a non-weak undefined symbol. */
  strongRef: Uint8Array;
  /** The first object (and its symbol index) that referred to it while undefined: names errors and imports. */
  refObject: Int32Array;
  refSymbol: Int32Array;
  /** 1 once marked live. */
  live: Uint8Array;
  /** For a Synthetic symbol: the synthetic function index, or the data address / global index; an import's index. */
  value: Float64Array;
  /** `--export` / the entry: exported whatever its flags. */
  forceExport: Uint8Array;
}

const INITIAL_SYMBOLS = 1024;

function newSymbols(capacity: number): Symbols {
  return {
    count: 0, byName: new Map(), names: [],
    kind: new Int8Array(capacity), state: new Uint8Array(capacity), flags: new Uint32Array(capacity),
    object: new Int32Array(capacity), symbol: new Int32Array(capacity), local: new Uint8Array(capacity),
    strongRef: new Uint8Array(capacity), refObject: new Int32Array(capacity), refSymbol: new Int32Array(capacity),
    live: new Uint8Array(capacity), value: new Float64Array(capacity), forceExport: new Uint8Array(capacity),
  };
}

function growSymbols(s: Symbols): void {
  const bigger = newSymbols(s.kind.length * 2);
  for (const key of ['kind', 'state', 'flags', 'object', 'symbol', 'local', 'strongRef', 'refObject', 'refSymbol', 'live', 'value', 'forceExport'] as const) {
    (bigger[key] as Uint8Array).set(s[key] as Uint8Array);
    (s as unknown as Record<string, unknown>)[key] = bigger[key];
  }
}

/** A function the linker writes itself: its body is produced at layout. */
export interface SyntheticFunction {
  name: string;
  type: FuncType;
  /** The symbol it defines. */
  symbol: number;
  /** 'ctors' (__wasm_call_ctors), 'stub' (a weak undefined: traps), 'export' (a command export wrapper of `wraps`). */
  role: 'ctors' | 'stub' | 'export';
  wraps: number;
  exportName: string;
  live: boolean;
  body: Uint8Array;
  outIndex: number;
}

/** One output data segment: the input segments merged under one name. */
export interface OutputSegment {
  name: string;
  alignLog2: number;
  /** (object, segment) pairs in placement order. */
  members: Array<{ object: number; segment: number }>;
  address: number;
  size: number;
  bss: boolean;
  /** Deduplicated string chunks: their offset in the segment and contents. */
  merged: Array<{ offset: number; bytes: Uint8Array }>;
}

export interface OutputImport {
  module: string;
  field: string;
  kind: number;
  /** For a function: the output type index; for a global: value type and mutability. */
  typeIndex: number;
  valueType: number;
  mutable: boolean;
  symbol: number;
}

export interface OutputGlobal {
  name: string;
  valueType: number;
  mutable: boolean;
  /** The init expression's bytes (ending with `end`). */
  init: Uint8Array;
}

export interface OutputExport {
  name: string;
  kind: number;
  index: number;
}

export interface OutputFunction {
  name: string;
  typeIndex: number;
  /** An input body: (object, defined function index); else synthetic index. */
  object: number;
  func: number;
  synthetic: number;
  /** A slot the stable layout keeps for a function that is gone: a trapping body of this type. */
  gone?: FuncType;
}

/** Where a link in place (stable_layout.ts) wrote what a relink may patch: file offsets. */
export interface PlacedModule {
  /** Where the code section's payload starts. */
  codeAt: number;
  /** Per defined function (output index minus the imported): where its body starts, and its room. */
  bodyAt: Float64Array;
  bodyCapacity: Uint32Array;
  /** Per output segment (`segments` index): where its bytes start in the file, -1 if not written. */
  segmentAt: Float64Array;
}

export interface LinkContext {
  options: WasmLinkOptions;
  errors: string[];
  warnings: string[];
  timings: PassTiming[];
  objects: LoadedObject[];
  /** Object indices in link order: an object follows the archive members its loading pulled in, as in wasm-ld. */
  order: number[];
  /** COMDAT group names already supplied, each by the first object that had it. */
  comdats: Map<string, number>;
  archives: Array<{ archive: Archive; path: string; pulled: Uint8Array }>;
  syms: Symbols;
  synthetic: SyntheticFunction[];
  /** Well-known symbol ids, -1 when absent. */
  stackPointer: number;
  callCtors: number;
  callDtors: number;
  indirectTable: number;
  /** Linker-defined data symbols (`__heap_base`, …) that are referenced: id by name. */
  linkerData: Map<string, number>;
  // Layout results.
  types: FuncType[];
  typeKeys: Map<string, number>;
  imports: OutputImport[];
  importedFunctionCount: number;
  importedGlobalCount: number;
  functions: OutputFunction[];
  /** The function (a `functionKey`) in each table slot from 1 (slot 0 is null). */
  tableKeys: number[];
  /** Table slot of each function given one, by `functionKey`. */
  tableSlot: Map<number, number>;
  /** Undefined symbols that become imports. */
  importSymbols: Set<number>;
  /** Output function index of each function key, once laid out. */
  functionIndexOfKey: Map<number, number>;
  globals: OutputGlobal[];
  exports: OutputExport[];
  segments: OutputSegment[];
  memoryPages: number;
  maxMemoryPages: number;
  /** Whether the module has the indirect function table. */
  hasTable: boolean;
  /** Watch mode: the layout memory that keeps indices and places from link to link (else null: wasm-ld's layout). */
  stable: WasmStableLayout | null;
  /** With `stable`: each table slot's function index (from slot 1), and where bodies and segments were written. */
  tableElems: number[] | null;
  placed: PlacedModule | null;
}

export function newLinkContext(options: WasmLinkOptions): LinkContext {
  return {
    options, errors: [], warnings: [], timings: [], objects: [], order: [], comdats: new Map(), archives: [],
    syms: newSymbols(INITIAL_SYMBOLS),
    synthetic: [], stackPointer: -1, callCtors: -1, callDtors: -1, indirectTable: -1, linkerData: new Map(),
    types: [], typeKeys: new Map(), imports: [], importedFunctionCount: 0, importedGlobalCount: 0, functions: [],
    tableKeys: [], tableSlot: new Map(), importSymbols: new Set(), functionIndexOfKey: new Map(), globals: [], exports: [], segments: [], memoryPages: 0, maxMemoryPages: -1,
    hasTable: false, stable: null, tableElems: null, placed: null,
  };
}

/** Runs pass `name` and records how long it took. */
export function timed<T>(ctx: LinkContext, name: string, pass: () => T): T {
  const t0 = performance.now();
  try {
    return pass();
  } finally {
    ctx.timings.push({ pass: name, ms: performance.now() - t0 });
  }
}

/** Adds a symbol with no definition yet; returns its id. A local one is not entered in `byName`. */
export function addSymbol(ctx: LinkContext, name: string, kind: number, local: boolean): number {
  const s = ctx.syms;
  const id = s.count++;
  if (id === s.kind.length) growSymbols(s);
  s.names.push(name);
  s.kind[id] = kind;
  s.state[id] = SymState.Undefined;
  s.flags[id] = 0;
  s.object[id] = -1;
  s.symbol[id] = -1;
  s.local[id] = local ? 1 : 0;
  s.refObject[id] = -1;
  s.refSymbol[id] = -1;
  if (!local) s.byName.set(name, id);
  return id;
}

/** The display name of object `o` (an archive member as `lib.a(member.o)`), or `<internal>`. */
export function objectName(ctx: LinkContext, o: number): string {
  return o >= 0 ? ctx.objects[o]!.obj.path : '<internal>';
}

/** The type key types are deduplicated by. */
export function typeKey(t: FuncType): string {
  return `${t.params.join(',')}>${t.results.join(',')}`;
}
