//! Where a linker's file image goes at flush. A linker keeps the output as a FileImage
//! (elf/file_image.ts) with the ranges changed since the last flush; an `ImageSink` takes
//! them. Two implementations:
//!
//! - `OutputFile` (elf/output_file.ts): a file on disk, written whole through a temporary
//!   file the first time, then patched in place with a journal.
//! - `TargetSink` (here): any `OutputTarget`, the small output interface an embedder can
//!   implement over its own buffer or file (size, read, positioned write, truncate);
//!   `MemoryOutput` is one kept in memory. Each flush records the ranges it wrote as
//!   patches, so the embedder can mirror an update into a copy of its own.

import type { ByteRange, FileImage } from './elf/file_image.js';
import { OutputWriteError } from './Linker.js';

export interface WriteReport {
  bytesWritten: number;
  fullWrite: boolean;
}

export interface ImageSink {
  /** Whether the next flush must write the whole image (the first, after a failure, when the copy changed). */
  needsFullWrite(image: FileImage): boolean;
  /** Writes the image: `contentRanges` of it with `full`, else its dirty ranges. Throws `OutputWriteError`. */
  flush(image: FileImage, full: boolean, contentRanges: ByteRange[]): WriteReport;
}

/** The output interface: what a linker needs of the place its output lives. */
export interface OutputTarget {
  size(): number;
  read(offset: number, length: number): Uint8Array;
  write(offset: number, bytes: Uint8Array): void;
  /** Sets the size: cuts the end off, or extends it with zeros. */
  truncate(size: number): void;
}

/** A byte range one flush wrote; applied in order to the previous output (then cut or extended to the new size), they give the new one. */
export interface OutputPatch {
  offset: number;
  bytes: Uint8Array;
}

/** An output kept in memory, growing as needed. */
export class MemoryOutput implements OutputTarget {
  private buf = new Uint8Array(0);
  private length = 0;

  size(): number {
    return this.length;
  }

  /** The whole output (a view: copy it to keep it past the next update). */
  get bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  read(offset: number, length: number): Uint8Array {
    return this.buf.slice(offset, Math.min(this.length, offset + length));
  }

  write(offset: number, bytes: Uint8Array): void {
    if (offset + bytes.length > this.length) this.truncate(offset + bytes.length);
    this.buf.set(bytes, offset);
  }

  truncate(size: number): void {
    if (size > this.buf.length) {
      const next = new Uint8Array(Math.max(size, Math.ceil(this.buf.length * 1.5)));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    } else if (size < this.length) this.buf.fill(0, size, this.length);
    this.length = size;
  }
}

/** Writes images to an `OutputTarget`, remembering the patches of the last flush. */
export class TargetSink implements ImageSink {
  private written = false;
  /** What the last flush wrote, in order. */
  lastPatches: OutputPatch[] = [];

  constructor(
    readonly target: OutputTarget,
    /** How errors name the output. */
    readonly name: string,
  ) {}

  needsFullWrite(image: FileImage): boolean {
    return !this.written || image.fullWritePending;
  }

  flush(image: FileImage, full: boolean, contentRanges: ByteRange[]): WriteReport {
    const ranges = full ? contentRanges : image.takeDirtyRanges();
    const bytes = image.bytes;
    const patches: OutputPatch[] = [];
    try {
      if (full) {
        // A whole write is one patch: the holes between the content ranges are zeros too.
        const whole = bytes.slice();
        this.target.truncate(0);
        this.target.write(0, whole);
        patches.push({ offset: 0, bytes: whole });
      } else if (this.target.size() !== image.size) this.target.truncate(image.size);
      for (const r of full ? [] : ranges) {
        const piece = bytes.slice(r.start, r.end);
        this.target.write(r.start, piece);
        patches.push({ offset: r.start, bytes: piece });
      }
    } catch (err) {
      this.written = false;
      image.requireFullWrite();
      throw new OutputWriteError(this.name, err);
    }
    this.written = true;
    image.fullWritePending = false;
    this.lastPatches = patches;
    return { bytesWritten: patches.reduce((n, p) => n + p.bytes.length, 0), fullWrite: full };
  }
}
