//! The wasm module as placed in the output file, and its update in place (issue 14).
//!
//! `layOut` writes a fresh module from the canonical orders (layout.ts) with room to grow
//! everywhere an update may need it: every function body in a slot a quarter larger
//! (module_encoding.ts), every data atom in a block of memory a quarter larger, a reserve
//! after each section that may grow, and every count, size and index that may change as a
//! padded LEB (sections.ts). `patch` then applies what changed in the object since the
//! last flush (`WasmObject.dirty`) to the file image, keeping every index and address that
//! did not change:
//!
//! - a changed body is rewritten in its slot while it fits; one that outgrows its slot, or
//!   a new function, gets a new slot (a new function index) at the end of the code
//!   section; a removed function's slot keeps its index with a trapping body;
//! - a changed data atom is rewritten in its block while it fits, else it moves to the end
//!   of its region (initialized data, or bss above it); a removed one leaves zeros;
//! - new types and table entries are appended, the exports rewritten when they change;
//! - the relocations elsewhere that point at something that moved are applied again.
//!
//! What cannot keep its place says why, and the caller lays the module out afresh: a new
//! import (it would shift every function index), a full reserve, too many dead slots (a
//! compaction). The module is valid after every patch and behaves as a fresh layout of
//! the same object; only the indices and addresses of what moved differ.

import { ByteWriter, writePaddedUleb } from '../../codegen/wasm/leb.js';
import type { FileImage } from '../elf/file_image.js';
import type { ExportEntry } from '../Linker.js';
import { alignUp, orderImports, orderTypes, resolveExports, sortData, sortFunctions, WASM_PAGE, type ResolvedExport } from './layout.js';
import {
  applyRelocations, blockCapacity, gapFillable, isLinkedFunction, SECTION_ID, SLOT_HEADER, slotCapacity, writeReserveHeader, writeSlotBody, writeTrapBody,
} from './module_encoding.js';
import { LinkError, RELOC_STRIDE, RelocKind, type LinkSymbol, type WasmObject } from './object.js';
import {
  AT, encodeDataHead, encodeElemHead, encodeExports, encodeGlobalNames, encodeGlobals, encodeImports, encodeMemory, encodeNameEntry, encodeTable, encodeType, section,
  WASM_MAGIC, type Span,
} from './sections.js';

interface Slot {
  sym: LinkSymbol | null;
  /** File offset of the slot's size LEB. */
  at: number;
  capacity: number;
}

interface Block {
  address: number;
  capacity: number;
  bss: boolean;
}

export type PatchOutcome = { ok: true } | { ok: false; reason: string };

interface Spans {
  type: Span;
  func: Span;
  table: Span;
  memory: Span;
  exports: Span;
  elem: Span;
  code: Span;
  data: Span;
  name: Span;
}

const PAD = 5;

export class PlacedModule {
  private typeIndexOfSig: Int32Array;
  private typeCount: number;
  private readonly slotOf = new Map<LinkSymbol, number>();
  private deadSlots = 0;
  private exportKey: string;
  /** End of the function name entries in the name section (the global names follow). */
  private nameEntriesEnd: number;
  private readonly scratch = new ByteWriter(256);

  private constructor(
    private readonly imports: readonly LinkSymbol[],
    types: readonly number[],
    sigCount: number,
    private readonly slots: Slot[],
    private readonly table: LinkSymbol[],
    private readonly blocks: Map<LinkSymbol, Block>,
    private readonly dataBase: number,
    private initEnd: number,
    private readonly initLimit: number,
    private bssEnd: number,
    private memoryPages: number,
    exports: readonly ResolvedExport[],
    private readonly spans: Spans,
    nameEntriesEnd: number,
  ) {
    this.typeIndexOfSig = new Int32Array(Math.max(16, sigCount)).fill(-1);
    types.forEach((id, i) => (this.typeIndexOfSig[id] = i));
    this.typeCount = types.length;
    slots.forEach((s, i) => this.slotOf.set(s.sym!, i));
    this.exportKey = exportKey(exports);
    this.nameEntriesEnd = nameEntriesEnd;
  }

