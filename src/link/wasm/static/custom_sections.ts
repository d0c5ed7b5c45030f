//! The inputs' other custom sections (DWARF `.debug_*` and any a program adds), copied as
//! wasm-ld copies them: the sections of one name from every loaded object, concatenated in
//! link order into one output section, placed after the data section in the order of
//! wasm-ld's name table (an LLVM StringMap: djb hash buckets, not first appearance); COMDAT
//! copies that were discarded are left out; `.debug_str` (and `.debug_line_str`) strings
//! are merged like data strings unless -O0. Their relocations
//! are applied: a section offset is the target input section's place in its output
//! section, a function offset is the body's place in the code section, and what refers to
//! a function or data that --gc-sections dropped gets wasm-ld's tombstone (-2 in
//! `.debug_ranges` and `.debug_loc`, -1 in other debug sections, else the addend).
//! `--strip-debug` drops the `.debug_*` ones, `--strip-all` all of them.

import {
  R_WASM_FUNCTION_INDEX_I32, R_WASM_FUNCTION_OFFSET_I32, R_WASM_GLOBAL_INDEX_I32, R_WASM_MEMORY_ADDR_I32,
  R_WASM_SECTION_OFFSET_I32, R_WASM_TABLE_INDEX_I32, SYM_ABSOLUTE, SYMTAB_DATA, SYMTAB_FUNCTION, SYMTAB_GLOBAL, SYMTAB_SECTION,
} from '../input/index.js';
import { SymState, type LinkContext } from './context.js';
import { addStrings, finishStrings, pieceAddress, type PendingMerge } from './data_layout.js';
import { dataAddress, functionIndex, globalIndex } from './layout.js';
import { encodeUleb } from './leb.js';
import { functionKey } from './scan_relocations.js';

const OWN_SECTIONS = new Set(['name', 'producers', 'target_features']);

interface OutputCustom {
  name: string;
  members: Array<{ object: number; section: number; offset: number }>;
  size: number;
  /** For a merged string section: its contents, and each member's strings. */
  merged: Uint8Array | null;
  pieces: Map<string, { start: Uint32Array; address: Float64Array }>;
}

const MERGED = new Set(['.debug_str', '.debug_str.dwo', '.debug_line_str']);

/** The order an LLVM 14 StringMap iterates `names` (inserted in this order) in: by bucket. */
export function stringMapOrder(names: readonly string[]): string[] {
  const hash = (s: string) => {
    let h = 0;
    const b = encoder.encode(s);
    for (const c of b) h = (Math.imul(h, 33) + c) >>> 0;
    return h;
  };
  let buckets: Array<string | null> = new Array(16).fill(null);
  const place = (table: Array<string | null>, name: string) => {
    const mask = table.length - 1;
    let i = hash(name) & mask;
    for (let probe = 1; table[i] !== null; probe++) i = (i + probe) & mask;
    table[i] = name;
  };
  let items = 0;
  for (const name of names) {
    place(buckets, name);
    items++;
    if (items * 4 > buckets.length * 3) {
      const bigger: Array<string | null> = new Array(buckets.length * 2).fill(null);
      for (const n of buckets) if (n !== null) place(bigger, n);
      buckets = bigger;
    }
  }
  return buckets.filter((n): n is string => n !== null);
}

const encoder = new TextEncoder();

/** Groups the input custom sections by name and places each input section in its output section. */
export function layoutCustomSections(ctx: LinkContext): OutputCustom[] {
  const byName = new Map<string, OutputCustom>();
  const out: OutputCustom[] = [];
  if (ctx.options.stripAll) return out;
  for (const o of ctx.order) {
    const lo = ctx.objects[o]!;
    for (const i of lo.obj.customSections) {
      const sec = lo.obj.sections[i]!;
      if (OWN_SECTIONS.has(sec.name) || lo.sectionDiscarded.has(i)) continue;
      if (ctx.options.stripDebug && sec.name.startsWith('.debug_')) continue;
      let c = byName.get(sec.name);
      if (!c) {
        c = { name: sec.name, members: [], size: 0, merged: null, pieces: new Map() };
        byName.set(sec.name, c);
        out.push(c);
      }
      c.members.push({ object: o, section: i, offset: c.size });
      c.size += sec.data.length;
    }
  }
  for (const c of out) if (MERGED.has(c.name) && ctx.options.optimize > 0) mergeStrings(ctx, c);
  const order = stringMapOrder(out.map((c) => c.name));
  return order.map((n) => byName.get(n)!);
}

function mergeStrings(ctx: LinkContext, c: OutputCustom): void {
  const m: PendingMerge = { seen: new Map(), inputs: [] };
  for (const member of c.members) {
    const lo = ctx.objects[member.object]!;
    addStrings(m, member.object, member.section, lo.obj.sections[member.section]!.data);
  }
  const { bytes, offsetOf } = finishStrings(m);
  for (const inp of m.inputs) c.pieces.set(`${inp.object}:${inp.segment}`, { start: inp.start, address: Float64Array.from(inp.keys, (k) => offsetOf.get(k)!) });
  c.merged = bytes;
  c.size = bytes.length;
}

