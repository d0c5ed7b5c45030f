//! Dense integer ids for the in-place linker's symbol keys (`symbolKey` of air.ts,
//! `constantKey` of ElfLinker.ts). A key is interned once, where it comes in through the
//! `Linker` interface (a name, a relocation's target), and the linker's tables are indexed
//! by its id from then on instead of hashing the string again in each of them. Ids are
//! never reused — a deleted symbol's key keeps its id — so they depend only on the order
//! keys first came in, and nothing in the output depends on them.
//!
//! Decl keys (`d:name`), nearly every key, are found by the decl name's id in a name
//! table (zir/intern.ts), then in a flat array: given the compilation's own table, the
//! name was interned by the parse that just read the function, so its entry is still in
//! the cache, where a map of the linker's own would miss on each of 100k names.

import { symbolKey, type SymbolTarget } from '../../sema/air.js';
import { NameTable } from '../../zir/intern.js';

/** A symbol key's index in `SymbolIds`. */
export type SymbolId = number;

const DECL_PREFIX = 'd:';

export class SymbolIds {
  /** Keys other than decls', and decl names no name table takes (a char above U+00FF). */
  private readonly byKey = new Map<string, SymbolId>();
  /** Id -> its key, without the `d:` for a decl (`isDecl`). */
  private readonly texts: string[] = [];
  private readonly isDecl: boolean[] = [];
  /** Decl name id (in `declNames`) -> symbol id + 1 (0: none yet). */
  private declSymbols = new Int32Array(1024);

  /** `declNames`: the table decl names are interned in (the compilation's, or one of its own). */
  constructor(private readonly declNames: NameTable = new NameTable()) {}

  /** The id of the decl `name`'s key (`symbolKey` of a decl target). */
  declIdOf(name: string): SymbolId {
    const nameId = this.declNames.idOf(name);
    if (nameId < 0) return this.idOfText(DECL_PREFIX + name);
    if (nameId >= this.declSymbols.length) this.growDeclSymbols(nameId);
    const known = this.declSymbols[nameId]!;
    if (known !== 0) return known - 1;
    const id = this.add(name, true);
    this.declSymbols[nameId] = id + 1;
    return id;
  }

  /** The id of a target's key (`symbolKey`): a decl's by its name. */
  idOfTarget(target: SymbolTarget): SymbolId {
    return target.kind === 'decl' ? this.declIdOf(target.name) : this.idOf(symbolKey(target));
  }

  /** The id of `key`, giving it the next one if it has none yet. */
  idOf(key: string): SymbolId {
    return key.startsWith(DECL_PREFIX) ? this.declIdOf(key.slice(DECL_PREFIX.length)) : this.idOfText(key);
  }

  /** The id of `key` if it has one; for lookups that must not create ids. */
  find(key: string): SymbolId | undefined {
    if (key.startsWith(DECL_PREFIX)) {
      const nameId = this.declNames.idOf(key.slice(DECL_PREFIX.length));
      if (nameId >= 0) return nameId < this.declSymbols.length && this.declSymbols[nameId] !== 0 ? this.declSymbols[nameId]! - 1 : undefined;
    }
    return this.byKey.get(key);
  }

  keyOf(id: SymbolId): string {
    return this.isDecl[id] ? DECL_PREFIX + this.texts[id]! : this.texts[id]!;
  }

  private idOfText(key: string): SymbolId {
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.add(key, false);
      this.byKey.set(key, id);
    }
    return id;
  }

  private add(text: string, isDecl: boolean): SymbolId {
    this.texts.push(text);
    this.isDecl.push(isDecl);
    return this.texts.length - 1;
  }

  private growDeclSymbols(nameId: number): void {
    let n = this.declSymbols.length * 2;
    while (n <= nameId) n *= 2;
    const grown = new Int32Array(n);
    grown.set(this.declSymbols);
    this.declSymbols = grown;
  }
}

/** Values by symbol id in an array that grows as the ids do: a table most ids have an entry in. */
export class ById<T> {
  private readonly values: (T | undefined)[] = [];

  get(id: SymbolId): T | undefined {
    return id < this.values.length ? this.values[id] : undefined;
  }

  set(id: SymbolId, value: T): void {
    // Filled up to `id` so the array stays dense (a gap would turn it into a dictionary).
    while (this.values.length <= id) this.values.push(undefined);
    this.values[id] = value;
  }

  delete(id: SymbolId): void {
    if (id < this.values.length) this.values[id] = undefined;
  }
}
