//! What a format's relink in place works with (elf/session/fast_relink.ts,
//! wasm/session/fast_relink.ts): the inputs as bytes, the whole link it falls back to, and
//! the count of the work it did. The session that drives them, reading files from disk, is
//! the Node layer's (src/node/link/relink_session.ts).

import type { FileImage } from './elf/file_image.js';

/** An input as the linkers take it: a file's bytes, or an in-memory object's. */
export interface LinkBytesInput {
  path: string;
  bytes: Uint8Array;
  wholeArchive?: boolean;
}

/** A whole link in memory: the format's linker, with its options bound. */
export type LinkInMemory = (inputs: readonly LinkBytesInput[]) => { ok: true; bytes: Uint8Array; warnings?: string[] } | { ok: false; errors: string[] };

/**
 * What a relink in place did, counted as it went (no pass of its own): the sections (ELF),
 * bodies and data segments (wasm) copied into the image; the global symbols whose place
 * changed (ELF: address; wasm: a data symbol's address, or a function body pushed to
 * another offset in the code section); the relocations applied — the swapped objects'
 * own, and those applied again elsewhere because a symbol (or a body) moved.
 */
export interface RelinkWork {
  sectionsPlaced: number;
  symbolsMoved: number;
  relocationsApplied: number;
}

/** A format's fast path: patches `image` for the `changed` inputs, or says why a whole link is needed (then `image` is as it was). */
export interface InPlaceRelink {
  relink(inputs: readonly LinkBytesInput[], changed: readonly string[], image: FileImage): { ok: true; work: RelinkWork } | { ok: false; reason: string };
}
