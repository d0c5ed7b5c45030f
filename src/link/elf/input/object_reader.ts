//! Reads an ELF64 little-endian x86-64 relocatable object (ET_REL) into the data model of
//! object_model.ts. Pure: it takes the path (for messages only) and the bytes. Every
//! field that says where something is or how big it is is checked against the file
//! before it is used, so a malformed object gives an ObjectFormatError naming the path,
//! the section and the byte offset — never another exception, a hang or a huge
//! allocation. The steps, in order: header, section headers, section names, overlap
//! check, symbol table, relocations, groups, notes.

import {
  EHDR_SIZE, ELFCLASS64, ELFDATA2LSB, EM_X86_64, ET_REL, EV_CURRENT, GRP_COMDAT, hex, RELA_SIZE,
  SHDR_SIZE, SHN_ABS, SHN_COMMON, SHN_LORESERVE, SHN_UNDEF, SHN_X86_64_LCOMMON, SHN_XINDEX,
  SHT_GROUP, SHT_NOBITS, SHT_NOTE, SHT_NULL, SHT_REL, SHT_RELA, SHT_STRTAB, SHT_SYMTAB,
  SHT_SYMTAB_SHNDX, SHF_EXECINSTR, STT_SECTION, SYM_ABS, SYM_COMMON, SYM_LARGE_COMMON, SYM_SIZE, SYM_UNDEF,
  sectionTypeName,
} from '../elf_constants.js';
import { ObjectFormatError } from './format_error.js';
import type { ElfObject, InputSection, Note, RelocationTable, SectionGroup, SymbolTable } from './object_model.js';
import { relocationTypeName, relocationWidth } from './x86_64_relocations.js';

/** Reads `bytes` (the whole file at `path`) as an x86-64 relocatable object. */
export function readElfObject(path: string, bytes: Uint8Array): ElfObject {
  const r = new Reader(path, bytes);
  const header = readHeader(r);
  const sections = readSectionHeaders(r, header);
  nameSections(r, sections, header);
  checkSectionsInFile(r, sections);
  const symtabSection = findSymbolTable(r, sections);
  const symbols = readSymbolTable(r, sections, symtabSection);
  const relocations = readRelocations(r, sections, symtabSection, symbols);
  const groups = readGroups(r, sections, symtabSection, symbols);
  const notes = readNotes(r, sections);
  const stack = sections.find((s) => s.name === '.note.GNU-stack');
  const gnuStack = stack === undefined ? 'absent' : (stack.flags & SHF_EXECINSTR) !== 0 ? 'exec' : 'noexec';
  return { path, sections, symtabSection, symbols, relocations, groups, notes, gnuStack };
}

/** Bounds-checked little-endian reads; every failure is an ObjectFormatError. */
class Reader {
  readonly view: DataView;
  readonly length: number;
  constructor(readonly path: string, readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.length = bytes.byteLength;
  }
  fail(detail: string): never {
    throw new ObjectFormatError(this.path, detail);
  }
  u8(at: number): number {
    return this.view.getUint8(at);
  }
  u16(at: number): number {
    return this.view.getUint16(at, true);
  }
  u32(at: number): number {
    return this.view.getUint32(at, true);
  }
  /** A u64 as a number: exact below 2^53, and above that still larger than any file. */
  u64(at: number): number {
    return this.view.getUint32(at, true) + this.view.getUint32(at + 4, true) * 0x1_0000_0000;
  }
  /** An i64 as a number, exact when its magnitude is below 2^53 (addends are). */
  i64(at: number): number {
    return this.view.getUint32(at, true) + this.view.getInt32(at + 4, true) * 0x1_0000_0000;
  }
  /** Whether [offset, offset + size) lies inside the file. */
  inFile(offset: number, size: number): boolean {
    return offset >= 0 && size >= 0 && offset <= this.length && size <= this.length - offset;
  }
}

interface Header {
  shoff: number;
  shnum: number;
  shstrndx: number;
}

