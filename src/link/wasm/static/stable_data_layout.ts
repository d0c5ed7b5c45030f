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

/** The key of segment `g` of object `o` in its region: its object, name and ordinal among the object's segments of that name. */
export function segmentKey(ctx: LinkContext, o: number, g: number): string {
  const lo = ctx.objects[o]!;
  const names = lo.obj.linking.segments.names;
  const name = names[g] ?? `segment ${g}`;
  let ordinal = 0;
  for (let k = 0; k < g; k++) if ((names[k] ?? `segment ${k}`) === name) ordinal++;
  return `${lo.obj.path}\0${name}\0${ordinal}`;
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
