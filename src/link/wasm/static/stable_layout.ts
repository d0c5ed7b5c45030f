//! Where the last link of the same command line put each thing in the module, so that a
//! relink in watch mode (`zirc wasm-ld --watch`) leaves what did not change where it was
//! and the module is patched, not rewritten. Only the session's links use it; a one-shot
//! link lays out as wasm-ld does.
//!
//! - Functions keep their index from link to link (keyed by object path and name): a new
//!   function is appended, a function that is gone keeps its slot (with a trapping body of
//!   its type) until a compaction, when too many slots are gone. A change of the imported
//!   functions (which shifts the function index space) lays the functions out afresh.
//! - Each function body gets a slot with room to grow (a quarter more, at least 16 bytes).
//! - Types keep their index; new ones are appended.
//! - Table slots keep their number (keyed as functions are); new ones are appended.
//! - Each data segment is a block with room to grow in its output segment's region; a
//!   region has a reserved size, grown only when its blocks outgrow it.
//! - Each section has a reserved size: it is followed by a reserve (an empty-named custom
//!   section) filling the gap, so a section that grows within it moves nothing after it.
//! Pure bookkeeping: no bytes, no I/O.

import { blockCapacity } from '../module_encoding.js';
import type { FuncType } from '../input/index.js';
import { packSlots, type SlotPlaces } from './body_slots.js';

interface FunctionSlot {
  key: string;
  name: string;
  type: FuncType;
}

interface Block {
  offset: number;
  capacity: number;
}

interface Region {
  blocks: Map<string, Block>;
  end: number;
  reserved: number;
}

/** A function placed in the index space this link: an index into the link's own list, or a slot that is gone. */
export type PlacedFunction = { entry: number } | { gone: { name: string; type: FuncType } };

/** Room a body or a data segment gets when placed: a quarter more, at least 16 bytes (module_encoding.ts, as for ZIR's modules). */
export { blockCapacity };

/** Bytes of a reserve (an empty-named custom section with a 5-byte size): never fewer. */
export const MIN_RESERVE = 7;

export class WasmStableLayout {
  private importSignature: string | null = null;
  private slots: FunctionSlot[] = [];
  private slotByKey = new Map<string, number>();
  /** Where the code section's slots lie (body_slots.ts). */
  private bodies: SlotPlaces = { starts: new Float64Array(0), placed: 0, end: 0 };
  private tableByKey = new Map<string, number>();
  private tableKeys: string[] = [];
  /** The output types of the last link, in index order. */
  types: FuncType[] = [];
  private regions = new Map<string, Region>();
  private regionOrder: string[] = [];
  private sections = new Map<string, number>();
  /** How many times the function index space was laid out afresh (imports changed, compaction). */
  freshLayouts = 0;

  /**
   * Places this link's functions (each known by `key`, unique within the link) in the
   * index space after `imports` (a signature of the imported functions): those placed
   * before keep their index, new ones are appended, gone ones keep their slot.
   */
  placeFunctions(imports: string, entries: ReadonlyArray<{ key: string; name: string; type: FuncType }>): PlacedFunction[] {
    let known = 0;
    for (const e of entries) if (this.slotByKey.has(e.key)) known++;
    const gone = this.slots.length - known;
    if (imports !== this.importSignature || gone > Math.max(64, entries.length >> 2)) {
      if (this.slots.length > 0) this.freshLayouts++;
      this.importSignature = imports;
      this.slots = [];
      this.slotByKey = new Map();
      this.bodies = { starts: new Float64Array(0), placed: 0, end: 0 };
      this.tableByKey = new Map();
      this.tableKeys = [];
    }
    const placed: Array<PlacedFunction | undefined> = new Array(this.slots.length);
    entries.forEach((e, i) => {
      let slot = this.slotByKey.get(e.key);
      if (slot === undefined) {
        slot = this.slots.length;
        this.slots.push({ key: e.key, name: e.name, type: e.type });
        this.slotByKey.set(e.key, slot);
      } else {
        this.slots[slot]!.name = e.name;
        this.slots[slot]!.type = e.type;
      }
      placed[slot] = { entry: i };
    });
    return Array.from(placed, (p, slot) => p ?? { gone: { name: this.slots[slot]!.name, type: this.slots[slot]!.type } });
  }

  /** The slot index of the function known by `key`, or -1. */
  slotOf(key: string): number {
    return this.slotByKey.get(key) ?? -1;
  }

