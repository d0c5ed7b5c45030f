//! Memory in watch mode (data_layout.ts asks): each output segment is a region of the
//! layout memory (stable_layout.ts) whose members keep their offset while they fit their
//! block, and whose size is its reserved room, so the regions, the stack and the heap keep
//! their addresses while everything fits. Regions keep their order from link to link (the
//! first link's is wasm-ld's); one no input fills any more stays, empty, until the memory
//! is laid out afresh. Strings are not merged (each segment is a block of its own).

import type { LinkContext, OutputSegment } from './context.js';
import { segmentOrder } from './data_layout.js';

/** Regions start 16-aligned, so a member that needs more alignment rarely moves one. */
const REGION_ALIGN_LOG2 = 4;

/** Each object's segment keys, computed once per object read. */
const keysOf = new WeakMap<object, string[]>();

/** The key of segment `g` of object `o` in its region: its object, name and ordinal among the object's segments of that name. */
export function segmentKey(ctx: LinkContext, o: number, g: number): string {
  const obj = ctx.objects[o]!.obj;
  let keys = keysOf.get(obj);
  if (!keys) {
    const names = obj.linking.segments.names;
    const seen = new Map<string, number>();
    keys = obj.dataSegments.map((_, k) => {
      const name = names[k] ?? `segment ${k}`;
      const ordinal = seen.get(name) ?? 0;
      seen.set(name, ordinal + 1);
      return `${obj.path}\0${name}\0${ordinal}`;
    });
    keysOf.set(obj, keys);
  }
  return keys[g]!;
}

function isBssName(name: string): boolean {
  return name === '.bss' || name.startsWith('.bss.');
}

/**
 * Places each output segment's members from the layout memory (offsets relative to the
 * segment, as data_layout.ts expects) and returns the segments in memory order, each
 * as large as its reserved room; `segOutput` then indexes that order.
 */
export function placeStableSegments(ctx: LinkContext, segments: OutputSegment[], items: Map<OutputSegment, Array<{ object: number; segment: number }>>): OutputSegment[] {
  const stable = ctx.stable!;
  const byName = new Map(segments.map((s) => [s.name, s]));
  const natural = segments.map((s, i) => ({ s, i })).sort((a, b) => segmentOrder(a.s.name) - segmentOrder(b.s.name) || a.i - b.i).map((e) => e.s.name);
  const ordered: OutputSegment[] = [];
  for (const name of stable.orderRegions(natural)) {
    let seg = byName.get(name);
    if (!seg) {
      // Nothing fills it this time: it keeps its room (zeros), so what follows stays.
      seg = { name, alignLog2: REGION_ALIGN_LOG2, members: [], address: 0, size: stable.regionReserved(name), bss: isBssName(name), merged: [] };
      stable.placeRegion(name, []);
      ordered.push(seg);
      continue;
    }
    const list = items.get(seg)!;
    const members = list.map((m) => {
      const lo = ctx.objects[m.object]!;
      return { key: segmentKey(ctx, m.object, m.segment), size: lo.obj.dataSegments[m.segment]!.data.length, align: 2 ** (lo.obj.linking.segments.alignLog2[m.segment] ?? 0) };
    });
    const { offsets, reserved } = stable.placeRegion(name, members);
    const index = ordered.length;
    list.forEach((m, k) => {
      const lo = ctx.objects[m.object]!;
      lo.segAddr[m.segment] = offsets[k]!;
      lo.segOutput[m.segment] = index;
      seg.members.push(m);
    });
    seg.alignLog2 = Math.max(seg.alignLog2, REGION_ALIGN_LOG2);
    seg.size = reserved;
    ordered.push(seg);
  }
  return ordered;
}
