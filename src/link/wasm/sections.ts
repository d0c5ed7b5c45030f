//! One small encoder per wasm section, composed by `writeModule` (module_writer.ts).
//! Each appends its section (id, 5-byte padded size, contents) to a shared ByteWriter;
//! the code and data encoders copy cached bytes and patch relocations in place.

import { ByteWriter, writePaddedSleb, writePaddedUleb, writeU32Le } from '../../codegen/wasm/leb.js';
import { Op } from '../../codegen/wasm/opcodes.js';
import { I32 } from '../../codegen/wasm/output.js';
import type { ModuleLayout } from './layout.js';
import { LinkError, RELOC_STRIDE, RelocKind, type LinkSymbol, type WasmObject } from './object.js';

export const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

const SEC = { custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7, element: 9, code: 10, data: 11 } as const;
const FUNCREF = 0x70;
const FUNC_TYPE = 0x60;
const EXTERN_FUNC = 0x00;
const EXTERN_MEMORY = 0x02;
export const STACK_POINTER_GLOBAL = 0;

function section(w: ByteWriter, id: number, contents: () => void): void {
  w.byte(id);
  const sizeAt = w.paddedU32(0);
  const start = w.length;
  contents();
  writePaddedUleb(w.bytes, sizeAt, w.length - start);
}

export function writeTypeSection(w: ByteWriter, obj: WasmObject, l: ModuleLayout): void {
  section(w, SEC.type, () => {
    w.u32(l.types.length);
    for (const id of l.types) {
      const sig = obj.sigs[id]!;
      w.byte(FUNC_TYPE);
      w.u32(sig.params.length);
      for (const p of sig.params) w.byte(p);
      w.u32(sig.results.length);
      for (const r of sig.results) w.byte(r);
    }
  });
}

export function writeImportSection(w: ByteWriter, l: ModuleLayout): void {
  if (l.imports.length === 0) return;
  section(w, SEC.import, () => {
    w.u32(l.imports.length);
    for (const s of l.imports) {
      w.name(s.lib);
      w.name(s.name);
      w.byte(EXTERN_FUNC);
      w.u32(l.typeIndexOfSig[s.importSigId]!);
    }
  });
}

export function writeFunctionSection(w: ByteWriter, l: ModuleLayout): void {
  section(w, SEC.function, () => {
    w.u32(l.funcs.length);
    for (const s of l.funcs) w.u32(l.typeIndexOfSig[s.func!.sigId]!);
  });
}

export function writeTableSection(w: ByteWriter, l: ModuleLayout): void {
  section(w, SEC.table, () => {
    w.u32(1);
    w.byte(FUNCREF);
    w.byte(0x01); // min and max
    w.u32(l.table.length + 1);
    w.u32(l.table.length + 1);
  });
}

export function writeMemorySection(w: ByteWriter, l: ModuleLayout): void {
  section(w, SEC.memory, () => {
    w.u32(1);
    w.byte(0x00); // min only: the program may grow it
    w.u32(l.memoryPages);
  });
}

export function writeGlobalSection(w: ByteWriter, l: ModuleLayout): void {
  section(w, SEC.global, () => {
    w.u32(1);
    w.byte(I32);
    w.byte(0x01); // mutable: __stack_pointer
    w.byte(Op.i32_const);
    w.s32(l.stackTop);
    w.byte(Op.end);
  });
}

export function writeExportSection(w: ByteWriter, l: ModuleLayout): void {
  section(w, SEC.export, () => {
    const user = l.exports.filter((e) => e.name !== 'memory');
    w.u32(user.length + 1);
    w.name('memory');
    w.byte(EXTERN_MEMORY);
    w.u32(0);
    for (const e of user) {
      w.name(e.name);
      w.byte(EXTERN_FUNC);
      w.u32(e.funcIndex);
    }
  });
}

export function writeElementSection(w: ByteWriter, l: ModuleLayout): void {
  if (l.table.length === 0) return;
  section(w, SEC.element, () => {
    w.u32(1);
    w.u32(0); // active, table 0, offset expression, function indices
    w.byte(Op.i32_const);
    w.s32(1);
    w.byte(Op.end);
    w.u32(l.table.length);
    for (const s of l.table) w.u32(s.funcIndex);
  });
}

