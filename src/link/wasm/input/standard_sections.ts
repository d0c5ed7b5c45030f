//! Decodes the standard sections of a wasm object into the model: type, import,
//! function, table, memory, tag, global, export, start, element, data count, code and
//! data. Function bodies are not parsed: the code section is split into bodies (offset
//! and size in the section), which the linker copies and patches. Indices are checked
//! against the index spaces known so far (sections come in their required order).

import type { ByteReader } from './byte_reader.js';
import { readConstExpr } from './const_expr.js';
import type { DataSegment, ElementSegment, FuncType, GlobalType, Limits, TableType, WasmObject, WasmSection } from './object_model.js';
import {
  EXTERNAL_FUNCTION, EXTERNAL_GLOBAL, EXTERNAL_MEMORY, EXTERNAL_TABLE, EXTERNAL_TAG, externalKindName, hex, isReferenceType,
  isValueType, LIMITS_64, LIMITS_HAS_MAX, SEC_CODE, SEC_DATA, SEC_DATACOUNT, SEC_ELEM, SEC_EXPORT, SEC_FUNCTION, SEC_GLOBAL,
  SEC_IMPORT, SEC_MEMORY, SEC_START, SEC_TABLE, SEC_TAG, SEC_TYPE, SEGMENT_ACTIVE, SEGMENT_DECLARATIVE, SEGMENT_PASSIVE,
  TYPE_FUNC, TYPE_FUNCREF,
} from './wasm_constants.js';

/** Decodes standard section `s` (the reader spans its contents) into `obj`. */
export function readStandardSection(r: ByteReader, s: WasmSection, obj: WasmObject): void {
  switch (s.id) {
    case SEC_TYPE: return readTypes(r, obj);
    case SEC_IMPORT: return readImports(r, obj);
    case SEC_FUNCTION: return readFunctions(r, obj);
    case SEC_TABLE: return readTables(r, obj);
    case SEC_MEMORY: return readMemories(r, obj);
    case SEC_TAG: return readTags(r, obj);
    case SEC_GLOBAL: return readGlobals(r, obj);
    case SEC_EXPORT: return readExports(r, obj);
    case SEC_START: return readStart(r, obj);
    case SEC_ELEM: return readElements(r, obj);
    case SEC_DATACOUNT: obj.dataCount = r.u32('data count'); return;
    case SEC_CODE: return readCode(r, s, obj);
    case SEC_DATA: return readData(r, s, obj);
  }
}

export const functionCount = (o: WasmObject): number => o.importedFunctions + o.functionTypes.length;
export const tableCount = (o: WasmObject): number => o.importedTables + o.tables.length;
export const memoryCount = (o: WasmObject): number => o.importedMemories + o.memories.length;
export const globalCount = (o: WasmObject): number => o.importedGlobals + o.globals.length;
export const tagCount = (o: WasmObject): number => o.importedTags + o.tags.length;

function valueType(r: ByteReader, what: string): number {
  const at = r.pos;
  const t = r.u8(what);
  if (!isValueType(t)) r.fail(`${what} ${hex(t)} is not a value type`, at);
  return t;
}

function referenceType(r: ByteReader, what: string): number {
  const at = r.pos;
  const t = r.u8(what);
  if (!isReferenceType(t)) r.fail(`${what} ${hex(t)} is not a reference type`, at);
  return t;
}

function typeIndex(r: ByteReader, obj: WasmObject, what: string): number {
  const at = r.pos;
  const t = r.u32(what);
  if (t >= obj.types.length) r.fail(`${r.describe(what)} ${t} is out of range: there are ${obj.types.length} types`, at);
  return t;
}

function valueTypes(r: ByteReader, what: string): Uint8Array {
  const n = r.count(`${what} count`, 1);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = valueType(r, what);
  return out;
}

function readTypes(r: ByteReader, obj: WasmObject): void {
  const n = r.count('type count', 3);
  const types: FuncType[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const form = r.u8('type form');
    if (form !== TYPE_FUNC) r.fail(`type ${i} has form ${hex(form)}, expected 0x60 (func)`, at);
    const params = valueTypes(r, `type ${i} parameter`);
    const results = valueTypes(r, `type ${i} result`);
    types[i] = { params, results };
  }
  obj.types = types;
}

function limits(r: ByteReader, what: string): Limits {
  const at = r.pos;
  const flags = r.u32(`${what} limits flags`);
  if (flags > 7) r.fail(`${what} limits flags ${hex(flags)} are not known`, at);
  const wide = (flags & LIMITS_64) !== 0;
  const min = wide ? r.u64(`${what} minimum`) : r.u32(`${what} minimum`);
  let max = -1;
  if (flags & LIMITS_HAS_MAX) {
    max = wide ? r.u64(`${what} maximum`) : r.u32(`${what} maximum`);
    if (max < min) r.fail(`${what} maximum ${max} is below its minimum ${min}`, at);
  }
  return { flags, min, max };
}