function readHeader(r: Reader): Header {
  if (r.length < EHDR_SIZE) r.fail(`not an ELF object: the file is ${r.length} bytes, shorter than an ELF header (64)`);
  if (r.u8(0) !== 0x7f || r.u8(1) !== 0x45 || r.u8(2) !== 0x4c || r.u8(3) !== 0x46) r.fail('not an ELF object: bad magic at offset 0x0');
  if (r.u8(4) !== ELFCLASS64) r.fail(`not a 64-bit ELF object: EI_CLASS at offset 0x4 is ${r.u8(4)}, expected 2 (ELFCLASS64)`);
  if (r.u8(5) !== ELFDATA2LSB) r.fail(`not a little-endian ELF object: EI_DATA at offset 0x5 is ${r.u8(5)}, expected 1 (ELFDATA2LSB)`);
  if (r.u8(6) !== EV_CURRENT) r.fail(`unknown ELF version ${r.u8(6)} at offset 0x6`);
  const type = r.u16(16);
  if (type !== ET_REL) r.fail(`not a relocatable object: e_type at offset 0x10 is ${type}, expected 1 (ET_REL)`);
  const machine = r.u16(18);
  if (machine !== EM_X86_64) r.fail(`not an x86-64 object: e_machine at offset 0x12 is ${machine}, expected 62 (EM_X86_64)`);
  const shoff = r.u64(40);
  const shentsize = r.u16(58);
  let shnum = r.u16(60);
  let shstrndx = r.u16(62);
  if (shoff === 0) {
    if (shnum !== 0) r.fail(`e_shnum is ${shnum} but e_shoff is 0`);
    return { shoff, shnum: 0, shstrndx: 0 };
  }
  if (shentsize !== SHDR_SIZE) r.fail(`e_shentsize at offset 0x3a is ${shentsize}, expected 64`);
  if (!r.inFile(shoff, SHDR_SIZE)) r.fail(`section header table at offset ${hex(shoff)} is outside the file (${hex(r.length)} bytes)`);
  // Extended numbering: section 0 holds the real count (sh_size) and string table index (sh_link).
  if (shnum === 0) {
    const count = r.u64(shoff + 32);
    if (count > r.length / SHDR_SIZE) r.fail(`section 0 at offset ${hex(shoff)} gives a section count of ${count}, more than the file can hold`);
    shnum = count;
  }
  if (shstrndx === SHN_XINDEX) shstrndx = r.u32(shoff + 40);
  if (!r.inFile(shoff, shnum * SHDR_SIZE)) {
    r.fail(`section header table at offset ${hex(shoff)} with ${shnum} entries runs past the end of the file (${hex(r.length)} bytes)`);
  }
  if (shnum > 0 && shstrndx >= shnum) r.fail(`e_shstrndx is ${shstrndx}, but there are ${shnum} sections`);
  return { shoff, shnum, shstrndx };
}

function readSectionHeaders(r: Reader, h: Header): InputSection[] {
  const sections: InputSection[] = [];
  for (let i = 0; i < h.shnum; i++) {
    const at = h.shoff + i * SHDR_SIZE;
    const type = r.u32(at + 4);
    const offset = r.u64(at + 24);
    const size = r.u64(at + 32);
    const s: InputSection = {
      index: i,
      name: `<section ${i}>`,
      type,
      flags: r.u64(at + 8),
      addr: r.u64(at + 16),
      offset,
      size,
      link: r.u32(at + 40),
      info: r.u32(at + 44),
      addralign: r.u64(at + 48),
      entsize: r.u64(at + 56),
      data: null,
      relocations: -1,
      group: -1,
    };
    // Section 0 holds the extended count and string table index, not contents.
    if (i > 0 && type !== SHT_NOBITS && type !== SHT_NULL) {
      if (!r.inFile(offset, size)) {
        r.fail(`section header ${i} at offset ${hex(at)}: contents at ${hex(offset)} of size ${hex(size)} run past the end of the file (${hex(r.length)} bytes)`);
      }
      s.data = r.bytes.subarray(offset, offset + size);
    }
    sections.push(s);
  }
  if (sections.length > 0 && sections[0]!.type !== SHT_NULL) {
    r.fail(`section header 0 at offset ${hex(h.shoff)} has type ${sectionTypeName(sections[0]!.type)}, expected NULL`);
  }
  return sections;
}

/**
 * Reads the NUL-terminated string at `offset` of a string table section: the name of
 * entry `index` (at file offset `at`) of what `kind` says, which errors name.
 */
