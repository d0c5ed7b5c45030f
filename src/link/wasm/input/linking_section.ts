//! Decodes the `linking` custom section (Linking.md, version 2): its subsections
//! WASM_SYMBOL_TABLE (every symbol kind, with the flags and, for an import without an
//! explicit name, the import's field name), WASM_SEGMENT_INFO, WASM_INIT_FUNCS and
//! WASM_COMDAT_INFO. Every index a subsection holds — function, global, table, tag, data
//! segment, section, symbol — is checked against the module it describes.

import type { ByteReader } from './byte_reader.js';
import { sectionLabel } from './module_sections.js';
import type { Comdat, InitFuncs, LinkingSection, SegmentInfo, SymbolTable, WasmObject, WasmSection } from './object_model.js';
import { functionCount, globalCount, tableCount, tagCount } from './standard_sections.js';
import {
  COMDAT_DATA, COMDAT_FUNCTION, COMDAT_GLOBAL, COMDAT_SECTION, COMDAT_TABLE, COMDAT_TAG, EXTERNAL_FUNCTION, EXTERNAL_GLOBAL,
  EXTERNAL_TABLE, EXTERNAL_TAG, hex, LINKING_COMDAT_INFO, LINKING_INIT_FUNCS, LINKING_SEGMENT_INFO, LINKING_SYMBOL_TABLE,
  LINKING_VERSION, SEC_CUSTOM, SEG_KNOWN_FLAGS, SYM_ABSOLUTE, SYM_BINDING_LOCAL, SYM_BINDING_WEAK, SYM_EXPLICIT_NAME, SYM_KNOWN_FLAGS, SYM_UNDEFINED,
  SYMTAB_DATA, SYMTAB_FUNCTION, SYMTAB_GLOBAL, SYMTAB_SECTION, SYMTAB_TABLE, SYMTAB_TAG, symbolKindName,
} from './wasm_constants.js';

const SUBSECTION_NAMES: Record<number, string> = {
  [LINKING_SEGMENT_INFO]: 'WASM_SEGMENT_INFO',
  [LINKING_INIT_FUNCS]: 'WASM_INIT_FUNCS',
  [LINKING_COMDAT_INFO]: 'WASM_COMDAT_INFO',
  [LINKING_SYMBOL_TABLE]: 'WASM_SYMBOL_TABLE',
};

const NO_INDEX = 0xffffffff;

/** Decodes `linking` section `s`; the reader spans its contents. */
export function readLinkingSection(r: ByteReader, s: WasmSection, obj: WasmObject): LinkingSection {
  const label = sectionLabel(s);
  const versionAt = r.pos;
  const version = r.u32('linking version');
  if (version !== LINKING_VERSION) r.fail(`linking metadata version ${version}, expected ${LINKING_VERSION}`, versionAt);
  let symbols: SymbolTable | null = null;
  let segments: SegmentInfo | null = null;
  let initFuncs: InitFuncs | null = null;
  let comdats: Comdat[] | null = null;
  while (r.pos < r.end) {
    r.where = label;
    const at = r.pos;
    const type = r.u8('subsection type');
    const size = r.u32('subsection size');
    const name = SUBSECTION_NAMES[type];
    if (name === undefined) r.fail(`unknown linking subsection type ${type}`, at);
    r.where = `${label}, subsection ${name}`;
    const seen = type === LINKING_SYMBOL_TABLE ? symbols : type === LINKING_SEGMENT_INFO ? segments : type === LINKING_INIT_FUNCS ? initFuncs : comdats;
    if (seen !== null) r.fail(`a second ${name} subsection`, at);
    const outer = r.narrow(size, `subsection ${name}`);
    switch (type) {
      case LINKING_SYMBOL_TABLE: symbols = readSymbolTable(r, obj); break;
      case LINKING_SEGMENT_INFO: segments = readSegmentInfo(r, obj); break;
      case LINKING_INIT_FUNCS:
        if (symbols === null) r.fail('WASM_INIT_FUNCS comes before WASM_SYMBOL_TABLE, whose symbols it names', at);
        initFuncs = readInitFuncs(r, symbols);
        break;
      case LINKING_COMDAT_INFO: comdats = readComdats(r, obj); break;
    }
    r.widen(outer, `subsection ${name}`);
  }
  r.where = label;
  return {
    section: s.index,
    version,
    symbols: symbols ?? emptySymbolTable(),
    segments: segments ?? defaultSegmentInfo(obj.dataSegments.length),
    initFuncs: initFuncs ?? { count: 0, priority: new Uint32Array(0), symbol: new Uint32Array(0) },
    comdats: comdats ?? [],
  };
}

function emptySymbolTable(): SymbolTable {
  return { count: 0, names: [], kind: new Uint8Array(0), flags: new Uint32Array(0), index: new Uint32Array(0), offset: new Float64Array(0), size: new Float64Array(0) };
}