function tableType(r: ByteReader, what: string): TableType {
  const elemType = referenceType(r, `${what} element type`);
  return { elemType, limits: limits(r, what) };
}

function globalType(r: ByteReader, what: string): GlobalType {
  const valueTypeOf = valueType(r, `${what} type`);
  const at = r.pos;
  const m = r.u8(`${what} mutability`);
  if (m > 1) r.fail(`${what} mutability ${m} is neither 0 nor 1`, at);
  return { valueType: valueTypeOf, mutable: m === 1 };
}

function readImports(r: ByteReader, obj: WasmObject): void {
  const n = r.count('import count', 4);
  for (let i = 0; i < n; i++) {
    const module = r.name(`import ${i} module name`);
    const field = r.name(`import ${i} field name`);
    const at = r.pos;
    const kind = r.u8(`import ${i} kind`);
    let kindIndex = 0;
    let typeIdx = -1;
    let table: TableType | null = null;
    let memory: Limits | null = null;
    let global: GlobalType | null = null;
    switch (kind) {
      case EXTERNAL_FUNCTION:
        typeIdx = typeIndex(r, obj, `import ${i} (${module}.${field}) type index`);
        kindIndex = obj.importedFunctions++;
        break;
      case EXTERNAL_TABLE:
        table = tableType(r, `import ${i} table`);
        kindIndex = obj.importedTables++;
        break;
      case EXTERNAL_MEMORY:
        memory = limits(r, `import ${i} memory`);
        kindIndex = obj.importedMemories++;
        break;
      case EXTERNAL_GLOBAL:
        global = globalType(r, `import ${i} global`);
        kindIndex = obj.importedGlobals++;
        break;
      case EXTERNAL_TAG: {
        const attrAt = r.pos;
        const attribute = r.u8(`import ${i} tag attribute`);
        if (attribute !== 0) r.fail(`import ${i} tag attribute ${attribute} is not 0 (exception)`, attrAt);
        typeIdx = typeIndex(r, obj, `import ${i} tag type index`);
        kindIndex = obj.importedTags++;
        break;
      }
      default:
        r.fail(`import ${i} (${module}.${field}) has unknown kind ${kind}`, at);
    }
    obj.imports.push({ module, field, kind, kindIndex, typeIndex: typeIdx, table, memory, global });
  }
}

function readFunctions(r: ByteReader, obj: WasmObject): void {
  const n = r.count('function count', 1);
  const types = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    r.at('function', obj.importedFunctions + i);
    types[i] = typeIndex(r, obj, 'type index');
  }
  r.endItems();
  obj.functionTypes = types;
}

function readTables(r: ByteReader, obj: WasmObject): void {
  const n = r.count('table count', 3);
  for (let i = 0; i < n; i++) obj.tables.push(tableType(r, `table ${obj.importedTables + i}`));
}

function readMemories(r: ByteReader, obj: WasmObject): void {
  const n = r.count('memory count', 2);
  for (let i = 0; i < n; i++) obj.memories.push(limits(r, `memory ${obj.importedMemories + i}`));
}

function readTags(r: ByteReader, obj: WasmObject): void {
  const n = r.count('tag count', 2);
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const attribute = r.u8(`tag ${i} attribute`);
    if (attribute !== 0) r.fail(`tag ${i} attribute ${attribute} is not 0 (exception)`, at);
    obj.tags.push({ attribute, typeIndex: typeIndex(r, obj, `tag ${i} type index`) });
  }
}

function readGlobals(r: ByteReader, obj: WasmObject): void {
  const n = r.count('global count', 3);
  for (let i = 0; i < n; i++) {
    const index = obj.importedGlobals + i;
    const type = globalType(r, `global ${index}`);
    // An initializer may read imported globals only (and, with extended constants, earlier ones).
    const init = readConstExpr(r, `global ${index} initializer`, index, functionCount(obj));
    obj.globals.push({ type, init });
  }
}

function readExports(r: ByteReader, obj: WasmObject): void {
  const n = r.count('export count', 3);
  for (let i = 0; i < n; i++) {
    const name = r.name(`export ${i} name`);
    const at = r.pos;
    const kind = r.u8(`export ${i} kind`);
    const index = r.u32(`export ${i} index`);
    const limit = kind === EXTERNAL_FUNCTION ? functionCount(obj) : kind === EXTERNAL_TABLE ? tableCount(obj)
      : kind === EXTERNAL_MEMORY ? memoryCount(obj) : kind === EXTERNAL_GLOBAL ? globalCount(obj) : kind === EXTERNAL_TAG ? tagCount(obj) : -1;
    if (limit < 0) r.fail(`export ${i} ('${name}') has unknown kind ${kind}`, at);
    if (index >= limit) r.fail(`export ${i} ('${name}') names ${externalKindName(kind)} ${index}, but there are ${limit}`, at);
    obj.exports.push({ name, kind, index });
  }
}