function readString(r: Reader, table: InputSection, offset: number, kind: string, index: number, at: number): string {
  const data = table.data;
  if (data === null || table.type !== SHT_STRTAB) r.fail(`${kind} ${index} at offset ${hex(at)}: section ${table.index} is not a string table`);
  if (offset >= data.length) r.fail(`${kind} ${index} at offset ${hex(at)}: name offset ${hex(offset)} is outside string table '${table.name}' (index ${table.index}, size ${hex(data.length)})`);
  const end = data.indexOf(0, offset);
  if (end < 0) r.fail(`${kind} ${index} at offset ${hex(at)}: the name at offset ${hex(offset)} of string table '${table.name}' (index ${table.index}) has no terminating NUL`);
  return latin1(data, offset, end);
}

/**
 * Names are bytes; decode them one byte per char so any input round-trips (ASCII
 * unchanged). `apply` over the subarray, not a spread: no intermediate array per name
 * (a link reads hundreds of thousands of them).
 */
function latin1(data: Uint8Array, start: number, end: number): string {
  if (end - start <= 4096) return String.fromCharCode.apply(null, data.subarray(start, end) as unknown as number[]);
  let s = '';
  for (let i = start; i < end; i += 4096) s += String.fromCharCode.apply(null, data.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
  return s;
}

function nameSections(r: Reader, sections: InputSection[], h: Header): void {
  if (sections.length === 0) return;
  const shstrtab = sections[h.shstrndx]!;
  if (h.shstrndx === 0 || shstrtab.type !== SHT_STRTAB) r.fail(`e_shstrndx is ${h.shstrndx}, which is not a string table`);
  sections[0]!.name = '';
  for (let i = 1; i < sections.length; i++) {
    const at = h.shoff + i * SHDR_SIZE;
    sections[i]!.name = readString(r, shstrtab, r.u32(at), 'section header', i, at);
  }
}

/** gABI: no byte of the file is in more than one section. */
function checkSectionsInFile(r: Reader, sections: InputSection[]): void {
  const used = sections.filter((s) => s.data !== null && s.size > 0).sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < used.length; i++) {
    const a = used[i - 1]!;
    const b = used[i]!;
    if (b.offset < a.offset + a.size) {
      r.fail(`${describe(b)} at offset ${hex(b.offset)} overlaps ${describe(a)} (${hex(a.offset)}..${hex(a.offset + a.size)})`);
    }
  }
}

function describe(s: InputSection): string {
  return `section '${s.name}' (index ${s.index})`;
}

function findSymbolTable(r: Reader, sections: InputSection[]): number {
  let found = -1;
  for (const s of sections) {
    if (s.type !== SHT_SYMTAB) continue;
    if (found >= 0) r.fail(`${describe(s)}: a second symbol table (the first is section ${found})`);
    found = s.index;
  }
  return found;
}

const EMPTY_SYMBOLS: SymbolTable = {
  count: 0, firstGlobal: 0, names: [], value: new Float64Array(0), size: new Float64Array(0),
  bind: new Uint8Array(0), type: new Uint8Array(0), visibility: new Uint8Array(0), shndx: new Uint32Array(0),
};