function defaultSegmentInfo(n: number): SegmentInfo {
  return { count: n, names: new Array<string>(n).fill(''), alignLog2: new Uint32Array(n), flags: new Uint32Array(n) };
}

/** For a function, global, table or tag symbol: how many of that kind are imported and how many there are. */
function indexSpace(obj: WasmObject, kind: number): { imported: number; total: number; external: number } {
  switch (kind) {
    case SYMTAB_FUNCTION: return { imported: obj.importedFunctions, total: functionCount(obj), external: EXTERNAL_FUNCTION };
    case SYMTAB_GLOBAL: return { imported: obj.importedGlobals, total: globalCount(obj), external: EXTERNAL_GLOBAL };
    case SYMTAB_TABLE: return { imported: obj.importedTables, total: tableCount(obj), external: EXTERNAL_TABLE };
    default: return { imported: obj.importedTags, total: tagCount(obj), external: EXTERNAL_TAG };
  }
}

function readSymbolTable(r: ByteReader, obj: WasmObject): SymbolTable {
  const n = r.count('symbol count', 2);
  const t: SymbolTable = {
    count: n,
    names: new Array<string>(n),
    kind: new Uint8Array(n),
    flags: new Uint32Array(n),
    index: new Uint32Array(n),
    offset: new Float64Array(n),
    size: new Float64Array(n),
  };
  // Import field names by kind, found once rather than by a scan per undefined symbol.
  const importNames = new Map<number, string[]>();
  for (const imp of obj.imports) {
    let names = importNames.get(imp.kind);
    if (names === undefined) importNames.set(imp.kind, (names = []));
    names[imp.kindIndex] = imp.field;
  }
  const spaces = [SYMTAB_FUNCTION, SYMTAB_DATA, SYMTAB_GLOBAL, SYMTAB_SECTION, SYMTAB_TAG, SYMTAB_TABLE].map((k) => indexSpace(obj, k));
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    r.at('symbol', i);
    const kind = r.u8('kind');
    const flags = r.u32('flags');
    if (flags & ~SYM_KNOWN_FLAGS) r.fail(`symbol ${i} has unknown flags ${hex((flags & ~SYM_KNOWN_FLAGS) >>> 0)}`, at);
    if ((flags & SYM_BINDING_WEAK) && (flags & SYM_BINDING_LOCAL)) r.fail(`symbol ${i} is both weak and local`, at);
    const undefined_ = (flags & SYM_UNDEFINED) !== 0;
    t.kind[i] = kind;
    t.flags[i] = flags;
    switch (kind) {
      case SYMTAB_FUNCTION: case SYMTAB_GLOBAL: case SYMTAB_TABLE: case SYMTAB_TAG: {
        const space = spaces[kind]!;
        const indexAt = r.pos;
        const index = r.u32('index');
        if (undefined_) {
          if (index >= space.imported) r.fail(`undefined ${symbolKindName(kind)} symbol ${i} names ${symbolKindName(kind)} ${index}, which is not an import (there are ${space.imported} imported)`, indexAt);
          t.names[i] = flags & SYM_EXPLICIT_NAME ? r.name('name') : importNames.get(space.external)![index]!;
        } else {
          if (index < space.imported || index >= space.total) {
            r.fail(`defined ${symbolKindName(kind)} symbol ${i} names ${symbolKindName(kind)} ${index}, which is not a defined one (${space.imported} imported, ${space.total} in all)`, indexAt);
          }
          t.names[i] = r.name('name');
        }
        t.index[i] = index;
        break;
      }
      case SYMTAB_DATA: {
        t.names[i] = r.name('name');
        t.index[i] = NO_INDEX;
        if (undefined_) break;
        const segAt = r.pos;
        const segment = r.u32('segment');
        const offset = r.u64('offset');
        const size = r.u64('size');
        if (!(flags & SYM_ABSOLUTE)) {
          const seg = obj.dataSegments[segment];
          if (seg === undefined) r.fail(`data symbol ${i} ('${t.names[i]}') is in segment ${segment}, but there are ${obj.dataSegments.length} data segments`, segAt);
          if (offset + size > seg.data.length) r.fail(`data symbol ${i} ('${t.names[i]}') at offset ${offset} of size ${size} runs past the end of its segment ${segment} (${seg.data.length} bytes)`, segAt);
        }
        t.index[i] = segment;
        t.offset[i] = offset;
        t.size[i] = size;
        break;
      }
      case SYMTAB_SECTION: {
        const secAt = r.pos;
        const section = r.u32('section');
        const target = obj.sections[section];
        if (target === undefined || target.id !== SEC_CUSTOM) r.fail(`section symbol ${i} names section ${section}, which is not a custom section`, secAt);
        if ((flags & (SYM_BINDING_WEAK | SYM_BINDING_LOCAL)) !== SYM_BINDING_LOCAL) r.fail(`section symbol ${i} ('${target.name}') is not local`, at);
        t.names[i] = target.name;
        t.index[i] = section;
        break;
      }
      default:
        r.fail(`symbol ${i} has unknown kind ${kind}`, at);
    }
  }
  r.endItems();
  return t;
}

