//! The output file as both linkers see it: the file operations they use (injectable, so
//! tests can make a disk fill up or a process die mid-write), the check of what is at
//! the output path before anything is written, and the replacement of the whole file.
//!
//! - `resolveOutputTarget` follows symlinks (the link stays, its target is written) and
//!   refuses, with an error naming the path, anything that is not a regular file the user
//!   may write: a directory, a FIFO, a socket, a device (`-o /dev/null`), a read-only
//!   file. Root is not stopped by permission bits, so for root a file with no write bit
//!   at all counts as read-only too: what a user would be refused, root is refused.
//! - `replaceFile` writes a whole new file beside the target and renames it over, so a
//!   write that fails (full disk) or a process killed mid-write leaves the last good
//!   output byte for byte; on failure the temporary file is removed. It is not fsynced:
//!   the old file stays until the rename, and a crash loses at most the new one.
//! - Any failure is an `OutputWriteError` naming the output path as the user gave it.
//!
//! Node's implementation of `OutputIo` is the Node layer's (src/node/link/node_output_io.ts);
//! this file, like the rest of the core, has no Node in it.

import { OutputWriteError } from './Linker.js';
import { baseName, directoryOf, joinPath, resolveFrom } from './posix_path.js';

/** A file's identity and what a flush needs to know whether it is still the one it wrote. */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

export type PathKind = 'file' | 'directory' | 'symlink' | 'FIFO' | 'socket' | 'character device' | 'block device';

/** What is at a path, without following a symlink there. */
export interface PathInfo {
  kind: PathKind;
  /** Permission bits (`mode & 0o7777`). */
  mode: number;
}

/** The file operations the output writers use; tests inject failures through this. */
export interface OutputIo {
  openSync(path: string, flags: string, mode?: number): number;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  ftruncateSync(fd: number, len: number): void;
  fchmodSync(fd: number, mode: number): void;
  fdatasyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  /** Follows symlinks; null if nothing is there. */
  statSync(path: string): FileIdentity | null;
  fstatSync(fd: number): FileIdentity;
  /** Does not follow a symlink; null if nothing is there. */
  lstatSync(path: string): PathInfo | null;
  readlinkSync(path: string): string;
  /** The whole file, or null if it does not exist. */
  readFileSync(path: string): Uint8Array | null;
  /** Whether this process may open `path` for writing (access(2) with W_OK). */
  mayWrite(path: string): boolean;
  /** Whether this process ignores permission bits (root). */
  privileged(): boolean;
  /** This process's id, which makes a temporary file's name unique among processes. */
  processId(): number;
}

export function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

/** Symlinks followed before giving up (as the kernel's ELOOP limit). */
const MAX_SYMLINKS = 40;

/** The end of the chain of symlinks starting at `p` (`p` itself if it is not a link), and what is there. */
export function followSymlinks(io: OutputIo, p: string): { target: string; info: PathInfo | null } {
  let target = p;
  for (let hops = 0; ; hops++) {
    const info = io.lstatSync(target);
    if (info?.kind !== 'symlink') return { target, info };
    if (hops === MAX_SYMLINKS) throw new Error('too many levels of symbolic links');
    target = resolveFrom(directoryOf(target), io.readlinkSync(target));
  }
}

/**
 * The file a write of `outputPath` must replace or patch: `outputPath` itself, or the
 * end of its chain of symlinks. Throws `OutputWriteError` if what is there is not a
 * regular file this process may write. Nothing there yet is fine (the file is created).
 */
export function resolveOutputTarget(io: OutputIo, outputPath: string): string {
  let found: { target: string; info: PathInfo | null };
  try {
    found = followSymlinks(io, outputPath);
  } catch (err) {
    throw new OutputWriteError(outputPath, err);
  }
  const { target, info } = found;
  if (!info) return target;
  const refuse = (why: string) => new OutputWriteError(outputPath, new Error(why));
  const which = target === outputPath ? 'it' : `its target '${target}'`;
  // Worded like the system's errors where it has one for the case (EISDIR, EACCES).
  if (info.kind === 'directory') throw refuse(`EISDIR: ${which} is a directory, not a regular file`);
  if (info.kind !== 'file') throw refuse(`${which} is a ${info.kind}, not a regular file`);
  const readOnly = !io.mayWrite(target) || (io.privileged() && (info.mode & 0o222) === 0);
  if (readOnly) throw refuse(`EACCES: ${which} is read-only (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')})`);
  return target;
}

export interface ByteRange {
  start: number;
  end: number;
}

export interface Replacement {
  /** The file's content; only `ranges` of it are written, the rest is left as holes (zeros). */
  bytes: Uint8Array;
  ranges: readonly ByteRange[];
  size: number;
  /** Permission bits of the new file. */
  mode: number;
  /** Set `mode` exactly (fchmod) rather than through the umask. */
  exactMode: boolean;
}

let tempSequence = 0;

/** A name for a temporary file beside `target`, hidden, unique to this process and call. */
function tempPathFor(io: OutputIo, target: string): string {
  return joinPath(directoryOf(target), `.${baseName(target)}.${io.processId()}.${tempSequence++}.tmp`);
}

/**
 * Writes `r` to a new file beside `target` (see `resolveOutputTarget`) and renames it
 * over `target`; returns the bytes written. On failure the temporary file is removed,
 * whatever was at `target` is untouched, and `OutputWriteError(outputPath)` is thrown.
 */
export function replaceFile(io: OutputIo, outputPath: string, target: string, r: Replacement): number {
  const tmp = tempPathFor(io, target);
  let fd = -1;
  let written = 0;
  try {
    fd = io.openSync(tmp, 'w', r.mode);
    if (r.exactMode) io.fchmodSync(fd, r.mode);
    for (const range of r.ranges) written += writeAll(io, fd, r.bytes, range.start, range.end - range.start);
    io.ftruncateSync(fd, r.size);
    const closing = fd;
    fd = -1;
    io.closeSync(closing);
    io.renameSync(tmp, target);
  } catch (err) {
    try {
      if (fd >= 0) io.closeSync(fd);
    } catch {
      // The write error is the one worth reporting.
    }
    try {
      io.unlinkSync(tmp);
    } catch {
      // Best effort: it may not have been created.
    }
    throw new OutputWriteError(outputPath, err);
  }
  return written;
}

/** Writes `len` bytes of `buf` from `off` at file position `pos` (default: `off`). */
export function writeAll(io: OutputIo, fd: number, buf: Uint8Array, off: number, len: number, pos = off): number {
  let done = 0;
  while (done < len) {
    const n = io.writeSync(fd, buf, off + done, len - done, pos + done);
    if (n <= 0) throw new Error('short write');
    done += n;
  }
  return len;
}

/** Reads `len` bytes at file position `pos` into `buf` from `off`; short only at end of file. */
export function readAll(io: OutputIo, fd: number, buf: Uint8Array, off: number, len: number, pos: number): number {
  let done = 0;
  while (done < len) {
    const n = io.readSync(fd, buf, off + done, len - done, pos + done);
    if (n <= 0) break;
    done += n;
  }
  return done;
}
