//! Reads `ar` archives into members and a symbol map (name → member index). Pure: it
//! takes the path (for messages) and the bytes. Handles the GNU format — the symbol index
//! member `/` (big-endian 32-bit) or `/SYM64/` (64-bit), the `//` long-name table with
//! `/123` names, names ending in `/` — and BSD `#1/len` names and `__.SYMDEF` members.
//! An archive without a GNU index gets one built from its members' ELF symbol tables
//! (defined global, weak and unique symbols, as `ar s` does). A thin archive (`!<thin>`)
//! is rejected: its members live in other files. Errors are ObjectFormatError naming the
//! archive, the member and the byte offset.

import { hex, STB_LOCAL, SYM_UNDEF } from '../elf_constants.js';
import { ObjectFormatError } from './format_error.js';
import { readElfObject } from './object_reader.js';

export interface ArchiveMember {
  name: string;
  /** Offset of the member's 60-byte header in the archive. */
  headerOffset: number;
  /** Offset of the member's data (after a BSD name, if any). */
  dataOffset: number;
  /** The member's data, a subarray of the archive. */
  data: Uint8Array;
}

export interface Archive {
  path: string;
  members: ArchiveMember[];
  /** Symbol name → index in `members` of the member defining it (the first, if several). */
  symbols: Map<string, number>;
  /** Whether the symbol map came from the archive's own index (else it was built from the members). */
  hadIndex: boolean;
}

const MAGIC = '!<arch>\n';
const THIN_MAGIC = '!<thin>\n';
const HEADER_SIZE = 60;

/** Whether `bytes` starts like an archive (regular or thin). */
export function isArchive(bytes: Uint8Array): boolean {
  const m = ascii(bytes, 0, 8);
  return m === MAGIC || m === THIN_MAGIC;
}

export function readArchive(path: string, bytes: Uint8Array): Archive {
  const fail = (detail: string): never => {
    throw new ObjectFormatError(path, detail);
  };
  const magic = ascii(bytes, 0, 8);
  if (magic === THIN_MAGIC) fail('thin archives (!<thin>) are not supported: their members are separate files; use a regular archive');
  if (magic !== MAGIC) fail('not an archive: bad magic at offset 0x0');

  const members: ArchiveMember[] = [];
  const byHeaderOffset = new Map<number, number>();
  let index: { at: number; data: Uint8Array; wide: boolean } | null = null;
  let longNames: Uint8Array | null = null;
  let at = 8;
  while (at < bytes.length) {
    if (bytes.length - at < HEADER_SIZE) fail(`member header at offset ${hex(at)} is cut short (${bytes.length - at} of 60 bytes)`);
    if (bytes[at + 58] !== 0x60 || bytes[at + 59] !== 0x0a) fail(`member header at offset ${hex(at)} does not end with "\`\\n"`);
    const rawName = ascii(bytes, at, 16).trimEnd();
    const sizeText = ascii(bytes, at + 48, 10).trimEnd();
    if (!/^\d+$/.test(sizeText)) fail(`member header at offset ${hex(at)}: size field '${sizeText}' is not a decimal number`);
    const size = Number(sizeText);
    const start = at + HEADER_SIZE;
    if (size > bytes.length - start) fail(`member '${rawName}' at offset ${hex(at)}: size ${size} runs past the end of the archive (${hex(bytes.length)} bytes)`);
    const data = bytes.subarray(start, start + size);
    if (rawName === '/' || rawName === '/SYM64/') {
      if (index === null) index = { at, data, wide: rawName === '/SYM64/' };
    } else if (rawName === '//') {
      longNames = data;
    } else {
      let name: string;
      let dataOffset = start;
      if (rawName.startsWith('#1/')) {
        const len = Number(rawName.slice(3));
        if (!/^\d+$/.test(rawName.slice(3)) || len > size) fail(`member header at offset ${hex(at)}: BSD name length '${rawName.slice(3)}' is not a number within the member (${size} bytes)`);
        const nameBytes = data.subarray(0, len);
        const nul = nameBytes.indexOf(0);
        name = ascii(nameBytes, 0, nul < 0 ? len : nul);
        dataOffset = start + len;
      } else if (/^\/\d+$/.test(rawName)) {
        name = longName(rawName, at, longNames, fail);
      } else {
        name = rawName.endsWith('/') ? rawName.slice(0, -1) : rawName;
      }
      // A BSD index (__.SYMDEF) is not read: the map is built from the members instead.
      if (name !== '__.SYMDEF' && name !== '__.SYMDEF SORTED' && name !== '__.SYMDEF_64' && name !== '__.SYMDEF_64 SORTED') {
        byHeaderOffset.set(at, members.length);
        members.push({ name, headerOffset: at, dataOffset, data: bytes.subarray(dataOffset, start + size) });
      }
    }
    at = start + size + (size & 1);
  }

  const symbols = index !== null ? readIndex(index, byHeaderOffset, fail) : buildIndex(path, members);
  return { path, members, symbols, hadIndex: index !== null };
}

