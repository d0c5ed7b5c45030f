//! .symtab and .strtab, edited where they lie in the file image.
//!
//! The symbol table is `[null, locals..., globals...]`. Locals occupy a reserved block of
//! `localCapacity` slots (unused and freed slots are all-zero entries, which are valid
//! null locals), so `sh_info` (the first global) only changes when that block grows by
//! 1.5×. Globals (exports) follow it, packed: removing one moves the last into its slot.
//! Names are interned in .strtab with reference counts; a freed name's bytes are zeroed (a
//! name that left the build leaves the file) and reused by a later name of the same length,
//! otherwise the table grows at its end (amortized 1.5×).

import { encodeSymbol, SYM_SIZE, type SymbolEntry } from './elf_format.js';
import type { FileImage } from './file_image.js';
import type { FileRegion, FileRegions } from './file_regions.js';
import { NameTable } from '../../zir/intern.js';

const INITIAL_LOCAL_CAPACITY = 64;

/** Bytes of `s` in UTF-8 (without allocating). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export class StringTable {
  /**
   * Slot (slotOf) -> offset + 1 of the name's bytes (0: not in the table), and how many
   * symbols hold it. Kept by the name's id in a name table, not in a map keyed by it: see
   * symbol_ids.ts for why the compilation's table is the fast one to ask.
   */
  private offsets = new Int32Array(256);
  private refs = new Int32Array(256);
  /** Names the name table cannot take (a char above U+00FF), each with its index. */
  private readonly wideNames = new Map<string, number>();
  private readonly freeByLength = new Map<number, number[]>();

  constructor(
    private readonly image: FileImage,
    private readonly regions: FileRegions,
    readonly region: FileRegion,
    private readonly names: NameTable = new NameTable(),
  ) {
    region.used = 1; // the leading NUL
    image.fill(region.offset, 1, 0);
  }

  get size(): number {
    return this.region.used;
  }

  intern(name: string): number {
    const slot = this.slotOf(name);
    const known = this.offsets[slot]!;
    if (known !== 0) {
      this.refs[slot]!++;
      return known - 1;
    }
    const len = utf8Length(name) + 1;
    let offset = this.freeByLength.get(len)?.pop();
    if (offset === undefined) {
      offset = this.region.used;
      this.regions.ensureCapacity(this.region, offset + len);
      this.region.used = offset + len;
    }
    this.image.writeCString(this.region.offset + offset, name, len);
    this.offsets[slot] = offset + 1;
    this.refs[slot] = 1;
    return offset;
  }

  release(name: string): void {
    const slot = this.slotOf(name);
    const known = this.offsets[slot]!;
    if (known === 0) return;
    if (--this.refs[slot]! > 0) return;
    this.offsets[slot] = 0;
    const offset = known - 1;
    const len = utf8Length(name) + 1;
    this.image.fill(this.region.offset + offset, len - 1, 0);
    let list = this.freeByLength.get(len);
    if (!list) this.freeByLength.set(len, (list = []));
    list.push(offset);
  }

  /** Where `name`'s entry is kept: even slots by its id in the name table, odd ones for wide names. */
  private slotOf(name: string): number {
    const id = this.names.idOf(name);
    let slot: number;
    if (id >= 0) slot = 2 * id;
    else {
      let wide = this.wideNames.get(name);
      if (wide === undefined) this.wideNames.set(name, (wide = this.wideNames.size));
      slot = 2 * wide + 1;
    }
    if (slot >= this.offsets.length) this.grow(slot);
    return slot;
  }

  private grow(slot: number): void {
    let n = this.offsets.length * 2;
    while (n <= slot) n *= 2;
    const offsets = new Int32Array(n);
    offsets.set(this.offsets);
    const refs = new Int32Array(n);
    refs.set(this.refs);
    this.offsets = offsets;
    this.refs = refs;
  }
}

export class SymbolTable {
  private localCapacity = INITIAL_LOCAL_CAPACITY;
  private localNext = 1;
  private readonly freeLocals: number[] = [];
  /** Export symbol names in global-slot order. */
  private readonly globalNames: string[] = [];
  private readonly globalPos = new Map<string, number>();

  constructor(
    private readonly image: FileImage,
    private readonly regions: FileRegions,
    readonly region: FileRegion,
  ) {
    this.regions.ensureCapacity(region, this.localCapacity * SYM_SIZE);
    this.image.fill(region.offset, this.localCapacity * SYM_SIZE, 0);
    region.used = this.localCapacity * SYM_SIZE;
  }

  /** sh_info: index of the first global symbol. */
  get firstGlobal(): number {
    return this.localCapacity;
  }

  get count(): number {
    return this.localCapacity + this.globalNames.length;
  }

  allocLocal(): number {
    const free = this.freeLocals.pop();
    if (free !== undefined) return free;
    if (this.localNext === this.localCapacity) this.growLocals();
    return this.localNext++;
  }

  writeLocal(index: number, sym: SymbolEntry): void {
    this.writeEntry(index, sym);
  }

  freeLocal(index: number): void {
    this.image.fill(this.region.offset + index * SYM_SIZE, SYM_SIZE, 0);
    this.freeLocals.push(index);
  }

  hasGlobal(name: string): boolean {
    return this.globalPos.has(name);
  }

  /** Creates or rewrites the global symbol `name`. */
  setGlobal(name: string, sym: SymbolEntry): void {
    let pos = this.globalPos.get(name);
    if (pos === undefined) {
      pos = this.globalNames.length;
      this.globalNames.push(name);
      this.globalPos.set(name, pos);
      this.region.used = this.count * SYM_SIZE;
      this.regions.ensureCapacity(this.region, this.region.used);
    }
    this.writeEntry(this.localCapacity + pos, sym);
  }

  removeGlobal(name: string): void {
    const pos = this.globalPos.get(name);
    if (pos === undefined) return;
    const lastPos = this.globalNames.length - 1;
    const base = this.region.offset + this.localCapacity * SYM_SIZE;
    if (pos !== lastPos) {
      const lastName = this.globalNames[lastPos]!;
      this.image.move(base + pos * SYM_SIZE, base + lastPos * SYM_SIZE, SYM_SIZE);
      this.globalNames[pos] = lastName;
      this.globalPos.set(lastName, pos);
    }
    this.image.fill(base + lastPos * SYM_SIZE, SYM_SIZE, 0);
    this.globalNames.pop();
    this.globalPos.delete(name);
    this.region.used = this.count * SYM_SIZE;
  }

  private writeEntry(index: number, sym: SymbolEntry): void {
    this.image.encodeAt(this.region.offset + index * SYM_SIZE, SYM_SIZE, (view, at) => encodeSymbol(view, at, sym));
  }

  /** The local block is full: make it 1.5× larger, moving the globals after it. */
  private growLocals(): void {
    const oldCap = this.localCapacity;
    const newCap = Math.ceil(oldCap * 1.5);
    const nGlobals = this.globalNames.length;
    this.regions.ensureCapacity(this.region, (newCap + nGlobals) * SYM_SIZE);
    const base = this.region.offset;
    this.image.move(base + newCap * SYM_SIZE, base + oldCap * SYM_SIZE, nGlobals * SYM_SIZE);
    this.image.fill(base + oldCap * SYM_SIZE, (newCap - oldCap) * SYM_SIZE, 0);
    this.localCapacity = newCap;
    this.region.used = this.count * SYM_SIZE;
  }
}
