//! Writing the file image to disk at flush, and deciding whether the disk copy can be
//! trusted for a patch.
//!
//! - A patch flush opens the file, overwrites the ELF magic with zeros, writes the dirty
//!   ranges with positioned writes, extends the file if the image grew, then restores the
//!   magic and closes the file (a file open for writing cannot be executed). A crash in
//!   the middle leaves a file that does not look like ELF.
//! - A full flush truncates the file, writes the content ranges (the space between them is
//!   left as holes, which read as zeros and cost no disk), sets the size, and writes the
//!   magic last.
//! - A full flush happens the first time (zirc never trusts a file it did not just
//!   write), after any failed flush, and whenever the file on disk is not the one the
//!   last flush left (device, inode, size or modification time differ).
//! - If the program is running (ETXTBSY), the image goes to a new file renamed over the
//!   old one: the running process keeps its inode, the path gets the new program.
//! - Any I/O failure becomes `OutputWriteError`.

import * as fs from 'node:fs';
import { OutputWriteError } from '../Linker.js';
import { ELF_MAGIC } from './elf_format.js';
import type { ByteRange, FileImage } from './file_image.js';

/** The file operations the writer uses; tests inject failures through this. */
export interface OutputIo {
  openSync(path: string, flags: string, mode?: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  ftruncateSync(fd: number, len: number): void;
  fchmodSync(fd: number, mode: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  statSync(path: string): FileIdentity | null;
}

export interface FileIdentity {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

export const nodeOutputIo: OutputIo = {
  openSync: (p, flags, mode) => fs.openSync(p, flags, mode),
  writeSync: (fd, buf, off, len, pos) => fs.writeSync(fd, buf, off, len, pos),
  ftruncateSync: (fd, len) => fs.ftruncateSync(fd, len),
  fchmodSync: (fd, mode) => fs.fchmodSync(fd, mode),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (from, to) => fs.renameSync(from, to),
  unlinkSync: (p) => fs.unlinkSync(p),
  statSync: (p) => {
    const st = fs.statSync(p, { bigint: true, throwIfNoEntry: false });
    return st ? { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs } : null;
  },
};

const EXECUTABLE_MODE = 0o755;

function isTextBusy(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ETXTBSY';
}
const ZERO_MAGIC = new Uint8Array(4);

export interface WriteReport {
  bytesWritten: number;
  fullWrite: boolean;
}

export class OutputFile {
  /** What the file looked like right after our last successful flush. */
  private lastIdentity: FileIdentity | null = null;

  constructor(
    readonly path: string,
    private readonly io: OutputIo = nodeOutputIo,
  ) {}

  /** Whether the next flush must write the whole file (first flush, after a failure, or the disk copy changed). */
  needsFullWrite(image: FileImage): boolean {
    return image.fullWritePending || !this.diskIsOurs();
  }

  /**
   * Writes the file and closes it: with `full`, the file is truncated and `contentRanges`
   * written (all else reads as zero: holes); otherwise only the image's dirty ranges.
   */
  flush(image: FileImage, full: boolean, contentRanges: ByteRange[]): WriteReport {
    try {
      return this.writeInPlace(image, full, contentRanges);
    } catch (err) {
      if (!(err instanceof OutputWriteError) || !isTextBusy(err.cause)) throw err;
      // The program is running (a file being executed cannot be opened for writing):
      // write a new file beside it and rename it over; the running process keeps the old one.
      const written = this.writeReplacement(image, contentRanges);
      return { bytesWritten: written, fullWrite: true };
    }
  }

  private writeInPlace(image: FileImage, full: boolean, contentRanges: ByteRange[]): WriteReport {
    const ranges = full ? contentRanges : image.takeDirtyRanges();
    // Nothing changed: leave the file (and its modification time) alone.
    if (!full && ranges.length === 0 && BigInt(image.size) === this.lastIdentity!.size) return { bytesWritten: 0, fullWrite: false };
    // From here on, until success, the disk copy is not trusted.
    this.lastIdentity = null;
    image.requireFullWrite();
    let fd = -1;
    let written = 0;
    try {
      if (full) {
        fd = this.io.openSync(this.path, 'w', EXECUTABLE_MODE);
        this.io.fchmodSync(fd, EXECUTABLE_MODE);
        written += this.writeRanges(fd, image.bytes, ranges);
        this.io.ftruncateSync(fd, image.size);
      } else {
        fd = this.io.openSync(this.path, 'r+');
        written += this.writeAll(fd, ZERO_MAGIC, 0, 4, 0);
        written += this.writeRanges(fd, image.bytes, ranges);
        this.io.ftruncateSync(fd, image.size);
      }
      written += this.writeAll(fd, ELF_MAGIC, 0, 4, 0);
      this.io.closeSync(fd);
      fd = -1;
    } catch (err) {
      if (fd >= 0) {
        try {
          this.io.closeSync(fd);
        } catch {
          // The write error is the one worth reporting.
        }
      }
      throw new OutputWriteError(this.path, err);
    }
    this.succeeded(image);
    return { bytesWritten: written, fullWrite: full };
  }

  private writeReplacement(image: FileImage, contentRanges: ByteRange[]): number {
    const tmp = `${this.path}.zirc-${process.pid}.tmp`;
    let fd = -1;
    let written = 0;
    try {
      fd = this.io.openSync(tmp, 'w', EXECUTABLE_MODE);
      this.io.fchmodSync(fd, EXECUTABLE_MODE);
      written += this.writeRanges(fd, image.bytes, contentRanges);
      this.io.ftruncateSync(fd, image.size);
      written += this.writeAll(fd, ELF_MAGIC, 0, 4, 0);
      this.io.closeSync(fd);
      fd = -1;
      this.io.renameSync(tmp, this.path);
    } catch (err) {
      try {
        if (fd >= 0) this.io.closeSync(fd);
        this.io.unlinkSync(tmp);
      } catch {
        // Best effort: the write error is the one worth reporting.
      }
      throw new OutputWriteError(this.path, err);
    }
    this.succeeded(image);
    return written;
  }

  private succeeded(image: FileImage): void {
    image.fullWritePending = false;
    try {
      this.lastIdentity = this.io.statSync(this.path);
    } catch {
      this.lastIdentity = null; // unknown: the next flush writes everything
    }
  }

  private diskIsOurs(): boolean {
    const last = this.lastIdentity;
    if (!last) return false;
    let now: FileIdentity | null;
    try {
      now = this.io.statSync(this.path);
    } catch {
      return false;
    }
    return !!now && now.dev === last.dev && now.ino === last.ino && now.size === last.size && now.mtimeNs === last.mtimeNs;
  }

  private writeRanges(fd: number, bytes: Uint8Array, ranges: ByteRange[]): number {
    let n = 0;
    for (const r of ranges) {
      const start = Math.max(r.start, 4); // the magic is written last
      if (r.end > start) n += this.writeAll(fd, bytes, start, r.end - start);
    }
    return n;
  }

  /** Writes `len` bytes of `buf` from `off` at file position `pos` (default: `off`). */
  private writeAll(fd: number, buf: Uint8Array, off: number, len: number, pos = off): number {
    let done = 0;
    while (done < len) {
      const n = this.io.writeSync(fd, buf, off + done, len - done, pos + done);
      if (n <= 0) throw new Error('short write');
      done += n;
    }
    return len;
  }
}
