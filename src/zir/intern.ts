//! Name interning for the parser and the splitter: byte ranges that spell the same name
//! get the same small integer id and the same (latin1) string object, so a file that
//! says `@u32` ten thousand times allocates that string once, and the parser can keep
//! per-name facts (is it a local of this decl? which tag is it?) in flat arrays indexed
//! by id instead of hash maps. Open addressing keyed by an FNV-1a hash of the bytes, the
//! bytes themselves kept in one arena that lookups compare against.
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

/** Int32s per slot: id + 1 (0 = empty), hash, where the name's bytes start in the arena, their length. */
const SLOT = 4;

export class NameTable {
  /**
   * The open-addressing table, a slot's four fields side by side: a lookup reads one
   * cache line of it and then the name's bytes in the arena, never the string, whose
   * place in the heap is anywhere (at 100k functions each probe missed the cache).
   */
  private slots: Int32Array;
  private mask: number;
  /** Every name's bytes, back to back. */
  private arena = new Uint8Array(4096);
  private arenaUsed = 0;
  /** Id -> string. */
  readonly names: string[] = [];
  /** A name given as a string, as bytes (idOf). */
  private scratch = new Uint8Array(64);

  constructor(capacityLog2 = 10) {
    const cap = 1 << capacityLog2;
    this.slots = new Int32Array(cap * SLOT);
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
      const at = slot * SLOT;
      const e = slots[at]!;
      if (e === 0) break;
      if (slots[at + 1] === h && slots[at + 3] === n && sameBytes(this.arena, slots[at + 2]!, src, start, n)) return e - 1;
      slot = (slot + 1) & mask;
    }
    return this.add(src, start, end, slot, h);
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

  private add(src: Uint8Array, start: number, end: number, slot: number, h: number): NameId {
    const id = this.names.length;
    const n = end - start;
    this.names.push(latin1(src, start, end));
    if (this.arenaUsed + n > this.arena.length) {
      const bigger = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + n));
      bigger.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = bigger;
    }
    this.arena.set(src.subarray(start, end), this.arenaUsed);
    const at = slot * SLOT;
    this.slots[at] = id + 1;
    this.slots[at + 1] = h;
    this.slots[at + 2] = this.arenaUsed;
    this.slots[at + 3] = n;
    this.arenaUsed += n;
    if ((id + 1) * 2 > this.mask + 1) this.grow();
    return id;
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    const slots = new Int32Array(cap * SLOT);
    const mask = cap - 1;
    for (let at = 0; at < old.length; at += SLOT) {
      if (old[at] === 0) continue;
      let slot = old[at + 1]! & mask;
      while (slots[slot * SLOT] !== 0) slot = (slot + 1) & mask;
      slots.set(old.subarray(at, at + SLOT), slot * SLOT);
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function sameBytes(arena: Uint8Array, at: number, src: Uint8Array, start: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (arena[at + i] !== src[start + i]) return false;
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
