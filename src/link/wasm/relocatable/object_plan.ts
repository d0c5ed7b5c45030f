//! The index spaces of one wasm relocatable object (`zirc build -c -t wasm32-wasi`),
//! decided before any byte is written: the function imports (one per extern the code
//! calls or takes the address of), the defined functions (decls, then the runtime
//! routines), the types, the address-taken functions in the object's table, the data
//! segments at their object-local addresses, and the symbol table of the `linking`
//! section with the symbol each relocation names. Pure: plain data in, plain data out.

import { sigKey, type WasmFuncSig, type WasmFunction } from '../../../codegen/wasm/output.js';
import { symbolKey, type DataAtom, type SymbolTarget } from '../../../sema/air.js';
import { LinkError, type ExportEntry } from '../../Linker.js';
import { internIndex } from '../../intern_index.js';
import {
  SYM_BINDING_LOCAL,
  SYM_EXPLICIT_NAME,
  SYM_EXPORTED,
  SYM_NO_STRIP,
  SYM_UNDEFINED,
  SYMTAB_DATA,
  SYMTAB_FUNCTION,
  SYMTAB_GLOBAL,
  SYMTAB_TABLE,
} from '../input/wasm_constants.js';

/** One defined function of the object: a decl or a runtime routine, by target. */
export interface ObjectFunction {
  target: SymbolTarget;
  /** Its symbol's name when no export names it (the decl's name, `__zirc_<routine>`). */
  symbolName: string;
  code: WasmFunction;
}

export interface WasmObjectInput {
  functions: readonly ObjectFunction[];
  data: readonly DataAtom[];
  exports: readonly ExportEntry[];
}

export interface ImportedFunction {
  module: string;
  field: string;
  typeIndex: number;
}

export interface PlannedSegment {
  atom: DataAtom;
  /** `.rodata.<name>`, `.data.<name>` or `.bss.<name>`. */
  name: string;
  /** Object-local address (what the segment's offset expression says). */
  address: number;
  alignLog2: number;
}

/** One WASM_SYMBOL_TABLE entry. */
export interface PlannedSymbol {
  kind: typeof SYMTAB_FUNCTION | typeof SYMTAB_DATA | typeof SYMTAB_GLOBAL | typeof SYMTAB_TABLE;
  flags: number;
  /** Function / global / table index, or the data segment of a data symbol. */
  index: number;
  /** Written unless the symbol is an undefined one without SYM_EXPLICIT_NAME (its import names it). */
  name: string;
  /** Data symbols only. */
  size: number;
}

export interface ObjectPlan {
  types: WasmFuncSig[];
  imports: ImportedFunction[];
  /** Defined functions in function-index order (after the imports). */
  functions: ObjectFunction[];
  /** Type index of each defined function. */
  functionTypes: number[];
  /** Function indices in the table, from table index 1 (0 is the null pointer). */
  table: number[];
  /** Whether the code needs the table import (function pointers or call_indirect). */
  usesTable: boolean;
  usesStackPointer: boolean;
  segments: PlannedSegment[];
  /** End of the object-local data (for the memory import's minimum). */
  dataEnd: number;
  symbols: PlannedSymbol[];
  /** Per target key (`symbolKey`): function index, table index, data segment, symbol. */
  funcIndexOf: Map<string, number>;
  tableIndexOf: Map<string, number>;
  segmentOf: Map<string, number>;
  symbolOf: Map<string, number>;
  typeIndexOf: Map<string, number>;
  stackPointerSymbol: number;
  tableSymbol: number;
}

const SECTION_RANK = { rodata: 0, data: 1, bss: 2 } as const;

export function planObject(input: WasmObjectInput): ObjectPlan {
  const plan = emptyPlan();
  const functions = [...input.functions].sort((a, b) => rank(a) - rank(b) || compare(a.symbolName, b.symbolName));
  const dataKeys = new Set(input.data.map((d) => symbolKey({ kind: 'decl', name: d.name })));
  collectImports(plan, functions, input.data);
  planFunctions(plan, functions);
  planTable(plan, functions, input.data, dataKeys);
  planSegments(plan, input.data);
  planSymbols(plan, input.exports);
  return plan;
}

