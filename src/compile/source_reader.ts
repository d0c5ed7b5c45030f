//! Two reused source buffers. An update keeps the previous source (to find what changed)
//! and reads the new one: alternating two buffers avoids allocating, and later
//! collecting, a file-sized buffer on every update, which for a 20 MB program costs more
//! than the whole incremental update. Reading a file into them is the host's
//! (compilation_files.ts); copying given bytes is here.

export class SourceReader {
  private spare: Uint8Array | null = null;

  /** A copy of `bytes` in a buffer of the reader's (so it can be recycled like a read one). */
  copy(bytes: Uint8Array): Uint8Array {
    const buf = this.take(bytes.length).subarray(0, bytes.length);
    buf.set(bytes);
    return buf;
  }

  /** Gives back a buffer `copy` or a host's read returned, once nothing uses it any more. */
  recycle(buf: Uint8Array): void {
    if (buf.buffer.byteLength === 0) return;
    const whole = new Uint8Array(buf.buffer, 0, buf.buffer.byteLength);
    if (!this.spare || whole.length > this.spare.length) this.spare = whole;
  }

  /** A buffer of at least `minLength` bytes that owns its whole ArrayBuffer: the spare one, or a new one. */
  take(minLength: number): Uint8Array {
    const spare = this.spare;
    if (spare && spare.length >= minLength) {
      this.spare = null;
      return spare;
    }
    return new Uint8Array(Math.ceil(minLength * 1.25));
  }
}
