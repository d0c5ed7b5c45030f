//! One look at every relocation of every live chunk, in link order (each object's
//! functions, then its data segments), before layout: a type zirc cannot apply (the PIC
//! `*_REL_*`, TLS and LOCREL forms, tags) is an error naming the object, section, offset
//! and type; a function whose address is taken gets its slot in the indirect function
//! table (in first-use order, as wasm-ld numbers them; a weak stub's address stays null);
//! a type named by `call_indirect` is marked used; a strong undefined symbol becomes an
//! import when it may be one, else `<object>: undefined symbol: <name>`, once.

import {
  hex, relocationTypeName, R_WASM_FUNCTION_INDEX_I32, R_WASM_FUNCTION_INDEX_LEB, R_WASM_FUNCTION_OFFSET_I32,
  R_WASM_FUNCTION_OFFSET_I64, R_WASM_GLOBAL_INDEX_I32, R_WASM_GLOBAL_INDEX_LEB, R_WASM_MEMORY_ADDR_I32,
  R_WASM_MEMORY_ADDR_I64, R_WASM_MEMORY_ADDR_LEB, R_WASM_MEMORY_ADDR_LEB64, R_WASM_MEMORY_ADDR_SLEB,
  R_WASM_MEMORY_ADDR_SLEB64, R_WASM_TABLE_INDEX_I32, R_WASM_TABLE_INDEX_I64, R_WASM_TABLE_INDEX_SLEB,
  R_WASM_TABLE_INDEX_SLEB64, R_WASM_TABLE_NUMBER_LEB, R_WASM_TYPE_INDEX_LEB,
  SYMTAB_DATA, SYMTAB_FUNCTION, SYMTAB_GLOBAL, SYMTAB_TABLE, type RelocationTable,
} from '../input/index.js';
import { objectName, SymState, type LinkContext, type LoadedObject } from './context.js';
import { registerType } from './layout.js';
import { mayImport } from './linker_symbols.js';
import { codeRelocations, dataRelocations } from './mark_live.js';

/** Relocation types applied to code and data; anything else is refused. */
const SUPPORTED = new Uint8Array(32);
for (const t of [
  R_WASM_FUNCTION_INDEX_LEB, R_WASM_FUNCTION_INDEX_I32, R_WASM_TABLE_INDEX_SLEB, R_WASM_TABLE_INDEX_I32,
  R_WASM_TABLE_INDEX_SLEB64, R_WASM_TABLE_INDEX_I64, R_WASM_MEMORY_ADDR_LEB, R_WASM_MEMORY_ADDR_SLEB,
  R_WASM_MEMORY_ADDR_I32, R_WASM_MEMORY_ADDR_LEB64, R_WASM_MEMORY_ADDR_SLEB64, R_WASM_MEMORY_ADDR_I64,
  R_WASM_TYPE_INDEX_LEB, R_WASM_GLOBAL_INDEX_LEB, R_WASM_GLOBAL_INDEX_I32, R_WASM_TABLE_NUMBER_LEB,
  R_WASM_FUNCTION_OFFSET_I32, R_WASM_FUNCTION_OFFSET_I64,
]) SUPPORTED[t] = 1;

/** Whether the linker applies relocation type `type` to code and data (else scanRelocations refuses it). */
export function isSupportedRelocation(type: number): boolean {
  return SUPPORTED[type] === 1;
}

const isTableIndex = (t: number) =>
  t === R_WASM_TABLE_INDEX_SLEB || t === R_WASM_TABLE_INDEX_I32 || t === R_WASM_TABLE_INDEX_SLEB64 || t === R_WASM_TABLE_INDEX_I64;

/** A function's identity for the table: an input function, a synthetic one, or an import (by symbol). */
export function functionKey(ctx: LinkContext, id: number): number {
  const s = ctx.syms;
  const st = s.state[id];
  if (st === SymState.Defined) {
    const lo = ctx.objects[s.object[id]!]!;
    return s.object[id]! * 4194304 + (lo.obj.linking.symbols.index[s.symbol[id]!]! - lo.obj.importedFunctions);
  }
  if (st === SymState.Synthetic) return -1 - s.value[id]!;
  return -(2 ** 40) - id;
}

