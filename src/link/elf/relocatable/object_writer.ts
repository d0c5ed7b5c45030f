//! The relocatable object writer (`zirc build -c`): a pure encoder from a program's
//! finished functions, data atoms and exports to the bytes of one ELF64 x86-64 ET_REL
//! file that ld.lld, mold and GNU ld link with C objects. No I/O, no codegen: the caller
//! (compile_object.ts) hands it every function, including the runtime routines and WASI
//! built-ins the code uses.
//!
//! Layout, as a list of steps: place atoms in .text/.rodata/.data/.bss; build the symbol
//! table (a FILE symbol, a local per atom, then a global per export and an undefined global
//! per extern nothing here defines); translate relocations; append the sections.
//!
//! Relocations. The code generator calls decls and externs through an offset table
//! (`call [rip+x]`, `mov reg, [rip+x]`, kind `got_rel32`). That is exactly the code
//! `gcc -fno-plt` emits, so each becomes the standard R_X86_64_GOTPCRELX (or
//! R_X86_64_REX_GOTPCRELX for a REX-prefixed `mov`): the linker builds the GOT, or, in a
//! static link, relaxes the instruction to a direct `call`/`lea`. We neither rewrite
//! instruction bytes nor invent a table section of our own. `rel32` becomes R_X86_64_PLT32
//! after a `call`/`jmp` opcode and R_X86_64_PC32 otherwise; `abs64` and every data
//! relocation become R_X86_64_64. Each relocation names the target's own symbol (a GOT
//! entry belongs to a symbol, so a section symbol plus an addend would not do).

import type { X86Function } from '../../../codegen/x86_64/output.js';
import { symbolKey, type DataAtom, type SymbolTarget } from '../../../sema/air.js';
import type { ExportEntry } from '../../Linker.js';
import { constantKey } from '../ElfLinker.js';
import type { AtomPlacement } from './stable_placement.js';
import {
  EHDR_SIZE,
  ELF_MAGIC,
  EM_X86_64,
  SHDR_SIZE,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHN_UNDEF,
  SHT_NOBITS,
  SHT_NULL,
  SHT_PROGBITS,
  SHT_STRTAB,
  SHT_SYMTAB,
  STB_GLOBAL,
  STB_LOCAL,
  STT_FUNC,
  STT_NOTYPE,
  STT_OBJECT,
  SYM_SIZE,
  encodeSectionHeader,
  encodeSymbol,
  type SectionHeader,
  type SymbolEntry,
} from '../elf_format.js';

export const ET_REL = 1;
export const SHT_RELA = 4;
export const SHF_INFO_LINK = 0x40;
export const SHN_ABS = 0xfff1;
export const STT_FILE = 4;
export const RELA_SIZE = 24;

export const R_X86_64_64 = 1;
export const R_X86_64_PC32 = 2;
export const R_X86_64_PLT32 = 4;
export const R_X86_64_GOTPCREL = 9;
export const R_X86_64_GOTPCRELX = 41;
export const R_X86_64_REX_GOTPCRELX = 42;

const FUNCTION_ALIGN = 16;
const INT3 = 0xcc;

/** One function of the object: a decl, a runtime routine or a WASI built-in, by target. */
export interface ObjectFunction {
  target: SymbolTarget;
  /** Its local symbol's name. */
  symbolName: string;
  code: X86Function;
}

export interface RelocatableObjectInput {
  /** Name of the STT_FILE symbol (the source file's base name). */
  sourceName: string;
  functions: readonly ObjectFunction[];
  data: readonly DataAtom[];
  exports: readonly ExportEntry[];
  /**
   * Where atoms go (kept across writes, see stable_placement.ts). Without it atoms are
   * packed in the order given.
   */
  placement?: AtomPlacement;
}

type Section = 'text' | 'rodata' | 'data' | 'bss';
const SECTIONS: readonly Section[] = ['text', 'rodata', 'data', 'bss'];

