//! Encodes the laid-out module: type, import, function, table, memory, global, export,
//! elem, code, data and (unless --strip-all) a `name` section with function, global and
//! data segment names, then the merged `producers` and `target_features` sections. Function bodies are copied with one `set` each into the code
//! section and their relocations patched in place; data segments are assembled in their
//! output segment's image and patched there. `.bss` is not written unless the memory is
//! imported (a fresh memory is zero already). The inputs' custom sections (debug info)
//! follow the data section, relocated (custom_sections.ts). In watch mode (a layout
//! memory) sections are framed with reserves, counts padded, and the code and data
//! sections written in slots and regions instead (stable_sections.ts).

import {
  EXTERNAL_FUNCTION, EXTERNAL_GLOBAL, EXTERNAL_MEMORY, EXTERNAL_TABLE, SEC_CODE, SEC_DATA, SEC_ELEM, SEC_EXPORT,
  SEC_FUNCTION, SEC_GLOBAL, SEC_IMPORT, SEC_MEMORY, SEC_TABLE, SEC_TYPE, TYPE_FUNCREF,
} from '../input/index.js';
import { applyRelocations } from './apply_relocations.js';
import { layoutCustomSections, writeCustomSections } from './custom_sections.js';
import type { LinkContext } from './context.js';
import { constI32, displayName, functionIndexOfKey } from './layout.js';
import { encodeUleb, ulebSize, writePaddedUleb32, writeUleb } from './leb.js';
import { codeRelocations, dataRelocations } from './mark_live.js';
import { producersSection, targetFeaturesSection, usedFeatures } from './producers.js';
import { frameStableSection, stableCodeSection, stableDataSection } from './stable_sections.js';

const encoder = new TextEncoder();

/** A growable byte buffer for the small sections. */
class Bytes {
  buf = new Uint8Array(256);
  len = 0;
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  byte(b: number): void {
    this.room(1);
    this.buf[this.len++] = b;
  }
  u(v: number): void {
    for (const b of encodeUleb(v)) this.byte(b);
  }
  /** A vector's count: a 5-byte LEB in watch mode, so the vector can grow without moving its contents. */
  count(v: number, padded: boolean): void {
    if (!padded) return this.u(v);
    this.room(5);
    writePaddedUleb32(this.buf, this.len, v);
    this.len += 5;
  }
  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }
  name(s: string): void {
    const b = encoder.encode(s);
    this.u(b.length);
    this.raw(b);
  }
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

