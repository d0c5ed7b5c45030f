//! Finds the one byte range in which two versions of a file differ, with native
//! compares over large chunks first, so that an update pays for the size of the edit
//! (plus a memcmp of the file), not for re-scanning the whole file in JavaScript.
//!
//! The common prefix is found by comparing 1 MiB chunks until one differs, then 32 KiB
//! chunks inside it, then 1 KiB chunks, then bytes: a few dozen native calls for a
//! 20 MB file, and at most about 1 MiB compared twice. The suffix is found the same way
//! from the end.

/** The changed region: bytes [prefix, oldEnd) of the old file became [prefix, newEnd) of the new one. */
export interface ChangedRange {
  prefix: number;
  oldEnd: number;
  newEnd: number;
}

/** Chunk sizes, coarse to fine; each divides the one before. */
const LEVELS = [1 << 20, 1 << 15, 1 << 10];

/** Null when the two buffers are identical. */
export function changedRange(oldBuf: Buffer, newBuf: Buffer): ChangedRange | null {
  const minLen = Math.min(oldBuf.length, newBuf.length);
  const prefix = commonPrefix(oldBuf, newBuf, minLen);
  if (prefix === minLen && oldBuf.length === newBuf.length) return null;
  const suffix = commonSuffix(oldBuf, newBuf, minLen - prefix);
  return { prefix, oldEnd: oldBuf.length - suffix, newEnd: newBuf.length - suffix };
}

/** Length of the common prefix, at most `limit` bytes. */
function commonPrefix(a: Buffer, b: Buffer, limit: number): number {
  let i = 0;
  for (const chunk of LEVELS) {
    while (i + chunk <= limit && a.compare(b, i, i + chunk, i, i + chunk) === 0) i += chunk;
  }
  while (i < limit && a[i] === b[i]) i++;
  return i;
}

/** Length of the common suffix, at most `limit` bytes (so it never overlaps the prefix). */
function commonSuffix(a: Buffer, b: Buffer, limit: number): number {
  let n = 0;
  const aLen = a.length;
  const bLen = b.length;
  for (const chunk of LEVELS) {
    while (n + chunk <= limit && a.compare(b, bLen - n - chunk, bLen - n, aLen - n - chunk, aLen - n) === 0) n += chunk;
  }
  while (n < limit && a[aLen - 1 - n] === b[bLen - 1 - n]) n++;
  return n;
}
