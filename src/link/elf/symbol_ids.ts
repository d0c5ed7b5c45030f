//! Dense integer ids for the in-place linker's symbol keys (`symbolKey` of air.ts,
//! `constantKey` of ElfLinker.ts). A key is interned once, where it comes in through the
//! `Linker` interface (a name, a relocation's target), and the linker's tables are indexed
//! by its id from then on instead of hashing the string again in each of them. Ids are
//! never reused — a deleted symbol's key keeps its id — so they depend only on the order
//! keys first came in, and nothing in the output depends on them.

import { symbolKey, type SymbolTarget } from '../../sema/air.js';
import { internIndex } from '../intern_index.js';

/** A symbol key's index in `SymbolIds`. */
export type SymbolId = number;

export class SymbolIds {
  private readonly byKey = new Map<string, SymbolId>();
  private readonly keys: string[] = [];
  /**
   * Decl keys by the decl's name: the name is a string the compiler already holds, its
   * hash computed once, where `d:name` would be a new string to flatten and hash on every
   * lookup (several per function placed).
   */
  private readonly byDeclName = new Map<string, SymbolId>();

  /** The id of the decl `name`'s key (`symbolKey` of a decl target). */
  declIdOf(name: string): SymbolId {
    let id = this.byDeclName.get(name);
    if (id === undefined) {
      id = this.idOf(symbolKey({ kind: 'decl', name }));
      this.byDeclName.set(name, id);
    }
    return id;
  }

  /** The id of a target's key (`symbolKey`): a decl's by its name. */
  idOfTarget(target: SymbolTarget): SymbolId {
    return target.kind === 'decl' ? this.declIdOf(target.name) : this.idOf(symbolKey(target));
  }

  /** The id of `key`, giving it the next one if it has none yet. */
  idOf(key: string): SymbolId {
    return internIndex(this.byKey, this.keys, key, () => key);
  }

  /** The id of `key` if it has one; for lookups that must not create ids. */
  find(key: string): SymbolId | undefined {
    return this.byKey.get(key);
  }

  keyOf(id: SymbolId): string {
    return this.keys[id]!;
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