export function writeModule(ctx: LinkContext): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00)];
  const stable = ctx.stable !== null;
  let fileSize = 8;
  const push = (...ps: Uint8Array[]) => {
    for (const p of ps) {
      parts.push(p);
      fileSize += p.length;
    }
  };
  /** Appends a section; returns where its payload starts in the file. */
  const section = (id: number, payload: Uint8Array): number => {
    if (stable) {
      const framed = frameStableSection(ctx, `${id}`, id, payload);
      const at = fileSize + framed[0]!.length;
      push(...framed);
      return at;
    }
    const header = Uint8Array.from([id, ...encodeUleb(payload.length)]);
    push(header, payload);
    return fileSize - payload.length;
  };
  const o = ctx.options;

  const types = new Bytes();
  types.count(ctx.types.length, stable);
  for (const t of ctx.types) {
    types.byte(0x60);
    types.u(t.params.length);
    types.raw(t.params);
    types.u(t.results.length);
    types.raw(t.results);
  }
  section(SEC_TYPE, types.bytes());

  const elems = ctx.tableElems ?? ctx.tableKeys.map((key) => functionIndexOfKey(ctx, key));
  const tableSize = elems.length + 1;
  if (ctx.imports.length > 0 || stable) {
    const w = new Bytes();
    w.u(ctx.imports.length);
    for (const imp of ctx.imports) {
      w.name(imp.module);
      w.name(imp.field);
      w.byte(imp.kind);
      if (imp.kind === EXTERNAL_FUNCTION) w.u(imp.typeIndex);
      else if (imp.kind === EXTERNAL_GLOBAL) {
        w.byte(imp.valueType);
        w.byte(imp.mutable ? 1 : 0);
      } else if (imp.kind === EXTERNAL_MEMORY) memoryLimits(w, ctx);
      else if (imp.kind === EXTERNAL_TABLE) {
        w.byte(TYPE_FUNCREF);
        w.byte(0);
        w.u(tableSize);
      }
    }
    section(SEC_IMPORT, w.bytes());
  }

  const funcs = new Bytes();
  funcs.count(ctx.functions.length, stable);
  for (const f of ctx.functions) funcs.u(f.typeIndex);
  section(SEC_FUNCTION, funcs.bytes());

  if (!o.importTable) {
    const w = new Bytes();
    w.u(1);
    w.byte(TYPE_FUNCREF);
    if (o.growableTable) {
      w.byte(0);
      w.u(tableSize);
    } else {
      w.byte(1);
      w.u(tableSize);
      w.u(tableSize);
    }
    section(SEC_TABLE, w.bytes());
  }

  if (!o.importMemory) {
    const w = new Bytes();
    w.u(1);
    memoryLimits(w, ctx);
    section(SEC_MEMORY, w.bytes());
  }

  if (ctx.globals.length > 0 || stable) {
    const w = new Bytes();
    w.u(ctx.globals.length);
    for (const g of ctx.globals) {
      w.byte(g.valueType);
      w.byte(g.mutable ? 1 : 0);
      w.raw(g.init);
    }
    section(SEC_GLOBAL, w.bytes());
  }

  if (ctx.exports.length > 0 || stable) {
    const w = new Bytes();
    w.count(ctx.exports.length, stable);
    for (const e of ctx.exports) {
      w.name(e.name);
      w.byte(e.kind);
      w.u(e.index);
    }
    section(SEC_EXPORT, w.bytes());
  }

  if (elems.length > 0 || stable) {
    const w = new Bytes();
    w.u(1);
    w.byte(0);
    w.raw(constI32(1));
    w.count(elems.length, stable);
    for (const index of elems) w.u(index);
    section(SEC_ELEM, w.bytes());
  }

  if (stable) {
    // Watch mode: bodies in slots, regions whole, and where each lies kept for the fast path.
    const n = ctx.functions.length;
    const placed = { codeAt: 0, bodyAt: new Float64Array(n), bodyCapacity: new Uint32Array(n), segmentAt: new Float64Array(ctx.segments.length).fill(-1) };
    const codeAt = section(SEC_CODE, stableCodeSection(ctx, placed.bodyAt, placed.bodyCapacity));
    placed.codeAt = codeAt;
    for (let i = 0; i < n; i++) placed.bodyAt[i]! += codeAt;
    const dataAt = section(SEC_DATA, stableDataSection(ctx, writtenSegments(ctx), placed.segmentAt));
    for (let k = 0; k < placed.segmentAt.length; k++) if (placed.segmentAt[k]! >= 0) placed.segmentAt[k]! += dataAt;
    ctx.placed = placed;
  } else {
    section(SEC_CODE, codeSection(ctx));
    const data = dataSection(ctx);
    if (data) section(SEC_DATA, data);
  }
  const custom = layoutCustomSections(ctx);
  if (custom.length > 0) push(...writeCustomSections(ctx, custom));
  if (!o.stripAll) {
    const names = nameSection(ctx);
    if (stable) push(...frameStableSection(ctx, 'name', 0, names[1]!));
    else push(...names);
    const producers = producersSection(ctx);
    if (producers) push(producers);
    const features = targetFeaturesSection(ctx);
    if (features) push(features);
  }

  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function memoryLimits(w: Bytes, ctx: LinkContext): void {
  if (ctx.maxMemoryPages >= 0) {
    w.byte(1);
    w.u(ctx.memoryPages);
    w.u(ctx.maxMemoryPages);
  } else {
    w.byte(0);
    w.u(ctx.memoryPages);
  }
}

