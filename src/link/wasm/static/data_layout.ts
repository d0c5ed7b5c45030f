//! Memory, as wasm-ld 14 lays it out for a non-PIC module: live data segments merged by
//! output name (`.rodata.*` → `.rodata`, …) in link order, ordered `.tdata`, `.rodata`,
//! `.data`, others, `.bss`; string segments deduplicated and tail-merged as wasm-ld's string
//! table does (not at -O0); from --global-base (1024) — or after the stack with
//! --stack-first — then the 16-aligned stack, then `__heap_base`; the page counts; and the
//! values of `__stack_pointer`, `__data_end`, `__heap_base` & co. In watch mode the
//! segments' members are placed from the layout memory instead (stable_data_layout.ts).

import { SEG_FLAG_STRINGS, SEG_FLAG_TLS } from '../input/index.js';
import { objectName, type LinkContext, type OutputSegment } from './context.js';
import { constI32 } from './leb.js';
import { dataRelocations } from './mark_live.js';
import { placeStableSegments } from './stable_data_layout.js';

const PAGE = 65536;
const STACK_ALIGN = 16;

/** wasm-ld's output segment name: `.data.x` → `.data` and so on, unless --no-merge-data-segments. */
function outputSegmentName(ctx: LinkContext, name: string): string {
  if (!ctx.options.mergeDataSegments) return name;
  for (const prefix of ['.text', '.data', '.bss', '.rodata']) if (name.startsWith(`${prefix}.`)) return prefix;
  return name;
}

export function segmentOrder(name: string): number {
  if (name.startsWith('.tdata')) return 0;
  if (name.startsWith('.rodata')) return 1;
  if (name.startsWith('.data')) return 2;
  if (name.startsWith('.bss')) return 4;
  return 3;
}

export const alignTo = (v: number, a: number) => Math.ceil(v / a) * a;

/** wasm-ld merges a string segment (not aligned, not empty) unless -O0; one with relocations never is. */
function mergeable(ctx: LinkContext, lo: LinkContext['objects'][number], g: number): boolean {
  const info = lo.obj.linking.segments;
  // Watch mode keeps each segment in its own block (a merged chunk would change with any string).
  if (ctx.stable) return false;
  if (ctx.options.optimize === 0 || !(info.flags[g]! & SEG_FLAG_STRINGS) || info.alignLog2[g] !== 0) return false;
  if (lo.obj.dataSegments[g]!.data.length === 0) return false;
  const relocs = dataRelocations(lo);
  return !relocs?.chunkStart || relocs.chunkStart[g] === relocs.chunkStart[g + 1];
}

export interface PendingMerge {
  /** Each distinct string (NUL included, as a latin1 key) and its bytes. */
  seen: Map<string, Uint8Array>;
  /** Each merged input segment's pieces: where each starts, and its key. */
  inputs: Array<{ object: number; segment: number; start: Uint32Array; keys: string[] }>;
}

/** Splits a string segment at its NULs and notes the strings. */
export function addStrings(m: PendingMerge, object: number, segment: number, data: Uint8Array): void {
  const starts: number[] = [];
  const keys: string[] = [];
  let p = 0;
  while (p < data.length) {
    let e = data.indexOf(0, p);
    e = e < 0 ? data.length : e + 1;
    const piece = data.subarray(p, e);
    let key = '';
    for (let i = 0; i < piece.length; i += 4096) key += String.fromCharCode.apply(null, piece.subarray(i, i + 4096) as unknown as number[]);
    if (!m.seen.has(key)) m.seen.set(key, piece);
    starts.push(p);
    keys.push(key);
    p = e;
  }
  m.inputs.push({ object, segment, start: Uint32Array.from(starts), keys });
}

/**
 * The merged chunk as wasm-ld's string table builds it: the distinct strings sorted by
 * their reversed bytes, descending (so a string follows those it is a suffix of), and a
 * string that ends the previous one placed inside it (tail merging).
 */
export function finishStrings(m: PendingMerge): { bytes: Uint8Array; offsetOf: Map<string, number> } {
  const keys = [...m.seen.keys()];
  const reversed = new Map<string, string>();
  for (const k of keys) reversed.set(k, [...k].reverse().join(''));
  keys.sort((x, y) => {
    const rx = reversed.get(x)!;
    const ry = reversed.get(y)!;
    return rx < ry ? 1 : rx > ry ? -1 : 0;
  });
  const offsetOf = new Map<string, number>();
  const placed: string[] = [];
  let size = 0;
  let previous = '';
  for (const k of keys) {
    if (previous.endsWith(k)) {
      offsetOf.set(k, offsetOf.get(previous)! + previous.length - k.length);
      continue;
    }
    offsetOf.set(k, size);
    placed.push(k);
    size += k.length;
    previous = k;
  }
  const bytes = new Uint8Array(size);
  for (const k of placed) bytes.set(m.seen.get(k)!, offsetOf.get(k)!);
  return { bytes, offsetOf };
}

