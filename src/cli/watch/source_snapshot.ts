//! Reading the watched source as one consistent snapshot: its bytes plus the file
//! identity and times they were read under. A file that changes while it is read (an
//! editor mid-save) is "unstable" and read again later; one that is not there is
//! "missing". Two snapshots are the same save when bytes, inode, size and times agree,
//! so a repeated notice of one save is recognised, and saving identical bytes is not.

import * as fsp from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';

export interface SourceSnapshot {
  content: Buffer;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export type SnapshotRead =
  | { kind: 'ok'; snapshot: SourceSnapshot }
  | { kind: 'missing' }
  | { kind: 'unstable' }
  | { kind: 'unreadable'; code: string };

export async function readSnapshot(file: string): Promise<SnapshotRead> {
  try {
    const before = await fsp.stat(file, { bigint: true });
    if (!before.isFile()) return { kind: 'missing' };
    const content = await fsp.readFile(file);
    const after = await fsp.stat(file, { bigint: true });
    if (!sameStat(before, after) || BigInt(content.length) !== after.size) return { kind: 'unstable' };
    return {
      kind: 'ok',
      snapshot: { content, ino: after.ino, size: after.size, mtimeNs: after.mtimeNs, ctimeNs: after.ctimeNs },
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

function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return err instanceof Error ? err.message : String(err);
}
