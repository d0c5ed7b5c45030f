// Parses what llvm-readobj (--symbols --relocations) and wasm-objdump (-x) print about a
// wasm object, so the tests can compare the reader with two independent tools, and checks
// a WasmObject against those listings. A missing tool makes the test fail, never skip.

import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import {
  relocationTypeName, SYM_UNDEFINED, SYMTAB_DATA, type Comdat, type WasmObject,
} from '../../../src/link/wasm/input/index.js';

export function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface ReadobjSymbol {
  name: string;
  kind: number;
  flags: number;
  elementIndex?: number;
  segment?: number;
  offset?: number;
  size?: number;
}

export interface ReadobjRelocation {
  offset: number;
  type: string;
  /** The symbol's name, or the type index for R_WASM_TYPE_INDEX_LEB. */
  target: string;
  addend?: number;
}

export interface ReadobjListing {
  file: string;
  symbols: ReadobjSymbol[];
  /** Per target section name, in file order. */
  relocations: Array<{ section: string; entries: ReadobjRelocation[] }>;
}

/** llvm-readobj --symbols --relocations of `file` (an object or an archive: one listing per member). */
export function readobjListings(file: string): ReadobjListing[] {
  const text = run('llvm-readobj', ['--symbols', '--relocations', file]);
  const listings: ReadobjListing[] = [];
  let cur: ReadobjListing | null = null;
  let sym: ReadobjSymbol | null = null;
  let relocs: ReadobjListing['relocations'][number] | null = null;
  for (const line of text.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^File: (.*)$/.exec(line))) {
      cur = { file: m[1]!, symbols: [], relocations: [] };
      listings.push(cur);
    } else if (cur === null) {
      continue;
    } else if ((m = /^ {2}Section \(\d+\) (.*) \{$/.exec(line))) {
      relocs = { section: m[1]!, entries: [] };
      cur.relocations.push(relocs);
    } else if (relocs !== null && (m = /^ {4}0x([0-9A-F]+) (R_WASM_\w+) (\S+)(?: (-?\d+))?$/.exec(line))) {
      relocs.entries.push({ offset: parseInt(m[1]!, 16), type: m[2]!, target: m[3]!, ...(m[4] !== undefined ? { addend: Number(m[4]) } : {}) });
    } else if (/^ {2}\}$/.test(line)) {
      relocs = null;
    } else if (/^ {2}Symbol \{$/.test(line)) {
      sym = { name: '', kind: -1, flags: -1 };
      cur.symbols.push(sym);
    } else if (sym !== null && (m = /^ {4}(\w+): (.*)$/.exec(line))) {
      const [, key, value] = m as unknown as [string, string, string];
      if (key === 'Name') sym.name = value;
      else if (key === 'Type') sym.kind = parseInt(/\(0x([0-9A-F]+)\)/.exec(value)![1]!, 16);
      else if (key === 'ElementIndex') sym.elementIndex = parseInt(value, 16);
      else if (key === 'Segment') sym.segment = parseInt(value, 16);
      else if (key === 'Offset') sym.offset = parseInt(value, 16);
      else if (key === 'Size') sym.size = parseInt(value, 16);
    } else if (sym !== null && (m = /^ {4}Flags \[ \(0x([0-9A-F]+)\)$/.exec(line))) {
      sym.flags = parseInt(m[1]!, 16);
    } else if (sym !== null && (m = /^ {4}Flags \(0x([0-9A-F]+)\)$/.exec(line))) {
      sym.flags = parseInt(m[1]!, 16);
    } else if (/^ {2}\}$/.test(line)) {
      sym = null;
    }
  }
  return listings;
}

