//! Archives of wasm objects (wasi-libc's libc.a, compiler-rt's builtins): the `ar` format
//! itself is read by the ELF linker's reader (src/link/elf/input/archive.ts), which is
//! format-neutral except for the index it builds when an archive has none; for a wasm
//! archive without an index this builds the same map from the members' wasm symbol
//! tables (defined symbols that are not local, as llvm-ar indexes them). A member that is
//! not a wasm object is reported by name when it is read.

import { readArchive, type Archive } from '../../elf/input/archive.js';
import { ObjectFormatError } from '../../elf/input/format_error.js';
import { describeMagic } from './module_sections.js';
import type { WasmObject } from './object_model.js';
import { readWasmObject } from './object_reader.js';
import { hex, SYM_BINDING_LOCAL, SYM_UNDEFINED, SYMTAB_SECTION } from './wasm_constants.js';

export { isArchive, type Archive, type ArchiveMember } from '../../elf/input/archive.js';

/** Reads an archive of wasm objects; `symbols` maps each defined name to its first member. */
export function readWasmArchive(path: string, bytes: Uint8Array): Archive {
  const archive = readArchive(path, bytes);
  if (!archive.hadIndex) archive.symbols = buildIndex(archive);
  return archive;
}

/** Whether `data` starts with the wasm magic. */
export function isWasmObject(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0 && data[1] === 0x61 && data[2] === 0x73 && data[3] === 0x6d;
}

/** Reads member `index` of `archive` as a wasm object; messages name it `archive(member)`. */
export function readWasmMember(archive: Archive, index: number): WasmObject {
  const m = archive.members[index]!;
  const name = `${archive.path}(${m.name})`;
  if (!isWasmObject(m.data)) {
    throw new ObjectFormatError(name, `archive member at offset ${hex(m.headerOffset)} is not a wasm object${describeMagic(m.data)}`);
  }
  return readWasmObject(name, m.data);
}

/** What `llvm-ar s` would index: each wasm member's defined, non-local symbols. Other members are skipped, as ar skips them. */
function buildIndex(archive: Archive): Map<string, number> {
  const symbols = new Map<string, number>();
  archive.members.forEach((m, i) => {
    if (!isWasmObject(m.data)) return;
    const t = readWasmMember(archive, i).linking.symbols;
    for (let s = 0; s < t.count; s++) {
      if (t.flags[s]! & (SYM_BINDING_LOCAL | SYM_UNDEFINED) || t.kind[s] === SYMTAB_SECTION) continue;
      if (!symbols.has(t.names[s]!)) symbols.set(t.names[s]!, i);
    }
  });
  return symbols;
}
