//! The in-place linker's atoms (a function's code, a data object, a function's constant),
//! kept flat by symbol id: kind, section, layout block, symbol-table slot and name offset
//! in typed arrays, the symbol name in one list. No object per atom stays alive (at 100k
//! functions, 100k objects fewer for the collector to trace); `get` hands out a view that
//! reads and writes the arrays, made fresh each time, so it dies young. A view of a
//! deleted atom still reads what the atom was (removing one uses its fields after).

import type { SymbolId } from './symbol_ids.js';

export type AtomSection = 'text' | 'rodata' | 'data' | 'bss';
export type AtomKind = 'func' | 'data';

/** One atom, as `AtomTable.get` shows it. Only `block` changes while the atom lives. */
export interface Atom {
  readonly id: SymbolId;
  readonly symbolName: string;
  readonly kind: AtomKind;
  readonly section: AtomSection;
  /** Its block in the section's layout (layout.ts). */
  block: number;
  /** Its local slot in .symtab. */
  readonly symIndex: number;
  /** Its name's offset in .strtab. */
  readonly nameOffset: number;
}

const SECTIONS: readonly AtomSection[] = ['text', 'rodata', 'data', 'bss'];
const SECTION_CODE: Record<AtomSection, number> = { text: 0, rodata: 1, data: 2, bss: 3 };
const FUNC = 1;
const DATA = 2;

export class AtomTable {
  /** 1 while the id has an atom. */
  private present = new Uint8Array(1024);
  private kinds = new Uint8Array(1024);
  private sections = new Uint8Array(1024);
  private blocks = new Int32Array(1024);
  private symIndices = new Int32Array(1024);
  private nameOffsets = new Int32Array(1024);
  private readonly symbolNames: (string | undefined)[] = [];

  get(id: SymbolId): Atom | undefined {
    return id < this.present.length && this.present[id] === 1 ? new AtomView(this, id) : undefined;
  }

  /** Adds the atom `atom.id` (it must have none) and returns its view. */
  add(atom: Atom): Atom {
    const id = atom.id;
    if (id >= this.present.length) this.grow(id);
    this.present[id] = 1;
    this.kinds[id] = atom.kind === 'func' ? FUNC : DATA;
    this.sections[id] = SECTION_CODE[atom.section];
    this.blocks[id] = atom.block;
    this.symIndices[id] = atom.symIndex;
    this.nameOffsets[id] = atom.nameOffset;
    while (this.symbolNames.length < id) this.symbolNames.push(undefined);
    this.symbolNames[id] = atom.symbolName;
    return new AtomView(this, id);
  }

  delete(id: SymbolId): void {
    if (id < this.present.length) this.present[id] = 0;
  }

  /** @internal The views' reads and writes. */
  kindOf(id: SymbolId): AtomKind {
    return this.kinds[id] === FUNC ? 'func' : 'data';
  }
  sectionOf(id: SymbolId): AtomSection {
    return SECTIONS[this.sections[id]!]!;
  }
  blockOf(id: SymbolId): number {
    return this.blocks[id]!;
  }
  setBlock(id: SymbolId, block: number): void {
    this.blocks[id] = block;
  }
  symIndexOf(id: SymbolId): number {
    return this.symIndices[id]!;
  }
  nameOffsetOf(id: SymbolId): number {
    return this.nameOffsets[id]!;
  }
  symbolNameOf(id: SymbolId): string {
    return this.symbolNames[id]!;
  }

  private grow(id: SymbolId): void {
    let n = this.present.length * 2;
    while (n <= id) n *= 2;
    const grown = <A extends Uint8Array | Int32Array>(a: A, make: (n: number) => A): A => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.present = grown(this.present, (k) => new Uint8Array(k));
    this.kinds = grown(this.kinds, (k) => new Uint8Array(k));
    this.sections = grown(this.sections, (k) => new Uint8Array(k));
    this.blocks = grown(this.blocks, (k) => new Int32Array(k));
    this.symIndices = grown(this.symIndices, (k) => new Int32Array(k));
    this.nameOffsets = grown(this.nameOffsets, (k) => new Int32Array(k));
  }
}

class AtomView implements Atom {
  constructor(
    private readonly table: AtomTable,
    readonly id: SymbolId,
  ) {}

  get symbolName(): string {
    return this.table.symbolNameOf(this.id);
  }
  get kind(): AtomKind {
    return this.table.kindOf(this.id);
  }
  get section(): AtomSection {
    return this.table.sectionOf(this.id);
  }
  get block(): number {
    return this.table.blockOf(this.id);
  }
  set block(block: number) {
    this.table.setBlock(this.id, block);
  }
  get symIndex(): number {
    return this.table.symIndexOf(this.id);
  }
  get nameOffset(): number {
    return this.table.nameOffsetOf(this.id);
  }
}
