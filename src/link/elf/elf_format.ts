//! ELF64 (x86-64, little-endian) constants and pure encoders for the file header, program
//! headers, section headers and symbol table entries. Nothing here knows about layout or
//! I/O: each encoder writes one fixed-size record into a DataView at a given offset.

export * from './elf_constants.js';
import { EHDR_SIZE, EM_X86_64, ET_EXEC, PHDR_SIZE, SHDR_SIZE, SYM_SIZE } from './elf_constants.js';
export const ELF_MAGIC = new Uint8Array([0x7f, 0x45, 0x4c, 0x46]);








export interface ElfHeader {
  entry: bigint;
  phoff: number;
  shoff: number;
  phnum: number;
  shnum: number;
  shstrndx: number;
}

export function encodeElfHeader(view: DataView, at: number, h: ElfHeader): void {
  for (let i = 0; i < 4; i++) view.setUint8(at + i, ELF_MAGIC[i]!);
  view.setUint8(at + 4, 2); // ELFCLASS64
  view.setUint8(at + 5, 1); // ELFDATA2LSB
  view.setUint8(at + 6, 1); // EV_CURRENT
  view.setUint8(at + 7, 0); // ELFOSABI_SYSV
  for (let i = 8; i < 16; i++) view.setUint8(at + i, 0);
  view.setUint16(at + 16, ET_EXEC, true);
  view.setUint16(at + 18, EM_X86_64, true);
  view.setUint32(at + 20, 1, true);
  view.setBigUint64(at + 24, h.entry, true);
  view.setBigUint64(at + 32, BigInt(h.phoff), true);
  view.setBigUint64(at + 40, BigInt(h.shoff), true);
  view.setUint32(at + 48, 0, true); // e_flags
  view.setUint16(at + 52, EHDR_SIZE, true);
  view.setUint16(at + 54, PHDR_SIZE, true);
  view.setUint16(at + 56, h.phnum, true);
  view.setUint16(at + 58, SHDR_SIZE, true);
  view.setUint16(at + 60, h.shnum, true);
  view.setUint16(at + 62, h.shstrndx, true);
}

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export function encodeProgramHeader(view: DataView, at: number, p: ProgramHeader): void {
  view.setUint32(at, p.type, true);
  view.setUint32(at + 4, p.flags, true);
  view.setBigUint64(at + 8, BigInt(p.offset), true);
  view.setBigUint64(at + 16, BigInt(p.vaddr), true);
  view.setBigUint64(at + 24, BigInt(p.vaddr), true); // p_paddr
  view.setBigUint64(at + 32, BigInt(p.filesz), true);
  view.setBigUint64(at + 40, BigInt(p.memsz), true);
  view.setBigUint64(at + 48, BigInt(p.align), true);
}

export interface SectionHeader {
  name: number;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export function encodeSectionHeader(view: DataView, at: number, s: SectionHeader): void {
  view.setUint32(at, s.name, true);
  view.setUint32(at + 4, s.type, true);
  view.setBigUint64(at + 8, BigInt(s.flags), true);
  view.setBigUint64(at + 16, BigInt(s.addr), true);
  view.setBigUint64(at + 24, BigInt(s.offset), true);
  view.setBigUint64(at + 32, BigInt(s.size), true);
  view.setUint32(at + 40, s.link, true);
  view.setUint32(at + 44, s.info, true);
  view.setBigUint64(at + 48, BigInt(s.addralign), true);
  view.setBigUint64(at + 56, BigInt(s.entsize), true);
}

export interface SymbolEntry {
  name: number;
  bind: number;
  type: number;
  shndx: number;
  value: number;
  size: number;
}

export function encodeSymbol(view: DataView, at: number, s: SymbolEntry): void {
  view.setUint32(at, s.name, true);
  view.setUint8(at + 4, (s.bind << 4) | (s.type & 0xf));
  view.setUint8(at + 5, 0); // st_other: STV_DEFAULT
  view.setUint16(at + 6, s.shndx, true);
  view.setBigUint64(at + 8, BigInt(s.value), true);
  view.setBigUint64(at + 16, BigInt(s.size), true);
}

/** The section-name string table and each name's offset in it. */
export function buildShstrtab(names: readonly string[]): { bytes: Uint8Array; offsets: number[] } {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [new Uint8Array(1)];
  const offsets: number[] = [];
  let at = 1;
  for (const n of names) {
    offsets.push(at);
    const b = enc.encode(n);
    parts.push(b, new Uint8Array(1));
    at += b.length + 1;
  }
  const bytes = new Uint8Array(at);
  let o = 0;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.length;
  }
  return { bytes, offsets };
}
