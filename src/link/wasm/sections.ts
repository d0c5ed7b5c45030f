//! The contents of the wasm sections zirc's module writer (placed_module.ts) encodes, each
//! into a ByteWriter, and the offsets of the fields a patch rewrites. Every count, size,
//! table limit, memory size and function index that an update may change is a 5-byte
//! padded LEB, so rewriting it never moves a byte after it.

import { ByteWriter, writePaddedUleb } from '../../codegen/wasm/leb.js';
import { Op } from '../../codegen/wasm/opcodes.js';
import { I32 } from '../../codegen/wasm/output.js';
import type { ResolvedExport } from './layout.js';
import { writeReserveHeader } from './module_encoding.js';
import type { LinkSymbol, WasmObject } from './object.js';

export const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

const PAD = 5;
const FUNCREF = 0x70;
const FUNC_TYPE = 0x60;
const EXTERN_FUNC = 0x00;
const EXTERN_MEMORY = 0x02;

/** Where a section lies in the file: its id byte, the end of its contents, the end of the reserve after it. */
export interface Span {
  start: number;
  end: number;
  limit: number;
}

/** Offsets from a section's start (its id byte). */
export const AT = {
  /** The contents, after the id and the padded size. */
  content: 1 + PAD,
  /** The padded count of the type, function and code sections. */
  count: 1 + PAD,
  /** The first function entry, code slot or type. */
  entries: 1 + 2 * PAD,
  tableMin: 1 + PAD + 3,
  tableMax: 1 + PAD + 3 + PAD,
  memoryMin: 1 + PAD + 2,
  elemCount: 1 + PAD + 5,
  elemEntries: 1 + PAD + 5 + PAD,
  dataSize: 1 + PAD + PAD + 3 + PAD,
  dataBytes: 1 + PAD + PAD + 3 + PAD + PAD,
  nameSubSize: 1 + PAD + 6,
  nameCount: 1 + PAD + 6 + PAD,
  nameEntries: 1 + PAD + 6 + 2 * PAD,
} as const;

/** Appends section `id` with `contents`, then a reserve of `reserve` bytes (0 or at least 3). */
export function section(w: ByteWriter, id: number, reserve: number, contents: () => void): Span {
  const start = w.length;
  w.byte(id);
  w.paddedU32(0);
  contents();
  const end = w.length;
  writePaddedUleb(w.bytes, start + 1, end - start - AT.content);
  w.zeros(reserve);
  writeReserveHeader(w.bytes, end, reserve);
  return { start, end, limit: w.length };
}

export function encodeType(w: ByteWriter, obj: WasmObject, sigId: number): void {
  const sig = obj.sigs[sigId]!;
  w.byte(FUNC_TYPE);
  w.u32(sig.params.length);
  for (const p of sig.params) w.byte(p);
  w.u32(sig.results.length);
  for (const r of sig.results) w.byte(r);
}

export function encodeImports(w: ByteWriter, imports: readonly LinkSymbol[], typeIndexOfSig: Int32Array): void {
  w.u32(imports.length);
  for (const s of imports) {
    w.name(s.lib);
    w.name(s.name);
    w.byte(EXTERN_FUNC);
    w.u32(typeIndexOfSig[s.importSigId]!);
  }
}

/** One table, its minimum and maximum both `size` (padded). */
export function encodeTable(w: ByteWriter, size: number): void {
  w.u32(1);
  w.byte(FUNCREF);
  w.byte(0x01);
  w.paddedU32(size);
  w.paddedU32(size);
}

/** One memory of at least `pages` (padded); no maximum: the program may grow it. */
export function encodeMemory(w: ByteWriter, pages: number): void {
  w.u32(1);
  w.byte(0x00);
  w.paddedU32(pages);
}

/** `__stack_pointer`, mutable, starting at `stackTop`. */
export function encodeGlobals(w: ByteWriter, stackTop: number): void {
  w.u32(1);
  w.byte(I32);
  w.byte(0x01);
  w.byte(Op.i32_const);
  w.s32(stackTop);
  w.byte(Op.end);
}

/** `memory`, then the program's exports by name. */
export function encodeExports(w: ByteWriter, exports: readonly ResolvedExport[]): void {
  const user = exports.filter((e) => e.name !== 'memory');
  w.u32(user.length + 1);
  w.name('memory');
  w.byte(EXTERN_MEMORY);
  w.u32(0);
  for (const e of user) {
    w.name(e.name);
    w.byte(EXTERN_FUNC);
    w.u32(e.funcIndex);
  }
}

/** The head of the one active element segment (table 0 from index 1); its padded count and entries follow. */
export function encodeElemHead(w: ByteWriter): void {
  w.byte(1);
  w.u32(0);
  w.byte(Op.i32_const);
  w.s32(1);
  w.byte(Op.end);
}

/** The head of the one active data segment at `base`: count, flags, offset, padded size. */
export function encodeDataHead(w: ByteWriter, base: number, size: number): void {
  w.paddedU32(1);
  w.byte(0x00);
  w.byte(Op.i32_const);
  w.paddedS32(base);
  w.byte(Op.end);
  w.paddedU32(size);
}

/** A function name entry of the `name` section. */
export function encodeNameEntry(w: ByteWriter, index: number, sym: LinkSymbol): void {
  w.u32(index);
  const bytes = (sym.outNameBytes ??= new TextEncoder().encode(sym.outName));
  w.u32(bytes.length);
  w.raw(bytes);
}

/** The global names subsection (7), after the function names. */
export function encodeGlobalNames(w: ByteWriter): void {
  w.byte(7);
  const at = w.paddedU32(0);
  const start = w.length;
  w.u32(1);
  w.u32(0);
  w.name('__stack_pointer');
  writePaddedUleb(w.bytes, at, w.length - start);
}