function readStart(r: ByteReader, obj: WasmObject): void {
  const at = r.pos;
  const f = r.u32('start function');
  if (f >= functionCount(obj)) r.fail(`start function ${f} is out of range: there are ${functionCount(obj)} functions`, at);
  obj.start = f;
}

function readElements(r: ByteReader, obj: WasmObject): void {
  const n = r.count('element segment count', 2);
  const functions = functionCount(obj);
  const globals = globalCount(obj);
  for (let i = 0; i < n; i++) {
    const what = `element segment ${i}`;
    const at = r.pos;
    const flags = r.u32(`${what} flags`);
    if (flags > 7) r.fail(`${what} has unknown flags ${flags}`, at);
    const mode = flags & 1 ? (flags & 2 ? SEGMENT_DECLARATIVE : SEGMENT_PASSIVE) : SEGMENT_ACTIVE;
    let table = 0;
    if (flags === 2 || flags === 6) {
      const tAt = r.pos;
      table = r.u32(`${what} table`);
      if (table >= tableCount(obj)) r.fail(`${what} is for table ${table}, but there are ${tableCount(obj)} tables`, tAt);
    }
    const offset = mode === SEGMENT_ACTIVE ? readConstExpr(r, `${what} offset`, globals, functions) : null;
    const usesExprs = (flags & 4) !== 0;
    let elemType = TYPE_FUNCREF;
    if (flags & 3) {
      if (usesExprs) elemType = referenceType(r, `${what} element type`);
      else {
        const kAt = r.pos;
        const elemKind = r.u8(`${what} element kind`);
        if (elemKind !== 0) r.fail(`${what} element kind ${elemKind} is not 0 (funcref)`, kAt);
      }
    }
    let funcs: Uint32Array | null = null;
    let exprs: ElementSegment['exprs'] = null;
    if (usesExprs) {
      const count = r.count(`${what} element count`, 2);
      exprs = [];
      for (let k = 0; k < count; k++) exprs.push(readConstExpr(r, `${what} element ${k}`, globals, functions));
    } else {
      const count = r.count(`${what} element count`, 1);
      funcs = new Uint32Array(count);
      for (let k = 0; k < count; k++) {
        const fAt = r.pos;
        const f = r.u32(`${what} element ${k}`);
        if (f >= functions) r.fail(`${what} element ${k} is function ${f}, but there are ${functions} functions`, fAt);
        funcs[k] = f;
      }
    }
    obj.elements.push({ mode, flags, table, offset, elemType, functions: funcs, exprs });
  }
}

function readCode(r: ByteReader, s: WasmSection, obj: WasmObject): void {
  const at = r.pos;
  const n = r.count('function body count', 1);
  if (n !== obj.functionTypes.length) r.fail(`${n} function bodies, but the FUNCTION section declares ${obj.functionTypes.length} functions`, at);
  const offset = new Uint32Array(n);
  const size = new Uint32Array(n);
  const bytes = r.bytes;
  for (let i = 0; i < n; i++) {
    const sizeAt = r.pos;
    r.at('function', obj.importedFunctions + i);
    const len = r.u32('body size');
    r.need(len, 'body');
    // Every body ends with `end`; checking it catches a wrong size without parsing the body.
    if (len < 2 || bytes[r.pos + len - 1] !== 0x0b) r.fail(`function ${obj.importedFunctions + i} body of ${len} bytes does not end with 'end' (0x0b)`, sizeAt);
    offset[i] = r.pos - s.offset;
    size[i] = len;
    r.pos += len;
  }
  r.endItems();
  obj.code = { section: s.index, count: n, offset, size };
}

function readData(r: ByteReader, s: WasmSection, obj: WasmObject): void {
  const at = r.pos;
  const n = r.count('data segment count', 2);
  if (obj.dataCount >= 0 && n !== obj.dataCount) r.fail(`${n} data segments, but the DATACOUNT section says ${obj.dataCount}`, at);
  const functions = functionCount(obj);
  const globals = globalCount(obj);
  const segments: DataSegment[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const what = `data segment ${i}`;
    const fAt = r.pos;
    const flags = r.u32(`${what} flags`);
    if (flags > 2) r.fail(`${what} has unknown flags ${flags}`, fAt);
    let memory = 0;
    if (flags === 2) {
      const mAt = r.pos;
      memory = r.u32(`${what} memory`);
      if (memory >= memoryCount(obj)) r.fail(`${what} is for memory ${memory}, but there are ${memoryCount(obj)} memories`, mAt);
    }
    const mode = flags === 1 ? SEGMENT_PASSIVE : SEGMENT_ACTIVE;
    const offset = mode === SEGMENT_ACTIVE ? readConstExpr(r, `${what} offset`, globals, functions) : null;
    const len = r.u32(`${what} size`);
    const dataOffset = r.pos - s.offset;
    const data = r.bytesOf(len, `${what} contents`);
    segments[i] = { mode, flags, memory, offset, dataOffset, data };
  }
  obj.dataSection = s.index;
  obj.dataSegments = segments;
}
