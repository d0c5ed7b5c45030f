//! An in-place patch that neither a failed write nor a killed process can turn into a
//! lost program: the patch is journaled, so the file can always be rolled back to what
//! it was before the patch.
//!
//! The file starts with a marker that makes it look valid (the ELF magic). A patch:
//!   1. saves the bytes it will overwrite, the marker and the file's size to a journal
//!      beside the file, `<file>.zirc-journal`, and syncs it;
//!   2. clears the marker, sets the new size, writes the changed ranges, writes the new
//!      marker last, and syncs the file;
//!   3. removes the journal.
//! So at every moment the file is the old program, the new one, or does not look valid
//! (cleared marker) while a complete journal lies beside it. If a write fails, the patch
//! rolls the file back at once from the journal (overwriting bytes it already wrote needs
//! no new disk space). If the process dies, the journal stays, and
//! `recoverInterruptedPatch` — run when the next writer for that path opens it — rolls the
//! file back, then removes the journal. A journal that is incomplete or fails its checksum
//! was cut short before the file was touched, so it is simply removed; so is one whose
//! file has since been replaced (another device or inode).

import { OutputWriteError } from './Linker.js';
import { followSymlinks, readAll, writeAll, type ByteRange, type FileIdentity, type OutputIo } from './output_io.js';

export interface InPlacePatch {
  /** The file's new content (indexed by file offset); only `ranges` of it are written. */
  bytes: Uint8Array;
  /** What changed, sorted and disjoint. */
  ranges: readonly ByteRange[];
  /** The file's new size. */
  size: number;
  /** Length of the marker at offset 0 (cleared while patching, written last). */
  markerLength: number;
}

interface SavedRange {
  start: number;
  bytes: Uint8Array;
}

interface Journal {
  dev: bigint;
  ino: bigint;
  oldSize: number;
  marker: Uint8Array;
  saved: SavedRange[];
}

export function journalPathFor(target: string): string {
  return `${target}.zirc-journal`;
}

/**
 * Patches the open file `fd` (the regular file `target`, opened for reading and writing)
 * as described above, and closes `fd`; returns the bytes written to the file. Throws
 * `OutputWriteError(outputPath)`, after which the file is as it was, or (if rolling back
 * failed too) left for `recoverInterruptedPatch`.
 */
export function patchInPlace(io: OutputIo, outputPath: string, target: string, fd: number, patch: InPlacePatch): number {
  const journalPath = journalPathFor(target);
  const m = patch.markerLength;
  let journal: Journal;
  try {
    journal = readOldBytes(io, fd, patch);
    writeJournal(io, journalPath, encodeJournal(journal));
  } catch (err) {
    closeQuietly(io, fd);
    throw new OutputWriteError(outputPath, err);
  }
  let written = 0;
  try {
    written += writeAll(io, fd, new Uint8Array(m), 0, m, 0);
    io.ftruncateSync(fd, patch.size);
    for (const r of patch.ranges) {
      const start = Math.max(r.start, m);
      if (r.end > start) written += writeAll(io, fd, patch.bytes, start, r.end - start);
    }
    written += writeAll(io, fd, patch.bytes, 0, m);
    io.fdatasyncSync(fd);
  } catch (err) {
    try {
      rollBack(io, fd, journal);
      io.unlinkSync(journalPath);
    } catch {
      // The journal stays: the next writer to open the file rolls it back.
    }
    closeQuietly(io, fd);
    throw new OutputWriteError(outputPath, err);
  }
  try {
    io.closeSync(fd);
  } catch (err) {
    // Whether the patch reached the disk is unknown: keep the journal for the next open.
    throw new OutputWriteError(outputPath, err);
  }
  try {
    io.unlinkSync(journalPath);
  } catch {
    // The file is the new program; a journal left behind would roll it back to the old
    // one at the next open, which is still a whole program.
  }
  return written;
}

export type Recovery = 'none' | 'rolled back' | 'discarded' | 'failed';

/**
 * Finishes what a killed patch of `outputPath` (or of its symlink's target) left: rolls
 * the file back from its journal and removes the journal. Never throws; on 'failed' the
 * journal stays for the next attempt (a full write of the file discards it).
 */
export function recoverInterruptedPatch(io: OutputIo, outputPath: string): Recovery {
  let fd = -1;
  try {
    const { target } = followSymlinks(io, outputPath);
    const journalPath = journalPathFor(target);
    const bytes = io.readFileSync(journalPath);
    if (!bytes) return 'none';
    const journal = decodeJournal(bytes);
    const now = io.statSync(target);
    if (!journal || !now || now.dev !== journal.dev || now.ino !== journal.ino) {
      io.unlinkSync(journalPath);
      return 'discarded';
    }
    fd = io.openSync(target, 'r+');
    rollBack(io, fd, journal);
    const closing = fd;
    fd = -1;
    io.closeSync(closing);
    io.unlinkSync(journalPath);
    return 'rolled back';
  } catch {
    if (fd >= 0) closeQuietly(io, fd);
    return 'failed';
  }
}

