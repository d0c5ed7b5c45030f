//! Relocations, remembered per symbol twice: the relocations *in* each symbol (its own
//! fields to patch) and, per target, the symbols that have relocations *to* it. Moving a
//! symbol re-applies its own relocations (their place moved) and those of every symbol
//! that refers to it (their target moved) — exactly the ones that involve it. Calls
//! through the offset table (`got_rel32`) point at a slot that never moves, so only the
//! relocations in the caller are kept for them.
//!
//! `applyRelocation` computes and stores one field (x86-64 semantics, see
//! codegen/x86_64/output.ts). A target that is not defined (yet) resolves to a zero field;
//! it is patched when the target is placed. Symbols are named by their ids (symbol_ids.ts).

import type { X86RelocKind } from '../../codegen/x86_64/output.js';
import type { FileImage } from './file_image.js';
import { ById, type SymbolId } from './symbol_ids.js';

export interface LinkReloc {
  /** Offset of the field inside the source symbol. */
  offset: number;
  kind: X86RelocKind;
  /** Target symbol: the id of its key (`symbolKey` of air.ts). */
  target: SymbolId;
  addend: number;
}

/** Where symbols and offset-table slots are, at the moment of applying. */
export interface AddressResolver {
  addressOf(id: SymbolId): number | null;
  gotAddressOf(id: SymbolId): number | null;
  /** The key of `id`, for messages. */
  keyOf(id: SymbolId): string;
}

const NO_RELOCS: readonly LinkReloc[] = [];

/** A relocation's kind as it is stored (`KINDS[code]`). */
const KINDS: readonly X86RelocKind[] = ['rel32', 'got_rel32', 'abs64'];
const KIND_CODE: Record<X86RelocKind, number> = { rel32: 0, got_rel32: 1, abs64: 2 };
/** Numbers per stored relocation: offset, kind code, target, addend. */
const FIELDS = 4;

/**
 * Every symbol's relocations, kept flat: one pool of numbers, each symbol owning a run of
 * it (its start and length by symbol id). No object per relocation or per symbol stays
 * alive, so a 100k-function link keeps none of the 200k the collector had to trace. A
 * run that grows moves to the end of the pool; the pool is packed again when more than
 * half of it is runs left behind.
 */
class RelocationPool {
  private fields = new Float64Array(1024 * FIELDS);
  /** Relocations the pool holds, live or left behind. */
  private used = 0;
  private abandoned = 0;
  /** Symbol id -> first relocation of its run, and how many it has (0: none). */
  private starts = new Int32Array(1024);
  private counts = new Int32Array(1024);
  /** How many the run has room for (a run keeps its room when it shrinks). */
  private rooms = new Int32Array(1024);

  count(source: SymbolId): number {
    return source < this.counts.length ? this.counts[source]! : 0;
  }

  /** The `i`th relocation in `source` (`i` < `count(source)`), as a new object. */
  at(source: SymbolId, i: number): LinkReloc {
    const f = (this.starts[source]! + i) * FIELDS;
    const fields = this.fields;
    return { offset: fields[f]!, kind: KINDS[fields[f + 1]!]!, target: fields[f + 2]!, addend: fields[f + 3]! };
  }

  set(source: SymbolId, relocs: readonly LinkReloc[]): void {
    if (source >= this.counts.length) this.growIds(source);
    const n = relocs.length;
    if (n > this.rooms[source]!) {
      this.abandoned += this.rooms[source]!;
      this.counts[source] = 0;
      this.rooms[source] = 0;
      if (this.abandoned > 1024 && this.abandoned * 2 > this.used) this.pack();
      this.reserve(n);
      this.starts[source] = this.used;
      this.rooms[source] = n;
      this.used += n;
    }
    this.counts[source] = n;
    const fields = this.fields;
    let f = this.starts[source]! * FIELDS;
    for (const r of relocs) {
      fields[f] = r.offset;
      fields[f + 1] = KIND_CODE[r.kind];
      fields[f + 2] = r.target;
      fields[f + 3] = r.addend;
      f += FIELDS;
    }
  }