export function scanRelocations(ctx: LinkContext): void {
  const reported = new Set<number>();
  ctx.importSymbols = new Set();
  for (const o of ctx.order) {
    const lo = ctx.objects[o]!;
    const code = codeRelocations(lo);
    if (code?.chunkStart) {
      for (let f = 0; f < lo.funcLive.length; f++) if (lo.funcLive[f]) scanChunk(ctx, o, lo, code, f, 'CODE', reported);
    }
    const data = dataRelocations(lo);
    if (data?.chunkStart) {
      for (let g = 0; g < lo.segLive.length; g++) if (lo.segLive[g]) scanChunk(ctx, o, lo, data, g, 'DATA', reported);
    }
  }
}

function scanChunk(ctx: LinkContext, o: number, lo: LoadedObject, t: RelocationTable, chunk: number, section: string, reported: Set<number>): void {
  const s = ctx.syms;
  const end = t.chunkStart![chunk + 1]!;
  for (let r = t.chunkStart![chunk]!; r < end; r++) {
    const type = t.type[r]!;
    if (!SUPPORTED[type]) {
      // The first site of each type in each object is enough to say what is wrong.
      if (reported.has(-1 - o * 64 - type)) continue;
      reported.add(-1 - o * 64 - type);
      ctx.errors.push(`${lo.obj.path}: ${section} offset ${hex(t.offset[r]!)}: relocation ${relocationTypeName(type)} is not supported (it is for PIC, TLS, exception handling or 64-bit code; zirc wasm-ld links non-PIC wasm32 without threads)`);
      continue;
    }
    if (type === R_WASM_TYPE_INDEX_LEB) {
      // Registered as met, as wasm-ld numbers them.
      const ti = t.index[r]!;
      if (ti < lo.typeOut.length && lo.typeOut[ti]! < 0) lo.typeOut[ti] = registerType(ctx, lo.obj.types[ti]!);
      continue;
    }
    const id = lo.symId[t.index[r]!]!;
    if (id < 0) continue;
    const kind = s.kind[id];
    if ((type === R_WASM_GLOBAL_INDEX_LEB || type === R_WASM_GLOBAL_INDEX_I32) && kind !== SYMTAB_GLOBAL) {
      if (reported.has(-1 - o * 64 - type)) continue;
      reported.add(-1 - o * 64 - type);
      ctx.errors.push(`${lo.obj.path}: ${section} offset ${hex(t.offset[r]!)}: ${relocationTypeName(type)} against ${s.names[id]}, which is not a global (a GOT entry of PIC code): not supported`);
      continue;
    }
    const st = s.state[id];
    if (st === SymState.Undefined || st === SymState.Lazy) undefinedTarget(ctx, id, kind!, o, reported);
    if (isTableIndex(type) && kind === SYMTAB_FUNCTION) assignTableSlot(ctx, id);
    if (type === R_WASM_TABLE_NUMBER_LEB && kind === SYMTAB_TABLE && id !== ctx.indirectTable && !reported.has(id)) {
      reported.add(id);
      ctx.errors.push(`${lo.obj.path}: table ${s.names[id]}: only the indirect function table is supported (reference types with more tables are not)`);
    }
  }
}

function undefinedTarget(ctx: LinkContext, id: number, kind: number, o: number, reported: Set<number>): void {
  const s = ctx.syms;
  if (ctx.importSymbols.has(id) || reported.has(id)) return;
  const allowed = mayImport(ctx, id);
  if ((kind === SYMTAB_FUNCTION || kind === SYMTAB_GLOBAL) && allowed) {
    ctx.importSymbols.add(id);
    return;
  }
  // A weak undefined data symbol (or one allowed to be undefined) has address 0.
  if (kind === SYMTAB_DATA && (allowed || !s.strongRef[id])) return;
  reported.add(id);
  const where = s.refObject[id]! >= 0 ? s.refObject[id]! : o;
  ctx.errors.push(`${objectName(ctx, where)}: undefined symbol: ${s.names[id]}`);
}

function assignTableSlot(ctx: LinkContext, id: number): void {
  const s = ctx.syms;
  if (s.state[id] === SymState.Synthetic && ctx.synthetic[s.value[id]!]!.role === 'stub') return;
  if (s.state[id] !== SymState.Defined && s.state[id] !== SymState.Synthetic && !ctx.importSymbols.has(id)) return;
  const key = functionKey(ctx, id);
  if (ctx.tableSlot.has(key)) return;
  ctx.tableSlot.set(key, ctx.tableKeys.length + 1);
  ctx.tableKeys.push(key);
}