/** Removes the journal of `target`, if any (its file was just replaced whole). */
export function discardJournal(io: OutputIo, target: string): void {
  try {
    io.unlinkSync(journalPathFor(target));
  } catch {
    // None there (the usual case), or it cannot go: it names the replaced inode, so the
    // next open discards it.
  }
}

// -------------------------------------------------------------------------------------
// Rolling back

function rollBack(io: OutputIo, fd: number, j: Journal): void {
  const m = j.marker.length;
  writeAll(io, fd, new Uint8Array(m), 0, m, 0);
  io.ftruncateSync(fd, j.oldSize);
  for (const s of j.saved) writeAll(io, fd, s.bytes, 0, s.bytes.length, s.start);
  writeAll(io, fd, j.marker, 0, m, 0);
  io.fdatasyncSync(fd);
}

/** The bytes of the file that `patch` will change: the marker, its ranges, and what a shrink cuts off. */
function readOldBytes(io: OutputIo, fd: number, patch: InPlacePatch): Journal {
  const id: FileIdentity = io.fstatSync(fd);
  const oldSize = Number(id.size);
  const m = patch.markerLength;
  const read = (start: number, end: number): Uint8Array => {
    const buf = new Uint8Array(end - start);
    readAll(io, fd, buf, 0, buf.length, start);
    return buf;
  };
  const saved: SavedRange[] = [];
  const save = (start: number, end: number) => {
    start = Math.max(start, m);
    end = Math.min(end, oldSize);
    if (end > start) saved.push({ start, bytes: read(start, end) });
  };
  for (const r of patch.ranges) save(r.start, r.end);
  if (patch.size < oldSize) save(patch.size, oldSize);
  return { dev: id.dev, ino: id.ino, oldSize, marker: read(0, Math.min(m, oldSize)), saved };
}

function writeJournal(io: OutputIo, journalPath: string, bytes: Uint8Array): void {
  let fd = -1;
  try {
    fd = io.openSync(journalPath, 'w', 0o600);
    writeAll(io, fd, bytes, 0, bytes.length, 0);
    io.fdatasyncSync(fd);
    const closing = fd;
    fd = -1;
    io.closeSync(closing);
  } catch (err) {
    if (fd >= 0) closeQuietly(io, fd);
    try {
      io.unlinkSync(journalPath);
    } catch {
      // A partial journal fails its checksum and is discarded at the next open.
    }
    throw err;
  }
}

function closeQuietly(io: OutputIo, fd: number): void {
  try {
    io.closeSync(fd);
  } catch {
    // The earlier error is the one worth reporting.
  }
}

// -------------------------------------------------------------------------------------
// The journal's bytes (little-endian):
//   "ZIRCJNL1", dev u64, ino u64, old size u64, marker length u32, range count u32,
//   the old marker, then per range: start u64, length u32, the old bytes;
//   last, an FNV-1a checksum u32 of everything before it.

const JOURNAL_MAGIC = new TextEncoder().encode('ZIRCJNL1');
const HEADER_SIZE = 8 + 8 + 8 + 8 + 4 + 4;

function encodeJournal(j: Journal): Uint8Array {
  let size = HEADER_SIZE + j.marker.length + 4;
  for (const s of j.saved) size += 12 + s.bytes.length;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out.set(JOURNAL_MAGIC, 0);
  dv.setBigUint64(8, j.dev, true);
  dv.setBigUint64(16, j.ino, true);
  dv.setBigUint64(24, BigInt(j.oldSize), true);
  dv.setUint32(32, j.marker.length, true);
  dv.setUint32(36, j.saved.length, true);
  let at = HEADER_SIZE;
  out.set(j.marker, at);
  at += j.marker.length;
  for (const s of j.saved) {
    dv.setBigUint64(at, BigInt(s.start), true);
    dv.setUint32(at + 8, s.bytes.length, true);
    out.set(s.bytes, at + 12);
    at += 12 + s.bytes.length;
  }
  dv.setUint32(at, fnv1a(out, at), true);
  return out;
}

/** The journal in `b`, or null if it is incomplete or damaged. */
function decodeJournal(b: Uint8Array): Journal | null {
  if (b.length < HEADER_SIZE + 4) return null;
  for (let i = 0; i < JOURNAL_MAGIC.length; i++) if (b[i] !== JOURNAL_MAGIC[i]) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const body = b.length - 4;
  if (dv.getUint32(body, true) !== fnv1a(b, body)) return null;
  const markerLength = dv.getUint32(32, true);
  const count = dv.getUint32(36, true);
  let at = HEADER_SIZE + markerLength;
  if (at > body) return null;
  const marker = b.slice(HEADER_SIZE, at);
  const saved: SavedRange[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 12 > body) return null;
    const start = Number(dv.getBigUint64(at, true));
    const len = dv.getUint32(at + 8, true);
    if (at + 12 + len > body) return null;
    saved.push({ start, bytes: b.slice(at + 12, at + 12 + len) });
    at += 12 + len;
  }
  if (at !== body) return null;
  return { dev: dv.getBigUint64(8, true), ino: dv.getBigUint64(16, true), oldSize: Number(dv.getBigUint64(24, true)), marker, saved };
}

function fnv1a(b: Uint8Array, end: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}
