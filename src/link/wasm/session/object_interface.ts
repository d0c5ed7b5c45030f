//! Whether a rebuilt wasm object can take its predecessor's place in a link without
//! changing anything outside its own bytes (fast_relink.ts), judged from the two objects
//! alone: the same types, imports, function signatures, globals, exports, element and
//! data segments (names, alignment, flags), the same symbols in the same order (name,
//! kind, flags, index; a data symbol may change its offset and size), the same
//! constructors and COMDATs, the same producers and target features, no other custom
//! sections (debug info), and, chunk by chunk (each function body and data segment), the
//! same symbols referenced, each by address (a table slot) or not — so liveness, imports
//! and table slots are those of the last link. Bodies, segment bytes and relocation sites
//! may differ. Pure: returns why not, or null.

import { bytesEqual } from '../../../zir/bytes.js';
import {
  R_WASM_TABLE_INDEX_I32, R_WASM_TABLE_INDEX_I64, R_WASM_TABLE_INDEX_SLEB, R_WASM_TABLE_INDEX_SLEB64, R_WASM_TYPE_INDEX_LEB,
  SYM_ABSOLUTE, SYM_UNDEFINED, SYMTAB_DATA, type RelocationTable, type WasmObject,
} from '../input/index.js';

const IGNORED_CUSTOM = new Set(['name', 'producers']);

function sameBytes(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return bytesEqual(a, b);
}

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function customSection(obj: WasmObject, name: string): Uint8Array | null {
  for (const i of obj.customSections) if (obj.sections[i]!.name === name) return obj.sections[i]!.data;
  return null;
}

export function interfaceDifference(before: WasmObject, after: WasmObject): string | null {
  if (before.types.length !== after.types.length || before.types.some((t, i) => !sameBytes(t.params, after.types[i]!.params) || !sameBytes(t.results, after.types[i]!.results))) {
    return 'its function types changed';
  }
  if (before.imports.length !== after.imports.length) return 'it imports a different set of symbols';
  for (let i = 0; i < before.imports.length; i++) {
    const a = before.imports[i]!, b = after.imports[i]!;
    if (a.module !== b.module || a.field !== b.field || a.kind !== b.kind || a.kindIndex !== b.kindIndex || a.typeIndex !== b.typeIndex
      || a.global?.valueType !== b.global?.valueType || a.global?.mutable !== b.global?.mutable) return `its import ${a.module}.${a.field} changed`;
  }
  if (!sameArray(before.functionTypes, after.functionTypes)) return 'it defines a different set of functions (or their signatures changed)';
  if (before.globals.length !== after.globals.length || before.globals.some((g, i) => {
    const h = after.globals[i]!;
    return g.type.valueType !== h.type.valueType || g.type.mutable !== h.type.mutable || !sameBytes(g.init.bytes, h.init.bytes);
  })) return 'its globals changed';
  if (before.exports.length !== after.exports.length || before.exports.some((e, i) => e.name !== after.exports[i]!.name || e.kind !== after.exports[i]!.kind || e.index !== after.exports[i]!.index)) return 'its exports changed';
  if (before.start !== after.start || before.tables.length !== after.tables.length || before.memories.length !== after.memories.length || before.tags.length !== after.tags.length) return 'its start, tables, memories or tags changed';
  if (before.elements.length > 0 || after.elements.length > 0) return 'it has element segments';
  const problem = segmentDifference(before, after) ?? symbolDifference(before, after);
  if (problem) return problem;
  const ia = before.linking.initFuncs, ib = after.linking.initFuncs;
  if (!sameArray(ia.priority, ib.priority) || !sameArray(ia.symbol, ib.symbol)) return 'its constructors changed';
  const ca = before.linking.comdats, cb = after.linking.comdats;
  if (ca.length !== cb.length || ca.some((c, i) => c.name !== cb[i]!.name || c.flags !== cb[i]!.flags || !sameArray(c.kinds, cb[i]!.kinds) || !sameArray(c.indices, cb[i]!.indices))) return 'its COMDAT groups changed';
  for (const obj of [before, after]) {
    for (const i of obj.customSections) if (!IGNORED_CUSTOM.has(obj.sections[i]!.name)) return `it has a custom section ${obj.sections[i]!.name} (debug info is linked whole)`;
  }
  if (!sameBytes(customSection(before, 'producers'), customSection(after, 'producers'))) return 'its producers section changed';
  const fa = before.targetFeatures, fb = after.targetFeatures;
  if ((fa === null) !== (fb === null) || (fa && fb && (fa.length !== fb.length || fa.some((f, i) => f.prefix !== fb[i]!.prefix || f.name !== fb[i]!.name)))) return 'its target features changed';
  return referenceDifference(before, after);
}

