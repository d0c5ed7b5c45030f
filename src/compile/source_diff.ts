//! Finds the one byte range in which two versions of a file differ, with native
//! compares over large chunks first, so that an update pays for the size of the edit
//! (plus a memcmp of the file), not for re-scanning the whole file in JavaScript.

/** The changed region: bytes [prefix, oldEnd) of the old file became [prefix, newEnd) of the new one. */
export interface ChangedRange {
  prefix: number;
  oldEnd: number;
  newEnd: number;
}

const CHUNK = 1 << 16;

/** Null when the two buffers are identical. */
export function changedRange(oldBuf: Buffer, newBuf: Buffer): ChangedRange | null {
  const minLen = Math.min(oldBuf.length, newBuf.length);
  const prefix = commonPrefix(oldBuf, newBuf, minLen);
  if (prefix === minLen && oldBuf.length === newBuf.length) return null;
  const suffix = commonSuffix(oldBuf, newBuf, minLen - prefix);
  return { prefix, oldEnd: oldBuf.length - suffix, newEnd: newBuf.length - suffix };
}

function commonPrefix(a: Buffer, b: Buffer, limit: number): number {
  let i = 0;
  while (i + CHUNK <= limit && a.compare(b, i, i + CHUNK, i, i + CHUNK) === 0) i += CHUNK;
  while (i < limit && a[i] === b[i]) i++;
  return i;
}

/** Length of the common suffix, at most `limit` bytes (so it never overlaps the prefix). */
function commonSuffix(a: Buffer, b: Buffer, limit: number): number {
  let n = 0;
  const aLen = a.length;
  const bLen = b.length;
  while (n + CHUNK <= limit && a.compare(b, bLen - n - CHUNK, bLen - n, aLen - n - CHUNK, aLen - n) === 0) n += CHUNK;
  while (n < limit && a[aLen - 1 - n] === b[bLen - 1 - n]) n++;
  return n;
}