/** The value a relocation resolves to in this layout. */
function relocValue(obj: WasmObject, l: ModuleLayout, kind: number, ref: number, addend: number): number {
  switch (kind) {
    case RelocKind.TypeIndexLeb:
      return l.typeIndexOfSig[ref]!;
    case RelocKind.StackPointerLeb:
      return STACK_POINTER_GLOBAL;
  }
  const sym = obj.symbols[ref]!;
  if (kind === RelocKind.FuncIndexLeb) {
    if (!isFunction(sym)) throw undefinedSymbol(sym);
    return sym.funcIndex;
  }
  if (isFunction(sym)) return sym.tableIndex + addend;
  if (sym.data !== null) return sym.address + addend;
  throw undefinedSymbol(sym);
}

function isFunction(sym: LinkSymbol): boolean {
  return sym.func !== null || (sym.kind === 'extern' && sym.funcIndex >= 0);
}

function undefinedSymbol(sym: LinkSymbol): LinkError {
  return new LinkError(`undefined symbol: ${sym.outName}`);
}

export function writeCodeSection(w: ByteWriter, obj: WasmObject, l: ModuleLayout): void {
  section(w, SEC.code, () => {
    w.u32(l.funcs.length);
    for (const s of l.funcs) {
      const atom = s.func!;
      w.u32(atom.body.length);
      const base = w.length;
      w.raw(atom.body);
      const relocs = atom.relocs;
      const bytes = w.bytes;
      for (let i = 0; i < relocs.length; i += RELOC_STRIDE) {
        const kind = relocs[i]!;
        const value = relocValue(obj, l, kind, relocs[i + 2]!, relocs[i + 3]!);
        if (kind === RelocKind.AddrSleb) writePaddedSleb(bytes, base + relocs[i + 1]!, value);
        else writePaddedUleb(bytes, base + relocs[i + 1]!, value);
      }
    }
  });
}

export function writeDataSection(w: ByteWriter, obj: WasmObject, l: ModuleLayout): void {
  if (l.initData.length === 0) return;
  section(w, SEC.data, () => {
    w.u32(1);
    w.u32(0); // active, memory 0
    w.byte(Op.i32_const);
    w.s32(l.dataBase);
    w.byte(Op.end);
    const size = l.initEnd - l.dataBase;
    w.u32(size);
    const base = w.length;
    w.zeros(size);
    const bytes = w.bytes;
    for (const s of l.initData) {
      const d = s.data!;
      const at = base + (s.address - l.dataBase);
      bytes.set(d.bytes, at);
      const relocs = d.relocs;
      for (let i = 0; i < relocs.length; i += RELOC_STRIDE) {
        const value = relocValue(obj, l, relocs[i]!, relocs[i + 2]!, relocs[i + 3]!);
        writeU32Le(bytes, at + relocs[i + 1]!, value);
      }
    }
  });
}

/** The `name` custom section: function names (subsection 1) and global names (7). */
export function writeNameSection(w: ByteWriter, l: ModuleLayout): void {
  section(w, SEC.custom, () => {
    w.name('name');
    w.byte(1);
    const sizeAt = w.paddedU32(0);
    const start = w.length;
    w.u32(l.imports.length + l.funcs.length);
    for (const s of l.imports) {
      w.u32(s.funcIndex);
      writeSymbolName(w, s);
    }
    for (const s of l.funcs) {
      w.u32(s.funcIndex);
      writeSymbolName(w, s);
    }
    writePaddedUleb(w.bytes, sizeAt, w.length - start);
    w.byte(7);
    const gAt = w.paddedU32(0);
    const gStart = w.length;
    w.u32(1);
    w.u32(STACK_POINTER_GLOBAL);
    w.name('__stack_pointer');
    writePaddedUleb(w.bytes, gAt, w.length - gStart);
  });
}

function writeSymbolName(w: ByteWriter, s: LinkSymbol): void {
  const bytes = (s.outNameBytes ??= new TextEncoder().encode(s.outName));
  w.u32(bytes.length);
  w.raw(bytes);
}
