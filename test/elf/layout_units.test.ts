// The pure building blocks of the linker: block placement inside a section, file regions,
// the dirty-range list, the offset table and the string table's reuse of freed names.

import { describe, expect, it } from 'vitest';
import { FileImage } from '../../src/link/elf/file_image.js';
import { FileRegions } from '../../src/link/elf/file_regions.js';
import { OffsetTable } from '../../src/link/elf/got.js';
import { idealCapacity, SectionLayout } from '../../src/link/elf/layout.js';
import { StringTable, SymbolTable } from '../../src/link/elf/symtab.js';
import { NameTable } from '../../src/zir/intern.js';

function checkNoOverlap(layout: SectionLayout, live: Map<number, { size: number; align: number }>): void {
  const blocks = [...layout.blocks()];
  expect(new Set(blocks)).toEqual(new Set(live.keys()));
  let end = 0;
  for (const id of blocks) {
    const off = layout.offset(id);
    expect(off).toBeGreaterThanOrEqual(end);
    expect(off % live.get(id)!.align).toBe(0);
    expect(layout.size(id)).toBe(live.get(id)!.size);
    end = off + layout.size(id);
  }
  expect(layout.end).toBe(end);
}

describe('section layout', () => {
  it('gives new blocks 1.5x room and grows a block in place within it', () => {
    const l = new SectionLayout('text', 1 << 20);
    const a = l.allocate(100, 16);
    const b = l.allocate(100, 16);
    expect(l.offset(b)).toBeGreaterThanOrEqual(idealCapacity(100));
    expect(l.resize(a, 140, 16).moved).toBe(false);
    expect(l.resize(a, 400, 16).moved).toBe(true);
    expect(l.offset(a)).toBeGreaterThan(l.offset(b));
  });

  it('reuses the space of freed and moved blocks through the free list', () => {
    const l = new SectionLayout('text', 1 << 20);
    const ids = Array.from({ length: 10 }, () => l.allocate(200, 16));
    const end = l.end;
    l.free(ids[3]!);
    l.free(ids[4]!);
    const c = l.allocate(300, 16);
    expect(l.offset(c)).toBeLessThan(l.offset(ids[5]!));
    expect(l.end).toBe(end);
  });

  it('never overlaps blocks across random allocate/resize/free', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const l = new SectionLayout('data', 1 << 30);
    const live = new Map<number, { size: number; align: number }>();
    for (let step = 0; step < 3000; step++) {
      const ids = [...live.keys()];
      const op = rand(3);
      const align = [1, 4, 8, 16, 64][rand(5)]!;
      const size = rand(5) === 0 ? rand(5000) : rand(100);
      if (op === 0 || ids.length === 0) live.set(l.allocate(size, align), { size, align });
      else if (op === 1) {
        const id = ids[rand(ids.length)]!;
        l.resize(id, size, align);
        live.set(id, { size, align });
      } else {
        const id = ids[rand(ids.length)]!;
        l.free(id);
        live.delete(id);
      }
      if (step % 100 === 0) checkNoOverlap(l, live);
    }
    checkNoOverlap(l, live);
  });

  it('refuses to grow past the virtual range the segment owns', () => {
    const l = new SectionLayout('got', 1000);
    l.allocate(600, 1);
    expect(() => l.allocate(600, 1)).toThrow(/full/);
  });
});

