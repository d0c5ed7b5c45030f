// LEB128 encoders: minimal and 5-byte padded forms decode to the value they encode.

import { expect, test } from 'vitest';
import fc from 'fast-check';
import { ByteWriter, ulebSize, writePaddedSleb, writePaddedUleb } from '../../src/codegen/wasm/leb.js';

function decode(bytes: Uint8Array, signed: boolean): { value: bigint; length: number } {
  let result = 0n;
  let shift = 0n;
  let i = 0;
  let byte: number;
  do {
    byte = bytes[i++]!;
    result |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
  } while (byte & 0x80);
  if (signed && byte & 0x40) result -= 1n << shift;
  return { value: result, length: i };
}

test('unsigned LEB128 round-trips and ulebSize gives its length', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
      const w = new ByteWriter(1);
      w.u32(v);
      const d = decode(w.finish(), false);
      expect(d).toEqual({ value: BigInt(v), length: w.length });
      expect(ulebSize(v)).toBe(w.length);
    }),
  );
});

test('signed LEB128 round-trips for i32 and i64', () => {
  fc.assert(
    fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (a, b) => {
      const w = new ByteWriter(1);
      w.s32(a);
      expect(decode(w.finish(), true).value).toBe(BigInt(a));
      const w64 = new ByteWriter(1);
      w64.s64(b);
      expect(decode(w64.finish(), true).value).toBe(b);
    }),
  );
});

test('padded LEBs are always 5 bytes and can be patched in place', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (u, s) => {
      const buf = new Uint8Array(7).fill(0xee);
      writePaddedUleb(buf, 1, u);
      expect(decode(buf.subarray(1), false)).toEqual({ value: BigInt(u), length: 5 });
      writePaddedSleb(buf, 1, s);
      expect(decode(buf.subarray(1), true)).toEqual({ value: BigInt(s), length: 5 });
      expect([buf[0], buf[6]]).toEqual([0xee, 0xee]);
    }),
  );
});
