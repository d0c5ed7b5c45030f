//! Finds the one byte range in which two versions of a file differ: the common prefix,
//! then the common suffix of what is left (bytes.ts compares four bytes a step), so that
//! an update pays for the size of the edit plus one pass over the file, not a re-scan.

import { commonPrefixLength, commonSuffixLength } from '../zir/bytes.js';

/** The changed region: bytes [prefix, oldEnd) of the old file became [prefix, newEnd) of the new one. */
export interface ChangedRange {
  prefix: number;
  oldEnd: number;
  newEnd: number;
}

/** Null when the two buffers are identical. */
export function changedRange(oldBuf: Uint8Array, newBuf: Uint8Array): ChangedRange | null {
  const minLen = Math.min(oldBuf.length, newBuf.length);
  const prefix = commonPrefixLength(oldBuf, newBuf, minLen);
  if (prefix === minLen && oldBuf.length === newBuf.length) return null;
  // At most what the prefix left, so the two never overlap.
  const suffix = commonSuffixLength(oldBuf, newBuf, minLen - prefix);
  return { prefix, oldEnd: oldBuf.length - suffix, newEnd: newBuf.length - suffix };
}