  /** A fresh module for `obj`, with room to grow; throws `LinkError` for an undefined symbol or export. */
  static layOut(obj: WasmObject, exports: readonly ExportEntry[], stackSize: number): { placed: PlacedModule; bytes: Uint8Array } {
    for (const s of obj.symbols) {
      s.funcIndex = -1;
      s.tableIndex = -1;
      s.address = -1;
    }
    const imports = orderImports(obj);
    imports.forEach((s, i) => (s.funcIndex = i));
    const funcs = sortFunctions(obj.funcSyms);
    funcs.forEach((s, i) => (s.funcIndex = imports.length + i));
    const types = orderTypes(obj, imports);
    const typeIndexOfSig = new Int32Array(Math.max(1, obj.sigs.length)).fill(-1);
    types.forEach((id, i) => (typeIndexOfSig[id] = i));
    const table = [...imports, ...funcs].filter((s) => s.addrRefs > 0);
    table.forEach((s, i) => (s.tableIndex = i + 1));

    // Memory: the shadow stack below `dataBase`, initialized data in blocks, then bss.
    const dataBase = alignUp(stackSize, 16);
    const blocks = new Map<LinkSymbol, Block>();
    let at = dataBase;
    const sorted = sortData(obj.dataSyms);
    for (const s of sorted) {
      const d = s.data!;
      if (d.section === 'bss') continue;
      at = alignUp(at, d.align);
      blocks.set(s, { address: at, capacity: blockCapacity(d.bytes.length), bss: false });
      s.address = at;
      at += blockCapacity(d.bytes.length);
    }
    const initEnd = at;
    const initLimit = alignUp(initEnd + Math.max(4096, (initEnd - dataBase) >> 2), 16);
    at = initLimit;
    for (const s of sorted) {
      const d = s.data!;
      if (d.section !== 'bss') continue;
      at = alignUp(at, d.align);
      blocks.set(s, { address: at, capacity: blockCapacity(d.bytes.length), bss: true });
      s.address = at;
      at += blockCapacity(d.bytes.length);
    }
    const bssEnd = at;
    const memoryPages = pagesFor(bssEnd);
    const resolved = resolveExports(obj, exports);

    const w = new ByteWriter(1 << 16);
    w.raw(WASM_MAGIC);
    const type = section(w, SECTION_ID.type, 256 + types.length * 8, () => {
      w.paddedU32(types.length);
      for (const id of types) encodeType(w, obj, id);
    });
    if (imports.length > 0) section(w, SECTION_ID.import, 0, () => encodeImports(w, imports, typeIndexOfSig));
    const func = section(w, SECTION_ID.function, PAD * Math.max(256, funcs.length >> 2), () => {
      w.paddedU32(funcs.length);
      for (const s of funcs) w.paddedU32(typeIndexOfSig[s.func!.sigId]!);
    });
    const tableSpan = section(w, SECTION_ID.table, 0, () => encodeTable(w, table.length + 1));
    const memory = section(w, SECTION_ID.memory, 0, () => encodeMemory(w, memoryPages));
    section(w, SECTION_ID.global, 0, () => encodeGlobals(w, dataBase));
    const exportsSpan = section(w, SECTION_ID.export, 256 + resolved.length * 16, () => encodeExports(w, resolved));
    const elem = section(w, SECTION_ID.element, PAD * Math.max(64, table.length >> 2), () => {
      encodeElemHead(w);
      w.paddedU32(table.length);
      for (const s of table) w.paddedU32(s.funcIndex);
    });
    const slots: Slot[] = [];
    let codeBytes = 0;
    for (const s of funcs) codeBytes += SLOT_HEADER + slotCapacity(s.func!.body.length);
    const code = section(w, SECTION_ID.code, Math.max(1 << 16, codeBytes >> 2), () => {
      w.paddedU32(funcs.length);
      for (const s of funcs) {
        const atom = s.func!;
        const capacity = slotCapacity(atom.body.length);
        const slotAt = w.length;
        w.zeros(SLOT_HEADER + capacity);
        writeSlotBody(w.bytes, slotAt, capacity, atom.body);
        applyRelocations(w.bytes, slotAt + SLOT_HEADER, atom.relocs, obj, typeIndexOfSig, false);
        slots.push({ sym: s, at: slotAt, capacity });
      }
    });
    // The segment covers the initialized blocks; its reserve takes the region's growth.
    const data = section(w, SECTION_ID.data, initLimit - initEnd + 16, () => {
      encodeDataHead(w, dataBase, initEnd - dataBase);
      const base = w.length;
      w.zeros(initEnd - dataBase);
      for (const [s, b] of blocks) {
        if (b.bss) continue;
        const d = s.data!;
        const blockAt = base + (b.address - dataBase);
        w.bytes.set(d.bytes, blockAt);
        applyRelocations(w.bytes, blockAt, d.relocs, obj, typeIndexOfSig, true);
      }
    });
    let nameEntriesEnd = 0;
    const name = section(w, SECTION_ID.custom, 0, () => {
      w.name('name');
      w.byte(1);
      const subAt = w.paddedU32(0);
      w.paddedU32(imports.length + funcs.length);
      for (const s of imports) encodeNameEntry(w, s.funcIndex, s);
      for (const s of funcs) encodeNameEntry(w, s.funcIndex, s);
      nameEntriesEnd = w.length;
      writePaddedUleb(w.bytes, subAt, w.length - subAt - PAD);
      encodeGlobalNames(w);
    });
    const spans: Spans = { type, func, table: tableSpan, memory, exports: exportsSpan, elem, code, data, name };
    const placed = new PlacedModule(
      imports, types, obj.sigs.length, slots, table, blocks, dataBase, initEnd, initLimit, bssEnd, memoryPages, resolved, spans, nameEntriesEnd,
    );
    return { placed, bytes: w.bytes.slice(0, w.length) };
  }

