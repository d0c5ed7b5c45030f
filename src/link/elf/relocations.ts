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

export class RelocationIndex {
  private readonly inSymbol = new ById<LinkReloc[]>();
  private readonly toSymbol = new ById<Set<SymbolId>>();

  relocsIn(source: SymbolId): readonly LinkReloc[] {
    return this.inSymbol.get(source) ?? NO_RELOCS;
  }

  /** Sources that have at least one relocation to `target` whose value depends on where
   * `target` is (`got_rel32` relocations are not listed: the slot never moves), in the
   * order they first referred to it. */
  sourcesOf(target: SymbolId): ReadonlySet<SymbolId> | undefined {
    return this.toSymbol.get(target);
  }

  /** Replaces the relocations in `source`; returns the ones it had before. */
  replace(source: SymbolId, relocs: LinkReloc[]): readonly LinkReloc[] {
    const old = this.inSymbol.get(source) ?? NO_RELOCS;
    for (const r of old) {
      if (r.kind === 'got_rel32') continue;
      const set = this.toSymbol.get(r.target);
      if (!set) continue;
      set.delete(source);
      if (set.size === 0) this.toSymbol.delete(r.target);
    }
    if (relocs.length === 0) this.inSymbol.delete(source);
    else this.inSymbol.set(source, relocs);
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
