//! The steps of a wasm relink in place (fast_relink.ts), each over one swapped object: the
//! checks that need the link (are its relocations ones the module can take, which bodies
//! outgrew their slot, does each live segment fit its block, which global data symbols
//! moved), and the writes (the slots a grown body pushes, packed again as a whole link
//! would; its bodies and segments where they lie, relocated; the relocations elsewhere to
//! a data symbol that moved). Writes go through an ImagePatch, so
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
import { packSlots, SLOT_HEADER } from '../static/body_slots.js';
import { relocateBody, relocateSegment, writeSlot } from '../static/stable_sections.js';
import { TRAP_BODY, writePaddedBody } from '../module_encoding.js';
import type { DataReference } from './data_references.js';
import type { RelinkWork } from '../../relink_work.js';

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

/** The function slots whose (new) body in object `lo` is larger than their room. */
export function outgrownSlots(ctx: LinkContext, lo: LoadedObject): number[] {
  const placed = ctx.placed!;
  const outgrown: number[] = [];
  for (let f = 0; f < lo.funcOut.length; f++) {
    const index = lo.funcOut[f]!;
    if (index < 0) continue;
    const slot = index - ctx.importedFunctionCount;
    if (lo.obj.code.size[f]! > placed.bodyCapacity[slot]!) outgrown.push(slot);
  }
  return outgrown;
}

/** Whether each live data segment of (new) object `lo`, at `o`, fits its block. */
export function fitDifference(ctx: LinkContext, o: number, lo: LoadedObject): string | null {
  const info = lo.obj.linking.segments;
  for (let g = 0; g < lo.segLive.length; g++) {
    if (!lo.segLive[g] || lo.segOutput[g]! < 0) continue;
    const seg = ctx.segments[lo.segOutput[g]!]!;
    const size = lo.obj.dataSegments[g]!.data.length;
    if (!ctx.stable!.fitsInRegion(seg.name, segmentKey(ctx, o, g), size, 2 ** (info.alignLog2[g] ?? 0))) return `data segment ${info.names[g]} outgrew its block`;
  }
  return null;
}

/** Slots [from, to) packed again (body_slots.ts) for bodies that outgrew their room: their new starts. */
export interface SlotMove {
  from: number;
  to: number;
  starts: Float64Array;
}

/**
 * Packs the slots again from the first of `outgrown` (sizes as with `swapped` in place of
 * their objects), as a whole link would; null if the push reaches the end of the code.
 */
export function planSlotMove(ctx: LinkContext, outgrown: readonly number[], swapped: ReadonlyMap<number, LoadedObject>): SlotMove | null {
  const places = ctx.stable!.bodySlots;
  const sizeOf = (i: number): number => {
    const f = ctx.functions[i]!;
    if (f.synthetic >= 0) return ctx.synthetic[f.synthetic]!.body.length;
    if (f.gone) return TRAP_BODY.length;
    return (swapped.get(f.object) ?? ctx.objects[f.object]!).obj.code.size[f.func]!;
  };
  const from = Math.min(...outgrown);
  const packed = packSlots(places, ctx.functions.length, sizeOf, from, Math.max(...outgrown));
  if (packed.stoppedAt >= ctx.functions.length) return null;
  return { from, to: packed.stoppedAt, starts: packed.starts };
}

/**
 * Moves slots [from, to) to their new starts and writes each of them whole (any object's
 * body, relocated); adds to `work` the bodies written, those that moved, their relocations.
 */
export function moveSlots(ctx: LinkContext, patch: ImagePatch, view: DataView, move: SlotMove, work: RelinkWork): void {
  const placed = ctx.placed!;
  const places = ctx.stable!.bodySlots;
  const payload = placed.codeAt + 5;
  const next = (i: number) => (i + 1 < move.to ? move.starts[i + 1]! : places.starts[move.to]!);
  patch.track(payload + places.starts[move.from]!, payload + places.starts[move.to]!);
  for (let i = move.from; i < move.to; i++) {
    placed.bodyCapacity[i] = next(i) - move.starts[i]! - SLOT_HEADER;
    placed.bodyAt[i] = payload + move.starts[i]! + SLOT_HEADER;
    writeSlot(ctx, patch.bytes, view, i, payload + move.starts[i]!, placed.bodyCapacity[i]!, placed.codeAt);
    work.sectionsPlaced++;
    if (move.starts[i] !== places.starts[i]) work.symbolsMoved++;
    const f = ctx.functions[i]!;
    if (f.synthetic < 0 && !f.gone) work.relocationsApplied += chunkRelocations(codeRelocations(ctx.objects[f.object]!), f.func);
  }
  ctx.stable!.movedBodies(move.starts, move.from, move.to);
}

/** How many relocations chunk `c` (a body or a segment) of table `t` has. */
function chunkRelocations(t: ReturnType<typeof codeRelocations>, c: number): number {
  return t?.chunkStart ? t.chunkStart[c + 1]! - t.chunkStart[c]! : 0;
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

/**
 * Writes (swapped-in) object `o`'s live bodies into their slots (but those of `moved`,
 * written already) and its written segments into their blocks, relocated; adds to `work`
 * the bodies and segments written and their relocations.
 */
export function writeObject(ctx: LinkContext, patch: ImagePatch, view: DataView, o: number, moved: SlotMove | null, work: RelinkWork): void {
  const lo = ctx.objects[o]!;
  const bytes = patch.bytes;
  const placed = ctx.placed!;
  for (let f = 0; f < lo.funcOut.length; f++) {
    if (lo.funcOut[f]! < 0) continue;
    const slot = lo.funcOut[f]! - ctx.importedFunctionCount;
    if (moved && slot >= moved.from && slot < moved.to) continue;
    const at = placed.bodyAt[slot]!;
    const cap = placed.bodyCapacity[slot]!;
    patch.track(at, at + cap);
    writePaddedBody(bytes, at, functionBody(lo.obj, f), cap);
    relocateBody(ctx, lo, f, bytes, view, at);
    work.sectionsPlaced++;
    work.relocationsApplied += chunkRelocations(codeRelocations(lo), f);
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
    work.sectionsPlaced++;
    work.relocationsApplied += chunkRelocations(dataRelocations(lo), g);
  }
}

/** Applies again each relocation of `refs` (sites pointing at a data symbol that moved), except those in the `skip` objects (written whole); returns how many. */
export function reapplyReferences(ctx: LinkContext, patch: ImagePatch, view: DataView, refs: readonly DataReference[], skip: ReadonlySet<number>): number {
  const bytes = patch.bytes;
  let applied = 0;
  for (const e of refs) {
    if (skip.has(e.object)) continue;
    const lo = ctx.objects[e.object]!;
    const t = e.data ? dataRelocations(lo)! : codeRelocations(lo)!;
    const where = chunkPlace(ctx, e.object, e.data, e.chunk);
    if (!where) continue;
    const pos = where.at + t.offset[e.r]! - where.src;
    patch.track(pos, Math.min(pos + 10, bytes.length));
    applyRelocations(ctx, lo, t, e.r, e.r + 1, bytes, view, where.src, where.at);
    applied++;
  }
  return applied;
}