  /**
   * Applies `obj.dirty` and `exports` to `image` in place, or says why the module must be
   * laid out afresh (then `image` may be partly patched: its dirty ranges still cover
   * everything written, so a relayout diffed against it writes the right bytes). The
   * object must have been checked first (`checkLinkable`).
   */
  patch(obj: WasmObject, exports: readonly ExportEntry[], image: FileImage): PatchOutcome {
    if (this.deadSlots > Math.max(64, this.slots.length >> 2)) return fail(`${this.deadSlots} functions were removed or moved since the last layout (a compaction)`);
    for (const s of obj.externSyms) if (s.refs > 0 && s.funcIndex < 0) return fail(`a new import, '${s.lib}.${s.name}', would shift every function index`);
    const dirty = [...obj.dirty];
    const before = dirty.map((s) => ({ sym: s, value: this.placedValue(s) }));
    this.growTypeIndex(obj.sigs.length);

    // Place: types, function slots, data blocks.
    const funcsToWrite: LinkSymbol[] = [];
    const dataToWrite: LinkSymbol[] = [];
    const newSlots: number[] = [];
    for (const sym of dirty) {
      for (const sig of sigsOf(sym)) if (this.typeIndexOfSig[sig]! < 0 && !this.appendType(obj, sig, image)) return fail('the type section is full');
    }
    for (const sym of dirty) {
      const slotIndex = this.slotOf.get(sym);
      const atom = sym.func;
      if (atom === null) {
        if (slotIndex !== undefined) this.freeSlot(slotIndex, image);
        continue;
      }
      if (slotIndex !== undefined) {
        if (atom.body.length <= this.slots[slotIndex]!.capacity) {
          this.setSlotType(slotIndex, this.typeIndexOfSig[atom.sigId]!, image);
          funcsToWrite.push(sym);
          continue;
        }
        this.freeSlot(slotIndex, image);
      }
      const added = this.appendSlot(sym, this.typeIndexOfSig[atom.sigId]!, image);
      if (added < 0) return fail('the code section is full');
      newSlots.push(added);
      funcsToWrite.push(sym);
    }
    for (const sym of dirty) {
      const block = this.blocks.get(sym);
      const d = sym.data;
      if (d === null) {
        if (block !== undefined) this.freeBlock(sym, block, image);
        continue;
      }
      const bss = d.section === 'bss';
      if (block !== undefined && block.bss === bss && d.bytes.length <= block.capacity && block.address % d.align === 0) {
        dataToWrite.push(sym);
        continue;
      }
      if (block !== undefined) this.freeBlock(sym, block, image);
      if (!this.appendBlock(sym, image)) return fail('the data region is full');
      dataToWrite.push(sym);
    }

    // What moved: the relocations to it in atoms that did not change are applied again.
    const moved = new Set<LinkSymbol>();
    for (const b of before) {
      const after = this.placedValue(b.sym);
      if (b.value !== '' && after !== '' && after !== b.value) moved.add(b.sym);
    }
    if (moved.size > 0) this.addReferrers(obj, moved, funcsToWrite, dataToWrite);

    // Table entries for functions whose address is now taken, and for those that moved.
    for (const sym of funcsToWrite) if (!this.assignTableEntries(obj, sym.func!.relocs, image)) return fail('the element section is full');
    for (const sym of dataToWrite) if (!this.assignTableEntries(obj, sym.data!.relocs, image)) return fail('the element section is full');

    for (const sym of funcsToWrite) this.writeFunction(obj, sym, image);
    for (const sym of dataToWrite) this.writeData(obj, sym, image);
    if (!this.writeExports(obj, exports, image)) return fail('the export section is full');
    this.writeMemoryPages(image);
    this.appendNames(newSlots, image);
    return { ok: true };
  }

