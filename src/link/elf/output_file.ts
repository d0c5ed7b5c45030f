//! Writing the file image to disk at flush, and deciding whether the disk copy can be
//! trusted for a patch. What is at the output path is checked first (output_io.ts): only
//! a regular file this process may write, or a symlink's target, is ever written.
//!
//! - A full flush writes a new file beside the output (the content ranges; the space
//!   between them is left as holes, which read as zeros and cost no disk) and renames it
//!   over the output. If that fails (a full disk) or the process dies, the last good
//!   program is still there, byte for byte. A running program (ETXTBSY: it cannot be
//!   opened for writing) is replaced the same way: it keeps its inode, the path gets the
//!   new program.
//! - A patch flush opens the file, overwrites the ELF magic with zeros, writes the dirty
//!   ranges with positioned writes, extends the file if the image grew, then restores the
//!   magic and closes the file (a file open for writing cannot be executed). A crash in
//!   the middle leaves a file that does not look like ELF.
//! - A full flush happens the first time (zirc never trusts a file it did not just
//!   write), after any failed flush, and whenever the file on disk is not the one the
//!   last flush left (device, inode, size or modification time differ).
//! - Any I/O failure becomes `OutputWriteError`.

import { OutputWriteError } from '../Linker.js';
import { errorCode, nodeOutputIo, replaceFile, resolveOutputTarget, writeAll, type FileIdentity, type OutputIo } from '../output_io.js';
import { ELF_MAGIC } from './elf_format.js';
import type { ByteRange, FileImage } from './file_image.js';

export { nodeOutputIo, type FileIdentity, type OutputIo };

const EXECUTABLE_MODE = 0o755;
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
   * Writes the file and closes it: with `full`, a new file holding `contentRanges` (all
   * else reads as zero: holes) replaces it; otherwise only the image's dirty ranges are
   * patched in place.
   */
  flush(image: FileImage, full: boolean, contentRanges: ByteRange[]): WriteReport {
    const ranges = full ? contentRanges : image.takeDirtyRanges();
    // Nothing changed: leave the file (and its modification time) alone.
    if (!full && ranges.length === 0 && BigInt(image.size) === this.lastIdentity!.size) return { bytesWritten: 0, fullWrite: false };
    // From here on, until success, the disk copy is not trusted.
    this.distrust(image);
    const target = resolveOutputTarget(this.io, this.path);
    if (full) return { bytesWritten: this.replace(image, target, contentRanges), fullWrite: true };
    let fd: number;
    try {
      fd = this.io.openSync(target, 'r+');
    } catch (err) {
      if (errorCode(err) !== 'ETXTBSY') throw new OutputWriteError(this.path, err);
      // The program is running: replace the file; the running process keeps the old one.
      return { bytesWritten: this.replace(image, target, contentRanges), fullWrite: true };
    }
    let written = 0;
    try {
      written += writeAll(this.io, fd, ZERO_MAGIC, 0, 4, 0);
      for (const r of ranges) {
        const start = Math.max(r.start, 4); // the magic is written last
        if (r.end > start) written += writeAll(this.io, fd, image.bytes, start, r.end - start);
      }
      this.io.ftruncateSync(fd, image.size);
      written += writeAll(this.io, fd, ELF_MAGIC, 0, 4, 0);
      this.io.closeSync(fd);
    } catch (err) {
      try {
        this.io.closeSync(fd);
      } catch {
        // The write error is the one worth reporting.
      }
      throw new OutputWriteError(this.path, err);
    }
    this.succeeded(image);
    return { bytesWritten: written, fullWrite: false };
  }

  private replace(image: FileImage, target: string, contentRanges: ByteRange[]): number {
    const replacement = { bytes: image.bytes, ranges: contentRanges, size: image.size, mode: EXECUTABLE_MODE, exactMode: true };
    const written = replaceFile(this.io, this.path, target, replacement);
    this.succeeded(image);
    return written;
  }

  /** Until a flush succeeds, the disk copy is not trusted and the next flush writes everything. */
  private distrust(image: FileImage): void {
    this.lastIdentity = null;
    image.requireFullWrite();
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
}
