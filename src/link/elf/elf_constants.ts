//! The ELF64 numbers an input reader needs (gABI and the x86-64 psABI), with the names
//! `readelf` prints for them, so readers and error messages can say what a value means.
//! Only constants and name look-ups live here: no parsing.

export const EHDR_SIZE = 64;
export const SHDR_SIZE = 64;
export const SYM_SIZE = 24;
export const RELA_SIZE = 24;
export const REL_SIZE = 16;

export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const EV_CURRENT = 1;
export const ET_REL = 1;
export const EM_X86_64 = 62;

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_HASH = 5;
export const SHT_DYNAMIC = 6;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_DYNSYM = 11;
export const SHT_INIT_ARRAY = 14;
export const SHT_FINI_ARRAY = 15;
export const SHT_PREINIT_ARRAY = 16;
export const SHT_GROUP = 17;
export const SHT_SYMTAB_SHNDX = 18;
export const SHT_RELR = 19;
export const SHT_LLVM_ADDRSIG = 0x6fff4c03;
export const SHT_X86_64_UNWIND = 0x70000001;
export const SHT_GNU_ATTRIBUTES = 0x6ffffff5;

export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const SHF_MERGE = 0x10;
export const SHF_STRINGS = 0x20;
export const SHF_INFO_LINK = 0x40;
export const SHF_LINK_ORDER = 0x80;
export const SHF_OS_NONCONFORMING = 0x100;
export const SHF_GROUP = 0x200;
export const SHF_TLS = 0x400;
export const SHF_COMPRESSED = 0x800;
export const SHF_GNU_RETAIN = 0x200000;
export const SHF_X86_64_LARGE = 0x10000000;
export const SHF_EXCLUDE = 0x80000000;

export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_X86_64_LCOMMON = 0xff02;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;

/**
 * A symbol's section in the reader's model: a real section index (below the section
 * count, which the file length bounds far below 2^31), or one of these markers, kept
 * apart from every real index even in an object with extended section numbering.
 */
export const SYM_UNDEF = 0;
export const SYM_ABS = 0xfffffff1;
export const SYM_COMMON = 0xfffffff2;
export const SYM_LARGE_COMMON = 0xffffff02;

export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const STB_GNU_UNIQUE = 10;

export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const STT_COMMON = 5;
export const STT_TLS = 6;
export const STT_GNU_IFUNC = 10;

export const STV_DEFAULT = 0;
export const STV_INTERNAL = 1;
export const STV_HIDDEN = 2;
export const STV_PROTECTED = 3;

export const GRP_COMDAT = 0x1;

const SECTION_TYPE_NAMES = new Map<number, string>([
  [SHT_NULL, 'NULL'], [SHT_PROGBITS, 'PROGBITS'], [SHT_SYMTAB, 'SYMTAB'], [SHT_STRTAB, 'STRTAB'],
  [SHT_RELA, 'RELA'], [SHT_HASH, 'HASH'], [SHT_DYNAMIC, 'DYNAMIC'], [SHT_NOTE, 'NOTE'],
  [SHT_NOBITS, 'NOBITS'], [SHT_REL, 'REL'], [SHT_DYNSYM, 'DYNSYM'], [SHT_INIT_ARRAY, 'INIT_ARRAY'],
  [SHT_FINI_ARRAY, 'FINI_ARRAY'], [SHT_PREINIT_ARRAY, 'PREINIT_ARRAY'], [SHT_GROUP, 'GROUP'],
  [SHT_SYMTAB_SHNDX, 'SYMTAB SECTION INDICES'], [SHT_RELR, 'RELR'], [SHT_LLVM_ADDRSIG, 'LLVM_ADDRSIG'],
  [SHT_X86_64_UNWIND, 'X86_64_UNWIND'], [SHT_GNU_ATTRIBUTES, 'GNU_ATTRIBUTES'],
]);

export function sectionTypeName(type: number): string {
  return SECTION_TYPE_NAMES.get(type) ?? `0x${type.toString(16)}`;
}

const BINDING_NAMES: Record<number, string> = { [STB_LOCAL]: 'LOCAL', [STB_GLOBAL]: 'GLOBAL', [STB_WEAK]: 'WEAK', [STB_GNU_UNIQUE]: 'UNIQUE' };
const TYPE_NAMES: Record<number, string> = {
  [STT_NOTYPE]: 'NOTYPE', [STT_OBJECT]: 'OBJECT', [STT_FUNC]: 'FUNC', [STT_SECTION]: 'SECTION',
  [STT_FILE]: 'FILE', [STT_COMMON]: 'COMMON', [STT_TLS]: 'TLS', [STT_GNU_IFUNC]: 'IFUNC',
};
const VISIBILITY_NAMES = ['DEFAULT', 'INTERNAL', 'HIDDEN', 'PROTECTED'];

/** The binding as `readelf -s` prints it (GNU_UNIQUE is `UNIQUE`). */
export function bindingName(bind: number): string {
  return BINDING_NAMES[bind] ?? `<binding ${bind}>`;
}

/** The symbol type as `readelf -s` prints it (GNU_IFUNC is `IFUNC`). */
export function symbolTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `<type ${type}>`;
}

export function visibilityName(vis: number): string {
  return VISIBILITY_NAMES[vis & 3]!;
}

/** `0x48` style, for offsets and sizes in messages. */
export function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}

// Executables (what the output writer needs beyond the readers).
export const PHDR_SIZE = 56;
export const ET_EXEC = 2;
export const PT_NULL = 0;
export const PT_LOAD = 1;
export const PT_NOTE = 4;
export const PT_GNU_EH_FRAME = 0x6474e550;
export const PT_GNU_STACK = 0x6474e551;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;