  /** How `sym` was placed: as a function slot, a data block, or not at all. */
  placedAs(sym: LinkSymbol): 'func' | 'data' | null {
    return this.slotOf.has(sym) ? 'func' : this.blocks.has(sym) ? 'data' : null;
  }

  /** What references to `sym` resolve to now: '' if it has no place. */
  private placedValue(sym: LinkSymbol): string {
    if (this.slotOf.has(sym)) return `f${sym.funcIndex}`;
    const block = this.blocks.get(sym);
    return block === undefined ? '' : `d${block.address}`;
  }

  // ---- types and function slots ---------------------------------------------------

  private growTypeIndex(sigCount: number): void {
    if (sigCount <= this.typeIndexOfSig.length) return;
    const grown = new Int32Array(Math.max(sigCount, this.typeIndexOfSig.length * 2)).fill(-1);
    grown.set(this.typeIndexOfSig);
    this.typeIndexOfSig = grown;
  }

  private appendType(obj: WasmObject, sig: number, image: FileImage): boolean {
    const w = this.scratch;
    w.length = 0;
    encodeType(w, obj, sig);
    const at = extend(image, this.spans.type, w.length);
    if (at < 0) return false;
    image.write(at, w.bytes.subarray(0, w.length));
    this.typeIndexOfSig[sig] = this.typeCount++;
    writePadded(image, this.spans.type.start + AT.count, this.typeCount);
    return true;
  }