  /** Where the slots lay after the last code section written. */
  get bodySlots(): Readonly<SlotPlaces> {
    return this.bodies;
  }

  /**
   * Places the code section's slots for bodies of `sizeOf(i)` bytes (one per function
   * slot, in index order) and remembers them; returns each slot's start and the end.
   */
  placeBodies(count: number, sizeOf: (i: number) => number): { starts: Float64Array; end: number } {
    const { starts, end } = packSlots(this.bodies, count, sizeOf);
    this.bodies = { starts, placed: count, end };
    return { starts, end };
  }

  /** Takes the slots a relink in place packed again (`starts` of slots [from, to)). */
  movedBodies(starts: Float64Array, from: number, to: number): void {
    this.bodies.starts.set(starts.subarray(from, to), from);
  }

  /**
   * Numbers the table slots (from 1) of `keys`, the functions whose address is taken this
   * link: those numbered before keep their number, new ones are appended. Returns each
   * key's slot, and every slot's key (numbered slots not asked for this time stay).
   */
  placeTable(keys: readonly string[]): { slotOf: number[]; all: readonly string[] } {
    const slotOf = keys.map((k) => {
      let slot = this.tableByKey.get(k);
      if (slot === undefined) {
        this.tableKeys.push(k);
        slot = this.tableKeys.length;
        this.tableByKey.set(k, slot);
      }
      return slot;
    });
    return { slotOf, all: this.tableKeys };
  }

  /**
   * Places one link's members of data region `name` (each known by `key`, unique within
   * the link): a member keeps its offset while it fits its block and its alignment, else
   * it goes to the end. Returns each member's offset and the region's reserved size.
   */
  placeRegion(name: string, members: ReadonlyArray<{ key: string; size: number; align: number }>): { offsets: number[]; reserved: number } {
    let r = this.regions.get(name);
    if (!r) {
      this.regions.set(name, (r = { blocks: new Map(), end: 0, reserved: 0 }));
      this.regionOrder.push(name);
    }
    const offsets = new Array<number>(members.length).fill(-1);
    const kept = new Map<string, Block>();
    members.forEach((m, i) => {
      const b = r.blocks.get(m.key);
      if (!b || kept.has(m.key) || m.size > b.capacity || b.offset % m.align !== 0) return;
      offsets[i] = b.offset;
      kept.set(m.key, b);
    });
    let end = r.end;
    members.forEach((m, i) => {
      if (offsets[i]! >= 0) return;
      const offset = Math.ceil(end / m.align) * m.align;
      const b = { offset, capacity: blockCapacity(m.size) };
      offsets[i] = offset;
      end = offset + b.capacity;
      kept.set(m.key, b);
    });
    r.blocks = kept;
    r.end = end;
    if (end > r.reserved) r.reserved = alignUp(end + Math.max(256, end >> 2), 16);
    return { offsets, reserved: r.reserved };
  }

  /** Whether the member of region `name` known by `key` may take `size` bytes where it is. */
  fitsInRegion(name: string, key: string, size: number, align: number): boolean {
    const b = this.regions.get(name)?.blocks.get(key);
    return b !== undefined && size <= b.capacity && b.offset % align === 0;
  }

  /** The capacity of the block of `key` in region `name` (0 if none). */
  blockCapacityIn(name: string, key: string): number {
    return this.regions.get(name)?.blocks.get(key)?.capacity ?? 0;
  }

  /** The regions in memory order: those laid out before, in their order, then the new (`present` gives their natural order). */
  orderRegions(present: readonly string[]): string[] {
    const known = new Set(this.regionOrder);
    return [...this.regionOrder, ...present.filter((n) => !known.has(n))];
  }

  /** The reserved size of region `name` (0 if never placed). */
  regionReserved(name: string): number {
    return this.regions.get(name)?.reserved ?? 0;
  }

  /**
   * The room section `key` takes for a payload of `size` bytes: its reserved room while
   * the payload and a reserve after it fit, else a larger one (what follows then moves).
   */
  sectionRoom(key: string, size: number): number {
    const room = this.sections.get(key) ?? 0;
    if (size + MIN_RESERVE <= room) return room;
    const next = size + MIN_RESERVE + Math.max(256, size >> 4);
    this.sections.set(key, next);
    return next;
  }
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}