function readSegmentInfo(r: ByteReader, obj: WasmObject): SegmentInfo {
  const at = r.pos;
  const n = r.count('segment count', 3);
  const segments = obj.dataSegments.length;
  if (n > segments) r.fail(`segment info for ${n} segments, but there are ${segments} data segments`, at);
  const info = defaultSegmentInfo(segments);
  for (let i = 0; i < n; i++) {
    info.names[i] = r.name(`segment ${i} name`);
    const alignAt = r.pos;
    const align = r.u32(`segment ${i} alignment`);
    if (align > 31) r.fail(`segment ${i} ('${info.names[i]}') alignment 2^${align} is too large`, alignAt);
    info.alignLog2[i] = align;
    const flagsAt = r.pos;
    const flags = r.u32(`segment ${i} flags`);
    if (flags & ~SEG_KNOWN_FLAGS) r.fail(`segment ${i} ('${info.names[i]}') has unknown flags ${hex((flags & ~SEG_KNOWN_FLAGS) >>> 0)}`, flagsAt);
    info.flags[i] = flags;
  }
  return info;
}

function readInitFuncs(r: ByteReader, symbols: SymbolTable): InitFuncs {
  const n = r.count('init function count', 2);
  const priority = new Uint32Array(n);
  const symbol = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    priority[i] = r.u32(`init function ${i} priority`);
    const at = r.pos;
    const s = r.u32(`init function ${i} symbol`);
    if (s >= symbols.count) r.fail(`init function ${i} is symbol ${s}, but there are ${symbols.count} symbols`, at);
    if (symbols.kind[s] !== SYMTAB_FUNCTION) r.fail(`init function ${i} is symbol ${s} ('${symbols.names[s]}'), a ${symbolKindName(symbols.kind[s]!)} symbol, not a function`, at);
    symbol[i] = s;
  }
  return { count: n, priority, symbol };
}

function readComdats(r: ByteReader, obj: WasmObject): Comdat[] {
  const n = r.count('COMDAT count', 3);
  const comdats: Comdat[] = [];
  const names = new Set<string>();
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const name = r.name(`COMDAT ${i} name`);
    if (names.has(name)) r.fail(`COMDAT '${name}' appears twice`, at);
    names.add(name);
    const flagsAt = r.pos;
    const flags = r.u32(`COMDAT '${name}' flags`);
    if (flags !== 0) r.fail(`COMDAT '${name}' has flags ${flags}; none are defined`, flagsAt);
    const count = r.count(`COMDAT '${name}' entry count`, 2);
    const kinds = new Uint8Array(count);
    const indices = new Uint32Array(count);
    for (let k = 0; k < count; k++) {
      const eAt = r.pos;
      const kind = r.u8(`COMDAT '${name}' entry ${k} kind`);
      const index = r.u32(`COMDAT '${name}' entry ${k} index`);
      const problem = comdatEntryProblem(obj, kind, index);
      if (problem !== null) r.fail(`COMDAT '${name}' entry ${k}: ${problem}`, eAt);
      kinds[k] = kind;
      indices[k] = index;
    }
    comdats.push({ name, flags, kinds, indices });
  }
  return comdats;
}

/** Why a COMDAT entry is invalid (it must name a defined function, global, … or a custom section), or null. */
function comdatEntryProblem(obj: WasmObject, kind: number, index: number): string | null {
  const defined = (what: string, imported: number, total: number) =>
    index >= imported && index < total ? null : `${what} ${index} is not a defined ${what} (${imported} imported, ${total} in all)`;
  switch (kind) {
    case COMDAT_DATA: return index < obj.dataSegments.length ? null : `data segment ${index} does not exist (there are ${obj.dataSegments.length})`;
    case COMDAT_FUNCTION: return defined('function', obj.importedFunctions, functionCount(obj));
    case COMDAT_GLOBAL: return defined('global', obj.importedGlobals, globalCount(obj));
    case COMDAT_TAG: return defined('tag', obj.importedTags, tagCount(obj));
    case COMDAT_TABLE: return defined('table', obj.importedTables, tableCount(obj));
    case COMDAT_SECTION: return obj.sections[index]?.id === SEC_CUSTOM ? null : `section ${index} is not a custom section`;
    default: return `unknown kind ${kind}`;
  }
}
