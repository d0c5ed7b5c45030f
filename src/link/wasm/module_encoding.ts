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

/** Room a body (its slot) or a data atom (its block) gets when placed: a quarter more, at least 16 bytes. */
export function blockCapacity(size: number): number {
  return size + Math.max(16, size >> 2);
}

/** Body bytes a function slot gets. */
export const slotCapacity = blockCapacity;

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

/** The body of a freed slot: no locals, `unreachable`, `end`; valid for any function type. */
export const TRAP_BODY = Uint8Array.of(0x00, Op.unreachable, Op.end);

/**
 * Writes `body` (locals, code, final `end`) into a room of `capacity` bytes at `at`: the
 * same bytes, then `nop`s, then the final `end` (still valid, same behaviour).
 */
export function writePaddedBody(buf: Uint8Array, at: number, body: Uint8Array, capacity: number): void {
  buf.set(body.subarray(0, body.length - 1), at);
  buf.fill(Op.nop, at + body.length - 1, at + capacity - 1);
  buf[at + capacity - 1] = Op.end;
}

/**
 * Writes the slot at `at`: its padded size (`capacity`) and the padded body. Relocations
 * are applied by `applyRelocations`.
 */
export function writeSlotBody(buf: Uint8Array, at: number, capacity: number, body: Uint8Array): void {
  writePaddedUleb(buf, at, capacity);
  writePaddedBody(buf, at + SLOT_HEADER, body, capacity);
}

/** A freed slot: its padded size and the trapping body. */
export function writeTrapBody(buf: Uint8Array, at: number, capacity: number): void {
  writeSlotBody(buf, at, capacity, TRAP_BODY);
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