  private appendSlot(sym: LinkSymbol, typeIndex: number, image: FileImage): number {
    const capacity = slotCapacity(sym.func!.body.length);
    const code = this.spans.code;
    const func = this.spans.func;
    const fits = (s: Span, n: number) => s.end + n <= s.limit && gapFillable(s.limit - s.end - n);
    if (!fits(code, SLOT_HEADER + capacity) || !fits(func, PAD)) return -1;
    const slotAt = extend(image, code, SLOT_HEADER + capacity);
    const typeAt = extend(image, func, PAD);
    const index = this.slots.length;
    this.slots.push({ sym, at: slotAt, capacity });
    this.slotOf.set(sym, index);
    sym.funcIndex = this.imports.length + index;
    // A function that had a table entry (it moved, or comes back) keeps it.
    if (sym.tableIndex > 0) this.writeElemEntry(sym, image);
    writePadded(image, typeAt, typeIndex);
    writePadded(image, code.start + AT.count, this.slots.length);
    writePadded(image, func.start + AT.count, this.slots.length);
    return index;
  }

  private freeSlot(index: number, image: FileImage): void {
    const slot = this.slots[index]!;
    this.slotOf.delete(slot.sym!);
    slot.sym = null;
    this.deadSlots++;
    const w = this.slotScratch(slot.capacity);
    writeTrapBody(w, 0, slot.capacity);
    image.writeIfChanged(slot.at, w.subarray(0, SLOT_HEADER + slot.capacity));
  }

  private setSlotType(index: number, typeIndex: number, image: FileImage): void {
    writePadded(image, this.spans.func.start + AT.entries + PAD * index, typeIndex);
  }

  private writeFunction(obj: WasmObject, sym: LinkSymbol, image: FileImage): void {
    const slot = this.slots[this.slotOf.get(sym)!]!;
    const atom = sym.func!;
    const w = this.slotScratch(slot.capacity);
    writeSlotBody(w, 0, slot.capacity, atom.body);
    applyRelocations(w, SLOT_HEADER, atom.relocs, obj, this.typeIndexOfSig, false);
    image.writeIfChanged(slot.at, w.subarray(0, SLOT_HEADER + slot.capacity));
  }

  private slotBuffer = new Uint8Array(256);

  private slotScratch(capacity: number): Uint8Array {
    if (this.slotBuffer.length < SLOT_HEADER + capacity) this.slotBuffer = new Uint8Array(2 * (SLOT_HEADER + capacity));
    return this.slotBuffer;
  }

  // ---- data blocks -----------------------------------------------------------------

  /** File offset of memory address `address` in the data segment. */
  private segmentOffset(address: number): number {
    return this.spans.data.start + AT.dataBytes + (address - this.dataBase);
  }

  private freeBlock(sym: LinkSymbol, block: Block, image: FileImage): void {
    this.blocks.delete(sym);
    if (!block.bss) image.writeIfChanged(this.segmentOffset(block.address), new Uint8Array(block.capacity));
  }

  private appendBlock(sym: LinkSymbol, image: FileImage): boolean {
    const d = sym.data!;
    const capacity = blockCapacity(d.bytes.length);
    if (d.section === 'bss') {
      const address = alignUp(this.bssEnd, d.align);
      this.bssEnd = address + capacity;
      this.blocks.set(sym, { address, capacity, bss: true });
      sym.address = address;
      return true;
    }
    const address = alignUp(this.initEnd, d.align);
    const end = address + capacity;
    if (end > this.initLimit) return false;
    const at = extend(image, this.spans.data, end - this.initEnd);
    if (at < 0) return false;
    image.fill(at, end - this.initEnd, 0);
    this.initEnd = end;
    writePadded(image, this.spans.data.start + AT.dataSize, this.initEnd - this.dataBase);
    this.blocks.set(sym, { address, capacity, bss: false });
    sym.address = address;
    return true;
  }

  private writeData(obj: WasmObject, sym: LinkSymbol, image: FileImage): void {
    const block = this.blocks.get(sym)!;
    if (block.bss) return; // memory starts zeroed; nothing of bss is in the file
    const d = sym.data!;
    const bytes = new Uint8Array(block.capacity);
    bytes.set(d.bytes);
    applyRelocations(bytes, 0, d.relocs, obj, this.typeIndexOfSig, true);
    image.writeIfChanged(this.segmentOffset(block.address), bytes);
  }

