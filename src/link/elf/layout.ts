//! Blocks inside one section: where each function or data atom lives, as an offset from
//! the section's start (its virtual address is the segment's fixed base plus that offset).
//!
//! Blocks form a list ordered by offset, headed by a zero-size sentinel at offset 0. A
//! block's capacity is the distance to the next block, so it can grow in place up to
//! that. New blocks are given 1.5× their size as room to grow: a block that outgrows its
//! capacity moves to the end of the section (or into a hole) and its old space becomes
//! surplus of the block before it, which joins the free list. Tables are flat arrays
//! indexed by block id; freed ids are recycled.

const NONE = -1;
/** Surplus below this is not worth a free-list entry. */
const MIN_HOLE = 64;
/** How many free-list entries one allocation looks at (keeps allocation O(1)). */
const MAX_FREE_SCAN = 16;

function alignUp(v: number, a: number): number {
  return a <= 1 ? v : Math.ceil(v / a) * a;
}

/** The room a block of `size` bytes is given when placed: 1.5×. */
export function idealCapacity(size: number): number {
  return size + (size >> 1);
}

export interface Placement {
  /** The block's offset changed (its bytes must be written at the new place). */
  moved: boolean;
  /** Offset before the change (meaningful when `moved`). */
  oldOffset: number;
}

export class SectionLayout {
  private offsets: number[] = [0];
  private sizes: number[] = [0];
  private prevs: number[] = [NONE];
  private nexts: number[] = [NONE];
  private freeIds: number[] = [];
  private readonly freeList = new Set<number>();
  private tail = 0;

  /** @param limit the size of the segment's virtual range: blocks must end below it. */
  constructor(
    readonly name: string,
    readonly limit: number,
  ) {}

  offset(id: number): number {
    return this.offsets[id]!;
  }

  size(id: number): number {
    return this.sizes[id]!;
  }

  /** Bytes from the section start to the end of the last block. */
  get end(): number {
    return this.offsets[this.tail]! + this.sizes[this.tail]!;
  }

  capacity(id: number): number {
    const next = this.nexts[id]!;
    return (next === NONE ? this.limit : this.offsets[next]!) - this.offsets[id]!;
  }

  /** Places a new block; returns its id. */
  allocate(size: number, align: number): number {
    const id = this.freeIds.pop() ?? this.offsets.length;
    this.sizes[id] = size;
    this.place(id, size, align);
    return id;
  }

  /** Changes a block's size (and alignment); grows in place when the space after it allows. */
  resize(id: number, size: number, align: number): Placement {
    const oldOffset = this.offsets[id]!;
    if (oldOffset % align === 0 && size <= this.capacity(id)) {
      this.sizes[id] = size;
      if (this.nexts[id] !== NONE) this.noteSurplus(id);
      return { moved: false, oldOffset };
    }
    this.unlink(id);
    this.sizes[id] = size;
    this.place(id, size, align);
    return { moved: true, oldOffset };
  }

  free(id: number): void {
    this.unlink(id);
    this.sizes[id] = 0;
    this.freeIds.push(id);
  }

  private unlink(id: number): void {
    const prev = this.prevs[id]!;
    const next = this.nexts[id]!;
    this.nexts[prev] = next;
    if (next !== NONE) this.prevs[next] = prev;
    else this.tail = prev;
    this.freeList.delete(id);
    this.prevs[id] = NONE;
    this.nexts[id] = NONE;
    if (next !== NONE) this.noteSurplus(prev);
    else this.freeList.delete(prev);
  }

  private noteSurplus(id: number): void {
    if (this.nexts[id] !== NONE && this.surplus(id) >= MIN_HOLE) this.freeList.add(id);
    else this.freeList.delete(id);
  }

  private surplus(id: number): number {
    return this.capacity(id) - idealCapacity(this.sizes[id]!);
  }

  private place(id: number, size: number, align: number): void {
    let scanned = 0;
    for (const holder of this.freeList) {
      if (scanned++ >= MAX_FREE_SCAN) break;
      const next = this.nexts[holder]!;
      if (next === NONE || this.surplus(holder) < MIN_HOLE) {
        this.freeList.delete(holder);
        continue;
      }
      const start = alignUp(this.offsets[holder]! + idealCapacity(this.sizes[holder]!), align);
      if (start + size > this.offsets[next]!) continue;
      this.freeList.delete(holder);
      this.linkAfter(id, holder, start);
      this.noteSurplus(id);
      return;
    }
    const tail = this.tail;
    const start = alignUp(this.offsets[tail]! + idealCapacity(this.sizes[tail]!), align);
    if (start + size > this.limit) {
      throw new Error(`section ${this.name} is full: its virtual address range is ${this.limit} bytes`);
    }
    this.linkAfter(id, tail, start);
    this.noteSurplus(tail);
  }

  private linkAfter(id: number, prev: number, start: number): void {
    const next = this.nexts[prev]!;
    this.offsets[id] = start;
    this.prevs[id] = prev;
    this.nexts[id] = next;
    this.nexts[prev] = id;
    if (next !== NONE) this.prevs[next] = id;
    else this.tail = id;
  }

  /** Live blocks in offset order (for checks and tests; O(n)). */
  *blocks(): Generator<number> {
    for (let id = this.nexts[0]!; id !== NONE; id = this.nexts[id]!) yield id;
  }
}