export function layoutMemory(ctx: LinkContext): void {
  const o = ctx.options;
  const byName = new Map<string, OutputSegment>();
  const segments: OutputSegment[] = [];
  // Per output segment, in order: an input segment, or the merged string chunk (placed where its first string segment was).
  const items = new Map<OutputSegment, Array<{ object: number; segment: number } | PendingMerge>>();
  for (const oi of ctx.order) {
    const lo = ctx.objects[oi]!;
    const info = lo.obj.linking.segments;
    for (let g = 0; g < lo.segLive.length; g++) {
      if (!lo.segLive[g]) continue;
      const inName = info.names[g] ?? `segment ${g}`;
      if (info.flags[g]! & SEG_FLAG_TLS || inName.startsWith('.tdata') || inName.startsWith('.tbss')) {
        ctx.errors.push(`${objectName(ctx, oi)}: data segment ${inName}: TLS is not supported (thread-local storage needs shared memory and threads)`);
        continue;
      }
      const name = outputSegmentName(ctx, inName);
      let seg = byName.get(name);
      if (!seg) {
        seg = { name, alignLog2: 0, members: [], address: 0, size: 0, bss: true, merged: [] };
        byName.set(name, seg);
        segments.push(seg);
        items.set(seg, []);
      }
      const list = items.get(seg)!;
      seg.alignLog2 = Math.max(seg.alignLog2, info.alignLog2[g] ?? 0);
      if (!(inName === '.bss' || inName.startsWith('.bss.'))) seg.bss = false;
      lo.segOutput[g] = segments.indexOf(seg);
      if (mergeable(ctx, lo, g)) {
        let m = list.find((x): x is PendingMerge => 'seen' in x);
        if (!m) {
          m = { seen: new Map(), inputs: [] };
          list.push(m);
        }
        addStrings(m, oi, g, lo.obj.dataSegments[g]!.data);
      } else {
        list.push({ object: oi, segment: g });
      }
    }
  }
  if (ctx.stable) ctx.segments = placeStableSegments(ctx, segments, items as Map<OutputSegment, Array<{ object: number; segment: number }>>);
  else {
    placeSegmentMembers(ctx, segments, items);
    ctx.segments = segments.map((s, i) => ({ s, i })).sort((a, b) => segmentOrder(a.s.name) - segmentOrder(b.s.name) || a.i - b.i).map((e) => e.s);
  }
  const sorted = ctx.segments;
  let ptr = 0;
  let stackTop = 0;
  const placeStack = () => {
    if (o.stackSize % STACK_ALIGN !== 0) ctx.errors.push(`stack size must be ${STACK_ALIGN}-byte aligned`);
    ptr = alignTo(ptr, STACK_ALIGN) + o.stackSize;
    stackTop = ptr;
  };
  if (o.stackFirst) placeStack();
  else ptr = o.globalBase ?? 1024;
  const dataStart = ptr;
  for (const seg of sorted) {
    ptr = alignTo(ptr, 2 ** seg.alignLog2);
    seg.address = ptr;
    ptr += seg.size;
  }
  const dataEnd = ptr;
  if (!o.stackFirst) placeStack();
  // Allocators may expect an aligned heap start.
  ptr = alignTo(ptr, STACK_ALIGN);
  const heapBase = ptr;
  // Input segments now know their output segment's address.
  for (const seg of sorted) for (const m of seg.members) ctx.objects[m.object]!.segAddr[m.segment]! += seg.address;
  for (const lo of ctx.objects) {
    for (const [g, p] of lo.pieces) {
      const base = segments[lo.segOutput[g]!]!.address;
      for (let k = 0; k < p.address.length; k++) p.address[k]! += base;
    }
  }
  const symbolValues: Record<string, number> = { __data_end: dataEnd, __heap_base: heapBase, __global_base: o.globalBase ?? 1024, __dso_handle: dataStart, __memory_base: 0, __table_base: 1 };
  for (const [name, id] of ctx.linkerData) ctx.syms.value[id] = symbolValues[name]!;
  if (ctx.stackPointer >= 0) ctx.globals[0]!.init = constI32(stackTop);
  let memory = ptr;
  if (o.initialMemory !== null) {
    if (memory > o.initialMemory) ctx.errors.push(`initial memory too small, ${memory} bytes needed`);
    memory = o.initialMemory;
  }
  ctx.memoryPages = Math.ceil(memory / PAGE);
  if (o.maxMemory !== null) {
    if (ptr > o.maxMemory) ctx.errors.push(`maximum memory too small, ${ptr} bytes needed`);
    ctx.maxMemoryPages = o.maxMemory / PAGE;
  }
}

/** wasm-ld's placement within each output segment: members packed in order, merged strings where their first segment was. */
function placeSegmentMembers(ctx: LinkContext, segments: OutputSegment[], items: Map<OutputSegment, Array<{ object: number; segment: number } | PendingMerge>>): void {
  for (const seg of segments) {
    for (const item of items.get(seg)!) {
      if ('seen' in item) {
        const offset = seg.size;
        const { bytes, offsetOf } = finishStrings(item);
        seg.merged.push({ offset, bytes });
        for (const inp of item.inputs) {
          const address = Float64Array.from(inp.keys, (k) => offset + offsetOf.get(k)!);
          ctx.objects[inp.object]!.pieces.set(inp.segment, { start: inp.start, address });
        }
        seg.size += bytes.length;
        continue;
      }
      const lo = ctx.objects[item.object]!;
      seg.size = alignTo(seg.size, 2 ** (lo.obj.linking.segments.alignLog2[item.segment] ?? 0));
      lo.segAddr[item.segment] = seg.size;
      seg.size += lo.obj.dataSegments[item.segment]!.data.length;
      seg.members.push(item);
    }
  }
}

/** The address of input offset `off` of a merged string segment: its string's address plus the offset into it. */
export function pieceAddress(p: { start: Uint32Array; address: Float64Array }, off: number): number {
  let lo = 0;
  let hi = p.start.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (p.start[mid]! <= off) lo = mid;
    else hi = mid - 1;
  }
  return p.address[lo]! + (off - p.start[lo]!);
}