  /** Copies the live runs to a fresh pool, in symbol order, each with room for what it has. */
  private pack(): void {
    const old = this.fields;
    let live = 0;
    for (let id = 0; id < this.counts.length; id++) live += this.counts[id]!;
    this.fields = new Float64Array(Math.max(1024, live * 2) * FIELDS);
    let next = 0;
    for (let id = 0; id < this.counts.length; id++) {
      const n = this.counts[id]!;
      this.rooms[id] = n;
      if (n === 0) continue;
      const from = this.starts[id]! * FIELDS;
      this.fields.set(old.subarray(from, from + n * FIELDS), next * FIELDS);
      this.starts[id] = next;
      next += n;
    }
    this.used = next;
    this.abandoned = 0;
  }

  private reserve(n: number): void {
    if ((this.used + n) * FIELDS <= this.fields.length) return;
    const bigger = new Float64Array(Math.max(this.fields.length * 2, (this.used + n) * FIELDS));
    bigger.set(this.fields.subarray(0, this.used * FIELDS));
    this.fields = bigger;
  }

  private growIds(id: SymbolId): void {
    let n = this.counts.length * 2;
    while (n <= id) n *= 2;
    const grow = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.starts = grow(this.starts);
    this.counts = grow(this.counts);
    this.rooms = grow(this.rooms);
  }
}

export class RelocationIndex {
  private readonly inSymbol = new RelocationPool();
  private readonly toSymbol = new ById<Set<SymbolId>>();

  /** The relocations in `source`, as new objects (the index keeps none). */
  relocsIn(source: SymbolId): readonly LinkReloc[] {
    const n = this.inSymbol.count(source);
    if (n === 0) return NO_RELOCS;
    const out: LinkReloc[] = [];
    for (let i = 0; i < n; i++) out.push(this.inSymbol.at(source, i));
    return out;
  }

  /** Sources that have at least one relocation to `target` whose value depends on where
   * `target` is (`got_rel32` relocations are not listed: the slot never moves), in the
   * order they first referred to it. */
  sourcesOf(target: SymbolId): ReadonlySet<SymbolId> | undefined {
    return this.toSymbol.get(target);
  }

  /** Replaces the relocations in `source`; returns the ones it had before. */
  replace(source: SymbolId, relocs: readonly LinkReloc[]): readonly LinkReloc[] {
    const old = this.relocsIn(source);
    for (const r of old) {
      if (r.kind === 'got_rel32') continue;
      const set = this.toSymbol.get(r.target);
      if (!set) continue;
      set.delete(source);
      if (set.size === 0) this.toSymbol.delete(r.target);
    }
    this.inSymbol.set(source, relocs);
    for (const r of relocs) {
      if (r.kind === 'got_rel32') continue;
      let set = this.toSymbol.get(r.target);
      if (!set) this.toSymbol.set(r.target, (set = new Set()));
      set.add(source);
    }
    return old;
  }
}

/**
 * Stores relocation `r` of a symbol whose bytes start at file offset `fileBase` and virtual
 * address `addrBase`. Throws if a PC-relative value does not fit 32 bits (cannot happen
 * with the fixed segment map, which spans less than 2 GiB).
 */
export function applyRelocation(
  image: FileImage,
  fileBase: number,
  addrBase: number,
  r: LinkReloc,
  resolver: AddressResolver,
): void {
  const field = fileBase + r.offset;
  const place = addrBase + r.offset;
  switch (r.kind) {
    case 'rel32': {
      const s = resolver.addressOf(r.target);
      image.writeI32(field, s === null ? 0 : checkedRel32(s + r.addend - place, r, resolver));
      return;
    }
    case 'got_rel32': {
      const g = resolver.gotAddressOf(r.target);
      image.writeI32(field, g === null ? 0 : checkedRel32(g + r.addend - place, r, resolver));
      return;
    }
    case 'abs64': {
      const s = resolver.addressOf(r.target);
      image.writeU64(field, s === null ? 0n : BigInt(s) + BigInt(r.addend));
      return;
    }
  }
}

function checkedRel32(v: number, r: LinkReloc, resolver: AddressResolver): number {
  if (v < -0x80000000 || v > 0x7fffffff) {
    throw new Error(`relocation to ${resolver.keyOf(r.target)} at +${r.offset} does not fit 32 bits (${v})`);
  }
  return v;
}