describe('file regions and the image', () => {
  it('grows a region in place when free, else moves it (content copied) and reuses holes', () => {
    const image = new FileImage();
    const regions = new FileRegions(image);
    const a = regions.add('a', 4096, 4096);
    const b = regions.add('b', 4096, 4096);
    image.write(a.offset, new Uint8Array([1, 2, 3]));
    a.used = 3;
    image.write(b.offset, new Uint8Array([9]));
    b.used = 1;
    expect(regions.ensureCapacity(b, 10000)).toBe(false); // b is last: grows in place
    expect(regions.ensureCapacity(a, 5000)).toBe(true); // a is boxed in by b: moves
    expect(a.offset).toBeGreaterThanOrEqual(b.offset + b.capacity);
    expect([...image.bytes.subarray(a.offset, a.offset + 3)]).toEqual([1, 2, 3]);
    const c = regions.add('c', 10, 8);
    regions.add('d', 10, 8); // boxes c in
    expect(regions.ensureCapacity(c, 4000)).toBe(true);
    expect(c.offset).toBe(0); // the hole a left behind
  });

  it('grows its buffer in place, keeping the bytes, zeroing the new ones, and lays out again in the same buffer', () => {
    const image = new FileImage(4096);
    const regions = new FileRegions(image);
    const a = regions.add('a', 16, 16);
    image.write(a.offset, new Uint8Array([7, 8, 9]));
    a.used = 3;
    const buffer = image.bytes.buffer;
    image.write(3 << 20, new Uint8Array([5])); // far past the first capacity
    expect(image.size).toBe((3 << 20) + 1);
    // Node 20 has resizable ArrayBuffers: the image grew in place, copying nothing.
    expect(image.bytes.buffer).toBe(buffer);
    expect([...image.bytes.subarray(0, 4)]).toEqual([7, 8, 9, 0]);
    expect(image.bytes.subarray(4, 3 << 20).every((b) => b === 0)).toBe(true);
    expect(image.view.getUint8(3 << 20)).toBe(5);
    regions.relayout(() => 0);
    // Laid out again inside the buffer it had, shrunk to the new size: no second copy of the file.
    expect(image.bytes.buffer).toBe(buffer);
    expect(buffer.byteLength).toBe(4096);
    expect([...image.bytes.subarray(a.offset, a.offset + 3)]).toEqual([7, 8, 9]);
    expect(image.bytes.subarray(a.offset + 3).every((b) => b === 0)).toBe(true);
  });

  it('relocates ranges in place exactly as a copy into a fresh buffer would, cycles included', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      // Disjoint sources in an old image, disjoint destinations in a new one, in any order.
      const count = 1 + random(6);
      const lengths = Array.from({ length: count }, () => random(3) === 0 ? 0 : 1 + random(5000));
      const place = (order: number[], gapMax: number): number[] => {
        const at: number[] = new Array(count);
        let cursor = random(gapMax);
        for (const i of order) {
          at[i] = cursor;
          cursor += lengths[i] + random(gapMax);
        }
        return at;
      };
      const shuffled = (): number[] => [...lengths.keys()].sort(() => random(3) - 1);
      const from = place(shuffled(), 3000);
      const to = place(shuffled(), 3000);
      const oldSize = Math.max(1, ...from.map((f, i) => f + lengths[i])) + random(2000);
      const newSize = Math.max(1, ...to.map((t, i) => t + lengths[i])) + random(2000);
      const image = new FileImage(4096);
      const old = new Uint8Array(oldSize).map(() => 1 + random(255));
      image.write(0, old);
      const moves = lengths.map((length, i) => ({ from: from[i], to: to[i], length }));
      const expected = new Uint8Array(newSize);
      for (const m of moves) expected.set(old.subarray(m.from, m.from + m.length), m.to);
      image.requireFullWrite();
      image.relocate(newSize, moves);
      expect(image.size).toBe(newSize);
      expect(Buffer.from(image.bytes).equals(Buffer.from(expected))).toBe(true);
      // Bytes past the size read as zero when the image grows again.
      image.ensureSize(newSize + 4096);
      expect(image.bytes.subarray(newSize).every((b) => b === 0)).toBe(true);
    }
  });

  it('writes C strings as UTF-8 with their NUL, ASCII or not', () => {
    const image = new FileImage(64);
    for (const [at, text] of [[0, 'main'], [16, 'h\u00e9llo_\u4e16'], [40, '']] as const) {
      const bytes = new TextEncoder().encode(text);
      expect(image.writeCString(at, text, bytes.length + 1)).toBe(bytes.length + 1);
      expect([...image.bytes.subarray(at, at + bytes.length + 1)]).toEqual([...bytes, 0]);
    }
  });

  it('records only changed bytes and coalesces dirty ranges', () => {
    const image = new FileImage();
    image.ensureSize(10000);
    image.fullWritePending = false;
    image.write(100, new Uint8Array([1, 2]));
    image.write(5000, new Uint8Array([1]));
    image.write(110, new Uint8Array([3]));
    image.writeIfChanged(5000, new Uint8Array([1])); // unchanged: not dirty
    expect(image.takeDirtyRanges()).toEqual([
      { start: 100, end: 111 },
      { start: 5000, end: 5001 },
    ]);
    expect(image.takeDirtyRanges()).toEqual([]);
  });
});

