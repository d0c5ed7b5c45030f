//! Reads a wasm relocatable object (what `clang --target=wasm32-wasi -c` writes) into the
//! data model of object_model.ts. Pure: it takes the file's display name (for messages
//! only) and the bytes. Every count, size, offset and index is checked before it is used,
//! so a malformed file gives an ObjectFormatError naming the file, the section, the byte
//! offset and what is wrong — never another exception, a hang or a huge allocation. The
//! steps, in order: header, section framing, standard sections, the `linking` section,
//! `reloc.*` sections, `target_features`, cross-section checks.

import { ByteReader } from './byte_reader.js';
import { readLinkingSection } from './linking_section.js';
import { readModuleHeader, readSections, sectionLabel } from './module_sections.js';
import type { LinkingSection, RelocationTable, WasmObject, WasmSection } from './object_model.js';
import { readRelocationSection } from './relocation_sections.js';
import { readStandardSection } from './standard_sections.js';
import { readTargetFeatures } from './target_features.js';
import { SEC_CUSTOM } from './wasm_constants.js';

/** Reads `bytes` (the whole file, called `path` in messages) as a wasm relocatable object. */
export function readWasmObject(path: string, bytes: Uint8Array): WasmObject {
  const r = new ByteReader(path, bytes);
  readModuleHeader(r);
  const sections = readSections(r);
  const obj = emptyObject(path, sections);
  readStandardSections(r, obj);
  checkCrossSectionCounts(r, obj);
  const linking = findLinkingSection(r, obj);
  obj.linking = inSection(r, linking, () => readLinkingSection(r, linking, obj));
  obj.relocations = readRelocationSections(r, obj);
  obj.targetFeatures = readTargetFeaturesSection(r, obj);
  obj.customSections = sections.filter((s) => s.id === SEC_CUSTOM && !isLinkerMetadata(s)).map((s) => s.index);
  return obj;
}

function emptyObject(path: string, sections: WasmSection[]): WasmObject {
  return {
    path, sections, types: [], imports: [],
    importedFunctions: 0, importedTables: 0, importedMemories: 0, importedGlobals: 0, importedTags: 0,
    functionTypes: new Uint32Array(0), tables: [], memories: [], tags: [], globals: [], exports: [], start: -1,
    elements: [], dataCount: -1, code: { section: -1, count: 0, offset: new Uint32Array(0), size: new Uint32Array(0) },
    dataSection: -1, dataSegments: [], linking: null as unknown as LinkingSection, relocations: [], targetFeatures: null,
    customSections: [],
  };
}

/** Runs `read` with the reader spanning section `s`'s contents, then checks it read them all. */
function inSection<T>(r: ByteReader, s: WasmSection, read: () => T): T {
  r.where = sectionLabel(s);
  r.pos = s.offset;
  r.end = s.offset + s.size;
  const result = read();
  r.where = sectionLabel(s);
  if (r.pos !== r.end) r.fail(`${r.end - r.pos} bytes left over after the section's contents`);
  r.end = r.bytes.length;
  return result;
}

function readStandardSections(r: ByteReader, obj: WasmObject): void {
  for (const s of obj.sections) if (s.id !== SEC_CUSTOM) inSection(r, s, () => readStandardSection(r, s, obj));
}

/** What no single section can check: a FUNCTION section without CODE, a DATACOUNT without DATA. */
function checkCrossSectionCounts(r: ByteReader, obj: WasmObject): void {
  r.where = 'module';
  if (obj.code.section < 0 && obj.functionTypes.length > 0) r.fail(`the FUNCTION section declares ${obj.functionTypes.length} functions, but there is no CODE section`, r.bytes.length);
  if (obj.dataSection < 0 && obj.dataCount > 0) r.fail(`the DATACOUNT section says ${obj.dataCount} data segments, but there is no DATA section`, r.bytes.length);
}

function findLinkingSection(r: ByteReader, obj: WasmObject): WasmSection {
  const found = obj.sections.filter((s) => s.id === SEC_CUSTOM && s.name === 'linking');
  r.where = 'module';
  if (found.length === 0) {
    r.fail("not a relocatable wasm object: there is no 'linking' section (a linked module, or an object built without relocation info?)", 0);
  }
  if (found.length > 1) r.fail(`a second 'linking' section (#${found[1]!.index})`, found[1]!.headerOffset);
  return found[0]!;
}

function readRelocationSections(r: ByteReader, obj: WasmObject): RelocationTable[] {
  const tables: RelocationTable[] = [];
  const seen = new Map<number, number>();
  for (const s of obj.sections) {
    if (s.id !== SEC_CUSTOM || !s.name.startsWith('reloc.')) continue;
    const table = inSection(r, s, () => readRelocationSection(r, s, obj, obj.linking.symbols));
    const earlier = seen.get(table.target);
    if (earlier !== undefined) r.fail(`a second relocation section for ${sectionLabel(obj.sections[table.target]!)} (the first is #${earlier})`, s.offset);
    seen.set(table.target, s.index);
    tables.push(table);
  }
  return tables;
}

function readTargetFeaturesSection(r: ByteReader, obj: WasmObject): WasmObject['targetFeatures'] {
  const found = obj.sections.filter((s) => s.id === SEC_CUSTOM && s.name === 'target_features');
  if (found.length === 0) return null;
  if (found.length > 1) {
    r.where = 'module';
    r.fail(`a second 'target_features' section (#${found[1]!.index})`, found[1]!.headerOffset);
  }
  return inSection(r, found[0]!, () => readTargetFeatures(r));
}

function isLinkerMetadata(s: WasmSection): boolean {
  return s.name === 'linking' || s.name === 'target_features' || s.name.startsWith('reloc.');
}