/** The code section's payload: sized exactly first, then each body copied once and patched. */
function codeSection(ctx: LinkContext): Uint8Array {
  const fns = ctx.functions;
  let size = ulebSize(fns.length);
  for (const f of fns) {
    const n = f.synthetic >= 0 ? ctx.synthetic[f.synthetic]!.body.length : ctx.objects[f.object]!.obj.code.size[f.func]!;
    size += ulebSize(n) + n;
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = writeUleb(out, 0, fns.length);
  let relocObject = -1;
  let relocs = null as ReturnType<typeof codeRelocations>;
  for (const f of fns) {
    if (f.synthetic >= 0) {
      const body = ctx.synthetic[f.synthetic]!.body;
      at = writeUleb(out, at, body.length);
      out.set(body, at);
      at += body.length;
      continue;
    }
    const lo = ctx.objects[f.object]!;
    const code = lo.obj.code;
    const start = code.offset[f.func]!;
    const n = code.size[f.func]!;
    at = writeUleb(out, at, n);
    // Debug info locates functions by their body's offset in the code section.
    lo.bodyOffset[f.func] = at;
    out.set(lo.obj.sections[code.section]!.data.subarray(start, start + n), at);
    if (f.object !== relocObject) {
      relocObject = f.object;
      relocs = codeRelocations(lo);
    }
    if (relocs?.chunkStart) {
      const from = relocs.chunkStart[f.func]!;
      const to = relocs.chunkStart[f.func + 1]!;
      if (from < to) applyRelocations(ctx, lo, relocs, from, to, out, view, start, at);
    }
    at += n;
  }
  return out;
}

/** Each output segment's image (its members copied and patched), as active segments. */
function dataSection(ctx: LinkContext): Uint8Array | null {
  const written = writtenSegments(ctx);
  if (written.length === 0) return null;
  const w = new Bytes();
  w.u(written.length);
  for (const seg of written) {
    const image = new Uint8Array(seg.size);
    const view = new DataView(image.buffer);
    for (const m of seg.merged) image.set(m.bytes, m.offset);
    for (const m of seg.members) {
      const lo = ctx.objects[m.object]!;
      const ds = lo.obj.dataSegments[m.segment]!;
      const at = lo.segAddr[m.segment]! - seg.address;
      image.set(ds.data, at);
      const relocs = dataRelocations(lo);
      if (relocs?.chunkStart) applyRelocations(ctx, lo, relocs, relocs.chunkStart[m.segment]!, relocs.chunkStart[m.segment + 1]!, image, view, ds.dataOffset, at);
    }
    w.byte(0);
    w.raw(constI32(seg.address));
    w.u(image.length);
    w.raw(image);
  }
  return w.bytes();
}

/**
 * The segments with bytes to write: `.bss` is left out of a fresh memory (it is zero), and
 * of an imported one too when bulk memory is in use, as wasm-ld does.
 */
function writtenSegments(ctx: LinkContext): LinkContext['segments'] {
  const bss = ctx.options.importMemory && !usedFeatures(ctx).includes('bulk-memory');
  return ctx.segments.filter((s) => bss || !s.bss);
}

function nameSection(ctx: LinkContext): Uint8Array[] {
  const w = new Bytes();
  w.name('name');
  const sub = (id: number, names: Array<[number, string]>) => {
    if (names.length === 0) return;
    const b = new Bytes();
    b.u(names.length);
    for (const [i, n] of names) {
      b.u(i);
      b.name(n);
    }
    w.byte(id);
    w.u(b.len);
    w.raw(b.bytes());
  };
  const funcNames: Array<[number, string]> = [];
  let fi = 0;
  for (const imp of ctx.imports) if (imp.kind === EXTERNAL_FUNCTION) funcNames.push([fi++, displayName(ctx.syms.names[imp.symbol]!)]);
  for (const f of ctx.functions) funcNames.push([fi++, f.name]);
  sub(1, funcNames);
  const globalNames: Array<[number, string]> = [];
  let gi = 0;
  for (const imp of ctx.imports) if (imp.kind === EXTERNAL_GLOBAL) globalNames.push([gi++, ctx.syms.names[imp.symbol]!]);
  for (const g of ctx.globals) {
    if (g.name !== '') globalNames.push([gi, g.name]);
    gi++;
  }
  sub(7, globalNames);
  const written = writtenSegments(ctx);
  sub(9, written.map((s, i): [number, string] => [i, s.name]));
  const payload = w.bytes();
  return [Uint8Array.from([0, ...encodeUleb(payload.length)]), payload];
}
