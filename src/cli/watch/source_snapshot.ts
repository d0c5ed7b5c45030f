//! Reading the watched source as one consistent snapshot: its bytes plus the file
//! identity and times they were read under. A file that changes while it is read (an
//! editor mid-save) is "unstable" and read again later; one that is not there is
//! "missing". Two snapshots are the same save when bytes, inode, size and times agree,
//! so a repeated notice of one save is recognised, and saving identical bytes is not.
//! A save caught between an editor's truncate and its write, or between two chunks of a
//! large write, reads as a complete snapshot of a file cut short: `mayBeCutShort` says
//! when a snapshot looks like that, and `changedSince` whether the file moved on since.

import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';

export interface SourceSnapshot {
  content: Buffer;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** `performance.now()` when the read ended. */
  readAt: number;
}

export type SnapshotRead =
  | { kind: 'ok'; snapshot: SourceSnapshot }
  | { kind: 'missing' }
  | { kind: 'unstable' }
  | { kind: 'unreadable'; code: string };

/** Sources up to this size are read synchronously. */
const SYNC_READ_LIMIT = 16n << 20n;

export async function readSnapshot(file: string): Promise<SnapshotRead> {
  try {
    const before = await fsp.stat(file, { bigint: true });
    if (!before.isFile()) return { kind: 'missing' };
    // A source of a few MB is then read at once (well under a millisecond): the thread
    // pool's round trips of an asynchronous read cost more than the read, and this time is
    // part of every save's latency. A huge file is read asynchronously, so signals are not held up.
    const small = before.size <= SYNC_READ_LIMIT;
    const content = small ? fs.readFileSync(file) : await fsp.readFile(file);
    const after = small ? fs.statSync(file, { bigint: true }) : await fsp.stat(file, { bigint: true });
    if (!sameStat(before, after) || BigInt(content.length) !== after.size) return { kind: 'unstable' };
    return {
      kind: 'ok',
      snapshot: { content, ino: after.ino, size: after.size, mtimeNs: after.mtimeNs, ctimeNs: after.ctimeNs, readAt: performance.now() },
    };
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'unreadable', code };
  }
}

function sameStat(a: BigIntStats, b: BigIntStats): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** True when `b` is the very save `a` was read from. */
export function sameSave(a: SourceSnapshot, b: SourceSnapshot): boolean {
  return (
    a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.content.equals(b.content)
  );
}

/** How many bytes at the end of a shorter save must match the last build's end for it to count as whole. */
const SAME_ENDING_BYTES = 64;

/**
 * True when `content` may be a save still being written, judged against the last source
 * built (`previous`, null if none): an empty file, or one shorter than the last build
 * that does not end as it did. Deleting text in the middle of a file keeps its end; a
 * file cut short by a write in progress almost never ends where the old one did.
 */
export function mayBeCutShort(content: Buffer, previous: Buffer | null): boolean {
  if (content.length === 0) return true;
  if (previous === null || content.length >= previous.length) return false;
  const n = Math.min(SAME_ENDING_BYTES, content.length);
  return !content.subarray(content.length - n).equals(previous.subarray(previous.length - n));
}

/** True when the file is no longer what `snapshot` read (changed, replaced, or gone). */
export async function changedSince(file: string, snapshot: SourceSnapshot): Promise<boolean> {
  try {
    const now = await fsp.stat(file, { bigint: true });
    return !(now.ino === snapshot.ino && now.size === snapshot.size && now.mtimeNs === snapshot.mtimeNs && now.ctimeNs === snapshot.ctimeNs);
  } catch {
    return true;
  }
}

function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return err instanceof Error ? err.message : String(err);
}
