//! The decls of the source in file order, and where each one is, kept so that an edit
//! costs the size of the change rather than the size of the file.
//!
//! Decls sit in blocks of about `BLOCK_SIZE`. A decl's offsets are relative to its
//! block's base, so the edit that moves everything after it moves the later blocks' bases
//! (n / BLOCK_SIZE numbers: about 400 at 100k decls) instead of every later decl. Finding
//! a decl by offset is a binary search over blocks, then within one.

/** What the order needs of an item: it keeps these three fields. */
export interface Ordered {
  block: OrderBlock;
  relStart: number;
  relEnd: number;
}

export class OrderBlock {
  constructor(
    public base: number,
    readonly items: Ordered[],
  ) {}
}

/** An item and its absolute span, for `replace`. */
export interface PlacedItem<T> {
  item: T;
  start: number;
  end: number;
}

const BLOCK_SIZE = 256;

export function startOf(d: Ordered): number {
  return d.block.base + d.relStart;
}

export function endOf(d: Ordered): number {
  return d.block.base + d.relEnd;
}

export class DeclOrder<T extends Ordered> {
  private blocks: OrderBlock[] = [];
  private count = 0;

  get length(): number {
    return this.count;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (const b of this.blocks) yield* b.items as T[];
  }

  at(index: number): T {
    const { block, offset } = this.locate(index);
    const b = this.blocks[block];
    if (!b || offset >= b.items.length) throw new RangeError(`no decl at index ${index}`);
    return b.items[offset] as T;
  }

  /** Items [first, first + count). */
  slice(first: number, count: number): T[] {
    const out: T[] = [];
    let { block, offset } = this.locate(first);
    while (out.length < count && block < this.blocks.length) {
      const items = this.blocks[block].items;
      while (offset < items.length && out.length < count) out.push(items[offset++] as T);
      block++;
      offset = 0;
    }
    return out;
  }

  /** Index of the first item that ends after `offset` (length when none does). */
  firstEndingAfter(offset: number): number {
    return this.search((b, i) => b.base + b.items[i].relEnd > offset);
  }

  /** Index of the first item that starts at or after `offset` (length when none does). */
  firstStartingAtOrAfter(offset: number): number {
    return this.search((b, i) => b.base + b.items[i].relStart >= offset);
  }

  /**
   * Items [first, first + count) become `placed`, at the spans given; every item after
   * them moves by `delta`. Costs the blocks the range touches plus one add per later block.
   */
  replace(first: number, count: number, placed: readonly PlacedItem<T>[], delta: number): void {
    if (this.blocks.length === 0) {
      this.blocks = chunk(placed);
      this.count = placed.length;
      return;
    }
    const from = this.locate(first);
    // The last block the replaced range touches (the one holding `first` when count is 0).
    const to = count === 0 ? from : this.locate(first + count - 1);
    const fromBlock = Math.min(from.block, this.blocks.length - 1);
    let toBlock = Math.min(to.block, this.blocks.length - 1);
    // Deletions shrink blocks: fold a small result into the next block so blocks stay few.
    let itemsAfter = placed.length - count;
    for (let bi = fromBlock; bi <= toBlock; bi++) itemsAfter += this.blocks[bi].items.length;
    if (itemsAfter < BLOCK_SIZE / 4 && toBlock + 1 < this.blocks.length) toBlock++;
    const merged: PlacedItem<T>[] = [];
    let index = this.firstIndexOf(fromBlock);
    for (let bi = fromBlock; bi <= toBlock; bi++) {
      const b = this.blocks[bi];
      for (const item of b.items as T[]) {
        if (index === first) merged.push(...placed);
        if (index < first) merged.push({ item, start: b.base + item.relStart, end: b.base + item.relEnd });
        else if (index >= first + count) merged.push({ item, start: b.base + item.relStart + delta, end: b.base + item.relEnd + delta });
        index++;
      }
    }
    if (index === first) merged.push(...placed); // appending after the last item
    for (let bi = toBlock + 1; bi < this.blocks.length; bi++) this.blocks[bi].base += delta;
    this.blocks.splice(fromBlock, toBlock - fromBlock + 1, ...chunk(merged));
    this.count += placed.length - count;
  }

  /** Block index and offset within it of item `index` (one past the last block's end for `length`). */
  private locate(index: number): { block: number; offset: number } {
    let rest = index;
    for (let bi = 0; bi < this.blocks.length; bi++) {
      const n = this.blocks[bi].items.length;
      if (rest < n) return { block: bi, offset: rest };
      rest -= n;
    }
    return { block: this.blocks.length, offset: rest };
  }

  /** The first index where `holds` becomes true; it must be false then true along the order. */
  private search(holds: (b: OrderBlock, i: number) => boolean): number {
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const b = this.blocks[mid];
      if (holds(b, b.items.length - 1)) hi = mid;
      else lo = mid + 1;
    }
    if (lo === this.blocks.length) return this.count;
    const b = this.blocks[lo];
    let i = 0;
    let j = b.items.length - 1;
    while (i < j) {
      const mid = (i + j) >>> 1;
      if (holds(b, mid)) j = mid;
      else i = mid + 1;
    }
    return this.firstIndexOf(lo) + i;
  }

  /** Index of the first item of block `block`. */
  private firstIndexOf(block: number): number {
    let index = 0;
    for (let bi = 0; bi < block; bi++) index += this.blocks[bi].items.length;
    return index;
  }
}

/** Blocks of about BLOCK_SIZE items each (none empty), with offsets relative to each block's first item. */
function chunk<T extends Ordered>(placed: readonly PlacedItem<T>[]): OrderBlock[] {
  const blocks: OrderBlock[] = [];
  const pieces = Math.max(1, Math.round(placed.length / BLOCK_SIZE));
  for (let p = 0; p < pieces; p++) {
    const lo = Math.floor((p * placed.length) / pieces);
    const hi = Math.floor(((p + 1) * placed.length) / pieces);
    if (hi === lo) continue;
    const block = new OrderBlock(placed[lo].start, []);
    for (let k = lo; k < hi; k++) {
      const { item, start, end } = placed[k];
      item.block = block;
      item.relStart = start - block.base;
      item.relEnd = end - block.base;
      block.items.push(item);
    }
    blocks.push(block);
  }
  return blocks;
}
