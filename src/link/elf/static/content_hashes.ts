//! The digests `--build-id` can ask for, in plain TypeScript so the linker core needs no
//! Node module: SHA-1 (FIPS 180-4), MD5 (RFC 1321), and the 8-byte "fast" hash (two
//! 32-bit multiply-rotate lanes over the words of the input, then a final mix; any
//! content change changes it, as ld.lld's xxHash-based `fast` promises, though the values
//! differ). Pure functions of the bytes.

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

/** The message padded to a multiple of 64 bytes with its bit length (big- or little-endian), as both digests do. */
function padded(data: Uint8Array, bigEndianLength: boolean): DataView {
  const total = Math.ceil((data.length + 9) / 64) * 64;
  const buf = new Uint8Array(total);
  buf.set(data);
  buf[data.length] = 0x80;
  const view = new DataView(buf.buffer);
  const bits = data.length * 8;
  const hi = Math.floor(bits / 2 ** 32), lo = bits >>> 0;
  if (bigEndianLength) {
    view.setUint32(total - 8, hi);
    view.setUint32(total - 4, lo);
  } else {
    view.setUint32(total - 8, lo, true);
    view.setUint32(total - 4, hi, true);
  }
  return view;
}

export function sha1(data: Uint8Array): Uint8Array {
  const view = padded(data, true);
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const w = new Int32Array(80);
  for (let block = 0; block < view.byteLength; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getInt32(block + 4 * i);
    for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!, 1);
    let [a, b, c, d, e] = h as [number, number, number, number, number];
    for (let i = 0; i < 80; i++) {
      let f: number, k: number;
      if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
      else { f = b ^ c ^ d; k = 0xca62c1d6; }
      const t = (rotl(a, 5) + f + e + k + w[i]!) | 0;
      e = d; d = c; c = rotl(b, 30); b = a; a = t;
    }
    h[0] = (h[0]! + a) | 0; h[1] = (h[1]! + b) | 0; h[2] = (h[2]! + c) | 0; h[3] = (h[3]! + d) | 0; h[4] = (h[4]! + e) | 0;
  }
  const out = new DataView(new ArrayBuffer(20));
  h.forEach((x, i) => out.setInt32(4 * i, x));
  return new Uint8Array(out.buffer);
}

const MD5_SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const MD5_K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);

export function md5(data: Uint8Array): Uint8Array {
  const view = padded(data, false);
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  const m = new Int32Array(16);
  for (let block = 0; block < view.byteLength; block += 64) {
    for (let i = 0; i < 16; i++) m[i] = view.getInt32(block + 4 * i, true);
    let [a, b, c, d] = h as [number, number, number, number];
    for (let i = 0; i < 64; i++) {
      const round = i >> 4;
      let f: number, g: number;
      if (round === 0) { f = (b & c) | (~b & d); g = i; }
      else if (round === 1) { f = (d & b) | (~d & c); g = (5 * i + 1) & 15; }
      else if (round === 2) { f = b ^ c ^ d; g = (3 * i + 5) & 15; }
      else { f = c ^ (b | ~d); g = (7 * i) & 15; }
      const t = d;
      d = c;
      c = b;
      b = (b + rotl((a + f + MD5_K[i]! + m[g]!) | 0, MD5_SHIFTS[round * 4 + (i & 3)]!)) | 0;
      a = t;
    }
    h[0] = (h[0]! + a) | 0; h[1] = (h[1]! + b) | 0; h[2] = (h[2]! + c) | 0; h[3] = (h[3]! + d) | 0;
  }
  const out = new DataView(new ArrayBuffer(16));
  h.forEach((x, i) => out.setInt32(4 * i, x, true));
  return new Uint8Array(out.buffer);
}

/** 8 bytes: two lanes seeded apart, each word multiplied and rotated in, the length and a final avalanche mixed in. */
export function fastHash(data: Uint8Array): Uint8Array {
  let h1 = 0x9e3779b9 | 0, h2 = 0x85ebca6b | 0;
  const words = data.length >>> 2;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < words; i++) {
    const k = view.getUint32(4 * i, true);
    h1 = Math.imul(rotl(h1 ^ Math.imul(k, 0xcc9e2d51), 13), 5) + 0xe6546b64 | 0;
    h2 = Math.imul(rotl(h2 ^ Math.imul(k, 0x1b873593), 17), 9) + 0x38495ab5 | 0;
  }
  for (let i = words * 4; i < data.length; i++) {
    h1 = Math.imul(h1 ^ data[i]!, 0x01000193);
    h2 = Math.imul(h2 ^ data[i]!, 0x811c9dc5);
  }
  const mix = (h: number): number => {
    h ^= data.length;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  };
  const a = mix(h1 ^ rotl(h2, 7)), b = mix(h2 ^ rotl(h1, 11));
  const out = new DataView(new ArrayBuffer(8));
  out.setUint32(0, a >>> 0);
  out.setUint32(4, b >>> 0);
  return new Uint8Array(out.buffer);
}
