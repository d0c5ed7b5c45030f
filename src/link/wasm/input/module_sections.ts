//! Splits a wasm file into its sections: checks the header (magic, version 1), then reads
//! each section's id and size, a custom section's name, and checks that the standard
//! sections appear at most once each and in the order the binary format requires. The
//! contents are not decoded here: each section is a subarray with its file offsets.

import type { ByteReader } from './byte_reader.js';
import type { WasmSection } from './object_model.js';
import { SEC_CUSTOM, sectionOrder, standardSectionName, WASM_VERSION } from './wasm_constants.js';

const HEADER_SIZE = 8;

export function readModuleHeader(r: ByteReader): void {
  const b = r.bytes;
  if (b.length < HEADER_SIZE) r.fail(`not a wasm object: the file is ${b.length} bytes, shorter than a wasm header (8)`, 0);
  if (b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) r.fail(`not a wasm object: bad magic${describeMagic(b)}`, 0);
  const version = b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24);
  if (version !== WASM_VERSION) r.fail(`unknown wasm version ${version >>> 0} (a component or a newer format?), expected ${WASM_VERSION}`, 4);
  r.pos = HEADER_SIZE;
}

/** A hint at what the file is instead, for the magic error. */
export function describeMagic(b: Uint8Array): string {
  if (b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46) return ' (it is an ELF file)';
  if (b.length >= 8 && String.fromCharCode(...b.subarray(0, 8)) === '!<arch>\n') return ' (it is an archive)';
  if (b.length >= 4 && b[0] === 0x42 && b[1] === 0x43 && b[2] === 0xc0 && b[3] === 0xde) return ' (it is LLVM bitcode, as clang -flto writes: link-time optimization is not supported)';
  return '';
}

/** Every section in file order, each named and bounded. */
export function readSections(r: ByteReader): WasmSection[] {
  const sections: WasmSection[] = [];
  let lastOrder = 0;
  let lastName = '';
  while (r.pos < r.end) {
    const headerOffset = r.pos;
    const index = sections.length;
    r.where = `section #${index}`;
    const id = r.u8('section id');
    const order = id === SEC_CUSTOM ? 0 : sectionOrder(id);
    if (order < 0) r.fail(`unknown section id ${id}`, headerOffset);
    const size = r.u32('section size');
    const start = r.pos;
    r.need(size, `section of ${size} bytes`);
    let name = standardSectionName(id);
    let offset = start;
    if (id === SEC_CUSTOM) {
      r.end = start + size;
      name = r.name('custom section name');
      offset = r.pos;
      r.end = r.bytes.length;
    } else {
      if (order === lastOrder) r.fail(`a second ${name} section`, headerOffset);
      if (order < lastOrder) r.fail(`${name} section after the ${lastName} section: out of order`, headerOffset);
      lastOrder = order;
      lastName = name;
    }
    const end = start + size;
    sections.push({ index, id, name, headerOffset, offset, size: end - offset, data: r.bytes.subarray(offset, end) });
    r.pos = end;
  }
  return sections;
}

/** How a section is named in messages: "section CODE (#5)" or "section 'reloc.CODE' (#9)". */
export function sectionLabel(s: WasmSection): string {
  return s.id === SEC_CUSTOM ? `section '${s.name}' (#${s.index})` : `section ${s.name} (#${s.index})`;
}
