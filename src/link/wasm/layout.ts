//! The canonical orders of a fresh wasm layout (placed_module.ts lays a module out from
//! them, and a compaction does again): imports by module and name, defined functions and
//! data by output name, types by signature key, table entries in function index order.
//! Orders depend only on the atoms installed, so a layout of an incrementally maintained
//! object is exactly that of a fresh one built from the same atoms.

import { LinkError, type LinkSymbol, type WasmObject } from './object.js';
import type { ExportEntry } from '../Linker.js';

export const WASM_PAGE = 65536;

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

/** The externs something installed refers to, in import order. */
export function orderImports(obj: WasmObject): LinkSymbol[] {
  return obj.externSyms
    .filter((s) => s.refs > 0)
    .sort((a, b) => (a.lib !== b.lib ? (a.lib < b.lib ? -1 : 1) : a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.importSigId - b.importSigId));
}

/** Every signature in use (by atoms or imports), ordered by key. */
export function orderTypes(obj: WasmObject, imports: readonly LinkSymbol[]): number[] {
  const used = new Set<number>();
  for (let id = 0; id < obj.sigs.length; id++) if (obj.sigRefs[id]! > 0) used.add(id);
  for (const s of imports) used.add(s.importSigId);
  return [...used].sort((a, b) => (obj.sigKeys[a]! < obj.sigKeys[b]! ? -1 : obj.sigKeys[a]! > obj.sigKeys[b]! ? 1 : 0));
}

export interface ResolvedExport {
  name: string;
  funcIndex: number;
}

/** The exports by symbol name with their function indices; a LinkError if one names no linked function. */
export function resolveExports(obj: WasmObject, exports: readonly ExportEntry[]): ResolvedExport[] {
  return [...exports]
    .sort((a, b) => (a.symbolName < b.symbolName ? -1 : a.symbolName > b.symbolName ? 1 : 0))
    .map((e) => {
      const sym = obj.lookupDecl(e.declName);
      if (sym === undefined || sym.func === null) throw new LinkError(`export '${e.symbolName}' names '${e.declName}', which is not a linked function`);
      return { name: e.symbolName, funcIndex: sym.funcIndex };
    });
}

export function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}
