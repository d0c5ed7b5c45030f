//! Decodes one `reloc.*` custom section into a RelocationTable of parallel typed arrays.
//! Each entry's type must be one Linking.md defines, its addend is read when the type has
//! one (a varint64 for the 64-bit types), its index must name a symbol of a kind the type
//! allows (or a type, for R_WASM_TYPE_INDEX_LEB), and the bytes it patches must lie inside
//! the target section — for CODE and DATA inside one function body or data segment, which
//! gives each body and segment its range of relocations.

import type { ByteReader } from './byte_reader.js';
import { sectionLabel } from './module_sections.js';
import type { RelocationTable, SymbolTable, WasmObject, WasmSection } from './object_model.js';
import { ADDEND_32, ADDEND_64, relocationTypeInfo, relocationTypeName, TARGET_TYPE } from './relocation_types.js';
import { hex, SEC_CODE, SEC_CUSTOM, SEC_DATA, symbolKindName } from './wasm_constants.js';

/** Decodes `reloc.*` section `s`; the reader spans its contents. `symbols` is the linking section's. */
export function readRelocationSection(r: ByteReader, s: WasmSection, obj: WasmObject, symbols: SymbolTable): RelocationTable {
  const targetAt = r.pos;
  const target = r.u32('target section');
  const t = obj.sections[target];
  if (t === undefined || target >= s.index) r.fail(`target section ${target} is not a section before this one`, targetAt);
  if (t.id !== SEC_CODE && t.id !== SEC_DATA && t.id !== SEC_CUSTOM) r.fail(`target ${sectionLabel(t)} cannot have relocations: only CODE, DATA and custom sections can`, targetAt);
  const n = r.count('relocation count', 3);
  const type = new Uint8Array(n);
  const offset = new Uint32Array(n);
  const index = new Uint32Array(n);
  const addend = new Float64Array(n);
  const chunks = chunkBounds(obj, t);
  const chunkStart = chunks === null ? null : new Uint32Array(chunks.count + 1);
  let chunk = 0;
  let previous = 0;
  const typeCount = obj.types.length;
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    r.at('relocation', i);
    const ty = r.u8('type');
    const info = relocationTypeInfo(ty);
    if (info === undefined) r.fail(`relocation ${i} has unknown type ${ty}`, at);
    const off = r.u32('offset');
    const idx = r.u32('index');
    if (info.addend === ADDEND_32) addend[i] = r.s32('addend');
    else if (info.addend === ADDEND_64) addend[i] = r.s64('addend');
    if (off < previous) r.fail(`${describe(i, ty, off)} comes after one at ${hex(previous)}: relocations must be sorted by offset`, at);
    previous = off;
    if (off + info.width > t.size) r.fail(`${describe(i, ty, off)} patches ${info.width} bytes past the end of ${sectionLabel(t)} (${hex(t.size)} bytes)`, at);
    if (info.targets === TARGET_TYPE) {
      if (idx >= typeCount) r.fail(`${describe(i, ty, off)} names type ${idx}, but there are ${typeCount} types`, at);
    } else {
      if (idx >= symbols.count) r.fail(`${describe(i, ty, off)} names symbol ${idx}, but there are ${symbols.count} symbols`, at);
      const kind = symbols.kind[idx]!;
      if (((1 << kind) & info.targets) === 0) r.fail(`${describe(i, ty, off)} names symbol ${idx} ('${symbols.names[idx]}'), a ${symbolKindName(kind)} symbol, which this type cannot refer to`, at);
    }
    if (chunks !== null) {
      // Sorted offsets: the chunk holding this relocation is this one or a later one.
      while (chunk < chunks.count && off >= chunks.end(chunk)) chunkStart![++chunk] = i;
      if (chunk === chunks.count || off < chunks.start(chunk) || off + info.width > chunks.end(chunk)) {
        r.fail(`${describe(i, ty, off)} is not inside one ${chunks.what}: the bytes it patches must not straddle or fall between them`, at);
      }
    }
    type[i] = ty;
    offset[i] = off;
    index[i] = idx;
  }
  r.endItems();
  if (chunks !== null) while (chunk < chunks.count) chunkStart![++chunk] = n;
  return { section: s.index, target, count: n, type, offset, index, addend, chunkStart };
}

/** "relocation 3 (R_WASM_MEMORY_ADDR_LEB at 0x1f)": built only for a message, never per relocation read. */
function describe(i: number, type: number, offset: number): string {
  return `relocation ${i} (${relocationTypeName(type)} at ${hex(offset)})`;
}

interface ChunkBounds {
  what: string;
  count: number;
  start(i: number): number;
  end(i: number): number;
}

/** The function bodies of CODE or the segments' bytes of DATA, in section offsets; null for a custom section. */
function chunkBounds(obj: WasmObject, t: WasmSection): ChunkBounds | null {
  if (t.id === SEC_CODE) {
    const { offset, size, count } = obj.code;
    return { what: 'function body', count, start: (i) => offset[i]!, end: (i) => offset[i]! + size[i]! };
  }
  if (t.id === SEC_DATA) {
    const segs = obj.dataSegments;
    return { what: 'data segment', count: segs.length, start: (i) => segs[i]!.dataOffset, end: (i) => segs[i]!.dataOffset + segs[i]!.data.length };
  }
  return null;
}