function emptyPlan(): ObjectPlan {
  return {
    types: [], imports: [], functions: [], functionTypes: [], table: [], usesTable: false, usesStackPointer: false,
    segments: [], dataEnd: 0, symbols: [], funcIndexOf: new Map(), tableIndexOf: new Map(), segmentOf: new Map(),
    symbolOf: new Map(), typeIndexOf: new Map(), stackPointerSymbol: -1, tableSymbol: -1,
  };
}

/** Decls first, then the runtime routines. */
function rank(f: ObjectFunction): number {
  return f.target.kind === 'decl' ? 0 : 1;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function typeIndex(plan: ObjectPlan, sig: WasmFuncSig): number {
  return internIndex(plan.typeIndexOf, plan.types, sigKey(sig), () => sig);
}

/** Every extern the code refers to becomes a function import, ordered by module and field. */
function collectImports(plan: ObjectPlan, functions: readonly ObjectFunction[], data: readonly DataAtom[]): void {
  const externs = new Map<string, { target: Extract<SymbolTarget, { kind: 'extern' }>; sig: WasmFuncSig }>();
  for (const f of functions) {
    for (const r of f.code.relocs) {
      if (r.target?.kind !== 'extern') continue;
      const key = symbolKey(r.target);
      const seen = externs.get(key);
      if (seen === undefined) externs.set(key, { target: r.target, sig: r.sig! });
      else if (sigKey(seen.sig) !== sigKey(r.sig!)) throw new LinkError([`extern function '${r.target.name}' is used with two signatures`]);
    }
  }
  for (const d of data) {
    for (const r of d.relocs) {
      if (r.target.kind === 'extern' && !externs.has(symbolKey(r.target))) {
        throw new LinkError([`cannot refer to extern function '${r.target.name}' from data on wasm32 unless code calls it too`]);
      }
    }
  }
  const sorted = [...externs.entries()].sort(([, a], [, b]) => compare(importModule(a.target), importModule(b.target)) || compare(a.target.name, b.target.name));
  for (const [key, { target, sig }] of sorted) {
    plan.funcIndexOf.set(key, plan.imports.length);
    plan.imports.push({ module: importModule(target), field: target.name, typeIndex: typeIndex(plan, sig) });
  }
}

function importModule(target: Extract<SymbolTarget, { kind: 'extern' }>): string {
  return target.lib === '' ? 'env' : target.lib;
}

function planFunctions(plan: ObjectPlan, functions: readonly ObjectFunction[]): void {
  for (const f of functions) {
    plan.funcIndexOf.set(symbolKey(f.target), plan.imports.length + plan.functions.length);
    plan.functions.push(f);
    plan.functionTypes.push(typeIndex(plan, f.code.sig));
  }
  for (const f of functions) {
    for (const r of f.code.relocs) {
      if (r.kind === 'type_index_leb') {
        typeIndex(plan, r.sig!);
        plan.usesTable = true;
      } else if (r.kind === 'stack_pointer_leb') plan.usesStackPointer = true;
    }
  }
}

/** Functions whose address is taken (from code or data), in function-index order, from table index 1. */
function planTable(plan: ObjectPlan, functions: readonly ObjectFunction[], data: readonly DataAtom[], dataKeys: Set<string>): void {
  const taken = new Set<number>();
  const take = (target: SymbolTarget) => {
    const key = symbolKey(target);
    if (dataKeys.has(key)) return;
    const index = plan.funcIndexOf.get(key);
    if (index === undefined) throw new LinkError([`undefined symbol: ${target.name}`]);
    taken.add(index);
  };
  for (const f of functions) for (const r of f.code.relocs) if (r.kind === 'addr_sleb') take(r.target!);
  for (const d of data) for (const r of d.relocs) take(r.target);
  const byIndex = new Map<number, string>();
  for (const [key, index] of plan.funcIndexOf) byIndex.set(index, key);
  plan.table = [...taken].sort((a, b) => a - b);
  plan.table.forEach((index, i) => plan.tableIndexOf.set(byIndex.get(index)!, i + 1));
  if (plan.table.length > 0) plan.usesTable = true;
}

/** One segment per data atom: read-only data, then data, then zeroed data, each by name. */
function planSegments(plan: ObjectPlan, data: readonly DataAtom[]): void {
  const sorted = [...data].sort((a, b) => SECTION_RANK[a.section] - SECTION_RANK[b.section] || compare(a.name, b.name));
  let at = 0;
  for (const atom of sorted) {
    const align = Math.max(1, atom.align);
    at = Math.ceil(at / align) * align;
    plan.segmentOf.set(symbolKey({ kind: 'decl', name: atom.name }), plan.segments.length);
    plan.segments.push({ atom, name: `.${atom.section}.${atom.name}`, address: at, alignLog2: Math.log2(align) });
    at += atom.bytes.length;
  }
  plan.dataEnd = at;
}

/**
 * Defined functions: a global, exported symbol per export name (a decl exported twice has
 * two, as aliases), else a local one; externs: undefined functions with an explicit name,
 * so wasm-ld keeps one nothing defines as the import; data: a local symbol per segment;
 * then the imported `__stack_pointer` global and `__indirect_function_table` if used.
 */
function planSymbols(plan: ObjectPlan, exports: readonly ExportEntry[]): void {
  const exportNames = new Map<string, string[]>();
  for (const e of [...exports].sort((a, b) => compare(a.symbolName, b.symbolName))) {
    const key = symbolKey({ kind: 'decl', name: e.declName });
    if (!plan.funcIndexOf.has(key) || plan.segmentOf.has(key)) throw new LinkError([`export '${e.symbolName}' names '${e.declName}', which is not a function`]);
    exportNames.set(key, [...(exportNames.get(key) ?? []), e.symbolName]);
  }
  const add = (key: string | null, s: Omit<PlannedSymbol, 'size'> & { size?: number }) => {
    if (key !== null && !plan.symbolOf.has(key)) plan.symbolOf.set(key, plan.symbols.length);
    plan.symbols.push({ size: 0, ...s });
    return plan.symbols.length - 1;
  };
  plan.functions.forEach((f, i) => {
    const key = symbolKey(f.target);
    const index = plan.imports.length + i;
    const names = exportNames.get(key);
    if (names === undefined) add(key, { kind: SYMTAB_FUNCTION, flags: SYM_BINDING_LOCAL, index, name: f.symbolName });
    else for (const name of names) add(key, { kind: SYMTAB_FUNCTION, flags: SYM_EXPORTED | SYM_NO_STRIP, index, name });
  });
  for (const [key, index] of plan.funcIndexOf) {
    if (index >= plan.imports.length) continue;
    add(key, { kind: SYMTAB_FUNCTION, flags: SYM_UNDEFINED | SYM_EXPLICIT_NAME, index, name: plan.imports[index]!.field });
  }
  plan.segments.forEach((s, i) => {
    add(symbolKey({ kind: 'decl', name: s.atom.name }), { kind: SYMTAB_DATA, flags: SYM_BINDING_LOCAL, index: i, name: s.atom.name, size: s.atom.bytes.length });
  });
  if (plan.usesStackPointer) plan.stackPointerSymbol = add(null, { kind: SYMTAB_GLOBAL, flags: SYM_UNDEFINED, index: 0, name: '__stack_pointer' });
  if (plan.usesTable) plan.tableSymbol = add(null, { kind: SYMTAB_TABLE, flags: SYM_UNDEFINED | SYM_NO_STRIP, index: 0, name: '__indirect_function_table' });
}
