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
//! - A patch flush writes the dirty ranges in place, journaled (patch_journal.ts): the old
//!   bytes go to `<output>.zirc-journal` first, the ELF magic is zeros while the ranges
//!   are written, so the file never looks valid while half patched, and a failed write
//!   rolls the file back at once. After a crash the journal stays; the next `OutputFile`
//!   for the path (the next linker: a new Compilation or a new start of zirc) rolls the
//!   file back to the last good program when it is made. That is all recovery needs to
//!   do: that linker writes the file whole at its first flush anyway.
//! - A full flush happens the first time (zirc never trusts a file it did not just
//!   write), after any failed flush, and whenever the file on disk is not the one the
//!   last flush left (device, inode, size or modification time differ).
//! - Any I/O failure becomes `OutputWriteError`.

import { OutputWriteError } from '../Linker.js';
import { errorCode, replaceFile, resolveOutputTarget, type FileIdentity, type OutputIo } from '../output_io.js';
import { discardJournal, patchInPlace, recoverInterruptedPatch } from '../patch_journal.js';
import { ELF_MAGIC } from './elf_format.js';
import type { ByteRange, FileImage } from './file_image.js';
import type { ImageSink, WriteReport } from '../output_sink.js';

export type { FileIdentity, OutputIo };

const EXECUTABLE_MODE = 0o755;

export type { WriteReport };

export class OutputFile implements ImageSink {
  /** What the file looked like right after our last successful flush. */
  private lastIdentity: FileIdentity | null = null;

  private readonly mode: number;
  private readonly exactMode: boolean;

  /**
   * `mode`: the permission bits a full write gives the file (default 0755, exactly: an
   * executable); with `exactMode: false` the umask applies to them, as for a plain file.
   */
  constructor(
    readonly path: string,
    private readonly io: OutputIo,
    options: { mode?: number; exactMode?: boolean } = {},
  ) {
    this.mode = options.mode ?? EXECUTABLE_MODE;
    this.exactMode = options.exactMode ?? true;
    // A patch killed part way left a journal: put the last good program back.
    recoverInterruptedPatch(io, path);
  }

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
    const patch = { bytes: image.bytes, ranges, size: image.size, markerLength: ELF_MAGIC.length };
    const written = patchInPlace(this.io, this.path, target, fd, patch);
    this.succeeded(image);
    return { bytesWritten: written, fullWrite: false };
  }

  private replace(image: FileImage, target: string, contentRanges: ByteRange[]): number {
    const replacement = { bytes: image.bytes, ranges: contentRanges, size: image.size, mode: this.mode, exactMode: this.exactMode };
    const written = replaceFile(this.io, this.path, target, replacement);
    discardJournal(this.io, target);
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
