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
  private readonly entries = new Map<string, { offset: number; refs: number }>();
  private readonly freeByLength = new Map<number, number[]>();

  constructor(
    private readonly image: FileImage,
    private readonly regions: FileRegions,
    readonly region: FileRegion,
  ) {
    region.used = 1; // the leading NUL
    image.fill(region.offset, 1, 0);
  }

  get size(): number {
    return this.region.used;
  }

  intern(name: string): number {
    const e = this.entries.get(name);
    if (e) {
      e.refs++;
      return e.offset;
    }
    const len = utf8Length(name) + 1;
    let offset = this.freeByLength.get(len)?.pop();
    if (offset === undefined) {
      offset = this.region.used;
      this.regions.ensureCapacity(this.region, offset + len);
      this.region.used = offset + len;
    }
    this.image.writeCString(this.region.offset + offset, name, len);
    this.entries.set(name, { offset, refs: 1 });
    return offset;
  }

  release(name: string): void {
    const e = this.entries.get(name);
    if (!e) return;
    if (--e.refs > 0) return;
    this.entries.delete(name);
    const len = utf8Length(name) + 1;
    this.image.fill(this.region.offset + e.offset, len - 1, 0);
    let list = this.freeByLength.get(len);
    if (!list) this.freeByLength.set(len, (list = []));
    list.push(e.offset);
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
