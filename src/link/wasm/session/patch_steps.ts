//! The steps of a wasm relink in place (fast_relink.ts), each over one swapped object: the
//! checks that need the link (are its relocations ones the module can take, does each live
//! body fit its slot and each live segment its block, which global data symbols moved),
//! and the writes (its bodies and segments where the last link put them, relocated; the
//! relocations elsewhere to a data symbol that moved). Writes go through an ImagePatch, so
//! the flush writes only the bytes that differ.

import {
  functionBody, R_WASM_GLOBAL_INDEX_I32, R_WASM_GLOBAL_INDEX_LEB, R_WASM_TYPE_INDEX_LEB, relocationTypeName,
  SYM_ABSOLUTE, SYM_BINDING_LOCAL, SYM_UNDEFINED, SYMTAB_DATA, SYMTAB_GLOBAL,
} from '../input/index.js';
import type { ImagePatch } from '../../elf/session/image_patch.js';
import { applyRelocations } from '../static/apply_relocations.js';
import { SymState, typeKey, type LinkContext, type LoadedObject } from '../static/context.js';
import { codeRelocations, dataRelocations, isExported } from '../static/mark_live.js';
import { isSupportedRelocation } from '../static/scan_relocations.js';
import { segmentKey } from '../static/stable_data_layout.js';
import { relocateBody, relocateSegment, writeSlotBody } from '../static/stable_sections.js';
import type { DataReference } from './data_references.js';

/** Whether every relocation of (new) object `lo` is one the last link's module can take; fills its type indices. */
export function relocationDifference(ctx: LinkContext, lo: LoadedObject): string | null {
  for (const t of [codeRelocations(lo), dataRelocations(lo)]) {
    if (!t) continue;
    for (let r = 0; r < t.count; r++) {
      const type = t.type[r]!;
      if (!isSupportedRelocation(type)) return `relocation ${relocationTypeName(type)} needs a whole link to report`;
      if (type === R_WASM_TYPE_INDEX_LEB) {
        const ti = t.index[r]!;
        if (ti >= lo.typeOut.length) return 'a relocation names a type it does not have';
        if (lo.typeOut[ti]! >= 0) continue;
        const index = ctx.typeKeys.get(typeKey(lo.obj.types[ti]!));
        if (index === undefined) return 'call_indirect names a type the module does not have';
        lo.typeOut[ti] = index;
        continue;
      }
      if (type === R_WASM_GLOBAL_INDEX_LEB || type === R_WASM_GLOBAL_INDEX_I32) {
        const id = lo.symId[t.index[r]!]!;
        if (id < 0 || ctx.syms.kind[id] !== SYMTAB_GLOBAL) return 'a global index relocation names what is not a global';
      }
    }
  }
  return null;
}

/** Whether each live body of (new) object `lo`, at `o`, fits its slot and each live segment its block. */
export function fitDifference(ctx: LinkContext, o: number, lo: LoadedObject): string | null {
  const placed = ctx.placed!;
  for (let f = 0; f < lo.funcOut.length; f++) {
    const index = lo.funcOut[f]!;
    if (index < 0) continue;
    const slot = index - ctx.importedFunctionCount;
    if (lo.obj.code.size[f]! > placed.bodyCapacity[slot]!) return `function ${ctx.functions[slot]!.name} outgrew its slot (${lo.obj.code.size[f]} bytes, room for ${placed.bodyCapacity[slot]})`;
  }
  const info = lo.obj.linking.segments;
  for (let g = 0; g < lo.segLive.length; g++) {
    if (!lo.segLive[g] || lo.segOutput[g]! < 0) continue;
    const seg = ctx.segments[lo.segOutput[g]!]!;
    const size = lo.obj.dataSegments[g]!.data.length;
    if (!ctx.stable!.fitsInRegion(seg.name, segmentKey(ctx, o, g), size, 2 ** (info.alignLog2[g] ?? 0))) return `data segment ${info.names[g]} outgrew its block`;
  }
  return null;
}