/** The body offset of the (live) function a defined symbol names. */
function bodyOffsetOf(ctx: LinkContext, id: number): number {
  const lo = ctx.objects[ctx.syms.object[id]!]!;
  return lo.bodyOffset[lo.obj.linking.symbols.index[ctx.syms.symbol[id]!]! - lo.obj.importedFunctions]!;
}

/** wasm-ld's liveness of a symbol: its chunk's, for a defined function, data or global. */
function isLive(ctx: LinkContext, id: number): boolean {
  const s = ctx.syms;
  if (s.state[id] !== SymState.Defined) return s.live[id] === 1;
  const lo = ctx.objects[s.object[id]!]!;
  const index = lo.obj.linking.symbols.index[s.symbol[id]!]!;
  switch (s.kind[id]) {
    case SYMTAB_FUNCTION:
      return lo.funcLive[index - lo.obj.importedFunctions] === 1;
    case SYMTAB_DATA:
      return (s.flags[id]! & SYM_ABSOLUTE) !== 0 || lo.segLive[index] === 1;
    case SYMTAB_GLOBAL:
      return lo.globalLive[index - lo.obj.importedGlobals] === 1;
    default:
      return s.live[id] === 1;
  }
}

function tombstoneFor(name: string): number | null {
  if (!name.startsWith('.debug_')) return null;
  return name === '.debug_ranges' || name === '.debug_loc' ? 0xfffffffe : 0xffffffff;
}

/** Encodes the custom sections laid out by `layoutCustomSections`, after the code section is written. */
export function writeCustomSections(ctx: LinkContext, sections: OutputCustom[]): Uint8Array[] {
  const s = ctx.syms;
  // Where each input section went, for section-offset relocations: its offset, or its merged strings.
  const placed = new Map<string, { offset: number; pieces?: { start: Uint32Array; address: Float64Array } }>();
  for (const c of sections) {
    for (const m of c.members) placed.set(`${m.object}:${m.section}`, { offset: m.offset, pieces: c.pieces.get(`${m.object}:${m.section}`) });
  }
  const parts: Uint8Array[] = [];
  for (const c of sections) {
    const image = new Uint8Array(c.size);
    const view = new DataView(image.buffer);
    const tombstone = tombstoneFor(c.name);
    if (c.merged) image.set(c.merged, 0);
    for (const m of c.members) {
      const lo = ctx.objects[m.object]!;
      const sec = lo.obj.sections[m.section]!;
      if (!c.merged) image.set(sec.data, m.offset);
      const relocs = lo.obj.relocations.find((r) => r.target === m.section);
      if (!relocs) continue;
      const t = lo.obj.linking.symbols;
      for (let r = 0; r < relocs.count; r++) {
        const type = relocs.type[r]!;
        const pos = m.offset + relocs.offset[r]!;
        const addend = relocs.addend[r]!;
        const symIndex = relocs.index[r]!;
        if (type === R_WASM_SECTION_OFFSET_I32) {
          const target = t.kind[symIndex] === SYMTAB_SECTION ? placed.get(`${m.object}:${t.index[symIndex]!}`) : undefined;
          const value = target === undefined ? addend : target.pieces ? pieceAddress(target.pieces, addend) : target.offset + addend;
          view.setUint32(pos, value >>> 0, true);
          continue;
        }
        const id = lo.symId[symIndex]!;
        const dead = id < 0 || !isLive(ctx, id);
        let value: number;
        if (dead) value = tombstone ?? addend;
        else if (type === R_WASM_FUNCTION_OFFSET_I32) {
          const body = s.state[id] === SymState.Defined && s.kind[id] === SYMTAB_FUNCTION ? bodyOffsetOf(ctx, id) : undefined;
          value = body === undefined ? (tombstone ?? addend) : body + addend;
        } else if (type === R_WASM_MEMORY_ADDR_I32) value = dataAddress(ctx, id, addend);
        else if (type === R_WASM_GLOBAL_INDEX_I32) value = globalIndex(ctx, id);
        else if (type === R_WASM_FUNCTION_INDEX_I32) value = functionIndex(ctx, id);
        else if (type === R_WASM_TABLE_INDEX_I32) value = ctx.tableSlot.get(functionKey(ctx, id)) ?? 0;
        else continue; // 64-bit forms only occur in wasm64 objects, which zirc does not link.
        view.setUint32(pos, value >>> 0, true);
      }
    }
    const name = encoder.encode(c.name);
    const header = [...encodeUleb(name.length), ...name];
    parts.push(Uint8Array.from([0, ...encodeUleb(header.length + image.length), ...header]), image);
  }
  return parts;
}