  // ---- references, table, exports, memory, names ---------------------------------------

  /** Adds every installed atom with a relocation to a `moved` symbol to the ones to write. */
  private addReferrers(obj: WasmObject, moved: ReadonlySet<LinkSymbol>, funcs: LinkSymbol[], data: LinkSymbol[]): void {
    const already = new Set([...funcs, ...data]);
    const refersToMoved = (relocs: Int32Array) => {
      for (let i = 0; i < relocs.length; i += RELOC_STRIDE) {
        const kind = relocs[i]!;
        if (kind === RelocKind.TypeIndexLeb || kind === RelocKind.StackPointerLeb) continue;
        if (moved.has(obj.symbols[relocs[i + 2]!]!)) return true;
      }
      return false;
    };
    for (const s of obj.funcSyms) if (!already.has(s) && refersToMoved(s.func!.relocs)) funcs.push(s);
    for (const s of obj.dataSyms) if (!already.has(s) && refersToMoved(s.data!.relocs)) data.push(s);
  }

  /** Gives each function these relocations take the address of a table entry, if it has none. */
  private assignTableEntries(obj: WasmObject, relocs: Int32Array, image: FileImage): boolean {
    for (let i = 0; i < relocs.length; i += RELOC_STRIDE) {
      const kind = relocs[i]!;
      if (kind !== RelocKind.AddrSleb && kind !== RelocKind.AddrI32) continue;
      const sym = obj.symbols[relocs[i + 2]!]!;
      if (!isLinkedFunction(sym) || sym.tableIndex > 0) continue;
      const elem = this.spans.elem;
      if (extend(image, elem, PAD) < 0) return false;
      this.table.push(sym);
      sym.tableIndex = this.table.length;
      this.writeElemEntry(sym, image);
      writePadded(image, elem.start + AT.elemCount, this.table.length);
      writePadded(image, this.spans.table.start + AT.tableMin, this.table.length + 1);
      writePadded(image, this.spans.table.start + AT.tableMax, this.table.length + 1);
    }
    return true;
  }

  private writeElemEntry(sym: LinkSymbol, image: FileImage): void {
    writePadded(image, this.spans.elem.start + AT.elemEntries + PAD * (sym.tableIndex - 1), sym.funcIndex);
  }

  private writeExports(obj: WasmObject, exports: readonly ExportEntry[], image: FileImage): boolean {
    const resolved = resolveExports(obj, exports);
    const key = exportKey(resolved);
    if (key === this.exportKey) return true;
    const w = this.scratch;
    w.length = 0;
    encodeExports(w, resolved);
    const span = this.spans.exports;
    const end = span.start + AT.content + w.length;
    if (end > span.limit || !gapFillable(span.limit - end)) return false;
    image.writeIfChanged(span.start + AT.content, w.bytes.subarray(0, w.length));
    span.end = end;
    closeSection(image, span);
    this.exportKey = key;
    return true;
  }

  private writeMemoryPages(image: FileImage): void {
    const pages = pagesFor(this.bssEnd);
    if (pages === this.memoryPages) return;
    this.memoryPages = pages;
    writePadded(image, this.spans.memory.start + AT.memoryMin, pages);
  }

  /** Appends the names of new slots to the name section, the last in the file. */
  private appendNames(newSlots: readonly number[], image: FileImage): void {
    if (newSlots.length === 0) return;
    const w = this.scratch;
    w.length = 0;
    for (const index of newSlots) encodeNameEntry(w, this.imports.length + index, this.slots[index]!.sym!);
    const entriesEnd = this.nameEntriesEnd + w.length;
    encodeGlobalNames(w);
    image.write(this.nameEntriesEnd, w.bytes.subarray(0, w.length));
    const name = this.spans.name;
    name.end = name.limit = this.nameEntriesEnd + w.length;
    this.nameEntriesEnd = entriesEnd;
    writePadded(image, name.start + AT.nameSubSize, entriesEnd - (name.start + AT.nameSubSize + PAD));
    writePadded(image, name.start + AT.nameCount, this.imports.length + this.slots.length);
    writePadded(image, name.start + 1, name.end - name.start - AT.content);
    if (image.size > name.end) throw new Error('wasm module: the name section must end the file');
  }
}