/** The global data symbols object `o` defines whose address differs in `after`; why not, if one is exported. */
export function movedDataSymbols(ctx: LinkContext, o: number, before: LoadedObject, after: LoadedObject): number[] | string {
  const s = ctx.syms;
  const A = before.obj.linking.symbols, B = after.obj.linking.symbols;
  const moved: number[] = [];
  for (let i = 0; i < A.count; i++) {
    const flags = A.flags[i]!;
    if (A.kind[i] !== SYMTAB_DATA || flags & (SYM_UNDEFINED | SYM_ABSOLUTE | SYM_BINDING_LOCAL)) continue;
    const id = before.symId[i]!;
    if (id < 0 || s.state[id] !== SymState.Defined || s.object[id] !== o || s.symbol[id] !== i) continue;
    const g = A.index[i]!;
    if (!before.segLive[g] || A.offset[i] === B.offset[i]) continue;
    if (isExported(ctx, id)) return `exported data symbol ${s.names[id]} moved`;
    moved.push(id);
  }
  return moved;
}

/** Where chunk `chunk` (a body, or a segment if `data`) of object `o` lies in the file, and where it starts in its section; null if not written. */
function chunkPlace(ctx: LinkContext, o: number, data: boolean, chunk: number): { at: number; src: number } | null {
  const lo = ctx.objects[o]!;
  const placed = ctx.placed!;
  if (!data) return { at: placed.bodyAt[lo.funcOut[chunk]! - ctx.importedFunctionCount]!, src: lo.obj.code.offset[chunk]! };
  const out = lo.segOutput[chunk]!;
  const regionAt = placed.segmentAt[out]!;
  if (regionAt < 0) return null;
  return { at: regionAt + lo.segAddr[chunk]! - ctx.segments[out]!.address, src: lo.obj.dataSegments[chunk]!.dataOffset };
}

/** Writes (swapped-in) object `o`'s live bodies into their slots and its written segments into their blocks, relocated. */
export function writeObject(ctx: LinkContext, patch: ImagePatch, view: DataView, o: number): void {
  const lo = ctx.objects[o]!;
  const bytes = patch.bytes;
  const placed = ctx.placed!;
  for (let f = 0; f < lo.funcOut.length; f++) {
    if (lo.funcOut[f]! < 0) continue;
    const slot = lo.funcOut[f]! - ctx.importedFunctionCount;
    const at = placed.bodyAt[slot]!;
    const cap = placed.bodyCapacity[slot]!;
    patch.track(at, at + cap);
    writeSlotBody(bytes, at, functionBody(lo.obj, f), cap);
    relocateBody(ctx, lo, f, bytes, view, at);
  }
  for (let g = 0; g < lo.segLive.length; g++) {
    if (!lo.segLive[g] || lo.segOutput[g]! < 0) continue;
    const where = chunkPlace(ctx, o, true, g);
    if (!where) continue;
    const cap = ctx.stable!.blockCapacityIn(ctx.segments[lo.segOutput[g]!]!.name, segmentKey(ctx, o, g));
    patch.track(where.at, where.at + cap);
    bytes.fill(0, where.at, where.at + cap);
    bytes.set(lo.obj.dataSegments[g]!.data, where.at);
    relocateSegment(ctx, lo, g, bytes, view, where.at);
  }
}

/** Applies again each relocation of `refs` (sites pointing at a data symbol that moved), except those in the `skip` objects (written whole). */
export function reapplyReferences(ctx: LinkContext, patch: ImagePatch, view: DataView, refs: readonly DataReference[], skip: ReadonlySet<number>): void {
  const bytes = patch.bytes;
  for (const e of refs) {
    if (skip.has(e.object)) continue;
    const lo = ctx.objects[e.object]!;
    const t = e.data ? dataRelocations(lo)! : codeRelocations(lo)!;
    const where = chunkPlace(ctx, e.object, e.data, e.chunk);
    if (!where) continue;
    const pos = where.at + t.offset[e.r]! - where.src;
    patch.track(pos, Math.min(pos + 10, bytes.length));
    applyRelocations(ctx, lo, t, e.r, e.r + 1, bytes, view, where.src, where.at);
  }
}
