// Parses `readelf -W -S -s -r -g` output (of one object, or of every member of an archive)
// into plain records, and compares a readElfObject result against it field by field, so the
// tests check the reader against binutils on real compiler output.

import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import {
  type ElfObject, SYM_ABS, SYM_COMMON, SYM_LARGE_COMMON, SYM_UNDEF, bindingName, relocationTypeName, symbolTypeName, visibilityName,
} from '../../../src/link/elf/input/index.js';

export interface ListedSection { index: number; name: string; type: string; offset: number; size: number; entsize: number; flags: string; link: number; info: number; align: number }
export interface ListedSymbol { index: number; value: bigint; size: bigint; type: string; bind: string; vis: string; ndx: string; name: string }
export interface ListedReloc { offset: bigint; sym: number; type: number; typeName: string; addend: bigint }
export interface ListedGroup { section: number; comdat: boolean; signature: string; members: number[] }
export interface Listing { sections: ListedSection[]; symbols: ListedSymbol[]; relocs: Map<string, ListedReloc[]>; groups: ListedGroup[] }

/** Runs a tool; a missing tool is a failure, never a skip. */
export function run(tool: string, args: string[], cwd?: string): string {
  return execFileSync(tool, args, { cwd, encoding: 'latin1', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `readelf -W -S -s -r -g file` of an object. */
export function readelfListing(file: string): Listing {
  return parseListing(run('readelf', ['-W', '-S', '-s', '-r', '-g', file]));
}

/** `readelf -W -S -s -r -g archive`, split per member, in archive order: [member name, listing]. */
export function readelfMemberListings(file: string): Array<[string, Listing]> {
  const text = run('readelf', ['-W', '-S', '-s', '-r', '-g', file]);
  return text.split(/^File: /m).slice(1).map((p) => {
    const nl = p.indexOf('\n');
    const m = /\((.*)\)$/.exec(p.slice(0, nl))!;
    return [m[1]!, parseListing(p.slice(nl + 1))];
  });
}

const SECTION_RE = /^\s*\[\s*(\d+)\] (?:(\S+)|\s{17})\s+(.+?)\s+([0-9a-f]{16})\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([A-Za-z]*)\s+(\d+)\s+(\d+)\s+(\d+)$/;
const SYMBOL_RE = /^\s*(\d+):\s+([0-9a-f]+)\s+(\d+|0x[0-9a-f]+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(?:\[[^\]]*\]\s+)?(\S+)\s?(.*)$/;
const RELOC_RE = /^([0-9a-f]{16})\s+([0-9a-f]{16})\s+(\S+)\s*(.*)$/;
const GROUP_RE = /^(COMDAT )?group section \[\s*(\d+)\] `(.*)' \[(.*)\] contains (\d+) sections:/;

export function parseListing(text: string): Listing {
  const l: Listing = { sections: [], symbols: [], relocs: new Map(), groups: [] };
  let relocs: ListedReloc[] | null = null;
  let group: ListedGroup | null = null;
  for (const line of text.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^Relocation section '(.*)' at offset/.exec(line))) {
      relocs = [];
      l.relocs.set(m[1]!, relocs);
      group = null;
    } else if ((m = GROUP_RE.exec(line))) {
      group = { section: +m[2]!, comdat: m[1] !== undefined, signature: m[4]!, members: [] };
      l.groups.push(group);
      relocs = null;
    } else if (group && (m = /^\s+\[\s*(\d+)\]\s+\S+/.exec(line))) {
      group.members.push(+m[1]!);
    } else if (relocs && (m = RELOC_RE.exec(line))) {
      const info = BigInt('0x' + m[2]!);
      const rest = m[4]!;
      const a = /([+-]) ([0-9a-f]+)$/.exec(rest);
      const addend = a ? (a[1] === '-' ? -1n : 1n) * BigInt('0x' + a[2]!) : BigInt('0x' + (/([0-9a-f]+)$/.exec(rest)?.[1] ?? '0'));
      relocs.push({ offset: BigInt('0x' + m[1]!), sym: Number(info >> 32n), type: Number(info & 0xffffffffn), typeName: m[3]!, addend });
    } else if ((m = SECTION_RE.exec(line))) {
      l.sections.push({
        index: +m[1]!, name: m[2] ?? '', type: m[3]!, offset: parseInt(m[5]!, 16), size: parseInt(m[6]!, 16),
        entsize: parseInt(m[7]!, 16), flags: m[8]!, link: +m[9]!, info: +m[10]!, align: +m[11]!,
      });
    } else if ((m = SYMBOL_RE.exec(line.replace(/<OS specific>: 10/g, 'OS10')))) {
      // Without ELFOSABI_GNU readelf prints IFUNC and UNIQUE as '<OS specific>: 10'.
      const type = m[4] === 'OS10' ? 'IFUNC' : m[4]!;
      const bind = m[5] === 'OS10' ? 'UNIQUE' : m[5]!;
      l.symbols.push({ index: +m[1]!, value: BigInt('0x' + m[2]!), size: BigInt(m[3]!), type, bind, vis: m[6]!, ndx: m[7]!, name: m[8]! });
    } else if (line.trim() === '' || line.startsWith('Symbol table')) {
      group = null;
    }
  }
  return l;
}

const FLAG_LETTERS: Array<[number, string]> = [
  [0x1, 'W'], [0x2, 'A'], [0x4, 'X'], [0x10, 'M'], [0x20, 'S'], [0x40, 'I'], [0x80, 'L'], [0x100, 'O'],
  [0x200, 'G'], [0x400, 'T'], [0x800, 'C'], [0x200000, 'R'], [0x10000000, 'l'], [0x80000000, 'E'],
];

export function flagLetters(flags: number): string {
  return FLAG_LETTERS.filter(([bit]) => Math.floor(flags / bit) % 2 === 1).map(([, c]) => c).join('');
}

const TYPE_NUMBERS: Record<string, number> = {
  NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, HASH: 5, DYNAMIC: 6, NOTE: 7, NOBITS: 8, REL: 9,
  DYNSYM: 11, INIT_ARRAY: 14, FINI_ARRAY: 15, PREINIT_ARRAY: 16, GROUP: 17, 'SYMTAB SECTION INDICES': 18,
  X86_64_UNWIND: 0x70000001, LLVM_ADDRSIG: 0x6fff4c03, GNU_ATTRIBUTES: 0x6ffffff5,
};

function typeNumber(name: string): number {
  const m = /^(LOOS|LOPROC|LOUSER)\+0x([0-9a-f]+)$/.exec(name);
  if (m) return { LOOS: 0x60000000, LOPROC: 0x70000000, LOUSER: 0x80000000 }[m[1]!]! + parseInt(m[2]!, 16);
  const n = TYPE_NUMBERS[name];
  if (n === undefined) throw new Error(`test does not know readelf section type '${name}'`);
  return n;
}

function ndxName(shndx: number): string {
  if (shndx === SYM_UNDEF) return 'UND';
  if (shndx === SYM_ABS) return 'ABS';
  if (shndx === SYM_COMMON) return 'COM';
  if (shndx === SYM_LARGE_COMMON) return 'LARGE_COM';
  return String(shndx);
}

/** Asserts that the reader found exactly what readelf lists; returns the number of relocations compared. */
export function expectMatchesListing(obj: ElfObject, l: Listing, what: string): number {
  expect(obj.sections.length, `${what}: section count`).toBe(l.sections.length);
  for (const ls of l.sections) {
    const s = obj.sections[ls.index]!;
    const got = { name: s.name, type: s.type, size: s.size, entsize: s.entsize, flags: flagLetters(s.flags), link: s.link, info: s.info, align: s.addralign };
    const want = { name: ls.name, type: typeNumber(ls.type), size: ls.size, entsize: ls.entsize, flags: ls.flags, link: ls.link, info: ls.info, align: ls.align };
    expect(got, `${what}: section ${ls.index}`).toEqual(want);
    if (s.type !== 8 && s.index > 0) {
      expect(s.offset, `${what}: section ${ls.index} offset`).toBe(ls.offset);
      expect(s.data?.length, `${what}: section ${ls.index} bytes`).toBe(ls.size);
    }
  }
  expect(obj.symbols.count, `${what}: symbol count`).toBe(l.symbols.length);
  const t = obj.symbols;
  for (const ls of l.symbols) {
    const i = ls.index;
    const got = { value: BigInt(t.value[i]!), size: BigInt(t.size[i]!), type: symbolTypeName(t.type[i]!), bind: bindingName(t.bind[i]!), vis: visibilityName(t.visibility[i]!), ndx: ndxName(t.shndx[i]!), name: t.names[i] };
    const want = { value: ls.value, size: ls.size, type: ls.type, bind: ls.bind, vis: ls.vis, ndx: ls.ndx, name: ls.name };
    expect(got, `${what}: symbol ${i}`).toEqual(want);
  }
  let compared = 0;
  const relocSections = obj.relocations.map((r) => obj.sections[r.section]!.name);
  expect(relocSections.sort(), `${what}: relocation sections`).toEqual([...l.relocs.keys()].sort());
  for (const table of obj.relocations) {
    const listed = l.relocs.get(obj.sections[table.section]!.name)!;
    expect(obj.sections[table.target]!.relocations, `${what}: relocations attached`).toBe(obj.relocations.indexOf(table));
    expect(table.count, `${what}: ${obj.sections[table.section]!.name} count`).toBe(listed.length);
    for (let i = 0; i < table.count; i++) {
      const want = listed[i]!;
      const got = { offset: BigInt(table.offset[i]!), sym: table.symbol[i], type: table.type[i], typeName: relocationTypeName(table.type[i]!), addend: BigInt(table.addend[i]!) };
      expect(got, `${what}: ${obj.sections[table.section]!.name} relocation ${i}`).toEqual({ offset: want.offset, sym: want.sym, type: want.type, typeName: want.typeName, addend: want.addend });
      compared++;
    }
  }
  const groups = obj.groups.map((g) => ({ section: g.section, comdat: g.comdat, signature: g.signature, members: [...g.members] }));
  expect(groups, `${what}: groups`).toEqual(l.groups);
  return compared;
}
