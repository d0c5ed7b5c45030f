// changedRange finds the longest common prefix and then the longest common suffix that
// does not overlap it, for edits anywhere in buffers large enough to use every chunk size.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changedRange } from '../../src/compile/source_diff.js';

function reference(a: Buffer, b: Buffer): { prefix: number; oldEnd: number; newEnd: number } | null {
  if (a.equals(b)) return null;
  const min = Math.min(a.length, b.length);
  let p = 0;
  while (p < min && a[p] === b[p]) p++;
  let s = 0;
  while (s < min - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return { prefix: p, oldEnd: a.length - s, newEnd: b.length - s };
}

describe('changedRange', () => {
  it('agrees with a byte-by-byte scan', () => {
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
          expect(changedRange(old, edited)).toEqual(reference(old, edited));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('says null for equal buffers and handles empty ones', () => {
    expect(changedRange(Buffer.from('abc'), Buffer.from('abc'))).toBeNull();
    expect(changedRange(Buffer.alloc(0), Buffer.from('x'))).toEqual({ prefix: 0, oldEnd: 0, newEnd: 1 });
    expect(changedRange(Buffer.from('aXa'), Buffer.from('aa'))).toEqual({ prefix: 1, oldEnd: 2, newEnd: 1 });
  });
});