/** The parts of `wasm-objdump -x` the tests compare. */
export interface ObjdumpListing {
  file: string;
  /** "Type" → 3, "Import" → 4, …: each standard section's entry count. */
  counts: Map<string, number>;
  codeSizes: number[];
  dataSizes: number[];
  segmentInfo: Array<{ name: string; p2align: number; flags: string }>;
  initFuncs: Array<{ symbol: number; priority: number }>;
  /** Each COMDAT's name, entry count and entries (wabt prints no line for a custom-section entry). */
  comdats: Array<{ name: string; count: number; entries: string[] }>;
  /** Per reloc section: target section index and count. */
  relocationCounts: Array<{ target: number; count: number }>;
  features: string[];
}

/** wasm-objdump -x of several files at once (one listing per file, in order). */
export function objdumpListings(files: string[]): ObjdumpListing[] {
  const text = run('wasm-objdump', ['-x', ...files]);
  const listings: ObjdumpListing[] = [];
  let cur: ObjdumpListing | null = null;
  let section = '';
  let sub = '';
  for (const line of text.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^(.*):\tfile format wasm 0x1$/.exec(line))) {
      cur = { file: m[1]!, counts: new Map(), codeSizes: [], dataSizes: [], segmentInfo: [], initFuncs: [], comdats: [], relocationCounts: [], features: [] };
      listings.push(cur);
      section = '';
    } else if (cur === null) {
      continue;
    } else if ((m = /^(\w+)(?:\[(\d+)\])?:$/.exec(line))) {
      section = m[1]!;
      sub = '';
      if (m[2] !== undefined) cur.counts.set(section, Number(m[2]));
    } else if (section === 'Code' && (m = /^ - func\[\d+\] size=(\d+)/.exec(line))) {
      cur.codeSizes.push(Number(m[1]));
    } else if (section === 'Data' && (m = /^ - segment\[\d+\] .*size=(\d+)/.exec(line))) {
      cur.dataSizes.push(Number(m[1]));
    } else if (section === 'Custom') {
      if ((m = /^ {2}- (segment info|init functions|comdat groups|symbol table)/.exec(line))) sub = m[1]!;
      else if ((m = /^ {2}- relocations for section: (\d+) .*\[(\d+)\]$/.exec(line))) cur.relocationCounts.push({ target: Number(m[1]), count: Number(m[2]) });
      else if ((m = /^ {2}- \[([+\-=])\] (.*)$/.exec(line))) cur.features.push(m[1]! + m[2]!);
      else if (sub === 'segment info' && (m = /^ {3}- \d+: (.*) p2align=(\d+) \[ (.*)\]$/.exec(line))) cur.segmentInfo.push({ name: m[1]!, p2align: Number(m[2]), flags: m[3]!.trim() });
      else if (sub === 'init functions' && (m = /^ {3}- (\d+): priority=(\d+)(?: <.*>)?$/.exec(line))) cur.initFuncs.push({ symbol: Number(m[1]), priority: Number(m[2]) });
      else if (sub === 'comdat groups' && (m = /^ {3}- (.*): \[count=(\d+)\]$/.exec(line))) cur.comdats.push({ name: m[1]!, count: Number(m[2]), entries: [] });
      else if (sub === 'comdat groups' && (m = /^ {4}- (\w+\[\d+\])/.exec(line))) cur.comdats.at(-1)!.entries.push(m[1]!);
    }
  }
  return listings;
}

/** Checks `obj`'s symbols and relocations against llvm-readobj's listing; returns the relocation count. */
export function expectMatchesReadobj(obj: WasmObject, listing: ReadobjListing): number {
  const t = obj.linking.symbols;
  const ours: ReadobjSymbol[] = [];
  for (let i = 0; i < t.count; i++) {
    const s: ReadobjSymbol = { name: t.names[i]!, kind: t.kind[i]!, flags: t.flags[i]! };
    if (t.kind[i] === SYMTAB_DATA) {
      if (!(t.flags[i]! & SYM_UNDEFINED)) Object.assign(s, { segment: t.index[i], offset: t.offset[i], size: t.size[i] });
    } else {
      s.elementIndex = t.index[i];
    }
    ours.push(s);
  }
  expect(ours, `${obj.path}: symbols`).toEqual(listing.symbols);
  const relocs = obj.relocations.map((r) => ({
    section: obj.sections[r.target]!.name,
    entries: Array.from({ length: r.count }, (_, k): ReadobjRelocation => {
      const name = relocationTypeName(r.type[k]!);
      const e: ReadobjRelocation = { offset: r.offset[k]!, type: name, target: name === 'R_WASM_TYPE_INDEX_LEB' ? String(r.index[k]) : t.names[r.index[k]!]! };
      if (/MEMORY_ADDR|OFFSET/.test(name)) e.addend = r.addend[k];
      return e;
    }),
  }));
  expect(relocs, `${obj.path}: relocations`).toEqual(listing.relocations);
  return relocs.reduce((n, r) => n + r.entries.length, 0);
}