describe('offset table', () => {
  it('keeps a slot while its function exists or code refers to it, then reuses it', () => {
    const got = new OffsetTable();
    const [idF, idG] = [0, 1];
    const f = got.pin(idF).slot;
    got.addRef(idF);
    expect(got.unpin(idF)).toBeUndefined(); // still referenced
    expect(got.dropRef(idF)).toBe(f);
    expect(got.pin(idG).slot).toBe(f);
    expect(got.count).toBe(1);
  });
});

describe('symbol and string tables', () => {
  it('reuses freed local slots and freed names of the same length', () => {
    const image = new FileImage();
    const regions = new FileRegions(image);
    const strtab = new StringTable(image, regions, regions.add('.strtab', 64, 8));
    const symtab = new SymbolTable(image, regions, regions.add('.symtab', 64, 8));
    const a = strtab.intern('alpha');
    strtab.intern('beta');
    expect(strtab.intern('alpha')).toBe(a); // shared
    strtab.release('alpha');
    strtab.release('alpha');
    expect(strtab.intern('gamma')).toBe(a); // same length: reused
    const size = strtab.size;
    strtab.intern('a-much-longer-name-that-forces-growth-of-the-region-beyond-64-bytes');
    expect(strtab.size).toBeGreaterThan(size);
    const s1 = symtab.allocLocal();
    symtab.allocLocal();
    symtab.freeLocal(s1);
    expect(symtab.allocLocal()).toBe(s1);
  });

  it('counts and frees names in a shared name table and names no name table takes alike', () => {
    const image = new FileImage();
    const regions = new FileRegions(image);
    const names = new NameTable();
    names.idOf('before'); // ids in a shared table are not the string table's
    const region = regions.add('.strtab', 64, 8);
    const strtab = new StringTable(image, regions, region, names);
    const wide = strtab.intern('\u4e2d\u6587'); // 6 bytes of UTF-8
    const narrow = strtab.intern('before');
    expect(strtab.intern('\u4e2d\u6587')).toBe(wide);
    expect(narrow).not.toBe(wide);
    strtab.release('\u4e2d\u6587');
    expect(image.bytes[region.offset + wide]).not.toBe(0); // still held once
    strtab.release('\u4e2d\u6587');
    expect(image.bytes[region.offset + wide]).toBe(0); // left the file
    expect(strtab.intern('sixsix')).toBe(wide); // same length: reused
    strtab.release('never-interned'); // nothing to release
    expect(strtab.intern('before')).toBe(narrow);
  });

  it('moves globals after the local block when it grows, keeping sh_info right', () => {
    const image = new FileImage();
    const regions = new FileRegions(image);
    const symtab = new SymbolTable(image, regions, regions.add('.symtab', 64, 8));
    symtab.setGlobal('g', { name: 7, bind: 1, type: 2, shndx: 1, value: 0x1234, size: 5 });
    const first = symtab.firstGlobal;
    for (let i = 0; i < first; i++) symtab.allocLocal();
    expect(symtab.firstGlobal).toBeGreaterThan(first);
    const at = symtab.region.offset + symtab.firstGlobal * 24;
    expect(image.view.getUint32(at, true)).toBe(7);
    expect(Number(image.view.getBigUint64(at + 8, true))).toBe(0x1234);
    expect(symtab.count).toBe(symtab.firstGlobal + 1);
  });
});
