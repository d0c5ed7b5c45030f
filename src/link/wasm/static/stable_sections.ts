//! The parts of the module a link in watch mode writes differently from wasm-ld, so a
//! relink can patch them where they lie (stable_layout.ts keeps the sizes):
//! - a section's size is a 5-byte LEB, and the section is followed by a reserve (a custom
//!   section with an empty name) filling its room, so a section that grows within its
//!   room moves nothing after it;
//! - each function body lies in a slot: its size field (5 bytes) says the slot's room, and
//!   the body is padded with `nop` before its final `end` (still valid, same behaviour);
//!   a function that is gone has a trapping body (`unreachable`);
//! - each data segment is its region's whole room (members at their blocks, zeros between).
//! The file offsets of the bodies and segments are kept (`ctx.placed`) for the fast path.

import type { LinkContext, LoadedObject } from './context.js';
import { applyRelocations } from './apply_relocations.js';
import { constI32, writePaddedUleb32 } from './leb.js';
import { codeRelocations, dataRelocations } from './mark_live.js';
import { MIN_RESERVE } from './stable_layout.js';
import { SLOT_HEADER } from './body_slots.js';
import { TRAP_BODY, writePaddedBody, writeReserveHeader } from '../module_encoding.js';


/** A section's id byte and 5-byte size, its payload, and the reserve filling its room (`key`'s in the layout memory). */
export function frameStableSection(ctx: LinkContext, key: string, id: number, payload: Uint8Array): Uint8Array[] {
  const room = ctx.stable!.sectionRoom(key, payload.length);
  const header = new Uint8Array(6);
  header[0] = id;
  writePaddedUleb32(header, 1, payload.length);
  const gap = room - payload.length;
  if (gap < MIN_RESERVE) throw new Error(`internal: a reserve of ${gap} bytes`);
  const reserve = new Uint8Array(gap);
  writeReserveHeader(reserve, 0, gap);
  return [header, payload, reserve];
}

/** Applies the code relocations of defined function `f` of `lo`, whose body now starts at `at` in `out`. */
export function relocateBody(ctx: LinkContext, lo: LoadedObject, f: number, out: Uint8Array, view: DataView, at: number): void {
  const relocs = codeRelocations(lo);
  if (!relocs?.chunkStart) return;
  const from = relocs.chunkStart[f]!;
  const to = relocs.chunkStart[f + 1]!;
  if (from < to) applyRelocations(ctx, lo, relocs, from, to, out, view, lo.obj.code.offset[f]!, at);
}

/** Applies the data relocations of segment `g` of `lo`, whose bytes now start at `at` in `out`. */
export function relocateSegment(ctx: LinkContext, lo: LoadedObject, g: number, out: Uint8Array, view: DataView, at: number): void {
  const relocs = dataRelocations(lo);
  if (!relocs?.chunkStart) return;
  const from = relocs.chunkStart[g]!;
  const to = relocs.chunkStart[g + 1]!;
  if (from < to) applyRelocations(ctx, lo, relocs, from, to, out, view, lo.obj.dataSegments[g]!.dataOffset, at);
}

/** The body function `i` (of `ctx.functions`) has before padding. */
export function bodyOf(ctx: LinkContext, i: number): Uint8Array {
  const f = ctx.functions[i]!;
  if (f.synthetic >= 0) return ctx.synthetic[f.synthetic]!.body;
  if (f.gone) return TRAP_BODY;
  const lo = ctx.objects[f.object]!;
  const start = lo.obj.code.offset[f.func]!;
  return lo.obj.sections[lo.obj.code.section]!.data.subarray(start, start + lo.obj.code.size[f.func]!);
}

/** The code section's payload in slots (body_slots.ts); `bodyAt` gets each body's offset in the payload. */
export function stableCodeSection(ctx: LinkContext, bodyAt: Float64Array, bodyCapacity: Uint32Array): Uint8Array {
  const n = ctx.functions.length;
  const { starts, end } = ctx.stable!.placeBodies(n, (i) => bodyOf(ctx, i).length);
  const out = new Uint8Array(5 + end);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  writePaddedUleb32(out, 0, n);
  // Each slot's room runs to the next slot's start (the last one's to the end): no gaps.
  for (let i = 0; i < n; i++) {
    const at = 5 + starts[i]!;
    bodyCapacity[i] = (i + 1 < n ? starts[i + 1]! : end) - starts[i]! - SLOT_HEADER;
    writeSlot(ctx, out, view, i, at, bodyCapacity[i]!, 0);
    bodyAt[i] = at + SLOT_HEADER;
  }
  return out;
}

/** Writes slot `i` (its size field at `at`, then its body in `capacity` bytes, relocated); the code section's payload starts at `payloadAt` in `out`. */
export function writeSlot(ctx: LinkContext, out: Uint8Array, view: DataView, i: number, at: number, capacity: number, payloadAt: number): void {
  writePaddedUleb32(out, at, capacity);
  const body = at + SLOT_HEADER;
  writePaddedBody(out, body, bodyOf(ctx, i), capacity);
  const f = ctx.functions[i]!;
  if (f.synthetic < 0 && !f.gone) {
    const lo = ctx.objects[f.object]!;
    // Debug info locates functions by their body's offset in the code section.
    lo.bodyOffset[f.func] = body - payloadAt;
    relocateBody(ctx, lo, f.func, out, view, body);
  }
}

/** The data section's payload: each written region whole; `segmentAt` gets where each region's bytes start in the payload. */
export function stableDataSection(ctx: LinkContext, written: LinkContext['segments'], segmentAt: Float64Array): Uint8Array {
  const headers = written.map((seg) => {
    const h = [0x00, ...constI32(seg.address)];
    const size = new Uint8Array(5);
    writePaddedUleb32(size, 0, seg.size);
    return Uint8Array.from([...h, ...size]);
  });
  let size = 5;
  written.forEach((seg, k) => (size += headers[k]!.length + seg.size));
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  writePaddedUleb32(out, 0, written.length);
  let at = 5;
  written.forEach((seg, k) => {
    out.set(headers[k]!, at);
    at += headers[k]!.length;
    segmentAt[ctx.segments.indexOf(seg)] = at;
    for (const m of seg.members) {
      const lo = ctx.objects[m.object]!;
      const pos = at + lo.segAddr[m.segment]! - seg.address;
      out.set(lo.obj.dataSegments[m.segment]!.data, pos);
      relocateSegment(ctx, lo, m.segment, out, view, pos);
    }
    at += seg.size;
  });
  return out;
}