const COMDAT_KIND_NAMES = ['segment', 'func', 'global', 'tag', 'table', 'section'];

/** Checks `obj`'s sections, segments, init functions, COMDATs, relocation counts and features against wasm-objdump's listing. */
export function expectMatchesObjdump(obj: WasmObject, listing: ObjdumpListing): void {
  const counts = new Map<string, number>();
  const put = (name: string, n: number, present: boolean) => present && counts.set(name, n);
  const has = (id: number) => obj.sections.some((s) => s.id === id);
  put('Type', obj.types.length, has(1));
  put('Import', obj.imports.length, has(2));
  put('Function', obj.functionTypes.length, has(3));
  put('Table', obj.tables.length, has(4));
  put('Memory', obj.memories.length, has(5));
  put('Global', obj.globals.length, has(6));
  put('Export', obj.exports.length, has(7));
  put('Elem', obj.elements.length, has(9));
  put('Code', obj.code.count, has(10));
  put('Data', obj.dataSegments.length, has(11));
  put('Tag', obj.tags.length, has(13));
  const theirs = new Map([...listing.counts].filter(([k]) => counts.has(k) || ['Type', 'Import', 'Function', 'Table', 'Memory', 'Global', 'Export', 'Elem', 'Code', 'Data', 'Tag'].includes(k)));
  expect(counts, `${obj.path}: section entry counts`).toEqual(theirs);
  expect(Array.from(obj.code.size), `${obj.path}: function body sizes`).toEqual(listing.codeSizes);
  expect(obj.dataSegments.map((d) => d.data.length), `${obj.path}: data segment sizes`).toEqual(listing.dataSizes);
  const seg = obj.linking.segments;
  if (listing.segmentInfo.length > 0) {
    expect(seg.names.map((name, i) => ({ name, p2align: seg.alignLog2[i], flags: segmentFlags(seg.flags[i]!) })), `${obj.path}: segment info`).toEqual(listing.segmentInfo);
  }
  const inits = obj.linking.initFuncs;
  expect(Array.from(inits.symbol, (symbol, i) => ({ symbol, priority: inits.priority[i] })), `${obj.path}: init functions`).toEqual(listing.initFuncs);
  const comdatEntries = (c: Comdat) => Array.from(c.kinds, (k, i) => `${COMDAT_KIND_NAMES[k]}[${c.indices[i]}]`).filter((e) => !e.startsWith('section'));
  expect(obj.linking.comdats.map((c) => ({ name: c.name, count: c.kinds.length, entries: comdatEntries(c) })), `${obj.path}: COMDATs`)
    .toEqual(listing.comdats);
  expect(obj.relocations.map((r) => ({ target: r.target, count: r.count })), `${obj.path}: relocation counts`).toEqual(listing.relocationCounts);
  expect((obj.targetFeatures ?? []).map((f) => f.prefix + f.name), `${obj.path}: target features`).toEqual(listing.features);
}

function segmentFlags(flags: number): string {
  const names: string[] = [];
  if (flags & 1) names.push('STRINGS');
  if (flags & 2) names.push('TLS');
  if (flags & 4) names.push('RETAIN');
  return names.join(' ');
}
