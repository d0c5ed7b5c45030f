//! Flush-time layout of the wasm module: the order and indices of imports, defined
//! functions, types and table entries, the memory map (shadow stack first, then data),
//! and the resolved exports. Orders are canonical (sorted by name), so an incrementally
//! maintained object lays out exactly like a fresh one built from the same atoms.

import { LinkError, type LinkSymbol, type WasmObject } from './object.js';
import type { ExportEntry } from '../Linker.js';

export const WASM_PAGE = 65536;

export interface ModuleLayout {
  imports: LinkSymbol[];
  funcs: LinkSymbol[];
  /** Signature ids in type-index order, and the inverse map. */
  types: number[];
  typeIndexOfSig: Int32Array;
  /** Table entries from index 1 (0 is the null function pointer). */
  table: LinkSymbol[];
  /** Initialized data (rodata, data) in address order; `bss` follows them. */
  initData: LinkSymbol[];
  dataBase: number;
  /** End of the initialized data (the data segment is [dataBase, initEnd)). */
  initEnd: number;
  memoryPages: number;
  stackTop: number;
  exports: { name: string; funcIndex: number }[];
}

const SECTION_RANK = { rodata: 0, data: 1, bss: 2 } as const;

function byOutName(a: LinkSymbol, b: LinkSymbol): number {
  if (a.outName !== b.outName) return a.outName < b.outName ? -1 : 1;
  return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}

export function sortFunctions(syms: Iterable<LinkSymbol>): LinkSymbol[] {
  return [...syms].sort(byOutName);
}

export function sortData(syms: Iterable<LinkSymbol>): LinkSymbol[] {
  return [...syms].sort((a, b) => SECTION_RANK[a.data!.section] - SECTION_RANK[b.data!.section] || byOutName(a, b));
}

export function computeLayout(
  obj: WasmObject,
  sortedFuncs: LinkSymbol[],
  sortedData: LinkSymbol[],
  exports: readonly ExportEntry[],
  stackSize: number,
): ModuleLayout {
  // Imports: externs something installed refers to.
  const imports = obj.externSyms
    .filter((s) => s.refs > 0)
    .sort((a, b) => (a.lib !== b.lib ? (a.lib < b.lib ? -1 : 1) : a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.importSigId - b.importSigId));
  for (const s of obj.externSyms) s.funcIndex = -1;
  imports.forEach((s, i) => (s.funcIndex = i));
  sortedFuncs.forEach((s, i) => (s.funcIndex = imports.length + i));

  // Types: every signature in use, ordered by key.
  const used = new Set<number>();
  for (let id = 0; id < obj.sigs.length; id++) if (obj.sigRefs[id]! > 0) used.add(id);
  for (const s of imports) used.add(s.importSigId);
  const types = [...used].sort((a, b) => (obj.sigKeys[a]! < obj.sigKeys[b]! ? -1 : obj.sigKeys[a]! > obj.sigKeys[b]! ? 1 : 0));
  const typeIndexOfSig = new Int32Array(obj.sigs.length).fill(-1);
  types.forEach((id, i) => (typeIndexOfSig[id] = i));

  // Table: functions whose address is taken, in function index order.
  const table: LinkSymbol[] = [];
  for (const s of imports) if (s.addrRefs > 0) table.push(s);
  for (const s of sortedFuncs) {
    s.tableIndex = -1;
    if (s.addrRefs > 0) table.push(s);
  }
  table.forEach((s, i) => (s.tableIndex = i + 1));

  // Memory: [0, stackSize) is the shadow stack (grows down from stackSize), then data.
  const dataBase = alignUp(stackSize, 16);
  let at = dataBase;
  const initData: LinkSymbol[] = [];
  let initEnd = dataBase;
  for (const s of sortedData) {
    const d = s.data!;
    at = alignUp(at, d.align);
    s.address = at;
    at += d.bytes.length;
    if (d.section !== 'bss') {
      initData.push(s);
      initEnd = at;
    }
  }
  const memoryPages = Math.max(1, Math.ceil(at / WASM_PAGE));

  const resolved = [...exports]
    .sort((a, b) => (a.symbolName < b.symbolName ? -1 : a.symbolName > b.symbolName ? 1 : 0))
    .map((e) => {
      const sym = obj.lookupDecl(e.declName);
      if (sym === undefined || sym.func === null) throw new LinkError(`export '${e.symbolName}' names '${e.declName}', which is not a linked function`);
      return { name: e.symbolName, funcIndex: sym.funcIndex };
    });

  return { imports, funcs: sortedFuncs, types, typeIndexOfSig, table, initData, dataBase, initEnd, memoryPages, stackTop: dataBase, exports: resolved };
}

export function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}