function readSymbolTable(r: Reader, sections: InputSection[], symtabIndex: number): SymbolTable {
  if (symtabIndex < 0) return EMPTY_SYMBOLS;
  const symtab = sections[symtabIndex]!;
  const where = describe(symtab);
  if (symtab.entsize !== SYM_SIZE) r.fail(`${where}: entry size ${symtab.entsize}, expected 24`);
  if (symtab.size % SYM_SIZE !== 0) r.fail(`${where}: size ${hex(symtab.size)} is not a multiple of 24`);
  const count = symtab.size / SYM_SIZE;
  if (symtab.link === 0 || symtab.link >= sections.length || sections[symtab.link]!.type !== SHT_STRTAB) {
    r.fail(`${where}: sh_link ${symtab.link} is not a string table`);
  }
  const strtab = sections[symtab.link]!;
  if (symtab.info > count) r.fail(`${where}: sh_info (first global) is ${symtab.info}, but the table has ${count} symbols`);
  const xindex = findShndxTable(r, sections, symtabIndex, count);
  const t: SymbolTable = {
    count, firstGlobal: symtab.info, names: new Array<string>(count), value: new Float64Array(count),
    size: new Float64Array(count), bind: new Uint8Array(count), type: new Uint8Array(count),
    visibility: new Uint8Array(count), shndx: new Uint32Array(count),
  };
  const symbolKind = `${where}: symbol`;
  for (let i = 0; i < count; i++) {
    const at = symtab.offset + i * SYM_SIZE;
    const info = r.u8(at + 4);
    t.names[i] = readString(r, strtab, r.u32(at), symbolKind, i, at);
    t.bind[i] = info >> 4;
    t.type[i] = info & 0xf;
    t.visibility[i] = r.u8(at + 5) & 3;
    t.value[i] = r.u64(at + 8);
    t.size[i] = r.u64(at + 16);
    const raw = r.u16(at + 6);
    let shndx: number;
    if (raw === SHN_UNDEF) shndx = SYM_UNDEF;
    else if (raw === SHN_ABS) shndx = SYM_ABS;
    else if (raw === SHN_COMMON) shndx = SYM_COMMON;
    else if (raw === SHN_X86_64_LCOMMON) shndx = SYM_LARGE_COMMON;
    else if (raw === SHN_XINDEX) {
      if (xindex === null) r.fail(`${where}: symbol ${i} at offset ${hex(at)} has section index SHN_XINDEX, but there is no SHT_SYMTAB_SHNDX section`);
      shndx = r.u32(xindex.offset + i * 4);
    } else if (raw >= SHN_LORESERVE) r.fail(`${where}: symbol ${i} '${t.names[i]}' at offset ${hex(at)} has reserved section index ${hex(raw)}`);
    else shndx = raw;
    if (shndx !== SYM_ABS && shndx !== SYM_COMMON && shndx !== SYM_LARGE_COMMON && shndx >= sections.length) {
      r.fail(`${where}: symbol ${i} '${t.names[i]}' at offset ${hex(at)} names section ${shndx}, but there are ${sections.length} sections`);
    }
    t.shndx[i] = shndx;
  }
  // A section symbol's name is its section's (readelf shows it that way too).
  for (let i = 0; i < count; i++) {
    if (t.type[i] === STT_SECTION && t.names[i] === '' && t.shndx[i]! < sections.length) t.names[i] = sections[t.shndx[i]!]!.name;
  }
  return t;
}

function findShndxTable(r: Reader, sections: InputSection[], symtabIndex: number, count: number): InputSection | null {
  let found: InputSection | null = null;
  for (const s of sections) {
    if (s.type !== SHT_SYMTAB_SHNDX || s.link !== symtabIndex) continue;
    if (found !== null) r.fail(`${describe(s)}: a second SHT_SYMTAB_SHNDX section for the symbol table`);
    if (s.size !== count * 4) r.fail(`${describe(s)}: size ${hex(s.size)}, expected ${hex(count * 4)} (4 bytes per symbol, ${count} symbols)`);
    found = s;
  }
  return found;
}

