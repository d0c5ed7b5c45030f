//! The plain data model of one ELF64 x86-64 relocatable object (ET_REL) as read from
//! disk: sections, the symbol table, relocations per section, groups and notes. Hot
//! tables (symbols, relocations) are parallel typed arrays indexed by integer; section
//! bytes are subarrays of the input, never copies. Nothing here parses.

import type { SectionHeader } from '../elf_format.js';

/**
 * One section header (the fields elf_format.ts encodes, `offset` meaningless for NOBITS),
 * with its name resolved and its bytes (a view into the file) unless it is NOBITS.
 */
export interface InputSection extends Omit<SectionHeader, 'name'> {
  index: number;
  name: string;
  /** The contents (a subarray of the input), or null for NOBITS and NULL sections. */
  data: Uint8Array | null;
  /** Index into `ElfObject.relocations` of the RELA section applying to this one, or -1. */
  relocations: number;
  /** Index into `ElfObject.groups` of the group that holds this section, or -1. */
  group: number;
}

/**
 * The symbol table as parallel arrays; entry 0 is the null symbol. `shndx` is the
 * defining section index (after SHT_SYMTAB_SHNDX), or SYM_UNDEF / SYM_ABS / SYM_COMMON /
 * SYM_LARGE_COMMON (elf_constants.ts), which no real section index can equal.
 */
export interface SymbolTable {
  count: number;
  /** Index of the first non-local symbol (the symtab's sh_info). */
  firstGlobal: number;
  names: string[];
  /** st_value and st_size as numbers: exact below 2^53 (object offsets and sizes always are). */
  value: Float64Array;
  size: Float64Array;
  bind: Uint8Array;
  type: Uint8Array;
  visibility: Uint8Array;
  shndx: Uint32Array;
}

/** The relocations of one SHT_RELA section, as parallel arrays. */
export interface RelocationTable {
  /** The RELA section's own index. */
  section: number;
  /** The section the relocations apply to (the RELA section's sh_info). */
  target: number;
  count: number;
  offset: Float64Array;
  type: Uint32Array;
  symbol: Uint32Array;
  /** r_addend as a number: exact while its magnitude is below 2^53. */
  addend: Float64Array;
}

/** One SHT_GROUP section: a set of sections kept or dropped together. */
export interface SectionGroup {
  section: number;
  comdat: boolean;
  /** The symbol whose name is the group's signature. */
  signatureSymbol: number;
  signature: string;
  members: Uint32Array;
}

/** One note entry of an SHT_NOTE section. */
export interface Note {
  section: number;
  name: string;
  type: number;
  desc: Uint8Array;
}

export interface ElfObject {
  path: string;
  /** All sections, by index; entry 0 is the null section. */
  sections: InputSection[];
  /** Index of the symbol table section, or -1 if the object has none. */
  symtabSection: number;
  symbols: SymbolTable;
  relocations: RelocationTable[];
  groups: SectionGroup[];
  notes: Note[];
  /** Whether `.note.GNU-stack` is present, and if so whether it asks for an executable stack. */
  gnuStack: 'absent' | 'noexec' | 'exec';
}
