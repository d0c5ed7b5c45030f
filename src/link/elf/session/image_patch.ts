//! The bytes a relink in place changes in the output image, so the flush writes only them
//! (file_image.ts): a region about to be rewritten whole (an object's section, a run of
//! `.symtab` entries, `.eh_frame_hdr`) is copied first and compared after, marking only
//! what differs; a small field (a relocated word, a GOT slot) is compared as it is written.

import { differingRanges } from '../../byte_diff.js';
import type { FileImage } from '../file_image.js';

export class ImagePatch {
  private readonly saved: Array<{ at: number; before: Uint8Array }> = [];

  constructor(readonly image: FileImage) {}

  /** The bytes being patched (the image's own buffer). */
  get bytes(): Uint8Array {
    return this.image.bytes;
  }

  /** Remembers `[start, end)` before it is rewritten; `finish` marks what changed in it. */
  track(start: number, end: number): void {
    if (end > start) this.saved.push({ at: start, before: this.image.bytes.slice(start, end) });
  }

  /** Marks `[start, start + len)` changed (the caller compared). */
  changed(start: number, len: number): void {
    this.image.markDirty(start, len);
  }

  /** Marks the changed parts of every tracked region dirty. */
  finish(): void {
    const bytes = this.image.bytes;
    for (const { at, before } of this.saved) {
      for (const r of differingRanges(before, bytes.subarray(at, at + before.length))) this.image.markDirty(at + r.start, r.end - r.start);
    }
    this.saved.length = 0;
  }
}
