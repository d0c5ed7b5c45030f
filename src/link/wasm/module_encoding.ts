//! The byte forms that let a wasm module be patched in place (placed_module.ts): a
//! function body in a slot with room to grow (its size LEB padded, the body padded with
//! `nop` before its final `end`, so it stays valid), the trapping body a freed slot gets,
//! the reserve after a section that may grow (an empty-named custom section filling the
//! gap, which every engine skips), and the relocations of an atom applied in place.

import { writePaddedSleb, writePaddedUleb, writeU32Le } from '../../codegen/wasm/leb.js';
import { Op } from '../../codegen/wasm/opcodes.js';
import { LinkError, RELOC_STRIDE, RelocKind, type LinkSymbol, type WasmObject } from './object.js';

export const SECTION_ID = { custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7, element: 9, code: 10, data: 11 } as const;

/** The padded size LEB in front of each function slot. */
export const SLOT_HEADER = 5;
/** The smallest reserve that can be written (id, 1-byte size, empty name); a gap of 1 or 2 bytes cannot be. */
export const MIN_RESERVE = 3;

/** Body bytes a function slot gets: a quarter more than the body, at least 16 bytes. */
export function slotCapacity(bodyLength: number): number {
  return bodyLength + Math.max(16, bodyLength >> 2);
}

/** Bytes a data block gets in memory: a quarter more, at least 16. */
export function blockCapacity(size: number): number {
  return size + Math.max(16, size >> 2);
}

/** Whether a section that ends `gap` bytes before the next one can close the gap with a reserve. */
export function gapFillable(gap: number): boolean {
  return gap === 0 || gap >= MIN_RESERVE;
}

/** Writes a reserve of exactly `len` bytes at `at` (`gapFillable(len)` must hold); only its header is written. */
export function writeReserveHeader(buf: Uint8Array, at: number, len: number): number {
  if (len === 0) return 0;
  buf[at] = SECTION_ID.custom;
  if (len - 2 < 0x80) {
    buf[at + 1] = len - 2;
    buf[at + 2] = 0; // empty name
    return 3;
  }
  writePaddedUleb(buf, at + 1, len - 6);
  buf[at + 6] = 0;
  return 7;
}

/**
 * Writes the slot at `at`: its padded size (`capacity`) and `body` (locals, code, final
 * `end`) with `nop`s before that `end`. Relocations are applied by `applyRelocations`.
 */
export function writeSlotBody(buf: Uint8Array, at: number, capacity: number, body: Uint8Array): void {
  writePaddedUleb(buf, at, capacity);
  const start = at + SLOT_HEADER;
  buf.set(body.subarray(0, body.length - 1), start);
  buf.fill(Op.nop, start + body.length - 1, start + capacity - 1);
  buf[start + capacity - 1] = Op.end;
}

/** The body of a freed slot: no locals, `unreachable`, padding, `end`; valid for any type. */
export function writeTrapBody(buf: Uint8Array, at: number, capacity: number): void {
  writePaddedUleb(buf, at, capacity);
  const start = at + SLOT_HEADER;
  buf[start] = 0;
  buf[start + 1] = Op.unreachable;
  buf.fill(Op.nop, start + 2, start + capacity - 1);
  buf[start + capacity - 1] = Op.end;
}

/** The value a relocation resolves to with the symbols' current indices and addresses. */
export function relocValue(obj: WasmObject, typeIndexOfSig: Int32Array, kind: number, ref: number, addend: number): number {
  switch (kind) {
    case RelocKind.TypeIndexLeb:
      return typeIndexOfSig[ref]!;
    case RelocKind.StackPointerLeb:
      return STACK_POINTER_GLOBAL;
  }
  const sym = obj.symbols[ref]!;
  if (kind === RelocKind.FuncIndexLeb) {
    if (!isLinkedFunction(sym)) throw undefinedSymbol(sym);
    return sym.funcIndex;
  }
  if (isLinkedFunction(sym)) return sym.tableIndex + addend;
  if (sym.data !== null) return sym.address + addend;
  throw undefinedSymbol(sym);
}

export const STACK_POINTER_GLOBAL = 0;

/** A defined function, or an import of the current layout. */
export function isLinkedFunction(sym: LinkSymbol): boolean {
  return sym.func !== null || (sym.kind === 'extern' && sym.funcIndex >= 0);
}

export function undefinedSymbol(sym: LinkSymbol): LinkError {
  return new LinkError(`undefined symbol: ${sym.outName}`);
}

/** Applies `relocs` to the atom copied at `base` (code: padded LEBs; data: little-endian u32). */
export function applyRelocations(buf: Uint8Array, base: number, relocs: Int32Array, obj: WasmObject, typeIndexOfSig: Int32Array, inData: boolean): void {
  for (let i = 0; i < relocs.length; i += RELOC_STRIDE) {
    const kind = relocs[i]!;
    const value = relocValue(obj, typeIndexOfSig, kind, relocs[i + 2]!, relocs[i + 3]!);
    const at = base + relocs[i + 1]!;
    if (inData) writeU32Le(buf, at, value);
    else if (kind === RelocKind.AddrSleb) writePaddedSleb(buf, at, value);
    else writePaddedUleb(buf, at, value);
  }
}