interface PlacedAtom {
  key: string;
  name: string;
  section: Section;
  offset: number;
  size: number;
  isFunc: boolean;
}

interface ObjectReloc {
  offset: number;
  type: number;
  /** Target symbol key (`symbolKey`, or `constantKey` for a function's constant). */
  target: string;
  addend: number;
}

/** A growing byte buffer for one section; bytes no atom holds are `fill`. */
class SectionBytes {
  bytes: Uint8Array;
  size = 0;
  align = 1;
  readonly relocs: ObjectReloc[] = [];

  constructor(private readonly fill: number) {
    this.bytes = new Uint8Array(256).fill(fill);
  }

  /** Puts `data` (or, for a number, that many bytes of room) at `at`; returns `at`. */
  putAt(at: number, data: Uint8Array | number, align: number): number {
    this.align = Math.max(this.align, align);
    const len = typeof data === 'number' ? data : data.length;
    this.reserve(at + len);
    if (typeof data !== 'number') this.bytes.set(data, at);
    this.size = Math.max(this.size, at + len);
    return at;
  }

  /** Grows the section to `size` bytes (its reserved room). */
  extendTo(size: number): void {
    this.reserve(size);
    this.size = Math.max(this.size, size);
  }

  private reserve(n: number): void {
    if (n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(n, this.bytes.length * 2)).fill(this.fill);
    next.set(this.bytes.subarray(0, this.size));
    this.bytes = next;
  }
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** A string table (.strtab, .shstrtab): NUL first, each name once. */
class Strings {
  private readonly parts: Uint8Array[] = [new Uint8Array(1)];
  private readonly offsets = new Map<string, number>();
  size = 1;

