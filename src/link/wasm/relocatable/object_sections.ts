//! The standard sections of a wasm relocatable object, one small encoder each, in the
//! forms clang 14 writes: imports of `env.__linear_memory`, the function externs,
//! `env.__indirect_function_table` and `env.__stack_pointer`; an element segment for the
//! address-taken functions; one active data segment per data atom at its object-local
//! address. The code and data encoders copy each body or atom, write the object-local
//! value at every relocation site (so disassemblers show the right names) and record the
//! `reloc.*` entry, offset from the section's contents.

import { ByteWriter, writePaddedSleb, writePaddedUleb, writeU32Le } from '../../../codegen/wasm/leb.js';
import { Op } from '../../../codegen/wasm/opcodes.js';
import { I32, sigKey, type WasmRelocKind } from '../../../codegen/wasm/output.js';
import { symbolKey, type SymbolTarget } from '../../../sema/air.js';
import { LinkError } from '../../Linker.js';
import {
  R_WASM_FUNCTION_INDEX_LEB,
  R_WASM_GLOBAL_INDEX_LEB,
  R_WASM_MEMORY_ADDR_I32,
  R_WASM_MEMORY_ADDR_SLEB,
  R_WASM_TABLE_INDEX_I32,
  R_WASM_TABLE_INDEX_SLEB,
  R_WASM_TYPE_INDEX_LEB,
} from '../input/relocation_types.js';
import {
  EXTERNAL_FUNCTION,
  EXTERNAL_GLOBAL,
  EXTERNAL_MEMORY,
  EXTERNAL_TABLE,
  SEC_CODE,
  SEC_DATA,
  SEC_DATACOUNT,
  SEC_ELEM,
  SEC_FUNCTION,
  SEC_IMPORT,
  SEC_TYPE,
  TYPE_FUNC,
  TYPE_FUNCREF,
} from '../input/wasm_constants.js';
import type { ObjectPlan } from './object_plan.js';

export const WASM_PAGE = 65536;

/** One `reloc.*` entry; `addend` is written only for the types that have one. */
export interface RelocEntry {
  type: number;
  offset: number;
  index: number;
  addend: number;
}

/** Appends section `id` (5-byte padded size, as LLVM writes it); returns where its contents start. */
export function section(w: ByteWriter, id: number, contents: () => void): number {
  w.byte(id);
  const sizeAt = w.paddedU32(0);
  const start = w.length;
  contents();
  writePaddedUleb(w.bytes, sizeAt, w.length - start);
  return start;
}

export function writeTypeSection(w: ByteWriter, plan: ObjectPlan): void {
  section(w, SEC_TYPE, () => {
    w.u32(plan.types.length);
    for (const sig of plan.types) {
      w.byte(TYPE_FUNC);
      w.u32(sig.params.length);
      for (const p of sig.params) w.byte(p);
      w.u32(sig.results.length);
      for (const r of sig.results) w.byte(r);
    }
  });
}

export function writeImportSection(w: ByteWriter, plan: ObjectPlan): void {
  section(w, SEC_IMPORT, () => {
    w.u32(1 + plan.imports.length + (plan.usesTable ? 1 : 0) + (plan.usesStackPointer ? 1 : 0));
    w.name('env');
    w.name('__linear_memory');
    w.byte(EXTERNAL_MEMORY);
    w.byte(0x00); // minimum only
    w.u32(Math.ceil(plan.dataEnd / WASM_PAGE));
    for (const imp of plan.imports) {
      w.name(imp.module);
      w.name(imp.field);
      w.byte(EXTERNAL_FUNCTION);
      w.u32(imp.typeIndex);
    }
    if (plan.usesTable) {
      w.name('env');
      w.name('__indirect_function_table');
      w.byte(EXTERNAL_TABLE);
      w.byte(TYPE_FUNCREF);
      w.byte(0x00); // minimum only
      w.u32(plan.table.length + 1);
    }
    if (plan.usesStackPointer) {
      w.name('env');
      w.name('__stack_pointer');
      w.byte(EXTERNAL_GLOBAL);
      w.byte(I32);
      w.byte(0x01); // mutable
    }
  });
}

export function writeFunctionSection(w: ByteWriter, plan: ObjectPlan): void {
  section(w, SEC_FUNCTION, () => {
    w.u32(plan.functionTypes.length);
    for (const t of plan.functionTypes) w.u32(t);
  });
}

