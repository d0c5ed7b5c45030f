//! The fixed map of the output: which segments exist, the virtual address range each one
//! owns, and the sections inside them. Ranges are generous and never move, so growing or
//! moving a segment in the file changes only its file offset. The whole map spans less
//! than 2 GiB so every `rel32` between code, data and the offset table fits.
//!
//! .bss is the highest segment: Linux maps a file-less (filesz 0) PT_LOAD correctly only
//! if it is above every segment with file bytes on older kernels.

import { PF_R, PF_W, PF_X, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE } from './elf_format.js';

export type AllocSectionName = 'text' | 'rodata' | 'data' | 'got' | 'bss';

export interface SegmentSpec {
  name: AllocSectionName;
  /** Section name in the section header table. */
  sectionName: string;
  vaddr: number;
  /** Size of the owned virtual range. */
  range: number;
  flags: number;
  shFlags: number;
  nobits: boolean;
  /** Initial file capacity. */
  initialCapacity: number;
}

const MiB = 1 << 20;
const GiB = 1 << 30;

export const PAGE_SIZE = 0x1000;

/** In ascending address order (the order of the PT_LOAD program headers). */
export const SEGMENTS: readonly SegmentSpec[] = [
  { name: 'text', sectionName: '.text', vaddr: 0x400000, range: GiB, flags: PF_R | PF_X, shFlags: SHF_ALLOC | SHF_EXECINSTR, nobits: false, initialCapacity: 8 * 1024 },
  { name: 'rodata', sectionName: '.rodata', vaddr: 0x400000 + GiB, range: 256 * MiB, flags: PF_R, shFlags: SHF_ALLOC, nobits: false, initialCapacity: 4 * 1024 },
  { name: 'data', sectionName: '.data', vaddr: 0x400000 + GiB + 256 * MiB, range: 256 * MiB, flags: PF_R | PF_W, shFlags: SHF_ALLOC | SHF_WRITE, nobits: false, initialCapacity: 4 * 1024 },
  { name: 'got', sectionName: '.got', vaddr: 0x400000 + GiB + 512 * MiB, range: 64 * MiB, flags: PF_R, shFlags: SHF_ALLOC, nobits: false, initialCapacity: 4 * 1024 },
  { name: 'bss', sectionName: '.bss', vaddr: 0x400000 + GiB + 576 * MiB, range: 256 * MiB, flags: PF_R | PF_W, shFlags: SHF_ALLOC | SHF_WRITE, nobits: true, initialCapacity: 0 },
];

const SEGMENT_BY_NAME = new Map(SEGMENTS.map((s) => [s.name, s]));

/** The segment of an allocated section (looked up for every atom's address). */
export function segmentSpec(name: AllocSectionName): SegmentSpec {
  return SEGMENT_BY_NAME.get(name)!;
}

/** Section header indices. */
export const SECTION_INDEX = {
  text: 1,
  rodata: 2,
  data: 3,
  got: 4,
  bss: 5,
  symtab: 6,
  strtab: 7,
  shstrtab: 8,
} as const;

export const SECTION_COUNT = 9;
/** PT_LOAD per segment plus PT_GNU_STACK. */
export const PROGRAM_HEADER_COUNT = SEGMENTS.length + 1;

/** The header page: ELF header, program headers, section names, section headers. */
export const HEADER_PAGE = {
  phoff: 64,
  shstrtabOffset: 64 + PROGRAM_HEADER_COUNT * 56,
  shoff: 512,
  size: PAGE_SIZE,
} as const;
