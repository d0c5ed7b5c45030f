//! The playground's picture of an output module, as pure functions on bytes: the wasm
//! sections (from the section headers), the ELF sections (from the section header table),
//! the ELF function symbols (from .symtab), and this update's patches merged into ranges.

export interface Region {
  name: string;
  offset: number;
  size: number;
}

export interface ByteRange {
  offset: number;
  size: number;
}

const WASM_SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'];

function leb(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    if (b === undefined) throw new Error('truncated LEB128');
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return { value, next: at };
  }
}

/** The sections of a wasm module: the 8-byte header, then each section with its id byte and size. */
export function wasmSections(bytes: Uint8Array): Region[] {
  const out: Region[] = [{ name: 'header', offset: 0, size: Math.min(8, bytes.length) }];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const { value: size, next } = leb(bytes, at + 1);
    const end = Math.min(next + size, bytes.length);
    out.push({ name: WASM_SECTION_NAMES[id] ?? `section ${id}`, offset: at, size: end - at });
    at = end;
  }
  return out;
}

interface ElfSection {
  name: string;
  type: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
}

function elfSectionTable(bytes: Uint8Array): ElfSection[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 64 || v.getUint32(0) !== 0x7f454c46) throw new Error('not an ELF file');
  const shoff = Number(v.getBigUint64(0x28, true));
  const shentsize = v.getUint16(0x3a, true);
  const shnum = v.getUint16(0x3c, true);
  const shstrndx = v.getUint16(0x3e, true);
  const raw = [];
  for (let i = 0; i < shnum && shoff + (i + 1) * shentsize <= bytes.length; i++) {
    const h = shoff + i * shentsize;
    raw.push({
      nameOff: v.getUint32(h, true),
      type: v.getUint32(h + 4, true),
      addr: Number(v.getBigUint64(h + 0x10, true)),
      offset: Number(v.getBigUint64(h + 0x18, true)),
      size: Number(v.getBigUint64(h + 0x20, true)),
      link: v.getUint32(h + 0x28, true),
    });
  }
  const strtab = raw[shstrndx];
  return raw.map((s) => ({ ...s, name: strtab ? cString(bytes, strtab.offset + s.nameOff) : '' }));
}

function cString(bytes: Uint8Array, at: number): string {
  let end = at;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(at, end));
}

const SHT_NOBITS = 8;
const SHT_SYMTAB = 2;

/** The ELF header, the program headers, each section that has file bytes, and the section header table. */
export function elfSections(bytes: Uint8Array): Region[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sections = elfSectionTable(bytes);
  const phoff = Number(v.getBigUint64(0x20, true));
  const phnum = v.getUint16(0x38, true);
  const shoff = Number(v.getBigUint64(0x28, true));
  const out: Region[] = [{ name: 'ELF header', offset: 0, size: 64 }];
  if (phnum > 0) out.push({ name: 'program headers', offset: phoff, size: phnum * v.getUint16(0x36, true) });
  for (const s of sections) if (s.name !== '' && s.type !== SHT_NOBITS && s.size > 0) out.push({ name: s.name, offset: s.offset, size: s.size });
  out.push({ name: 'section headers', offset: shoff, size: sections.length * v.getUint16(0x3a, true) });
  return out.sort((a, b) => a.offset - b.offset);
}

export interface ElfFunction {
  name: string;
  /** Virtual address and file offset of the first byte. */
  addr: number;
  offset: number;
  size: number;
}

/** The function symbols (STT_FUNC) of .symtab, with their file offsets, in address order. */
export function elfFunctions(bytes: Uint8Array): ElfFunction[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sections = elfSectionTable(bytes);
  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  if (!symtab) return [];
  const strtab = sections[symtab.link];
  const out: ElfFunction[] = [];
  for (let at = symtab.offset; at + 24 <= symtab.offset + symtab.size; at += 24) {
    const info = bytes[at + 4]!;
    const shndx = v.getUint16(at + 6, true);
    const addr = Number(v.getBigUint64(at + 8, true));
    const size = Number(v.getBigUint64(at + 16, true));
    const section = sections[shndx];
    if ((info & 0xf) !== 2 || !section || !strtab) continue;
    out.push({ name: cString(bytes, strtab.offset + v.getUint32(at, true)), addr, offset: section.offset + (addr - section.addr), size });
  }
  return out.sort((a, b) => a.addr - b.addr);
}

/** Patches as ranges, sorted, with touching or overlapping ones merged. */
export function mergeRanges(patches: readonly ByteRange[]): ByteRange[] {
  const sorted = patches.filter((p) => p.size > 0).map((p) => ({ ...p })).sort((a, b) => a.offset - b.offset);
  const out: ByteRange[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && p.offset <= last.offset + last.size) last.size = Math.max(last.size, p.offset + p.size - last.offset);
    else out.push(p);
  }
  return out;
}

/** Whether [offset, offset+size) meets any of the ranges. */
export function overlaps(ranges: readonly ByteRange[], offset: number, size: number): boolean {
  return ranges.some((r) => r.offset < offset + size && offset < r.offset + r.size);
}