/** The address-taken functions at table index 1 on (wasm-ld rebuilds the table from the relocations). */
export function writeElementSection(w: ByteWriter, plan: ObjectPlan): void {
  section(w, SEC_ELEM, () => {
    w.u32(1);
    w.u32(0); // active, table 0, function indices
    w.byte(Op.i32_const);
    w.s32(1);
    w.byte(Op.end);
    w.u32(plan.table.length);
    for (const f of plan.table) w.u32(f);
  });
}

export function writeDataCountSection(w: ByteWriter, plan: ObjectPlan): void {
  section(w, SEC_DATACOUNT, () => w.u32(plan.segments.length));
}

export function writeCodeSection(w: ByteWriter, plan: ObjectPlan, relocs: RelocEntry[]): void {
  const sites: RelocEntry[] = [];
  const start = section(w, SEC_CODE, () => {
    w.u32(plan.functions.length);
    for (const f of plan.functions) {
      const body = f.code.body;
      w.u32(body.length);
      const base = w.length;
      w.raw(body);
      for (const r of f.code.relocs) {
        const at = base + r.offset;
        const typeIndex = r.kind === 'type_index_leb' ? plan.typeIndexOf.get(sigKey(r.sig!))! : -1;
        const entry = codeReloc(plan, r.kind, r.target, r.addend, typeIndex);
        if (r.kind === 'addr_sleb') writePaddedSleb(w.bytes, at, entry.value);
        else writePaddedUleb(w.bytes, at, entry.value);
        sites.push({ type: entry.type, offset: at, index: entry.index, addend: entry.addend });
      }
    }
  });
  for (const s of sites) relocs.push({ ...s, offset: s.offset - start });
}

/** A code relocation's type, symbol (or type) index, addend and object-local value. */
function codeReloc(plan: ObjectPlan, kind: WasmRelocKind, target: SymbolTarget | null, addend: number, typeIndex: number): { type: number; index: number; addend: number; value: number } {
  switch (kind) {
    case 'type_index_leb':
      return { type: R_WASM_TYPE_INDEX_LEB, index: typeIndex, addend: 0, value: typeIndex };
    case 'stack_pointer_leb':
      return { type: R_WASM_GLOBAL_INDEX_LEB, index: plan.stackPointerSymbol, addend: 0, value: 0 };
    case 'func_index_leb': {
      const key = symbolKey(target!);
      return { type: R_WASM_FUNCTION_INDEX_LEB, index: symbolIndex(plan, target!), addend: 0, value: plan.funcIndexOf.get(key)! };
    }
    case 'addr_sleb':
      return addressReloc(plan, target!, addend, R_WASM_MEMORY_ADDR_SLEB, R_WASM_TABLE_INDEX_SLEB);
  }
}

/** A reference to a data atom's address (plus addend) or to a function's table slot. */
function addressReloc(plan: ObjectPlan, target: SymbolTarget, addend: number, memoryType: number, tableType: number) {
  const key = symbolKey(target);
  const segment = plan.segmentOf.get(key);
  if (segment !== undefined) return { type: memoryType, index: symbolIndex(plan, target), addend, value: plan.segments[segment]!.address + addend };
  if (addend !== 0) throw new LinkError([`cannot add ${addend} to the address of function '${target.name}' on wasm32`]);
  return { type: tableType, index: symbolIndex(plan, target), addend: 0, value: plan.tableIndexOf.get(key)! };
}

function symbolIndex(plan: ObjectPlan, target: SymbolTarget): number {
  const index = plan.symbolOf.get(symbolKey(target));
  if (index === undefined) throw new LinkError([`undefined symbol: ${target.name}`]);
  return index;
}

export function writeDataSection(w: ByteWriter, plan: ObjectPlan, relocs: RelocEntry[]): void {
  const sites: RelocEntry[] = [];
  const start = section(w, SEC_DATA, () => {
    w.u32(plan.segments.length);
    for (const s of plan.segments) {
      w.u32(0); // active, memory 0
      w.byte(Op.i32_const);
      w.s32(s.address);
      w.byte(Op.end);
      w.u32(s.atom.bytes.length);
      const base = w.length;
      w.raw(s.atom.bytes);
      for (const r of s.atom.relocs) {
        const entry = addressReloc(plan, r.target, r.addend, R_WASM_MEMORY_ADDR_I32, R_WASM_TABLE_INDEX_I32);
        writeU32Le(w.bytes, base + r.offset, entry.value);
        sites.push({ type: entry.type, offset: base + r.offset, index: entry.index, addend: entry.addend });
      }
    }
  });
  for (const s of sites) relocs.push({ ...s, offset: s.offset - start });
}
