//! Name interning for the parser and the splitter: byte ranges that spell the same name
//! get the same small integer id and the same (latin1) string object, so a file that
//! says `@u32` ten thousand times allocates that string once, and the parser can keep
//! per-name facts (is it a local of this decl? which tag is it?) in flat arrays indexed
//! by id instead of hash maps. Open addressing keyed by an FNV-1a hash of the bytes.
//! Ids are dense and stable for the table's lifetime. A compilation keeps one table for
//! all its parses, so that a decl's name has one id in every tree and analysis finds
//! decls and their readers in arrays indexed by it (`NameId`), not in maps keyed by text.

import { latin1String } from './bytes.js';

/** A name's id in its `NameTable`. */
export type NameId = number;

/** FNV-1a over a name's bytes: start from the seed, take each byte with `nameHashStep`. */
export const NAME_HASH_SEED = 0x811c9dc5 | 0;
export function nameHashStep(h: number, byte: number): number {
  return Math.imul(h ^ byte, 0x01000193);
}

export class NameTable {
  /** Slot -> id + 1 (0 = empty). */
  private slots: Int32Array;
  private slotHashes: Int32Array;
  private mask: number;
  /** Id -> string. */
  readonly names: string[] = [];
  /** A name given as a string, as bytes (idOf). */
  private scratch = new Uint8Array(64);

  constructor(capacityLog2 = 10) {
    const cap = 1 << capacityLog2;
    this.slots = new Int32Array(cap);
    this.slotHashes = new Int32Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.names.length;
  }

  /** The id of the name spelled by `src[start..end)`. */
  intern(src: Uint8Array, start: number, end: number): number {
    let h = NAME_HASH_SEED;
    for (let i = start; i < end; i++) h = nameHashStep(h, src[i]!);
    return this.internHashed(src, start, end, h);
  }

  /** `intern` for a caller that hashed the bytes as it read them (`nameHashStep` from `NAME_HASH_SEED`). */
  internHashed(src: Uint8Array, start: number, end: number, h: number): number {
    const n = end - start;
    const slots = this.slots;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const e = slots[slot]!;
      if (e === 0) break;
      if (this.slotHashes[slot] === h) {
        const s = this.names[e - 1]!;
        if (s.length === n && sameBytes(s, src, start)) return e - 1;
      }
      slot = (slot + 1) & mask;
    }
    return this.add(latin1(src, start, end), slot, h);
  }

  /**
   * The id of `name` (a latin1 string, one char per byte, as the parser makes them),
   * interning it if it is new; -1 if a char is above U+00FF (no source byte spells it).
   */
  idOf(name: string): NameId {
    if (this.scratch.length < name.length) this.scratch = new Uint8Array(name.length * 2);
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c > 0xff) return -1;
      this.scratch[i] = c;
    }
    return this.intern(this.scratch, 0, name.length);
  }

  private add(name: string, slot: number, h: number): NameId {
    const id = this.names.length;
    this.names.push(name);
    this.slots[slot] = id + 1;
    this.slotHashes[slot] = h;
    if ((id + 1) * 2 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldHashes = this.slotHashes;
    const cap = oldSlots.length * 2;
    this.slots = new Int32Array(cap);
    this.slotHashes = new Int32Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < oldSlots.length; i++) {
      const e = oldSlots[i]!;
      if (e === 0) continue;
      let slot = oldHashes[i]! & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = e;
      this.slotHashes[slot] = oldHashes[i]!;
    }
  }
}

function sameBytes(s: string, src: Uint8Array, start: number): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== src[start + i]) return false;
  return true;
}

/** A flat one-byte string for `src[start..end)`. */
function latin1(src: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 16) {
    const codes = new Array<number>(n);
    for (let i = 0; i < n; i++) codes[i] = src[start + i]!;
    return String.fromCharCode.apply(null, codes);
  }
  return latin1String(src, start, end);
}
