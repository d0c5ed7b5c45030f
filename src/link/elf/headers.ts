//! The header page (file offset 0, never moves): ELF header, program headers, the
//! section-name table and the section headers. They are a pure function of the layout,
//! so each flush re-encodes them and the image keeps only the bytes that changed dirty
//! (usually a size field or two).

import {
  buildShstrtab,
  EHDR_SIZE,
  encodeElfHeader,
  encodeProgramHeader,
  encodeSectionHeader,
  PF_R,
  PF_W,
  PHDR_SIZE,
  PT_GNU_STACK,
  PT_LOAD,
  PT_NULL,
  SHDR_SIZE,
  SHT_NOBITS,
  SHT_NULL,
  SHT_PROGBITS,
  SHT_STRTAB,
  SHT_SYMTAB,
  SYM_SIZE,
  type ProgramHeader,
} from './elf_format.js';
import type { FileImage } from './file_image.js';
import { HEADER_PAGE, PAGE_SIZE, PROGRAM_HEADER_COUNT, SECTION_COUNT, SECTION_INDEX, SEGMENTS, type AllocSectionName } from './segments.js';

const SHSTRTAB = buildShstrtab([...SEGMENTS.map((s) => s.sectionName), '.symtab', '.strtab', '.shstrtab']);
if (HEADER_PAGE.shstrtabOffset + SHSTRTAB.bytes.length > HEADER_PAGE.shoff) throw new Error('header page overflow');

/** Where each section is, as the linker's state says right now. */
export interface LayoutSnapshot {
  entry: number;
  /** Virtual memory a segment maps beyond its content (hot swap: room for code placed later); none when absent. */
  memRoom?: Partial<Record<AllocSectionName, number>>;
  /** Per allocated section: file offset (ignored for .bss), size, alignment. */
  alloc: Record<AllocSectionName, { offset: number; size: number; align: number }>;
  symtab: { offset: number; count: number; firstGlobal: number };
  strtab: { offset: number; size: number };
}

/** Encodes all headers into the image (only changed bytes become dirty). */
export function writeHeaders(image: FileImage, s: LayoutSnapshot): void {
  image.encodeIfChanged(0, EHDR_SIZE, (v, at) =>
    encodeElfHeader(v, at, {
      entry: BigInt(s.entry),
      phoff: HEADER_PAGE.phoff,
      shoff: HEADER_PAGE.shoff,
      phnum: PROGRAM_HEADER_COUNT,
      shnum: SECTION_COUNT,
      shstrndx: SECTION_INDEX.shstrtab,
    }),
  );
  image.encodeIfChanged(HEADER_PAGE.phoff, PROGRAM_HEADER_COUNT * PHDR_SIZE, (v, at) => {
    SEGMENTS.forEach((seg, i) => encodeProgramHeader(v, at + i * PHDR_SIZE, programHeaderOf(seg.name, s)));
    encodeProgramHeader(v, at + SEGMENTS.length * PHDR_SIZE, {
      type: PT_GNU_STACK,
      flags: PF_R | PF_W,
      offset: 0,
      vaddr: 0,
      filesz: 0,
      memsz: 0,
      align: 16,
    });
  });
  image.writeIfChanged(HEADER_PAGE.shstrtabOffset, SHSTRTAB.bytes);
  image.encodeIfChanged(HEADER_PAGE.shoff, SECTION_COUNT * SHDR_SIZE, (v, at) => {
    const names = SHSTRTAB.offsets;
    encodeSectionHeader(v, at, { name: 0, type: SHT_NULL, flags: 0, addr: 0, offset: 0, size: 0, link: 0, info: 0, addralign: 0, entsize: 0 });
    SEGMENTS.forEach((seg, i) => {
      const a = s.alloc[seg.name];
      encodeSectionHeader(v, at + SECTION_INDEX[seg.name] * SHDR_SIZE, {
        name: names[i]!,
        type: seg.nobits ? SHT_NOBITS : SHT_PROGBITS,
        flags: seg.shFlags,
        addr: seg.vaddr,
        offset: seg.nobits ? s.alloc.data.offset : a.offset,
        size: a.size,
        link: 0,
        info: 0,
        addralign: a.align,
        entsize: seg.name === 'got' ? 8 : 0,
      });
    });
    const n = SEGMENTS.length;
    encodeSectionHeader(v, at + SECTION_INDEX.symtab * SHDR_SIZE, {
      name: names[n]!,
      type: SHT_SYMTAB,
      flags: 0,
      addr: 0,
      offset: s.symtab.offset,
      size: s.symtab.count * SYM_SIZE,
      link: SECTION_INDEX.strtab,
      info: s.symtab.firstGlobal,
      addralign: 8,
      entsize: SYM_SIZE,
    });
    encodeSectionHeader(v, at + SECTION_INDEX.strtab * SHDR_SIZE, {
      name: names[n + 1]!,
      type: SHT_STRTAB,
      flags: 0,
      addr: 0,
      offset: s.strtab.offset,
      size: s.strtab.size,
      link: 0,
      info: 0,
      addralign: 1,
      entsize: 0,
    });
    encodeSectionHeader(v, at + SECTION_INDEX.shstrtab * SHDR_SIZE, {
      name: names[n + 2]!,
      type: SHT_STRTAB,
      flags: 0,
      addr: 0,
      offset: HEADER_PAGE.shstrtabOffset,
      size: SHSTRTAB.bytes.length,
      link: 0,
      info: 0,
      addralign: 1,
      entsize: 0,
    });
  });
}

/** A PT_LOAD for a non-empty segment, PT_NULL for an empty one. */
function programHeaderOf(name: AllocSectionName, s: LayoutSnapshot): ProgramHeader {
  const seg = SEGMENTS.find((x) => x.name === name)!;
  const a = s.alloc[name];
  if (a.size === 0) return { type: PT_NULL, flags: 0, offset: 0, vaddr: 0, filesz: 0, memsz: 0, align: 0 };
  const room = s.memRoom?.[name] ?? 0;
  return {
    type: PT_LOAD,
    flags: seg.flags,
    offset: seg.nobits ? 0 : a.offset,
    vaddr: seg.vaddr,
    filesz: seg.nobits ? 0 : a.size,
    memsz: room === 0 ? a.size : Math.min(seg.range, Math.ceil((a.size + room) / PAGE_SIZE) * PAGE_SIZE),
    align: PAGE_SIZE,
  };
}
