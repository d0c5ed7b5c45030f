//! The objects and archives already read from the very same bytes, so a relink
//! (src/node/link/elf/session/LinkSession.ts) parses only the inputs that changed: an unchanged input file
//! arrives as the same Uint8Array, and an archive's members as the same subarrays. Keyed
//! weakly by the bytes, so nothing outlives its input; the models are never modified
//! after reading, so sharing them between links is safe.

import type { Archive } from './archive.js';
import { readArchive } from './archive.js';
import type { ElfObject } from './object_model.js';
import { readElfObject } from './object_reader.js';

const objects = new WeakMap<Uint8Array, ElfObject>();
const archives = new WeakMap<Uint8Array, Archive>();

/** `readElfObject`, or what it returned before for these bytes under this path. */
export function readElfObjectCached(path: string, bytes: Uint8Array): ElfObject {
  const known = objects.get(bytes);
  if (known && known.path === path) return known;
  const object = readElfObject(path, bytes);
  objects.set(bytes, object);
  return object;
}

/** `readArchive`, or what it returned before for these bytes under this path. */
export function readArchiveCached(path: string, bytes: Uint8Array): Archive {
  const known = archives.get(bytes);
  if (known && known.path === path) return known;
  const archive = readArchive(path, bytes);
  archives.set(bytes, archive);
  return archive;
}