function longName(rawName: string, at: number, table: Uint8Array | null, fail: (d: string) => never): string {
  const offset = Number(rawName.slice(1));
  if (table === null) fail(`member header at offset ${hex(at)}: name '${rawName}' refers to the long-name table, but there is none before it`);
  if (offset >= table.length) fail(`member header at offset ${hex(at)}: long name offset ${offset} is outside the long-name table (${table.length} bytes)`);
  let end = offset;
  while (end < table.length && table[end] !== 0x0a && table[end] !== 0) end++;
  let name = ascii(table, offset, end - offset);
  if (name.endsWith('/')) name = name.slice(0, -1);
  return name;
}

/** The GNU index: a count, that many member header offsets, then that many NUL-terminated names. */
function readIndex(
  index: { at: number; data: Uint8Array; wide: boolean },
  byHeaderOffset: Map<number, number>,
  fail: (d: string) => never,
): Map<string, number> {
  const { data, wide } = index;
  const where = `symbol index at offset ${hex(index.at)}`;
  const word = wide ? 8 : 4;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const read = (p: number): number => (wide ? Number(view.getBigUint64(p, false)) : view.getUint32(p, false));
  if (data.length < word) fail(`${where} is too short for its count`);
  const count = read(0);
  if (count > (data.length - word) / word) fail(`${where}: ${count} entries do not fit in its ${data.length} bytes`);
  const symbols = new Map<string, number>();
  let name = word + count * word;
  for (let i = 0; i < count; i++) {
    const memberAt = read(word + i * word);
    const member = byHeaderOffset.get(memberAt);
    if (member === undefined) fail(`${where}: entry ${i} points to offset ${hex(memberAt)}, where no member starts`);
    const end = data.indexOf(0, name);
    if (end < 0) fail(`${where}: the name of entry ${i} (at offset ${hex(name)} of the index) is cut short`);
    const sym = ascii(data, name, end - name);
    if (!symbols.has(sym)) symbols.set(sym, member);
    name = end + 1;
  }
  return symbols;
}

/** For an archive without an index: what `ar s` would index, from each ELF member's symbols. */
function buildIndex(path: string, members: ArchiveMember[]): Map<string, number> {
  const symbols = new Map<string, number>();
  members.forEach((m, i) => {
    if (!(m.data.length >= 4 && m.data[0] === 0x7f && m.data[1] === 0x45 && m.data[2] === 0x4c && m.data[3] === 0x46)) return;
    const obj = readElfObject(`${path}(${m.name}) at offset ${hex(m.dataOffset)}`, m.data);
    const t = obj.symbols;
    for (let s = 1; s < t.count; s++) {
      if (t.bind[s] === STB_LOCAL || t.shndx[s] === SYM_UNDEF) continue;
      if (!symbols.has(t.names[s]!)) symbols.set(t.names[s]!, i);
    }
  });
  return symbols;
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  let s = '';
  const end = Math.min(bytes.length, at + length);
  for (let i = at; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}
