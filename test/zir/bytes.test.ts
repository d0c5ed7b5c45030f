import { describe, expect, it } from 'vitest';
import { commonPrefixLength, commonSuffixLength, hexString, latin1Bytes, latin1String, utf8String } from '../../src/zir/bytes.js';

describe('core byte helpers (no Buffer)', () => {
  it('latin1 round-trips every byte, 0x80-0x9f included (not windows-1252)', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const long = new Uint8Array(70_000).map((_, i) => i & 0xff);
    expect(latin1String(all)).toBe(Buffer.from(all).toString('latin1'));
    expect(latin1String(long, 3, 69_999)).toBe(Buffer.from(long).toString('latin1', 3, 69_999));
    expect(latin1Bytes(latin1String(all))).toEqual(all);
    expect(hexString(Uint8Array.of(0, 15, 16, 255))).toBe('000f10ff');
    expect(utf8String(Uint8Array.of(0xc3, 0xa9))).toBe('é');
  });

  it('finds the common prefix and suffix at any alignment, as a byte loop does', () => {
    const base = new Uint8Array(5000).map((_, i) => (i * 7) & 0xff);
    for (const [offset, edit] of [[0, 1234], [1, 7], [2, 4999], [3, 0], [0, 2500]] as const) {
      const a = new Uint8Array(base.length + offset).subarray(offset);
      a.set(base);
      const b = base.slice();
      b[edit] ^= 1;
      const slow = (x: Uint8Array, y: Uint8Array, limit: number, back: boolean) => {
        let n = 0;
        while (n < limit && (back ? x[x.length - 1 - n] === y[y.length - 1 - n] : x[n] === y[n])) n++;
        return n;
      };
      expect(commonPrefixLength(a, b, a.length)).toBe(slow(a, b, a.length, false));
      expect(commonSuffixLength(a, b, a.length)).toBe(slow(a, b, a.length, true));
      expect(commonSuffixLength(a, b.subarray(1), 4000)).toBe(slow(a, b.subarray(1), 4000, true));
    }
  });
});
