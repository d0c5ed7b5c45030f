// changedRange finds the longest common prefix and then the longest common suffix that
// does not overlap it. It compares in 1 MiB, then 32 KiB, then 1 KiB chunks, so the tests
// aim at every chunk boundary: edits one byte before, at and after each multiple of each
// chunk size, counted from the start (the prefix scan) and from the end (the suffix scan),
// at the two ends of the buffer, and with edits that change the length (which moves the
// suffix scan's boundaries against the prefix scan's). A chunk compare that drops a byte
// or a loop bound off by one gives a wrong range for some edit here.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changedRange } from '../../src/compile/source_diff.js';
import type { ChangedRange } from '../../src/compile/source_diff.js';

const KiB = 1 << 10;
const MiB = 1 << 20;

/** The range by a byte-by-byte scan: slow, obviously right; for small buffers. */
function byteScan(a: Buffer, b: Buffer): ChangedRange | null {
  if (a.equals(b)) return null;
  const min = Math.min(a.length, b.length);
  let p = 0;
  while (p < min && a[p] === b[p]) p++;
  let s = 0;
  while (s < min - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return { prefix: p, oldEnd: a.length - s, newEnd: b.length - s };
}

/**
 * The range for `old` with bytes [at, at + removed) replaced: the first `at` bytes and the
 * last `old.length - at - removed` are known to be common, so a byte scan starts from
 * there (cheap on large buffers, and it knows nothing of chunks).
 */
function reference(a: Buffer, b: Buffer, commonPrefix: number, commonSuffix: number): ChangedRange | null {
  if (a.equals(b)) return null;
  const min = Math.min(a.length, b.length);
  let p = Math.min(commonPrefix, min);
  while (p < min && a[p] === b[p]) p++;
  let s = Math.min(commonSuffix, min - p);
  while (s < min - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return { prefix: p, oldEnd: a.length - s, newEnd: b.length - s };
}

/** Pseudo-random bytes: no period, so an edit's range is where the edit is. */
function noise(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  let x = seed | 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** Offsets k*chunk-1, k*chunk, k*chunk+1 for the given k, from the start and from the end, kept inside [0, size]. */
function boundaryOffsets(size: number, chunks: Array<[chunk: number, ks: number[]]>): number[] {
  const out = new Set<number>([0, 1, 2, size - 2, size - 1, size]);
  for (const [chunk, ks] of chunks) {
    for (const k of ks) {
      for (const d of [-1, 0, 1]) {
        out.add(k * chunk + d);
        out.add(size - k * chunk + d);
      }
    }
  }
  return [...out].filter((o) => o >= 0 && o <= size).sort((a, b) => a - b);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** An edit at `at`: how many bytes it removes there and what it inserts, or null where it does not apply. */
type Edit = { name: string; at: (old: Buffer, at: number) => { removed: number; inserted: Buffer } | null };

/** One byte changed, bytes inserted or removed, a block repeated (so the suffix could overlap the prefix), the tail cut. */
const EDITS: Edit[] = [
  { name: 'flip one byte', at: (o, at) => (at < o.length ? { removed: 1, inserted: Buffer.from([o[at]! ^ 0xa5]) } : null) },
  { name: 'insert one byte', at: (o, at) => ({ removed: 0, inserted: Buffer.from([(o[at] ?? 0) ^ 0x5a]) }) },
  { name: 'delete one byte', at: (o, at) => (at < o.length ? { removed: 1, inserted: Buffer.alloc(0) } : null) },
  { name: 'insert three bytes', at: () => ({ removed: 0, inserted: Buffer.from('xyz') }) },
  { name: 'delete 1 KiB + 1', at: (o, at) => (at + KiB + 1 <= o.length ? { removed: KiB + 1, inserted: Buffer.alloc(0) } : null) },
  { name: 'repeat the KiB before', at: (o, at) => (at >= KiB ? { removed: 0, inserted: Buffer.from(o.subarray(at - KiB, at)) } : null) },
  { name: 'truncate here', at: (o, at) => (at < o.length ? { removed: o.length - at, inserted: Buffer.alloc(0) } : null) },
];

function applyEdit(old: Buffer, at: number, e: { removed: number; inserted: Buffer }): Buffer {
  return Buffer.concat([old.subarray(0, at), e.inserted, old.subarray(at + e.removed)]);
}

/**
 * Applies every edit at every offset, both ways round, alone and with the first byte also
 * changed (then the prefix stops at 0 and the suffix scan alone must find the edit); returns
 * the failures (none when all agree with the reference).
 */
function checkEdits(old: Buffer, offsets: number[]): string[] {
  const failures: string[] = [];
  for (const at of offsets) {
    for (const edit of EDITS) {
      const e = edit.at(old, at);
      if (!e) continue;
      const edited = applyEdit(old, at, e);
      const tail = old.length - at - e.removed;
      const variants: Array<[string, Buffer, number]> = [[edit.name, edited, at]];
      if (edited.length > 0 && at > 0) {
        const alsoFirst = Buffer.from(edited);
        alsoFirst[0] ^= 0xff;
        variants.push([`${edit.name} and the first byte`, alsoFirst, 0]);
      }
      for (const [name, changed, prefix] of variants) {
        for (const [a, b] of [[old, changed], [changed, old]] as const) {
          const got = changedRange(a, b);
          const want = reference(a, b, prefix, tail);
          if (JSON.stringify(got) !== JSON.stringify(want)) {
            failures.push(`size ${a.length}→${b.length}, ${name} at ${at}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
          }
        }
      }
    }
  }
  return failures;
}

describe('changedRange', () => {
  it('finds edits at every 1 KiB and 32 KiB boundary of buffers under 1 MiB', () => {
    for (const size of [0, 1, 2, KiB - 1, KiB, KiB + 1, 3 * KiB, 32 * KiB - 1, 32 * KiB, 32 * KiB + 1, 97 * KiB + 7, 128 * KiB]) {
      const old = noise(size, size + 1);
      const offsets = boundaryOffsets(size, [[KiB, range(1, Math.ceil(size / KiB))], [32 * KiB, range(1, Math.ceil(size / (32 * KiB)))]]);
      expect(checkEdits(old, offsets), `size ${size}`).toEqual([]);
    }
  });

  it('finds edits at every 1 MiB boundary, and at 32 KiB and 1 KiB boundaries past it', () => {
    for (const size of [MiB - 1, MiB, MiB + 1, 2 * MiB, 2 * MiB + 3 * KiB + 5]) {
      const old = noise(size, size + 1);
      const offsets = boundaryOffsets(size, [
        [MiB, [1, 2]],
        [32 * KiB, [1, 2, 31, 32, 33, 63, 64, 65]],
        [KiB, [1, 2, 1023, 1024, 1025, 2047, 2048, 2049]],
      ]);
      expect(checkEdits(old, offsets), `size ${size}`).toEqual([]);
    }
  });

  it('agrees with a byte-by-byte scan for random edits', () => {
    const base = Buffer.alloc(3 << 20);
    for (let i = 0; i < base.length; i++) base[i] = (i * 31 + (i >> 12)) & 0xff;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: base.length }),
        fc.integer({ min: 0, max: 5000 }),
        fc.uint8Array({ maxLength: 3000 }),
        fc.integer({ min: 1, max: base.length }),
        (at, remove, insert, size) => {
          const old = base.subarray(0, size);
          const start = Math.min(at, size);
          const edited = Buffer.concat([old.subarray(0, start), insert, old.subarray(Math.min(size, start + remove))]);
          expect(changedRange(old, edited)).toEqual(byteScan(old, edited));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('has a reference that agrees with a byte-by-byte scan', () => {
    const old = noise(5 * KiB + 3, 5);
    for (const at of boundaryOffsets(old.length, [[KiB, range(1, 6)]])) {
      for (const edit of EDITS) {
        const e = edit.at(old, at);
        if (!e) continue;
        const edited = applyEdit(old, at, e);
        expect(reference(old, edited, at, old.length - at - e.removed), `${edit.name} at ${at}`).toEqual(byteScan(old, edited));
      }
    }
  });

  it('says null for equal buffers and handles empty ones', () => {
    expect(changedRange(Buffer.from('abc'), Buffer.from('abc'))).toBeNull();
    expect(changedRange(noise(2 * MiB + 1, 7), noise(2 * MiB + 1, 7))).toBeNull();
    expect(changedRange(Buffer.alloc(0), Buffer.alloc(0))).toBeNull();
    expect(changedRange(Buffer.alloc(0), Buffer.from('x'))).toEqual({ prefix: 0, oldEnd: 0, newEnd: 1 });
    expect(changedRange(Buffer.from('aXa'), Buffer.from('aa'))).toEqual({ prefix: 1, oldEnd: 2, newEnd: 1 });
  });
});
