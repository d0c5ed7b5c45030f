//! Where finished function code is kept: copied into shared 64 KiB chunks instead of an
//! ArrayBuffer of its own. A full build keeps every function's code (the linker's input
//! if it must link everything again); at 100k functions that was 100k ArrayBuffers, each
//! an object, a backing store and an entry the collector sweeps on every collection. A
//! chunk lives while any code in it does, so edits leave at most the dead code of
//! partly live chunks behind.

/** Bytes per chunk. */
const CHUNK_BYTES = 64 * 1024;
/** Code longer than this gets its own buffer: a chunk is not worth breaking for it. */
const OWN_BUFFER_BYTES = CHUNK_BYTES / 4;

let chunk = new Uint8Array(CHUNK_BYTES);
let used = 0;

/** A copy of `bytes[0, length)` that the caller may keep: a view into a shared chunk. */
export function keepCode(bytes: Uint8Array, length: number): Uint8Array {
  if (length > OWN_BUFFER_BYTES) return bytes.slice(0, length);
  if (used + length > CHUNK_BYTES) {
    chunk = new Uint8Array(CHUNK_BYTES);
    used = 0;
  }
  const kept = chunk.subarray(used, used + length);
  kept.set(bytes.subarray(0, length));
  used += length;
  return kept;
}
