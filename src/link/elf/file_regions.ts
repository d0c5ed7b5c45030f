//! Placement of the file-backed regions (the header page, .text, .rodata, .data, .got,
//! .symtab, .strtab) inside the output file. Each region has a file offset, a capacity
//! and a count of bytes in use. A region that needs more room grows in place when the
//! file space after it is free; otherwise it moves to the first hole that fits (the space
//! regions left behind) or to the end of the file, with 1.5× the capacity it needs; the
//! space it left is zeroed, so no stale copy of its content stays in the file.
//! Moving only changes file offsets: virtual addresses belong to segments, not regions.

import type { ByteRange, FileImage } from './file_image.js';

export interface FileRegion {
  readonly name: string;
  offset: number;
  capacity: number;
  /** Bytes of live content at the start of the region (what a move copies). */
  used: number;
  readonly align: number;
}

function alignUp(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}

export class FileRegions {
  readonly regions: FileRegion[] = [];

  constructor(private readonly image: FileImage) {}

  /** Adds a region at the end of the file (or at `offset` if given). */
  add(name: string, capacity: number, align: number, offset?: number): FileRegion {
    const at = offset ?? alignUp(this.fileEnd(), align);
    const r: FileRegion = { name, offset: at, capacity: alignUp(capacity, align), used: 0, align };
    this.regions.push(r);
    this.image.ensureSize(r.offset + r.capacity);
    return r;
  }

  /** End of the last region's capacity: the size the file needs. */
  fileEnd(): number {
    let end = 0;
    for (const r of this.regions) end = Math.max(end, r.offset + r.capacity);
    return end;
  }

  /** Makes sure `region` can hold `needed` bytes; returns true if it moved. */
  ensureCapacity(region: FileRegion, needed: number): boolean {
    if (needed <= region.capacity) return false;
    const newCap = alignUp(Math.max(needed, Math.ceil(region.capacity * 1.5)), region.align);
    if (this.isFree(region.offset + region.capacity, region.offset + newCap, region)) {
      region.capacity = newCap;
      this.image.ensureSize(region.offset + newCap);
      return false;
    }
    const at = this.findHole(newCap, region.align, region);
    this.image.ensureSize(at + newCap);
    this.image.move(at, region.offset, region.used);
    // (`used` may already count the bytes it is growing for: only its old capacity was its own.)
    this.zeroLeftBehind(region.offset, region.offset + Math.min(region.used, region.capacity), at, at + newCap);
    region.offset = at;
    region.capacity = newCap;
    return true;
  }

  /**
   * Lays every region out again, in the order they were added, each with `used` bytes of
   * content plus `slack(region)` bytes of room to grow; the image is rebuilt with only
   * their content (everything else zero). Only file offsets change. Done before a full
   * write, which rewrites the file anyway: the holes left by moves disappear and no region
   * starts out nearly full.
   */
  relayout(slack: (r: FileRegion) => number): void {
    const plan: Array<{ r: FileRegion; from: number; to: number; capacity: number }> = [];
    let cursor = 0;
    for (const r of this.regions) {
      const to = alignUp(cursor, r.align);
      const capacity = alignUp(Math.max(r.used + slack(r), 1), r.align);
      plan.push({ r, from: r.offset, to, capacity });
      cursor = to + capacity;
    }
    this.image.relocate(cursor, plan.map((p) => ({ from: p.from, to: p.to, length: p.r.used })));
    for (const p of plan) {
      p.r.offset = p.to;
      p.r.capacity = p.capacity;
    }
  }

  /** The bytes of live content: what a full write must put on disk (the rest is zero). */
  contentRanges(): ByteRange[] {
    return this.regions
      .filter((r) => r.used > 0)
      .map((r) => ({ start: r.offset, end: r.offset + r.used }))
      .sort((a, b) => a.start - b.start);
  }

  /** Zeroes the old content range [from, to) where the new place [newStart, newEnd) does not cover it. */
  private zeroLeftBehind(from: number, to: number, newStart: number, newEnd: number): void {
    this.image.fill(from, Math.min(to, newStart) - from, 0);
    const after = Math.max(from, newEnd);
    this.image.fill(after, to - after, 0);
  }

  private isFree(start: number, end: number, except: FileRegion): boolean {
    for (const r of this.regions) {
      if (r === except) continue;
      if (r.offset < end && start < r.offset + r.capacity) return false;
    }
    return true;
  }

  /** First gap between regions that holds `size` bytes at `align`, else the end of the file. */
  private findHole(size: number, align: number, except: FileRegion): number {
    const sorted = this.regions.filter((r) => r !== except).sort((a, b) => a.offset - b.offset);
    let cursor = 0;
    for (const r of sorted) {
      const start = alignUp(cursor, align);
      if (start + size <= r.offset) return start;
      cursor = Math.max(cursor, r.offset + r.capacity);
    }
    return alignUp(cursor, align);
  }
}
