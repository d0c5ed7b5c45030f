//! Reads the source file into one of two reused buffers. An update keeps the previous
//! source (to find what changed) and reads the new one: alternating two buffers avoids
//! allocating, and later collecting, a file-sized buffer on every update, which for a
//! 20 MB program costs more than the whole incremental update.

import * as fs from 'node:fs';

export class SourceReader {
  private spare: Buffer | null = null;

  /** Reads the whole file (to EOF, even if it grew since it was opened). */
  read(path: string): Buffer {
    const fd = fs.openSync(path, 'r');
    try {
      let buf = this.take(fs.fstatSync(fd).size + 1);
      let len = 0;
      for (;;) {
        if (len === buf.length) {
          const bigger = Buffer.allocUnsafeSlow(Math.ceil(len * 1.5) + 1);
          buf.copy(bigger, 0, 0, len);
          buf = bigger;
        }
        const n = fs.readSync(fd, buf, len, buf.length - len, len);
        if (n === 0) break;
        len += n;
      }
      return buf.subarray(0, len);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** A copy of `bytes` in a buffer of the reader's (so it can be recycled like a read one). */
  copy(bytes: Uint8Array): Buffer {
    const buf = this.take(bytes.length).subarray(0, bytes.length);
    buf.set(bytes);
    return buf;
  }

  /** Gives back a buffer `read` or `copy` returned, once nothing uses it any more. */
  recycle(buf: Buffer): void {
    if (buf.buffer.byteLength === 0) return;
    const whole = Buffer.from(buf.buffer, 0, buf.buffer.byteLength);
    if (!this.spare || whole.length > this.spare.length) this.spare = whole;
  }

  private take(minLength: number): Buffer {
    const spare = this.spare;
    if (spare && spare.length >= minLength) {
      this.spare = null;
      return spare;
    }
    // Never from Buffer's shared pool: a recycled buffer must own its whole ArrayBuffer.
    return Buffer.allocUnsafeSlow(Math.ceil(minLength * 1.25));
  }
}