  intern(s: string): number {
    const known = this.offsets.get(s);
    if (known !== undefined) return known;
    const bytes = new TextEncoder().encode(s + '\0');
    const at = this.size;
    this.parts.push(bytes);
    this.offsets.set(s, at);
    this.size += bytes.length;
    return at;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/**
 * The relocation type for a `got_rel32` field at `offset` of `code`: GOTPCRELX for
 * `call/jmp [rip+x]` (FF /2, FF /4) and an unprefixed `mov r32, [rip+x]`, REX_GOTPCRELX for
 * `mov r64, [rip+x]` with its REX prefix, plain GOTPCREL (never relaxed) for anything else.
 */
function gotRelocType(code: Uint8Array, offset: number): number {
  const op = code[offset - 2];
  const modrm = code[offset - 1]!;
  const ripRelative = (modrm & 0xc7) === 0x05;
  if (!ripRelative) return R_X86_64_GOTPCREL;
  if (op === 0xff && (modrm === 0x15 || modrm === 0x25)) return R_X86_64_GOTPCRELX;
  if (op === 0x8b) {
    const rex = offset >= 3 ? code[offset - 3]! : 0;
    return (rex & 0xf0) === 0x40 ? R_X86_64_REX_GOTPCRELX : R_X86_64_GOTPCRELX;
  }
  return R_X86_64_GOTPCREL;
}

/** PLT32 for the displacement of a `call rel32`/`jmp rel32` (E8/E9), PC32 for any other rip-relative field. */
function rel32Type(code: Uint8Array, offset: number): number {
  const op = code[offset - 1];
  return op === 0xe8 || op === 0xe9 ? R_X86_64_PLT32 : R_X86_64_PC32;
}

/** The bytes of the relocatable object for `input`. Throws on a relocation to a symbol that is neither here nor an extern. */
export function writeRelocatableObject(input: RelocatableObjectInput): Uint8Array {
  const sections: Record<Section, SectionBytes> = {
    text: new SectionBytes(INT3),
    rodata: new SectionBytes(0),
    data: new SectionBytes(0),
    bss: new SectionBytes(0),
  };
  // Place every atom: functions (and their constants), then data atoms.
  const atoms = placeAtoms(input, sections, atomPlacer(input.placement, sections));
  // Symbols: locals first (ELF requires it), then exports and undefined externs.
  const symbols = buildSymbols(input, atoms, sections);
  return assembleFile(sections, symbols);
}

/** Picks an atom's offset in its section: from the placement, or packed after the last atom. */
type AtomPlacer = (section: Section, key: string, size: number, align: number) => number;

function atomPlacer(placement: AtomPlacement | undefined, sections: Record<Section, SectionBytes>): AtomPlacer {
  if (!placement) return (section, _key, _size, align) => alignUp(sections[section].size, align);
  placement.begin();
  return (section, key, size, align) => {
    sections[section].align = Math.max(sections[section].align, placement.sectionAlign);
    return placement.place(section, key, size, align);
  };
}

function placeAtoms(input: RelocatableObjectInput, sections: Record<Section, SectionBytes>, placeAt: AtomPlacer): PlacedAtom[] {
  const atoms: PlacedAtom[] = [];
  const put = (section: Section, key: string, data: Uint8Array | number, align: number): number => {
    const size = typeof data === 'number' ? data : data.length;
    return sections[section].putAt(placeAt(section, key, size, align), data, align);
  };
  for (const f of input.functions) {
    const key = symbolKey(f.target);
    const offset = put('text', key, f.code.code, FUNCTION_ALIGN);
    atoms.push({ key, name: f.symbolName, section: 'text', offset, size: f.code.code.length, isFunc: true });
    for (const r of f.code.relocs) {
      const target = r.target.kind === 'constant' ? constantKey(key, r.target.name) : symbolKey(r.target);
      const type =
        r.kind === 'abs64' ? R_X86_64_64 : r.kind === 'got_rel32' ? gotRelocType(f.code.code, r.offset) : rel32Type(f.code.code, r.offset);
      sections.text.relocs.push({ offset: offset + r.offset, type, target, addend: r.addend });
    }
    for (const c of f.code.constants ?? []) {
      const at = put('rodata', constantKey(key, c.name), c.bytes, Math.max(1, c.align));
      atoms.push({ key: constantKey(key, c.name), name: `${f.symbolName}.${c.name}`, section: 'rodata', offset: at, size: c.bytes.length, isFunc: false });
    }
  }
  for (const d of input.data) {
    const section = sections[d.section];
    const align = Math.max(1, d.align);
    const offset = put(d.section, symbolKey({ kind: 'decl', name: d.name }), d.section === 'bss' ? d.bytes.length : d.bytes, align);
    atoms.push({ key: symbolKey({ kind: 'decl', name: d.name }), name: d.name, section: d.section, offset, size: d.bytes.length, isFunc: false });
    if (d.section === 'bss' && d.relocs.length > 0) throw new Error(`bss atom '${d.name}' has relocations`);
    for (const r of d.relocs) section.relocs.push({ offset: offset + r.offset, type: R_X86_64_64, target: symbolKey(r.target), addend: r.addend });
  }
  if (input.placement) {
    const sizes = input.placement.finish();
    for (const s of SECTIONS) sections[s].extendTo(sizes[s]);
  }
  return atoms;
}

interface SymbolTableContents {
  entries: SymbolEntry[];
  firstGlobal: number;
  strtab: Uint8Array;
  /** Symbol index per target key. */
  indexOf: Map<string, number>;
}

/** Section header index of each allocated section (fixed order, see assembleFile). */
const SECTION_INDEX: Record<Section, number> = { text: 1, rodata: 2, data: 3, bss: 4 };

function buildSymbols(input: RelocatableObjectInput, atoms: PlacedAtom[], sections: Record<Section, SectionBytes>): SymbolTableContents {
  const strings = new Strings();
  const entries: SymbolEntry[] = [{ name: 0, bind: STB_LOCAL, type: STT_NOTYPE, shndx: SHN_UNDEF, value: 0, size: 0 }];
  entries.push({ name: strings.intern(input.sourceName), bind: STB_LOCAL, type: STT_FILE, shndx: SHN_ABS, value: 0, size: 0 });
  const indexOf = new Map<string, number>();
  const atomOf = new Map<string, PlacedAtom>();
  for (const a of atoms) {
    if (indexOf.has(a.key)) throw new Error(`symbol '${a.name}' is defined twice`);
    atomOf.set(a.key, a);
    indexOf.set(a.key, entries.length);
    entries.push({
      name: strings.intern(a.name),
      bind: STB_LOCAL,
      type: a.isFunc ? STT_FUNC : STT_OBJECT,
      shndx: SECTION_INDEX[a.section],
      value: a.offset,
      size: a.size,
    });
  }
  const firstGlobal = entries.length;
  const exportIndex = new Map<string, number>();
  for (const e of input.exports) {
    const a = atomOf.get(symbolKey({ kind: 'decl', name: e.declName }));
    if (!a) throw new Error(`export '${e.symbolName}' names '${e.declName}', which is not in the object`);
    exportIndex.set(e.symbolName, entries.length);
    entries.push({
      name: strings.intern(e.symbolName),
      bind: STB_GLOBAL,
      type: a.isFunc ? STT_FUNC : STT_OBJECT,
      shndx: SECTION_INDEX[a.section],
      value: a.offset,
      size: a.size,
    });
  }
  // Externs nothing here defines: undefined globals (or this program's own export of that name).
  for (const s of SECTIONS) {
    for (const r of sections[s].relocs) {
      if (indexOf.has(r.target)) continue;
      const ext = /^e:[^:]*:(.*)$/.exec(r.target);
      if (!ext) throw new Error(`relocation to '${r.target}', which is not in the object`);
      const name = ext[1]!;
      const own = exportIndex.get(name);
      if (own !== undefined) {
        indexOf.set(r.target, own);
        continue;
      }
      indexOf.set(r.target, entries.length);
      exportIndex.set(name, entries.length);
      entries.push({ name: strings.intern(name), bind: STB_GLOBAL, type: STT_NOTYPE, shndx: SHN_UNDEF, value: 0, size: 0 });
    }
  }
  return { entries, firstGlobal, strtab: strings.bytes(), indexOf };
}

interface OutSection {
  name: string;
  header: Omit<SectionHeader, 'name' | 'offset'>;
  bytes: Uint8Array | null;
}

function encodeRelocations(relocs: readonly ObjectReloc[], indexOf: Map<string, number>): Uint8Array {
  const out = new Uint8Array(relocs.length * RELA_SIZE);
  const view = new DataView(out.buffer);
  relocs.forEach((r, i) => {
    const sym = indexOf.get(r.target)!;
    view.setBigUint64(i * RELA_SIZE, BigInt(r.offset), true);
    view.setBigUint64(i * RELA_SIZE + 8, (BigInt(sym) << 32n) | BigInt(r.type), true);
    view.setBigInt64(i * RELA_SIZE + 16, BigInt(r.addend), true);
  });
  return out;
}

function assembleFile(sections: Record<Section, SectionBytes>, symbols: SymbolTableContents): Uint8Array {
  const progbits = (s: Section, flags: number): OutSection => ({
    name: `.${s}`,
    header: { type: SHT_PROGBITS, flags, addr: 0, size: sections[s].size, link: 0, info: 0, addralign: sections[s].align, entsize: 0 },
    bytes: sections[s].bytes.subarray(0, sections[s].size),
  });
  // Fixed indices 1..4 (SECTION_INDEX); the symbol table's index is known once the
  // relocation sections (only those that have entries) are counted.
  const out: OutSection[] = [
    progbits('text', SHF_ALLOC | SHF_EXECINSTR),
    progbits('rodata', SHF_ALLOC),
    progbits('data', SHF_ALLOC | SHF_WRITE),
    {
      name: '.bss',
      header: { type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE, addr: 0, size: sections.bss.size, link: 0, info: 0, addralign: sections.bss.align, entsize: 0 },
      bytes: null,
    },
  ];
  const relocated = (['text', 'rodata', 'data'] as const).filter((s) => sections[s].relocs.length > 0);
  const symtabIndex = 1 + out.length + relocated.length;
  for (const s of relocated) {
    out.push({
      name: `.rela.${s}`,
      header: { type: SHT_RELA, flags: SHF_INFO_LINK, addr: 0, size: sections[s].relocs.length * RELA_SIZE, link: symtabIndex, info: SECTION_INDEX[s], addralign: 8, entsize: RELA_SIZE },
      bytes: encodeRelocations(sections[s].relocs, symbols.indexOf),
    });
  }
  const symtabBytes = new Uint8Array(symbols.entries.length * SYM_SIZE);
  const symView = new DataView(symtabBytes.buffer);
  symbols.entries.forEach((e, i) => encodeSymbol(symView, i * SYM_SIZE, e));
  out.push({
    name: '.symtab',
    header: { type: SHT_SYMTAB, flags: 0, addr: 0, size: symtabBytes.length, link: symtabIndex + 1, info: symbols.firstGlobal, addralign: 8, entsize: SYM_SIZE },
    bytes: symtabBytes,
  });
  out.push({
    name: '.strtab',
    header: { type: SHT_STRTAB, flags: 0, addr: 0, size: symbols.strtab.length, link: 0, info: 0, addralign: 1, entsize: 0 },
    bytes: symbols.strtab,
  });
  // No executable stack wanted: an empty note section without SHF_EXECINSTR.
  out.push({
    name: '.note.GNU-stack',
    header: { type: SHT_PROGBITS, flags: 0, addr: 0, size: 0, link: 0, info: 0, addralign: 1, entsize: 0 },
    bytes: new Uint8Array(0),
  });
  const shstr = new Strings();
  const names = out.map((s) => shstr.intern(s.name));
  const shstrtabName = shstr.intern('.shstrtab');
  const shstrtab = shstr.bytes();
  out.push({
    name: '.shstrtab',
    header: { type: SHT_STRTAB, flags: 0, addr: 0, size: shstrtab.length, link: 0, info: 0, addralign: 1, entsize: 0 },
    bytes: shstrtab,
  });
  names.push(shstrtabName);

  // File: header, section contents in order, then the section header table.
  const offsets: number[] = [];
  let at = EHDR_SIZE;
  for (const s of out) {
    at = alignUp(at, Math.max(1, s.header.addralign));
    offsets.push(at);
    if (s.bytes) at += s.bytes.length;
  }
  const shoff = alignUp(at, 8);
  const shnum = out.length + 1;
  const file = new Uint8Array(shoff + shnum * SHDR_SIZE);
  const view = new DataView(file.buffer);
  encodeRelocatableHeader(view, shoff, shnum, shnum - 1);
  encodeSectionHeader(view, shoff, { name: 0, type: SHT_NULL, flags: 0, addr: 0, offset: 0, size: 0, link: 0, info: 0, addralign: 0, entsize: 0 });
  out.forEach((s, i) => {
    if (s.bytes) file.set(s.bytes, offsets[i]!);
    encodeSectionHeader(view, shoff + (i + 1) * SHDR_SIZE, { ...s.header, name: names[i]!, offset: offsets[i]! });
  });
  return file;
}

function encodeRelocatableHeader(view: DataView, shoff: number, shnum: number, shstrndx: number): void {
  for (let i = 0; i < 4; i++) view.setUint8(i, ELF_MAGIC[i]!);
  view.setUint8(4, 2); // ELFCLASS64
  view.setUint8(5, 1); // ELFDATA2LSB
  view.setUint8(6, 1); // EV_CURRENT
  view.setUint16(16, ET_REL, true);
  view.setUint16(18, EM_X86_64, true);
  view.setUint32(20, 1, true);
  view.setBigUint64(40, BigInt(shoff), true);
  view.setUint16(52, EHDR_SIZE, true);
  view.setUint16(58, SHDR_SIZE, true);
  view.setUint16(60, shnum, true);
  view.setUint16(62, shstrndx, true);
}