function fail(reason: string): PatchOutcome {
  return { ok: false, reason };
}


/** The signatures an atom of `sym` needs types for. */
function sigsOf(sym: LinkSymbol): number[] {
  const atom = sym.func;
  if (atom === null) return [];
  const sigs = [atom.sigId];
  for (let i = 0; i < atom.relocs.length; i += RELOC_STRIDE) if (atom.relocs[i] === RelocKind.TypeIndexLeb) sigs.push(atom.relocs[i + 2]!);
  return sigs;
}

function exportKey(exports: readonly ResolvedExport[]): string {
  return exports.map((e) => `${e.name}\0${e.funcIndex}`).join('\n');
}

function pagesFor(end: number): number {
  return Math.max(1, Math.ceil(end / WASM_PAGE));
}

const padded = new Uint8Array(PAD);

function writePadded(image: FileImage, at: number, value: number): void {
  writePaddedUleb(padded, 0, value);
  image.writeIfChanged(at, padded);
}

/** Rewrites a section's size and the reserve after it. */
function closeSection(image: FileImage, span: Span): void {
  writePadded(image, span.start + 1, span.end - span.start - AT.content);
  const header = new Uint8Array(7);
  const n = writeReserveHeader(header, 0, span.limit - span.end);
  image.writeIfChanged(span.end, header.subarray(0, n));
}

/** Grows `span` by `len` bytes into its reserve; returns where they go, or -1 if they do not fit. */
function extend(image: FileImage, span: Span, len: number): number {
  const at = span.end;
  const end = at + len;
  if (end > span.limit || !gapFillable(span.limit - end)) return -1;
  span.end = end;
  closeSection(image, span);
  return at;
}

/**
 * Throws `LinkError` if a relocation of a changed atom, or of any atom referring to a
 * changed symbol that is no longer what it was, cannot be resolved, or an export names no
 * linked function. Nothing is changed.
 */
export function checkLinkable(obj: WasmObject, exports: readonly ExportEntry[], wasPlacedAs: (sym: LinkSymbol) => 'func' | 'data' | null): void {
  const check = (relocs: Int32Array) => {
    for (let i = 0; i < relocs.length; i += RELOC_STRIDE) {
      const kind = relocs[i]!;
      if (kind === RelocKind.TypeIndexLeb || kind === RelocKind.StackPointerLeb) continue;
      const sym = obj.symbols[relocs[i + 2]!]!;
      const isFunc = sym.func !== null || sym.kind === 'extern';
      if (kind === RelocKind.FuncIndexLeb ? !isFunc : !isFunc && sym.data === null) throw new LinkError(`undefined symbol: ${sym.outName}`);
    }
  };
  let everything = false;
  for (const sym of obj.dirty) {
    const was = wasPlacedAs(sym);
    const now = sym.func !== null ? 'func' : sym.data !== null ? 'data' : null;
    // A new symbol has no referrers but changed atoms; one that changed kind or went may have others.
    if (sym.refs > 0 && was !== null && was !== now) everything = true;
  }
  if (everything) {
    for (const s of obj.funcSyms) check(s.func!.relocs);
    for (const s of obj.dataSyms) check(s.data!.relocs);
  } else {
    for (const sym of obj.dirty) {
      if (sym.func !== null) check(sym.func.relocs);
      if (sym.data !== null) check(sym.data.relocs);
    }
  }
  for (const e of exports) {
    const sym = obj.lookupDecl(e.declName);
    if (sym === undefined || sym.func === null) throw new LinkError(`export '${e.symbolName}' names '${e.declName}', which is not a linked function`);
  }
}