function segmentDifference(before: WasmObject, after: WasmObject): string | null {
  if (before.dataSegments.length !== after.dataSegments.length) return 'it has a different number of data segments';
  const sa = before.linking.segments, sb = after.linking.segments;
  for (let g = 0; g < before.dataSegments.length; g++) {
    const a = before.dataSegments[g]!, b = after.dataSegments[g]!;
    if (a.mode !== b.mode || a.flags !== b.flags || a.memory !== b.memory) return `data segment ${g} changed its kind`;
    if (sa.names[g] !== sb.names[g] || sa.alignLog2[g] !== sb.alignLog2[g] || sa.flags[g] !== sb.flags[g]) return `data segment ${sa.names[g] ?? g} changed its name, alignment or flags`;
  }
  return null;
}

function symbolDifference(before: WasmObject, after: WasmObject): string | null {
  const A = before.linking.symbols, B = after.linking.symbols;
  if (A.count !== B.count) return 'it defines or references a different set of symbols';
  for (let i = 0; i < A.count; i++) {
    if (A.names[i] !== B.names[i] || A.kind[i] !== B.kind[i]) return `it defines or references a different set of symbols (${A.names[i]} / ${B.names[i]})`;
    if (A.flags[i] !== B.flags[i] || A.index[i] !== B.index[i]) return `symbol ${A.names[i]} changed its flags or what it names`;
    if (A.kind[i] === SYMTAB_DATA && (A.flags[i]! & SYM_ABSOLUTE) && !(A.flags[i]! & SYM_UNDEFINED) && A.offset[i] !== B.offset[i]) return `absolute symbol ${A.names[i]} changed its value`;
  }
  return null;
}

const isTableIndex = (t: number) => t === R_WASM_TABLE_INDEX_SLEB || t === R_WASM_TABLE_INDEX_I32 || t === R_WASM_TABLE_INDEX_SLEB64 || t === R_WASM_TABLE_INDEX_I64;

/** Each chunk's references, as sorted distinct (symbol × 2 + by address) numbers. */
function chunkReferences(t: RelocationTable, chunk: number): number[] {
  const refs = new Set<number>();
  for (let r = t.chunkStart![chunk]!; r < t.chunkStart![chunk + 1]!; r++) {
    if (t.type[r] === R_WASM_TYPE_INDEX_LEB) continue;
    refs.add(t.index[r]! * 2 + (isTableIndex(t.type[r]!) ? 1 : 0));
  }
  return [...refs].sort((x, y) => x - y);
}

function tableFor(obj: WasmObject, section: number): RelocationTable | null {
  return section < 0 ? null : (obj.relocations.find((r) => r.target === section) ?? null);
}

function referenceDifference(before: WasmObject, after: WasmObject): string | null {
  const pairs: Array<[RelocationTable | null, RelocationTable | null, number, string]> = [
    [tableFor(before, before.code.section), tableFor(after, after.code.section), before.functionTypes.length, 'function'],
    [tableFor(before, before.dataSection), tableFor(after, after.dataSection), before.dataSegments.length, 'data segment'],
  ];
  for (const [a, b, chunks, what] of pairs) {
    const ca = a?.chunkStart ?? null, cb = b?.chunkStart ?? null;
    for (let c = 0; c < chunks; c++) {
      const ra = ca ? chunkReferences(a!, c) : [], rb = cb ? chunkReferences(b!, c) : [];
      if (!sameArray(ra, rb)) return `${what} ${c} refers to different symbols`;
    }
  }
  return null;
}