function readRelocations(r: Reader, sections: InputSection[], symtabIndex: number, symbols: SymbolTable): RelocationTable[] {
  const tables: RelocationTable[] = [];
  for (const s of sections) {
    if (s.type === SHT_REL) r.fail(`${describe(s)}: SHT_REL relocations are not used on x86-64 (only SHT_RELA is supported)`);
    if (s.type !== SHT_RELA) continue;
    const where = describe(s);
    if (s.entsize !== RELA_SIZE) r.fail(`${where}: entry size ${s.entsize}, expected 24`);
    if (s.size % RELA_SIZE !== 0) r.fail(`${where}: size ${hex(s.size)} is not a multiple of 24`);
    if (s.link !== symtabIndex || symtabIndex < 0) r.fail(`${where}: sh_link ${s.link} is not the symbol table`);
    if (s.info === 0 || s.info >= sections.length) r.fail(`${where}: applies to section ${s.info} (sh_info), but there are ${sections.length} sections`);
    const target = sections[s.info]!;
    if (target.data === null) r.fail(`${where}: applies to ${describe(target)}, which has no contents (${sectionTypeName(target.type)})`);
    if (target.relocations >= 0) r.fail(`${where}: ${describe(target)} already has relocations in section ${tables[target.relocations]!.section}`);
    const count = s.size / RELA_SIZE;
    const t: RelocationTable = {
      section: s.index, target: s.info, count, offset: new Float64Array(count),
      type: new Uint32Array(count), symbol: new Uint32Array(count), addend: new Float64Array(count),
    };
    for (let i = 0; i < count; i++) {
      const at = s.offset + i * RELA_SIZE;
      const offset = r.u64(at);
      const type = r.u32(at + 8);
      const sym = r.u32(at + 12);
      if (sym >= symbols.count) {
        r.fail(`${where}: relocation ${i} at offset ${hex(at)} names symbol ${sym}, but the symbol table has ${symbols.count}`);
      }
      const width = relocationWidth(type);
      if (offset > target.size || width > target.size - offset) {
        r.fail(`${where}: relocation ${i} at offset ${hex(at)} (${relocationTypeName(type)} at ${hex(offset)}) runs past the end of ${describe(target)} (size ${hex(target.size)})`);
      }
      t.offset[i] = offset;
      t.type[i] = type;
      t.symbol[i] = sym;
      t.addend[i] = r.i64(at + 16);
    }
    target.relocations = tables.length;
    tables.push(t);
  }
  return tables;
}

function readGroups(r: Reader, sections: InputSection[], symtabIndex: number, symbols: SymbolTable): SectionGroup[] {
  const groups: SectionGroup[] = [];
  for (const s of sections) {
    if (s.type !== SHT_GROUP) continue;
    const where = describe(s);
    if (s.size < 4 || s.size % 4 !== 0) r.fail(`${where}: size ${hex(s.size)} is not a flag word plus 4-byte section indices`);
    if (s.link !== symtabIndex || symtabIndex < 0) r.fail(`${where}: sh_link ${s.link} is not the symbol table`);
    if (s.info >= symbols.count) r.fail(`${where}: signature symbol ${s.info} (sh_info), but the symbol table has ${symbols.count}`);
    const flags = r.u32(s.offset);
    const members = new Uint32Array(s.size / 4 - 1);
    for (let i = 0; i < members.length; i++) {
      const at = s.offset + 4 + i * 4;
      const m = r.u32(at);
      if (m === 0 || m >= sections.length) r.fail(`${where}: member ${i} at offset ${hex(at)} is section ${m}, but there are ${sections.length} sections`);
      const member = sections[m]!;
      if (member.group >= 0) r.fail(`${where}: member ${describe(member)} at offset ${hex(at)} is already in group section ${groups[member.group]!.section}`);
      member.group = groups.length;
      members[i] = m;
    }
    groups.push({ section: s.index, comdat: (flags & GRP_COMDAT) !== 0, signatureSymbol: s.info, signature: symbols.names[s.info]!, members });
  }
  return groups;
}

function readNotes(r: Reader, sections: InputSection[]): Note[] {
  const notes: Note[] = [];
  for (const s of sections) {
    if (s.type !== SHT_NOTE || s.data === null) continue;
    // Entries are a 12-byte header, then name and desc, each padded to 4 bytes (8 for 8-aligned sections).
    const align = s.addralign === 8 ? 8 : 4;
    let at = 0;
    while (at < s.size) {
      const abs = s.offset + at;
      if (s.size - at < 12) r.fail(`${describe(s)}: note at offset ${hex(abs)} is cut short`);
      const namesz = r.u32(abs);
      const descsz = r.u32(abs + 4);
      const type = r.u32(abs + 8);
      const nameEnd = at + 12 + namesz;
      const descStart = align4(nameEnd, align);
      const descEnd = descStart + descsz;
      if (descEnd > s.size) r.fail(`${describe(s)}: note at offset ${hex(abs)} (name ${namesz} bytes, desc ${descsz} bytes) runs past the end of the section`);
      const nameBytes = s.data.subarray(at + 12, nameEnd);
      const nul = nameBytes.indexOf(0);
      notes.push({ section: s.index, name: latin1(nameBytes, 0, nul < 0 ? nameBytes.length : nul), type, desc: s.data.subarray(descStart, descEnd) });
      at = align4(descEnd, align);
    }
  }
  return notes;
}

function align4(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}
