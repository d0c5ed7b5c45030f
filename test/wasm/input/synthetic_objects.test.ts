// What clang 14 does not emit, read from objects written byte by byte (object_builder.ts):
// every relocation type of Linking.md with its addend rule (none, varint32, varint64),
// every symbol kind and flag — absolute data symbols, explicit import names, TLS — each
// standard section including tags and globals, and the chunk ranges of CODE and DATA.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ADDEND_32, ADDEND_64, ADDEND_NONE, readWasmObject, relocationTypeInfo, relocationTypeName, SYM_ABSOLUTE, SYM_EXPLICIT_NAME,
  SYM_TLS, TARGET_DATA, TARGET_FUNCTION, TARGET_GLOBAL, TARGET_SECTION, TARGET_TABLE, TARGET_TAG, TARGET_TYPE,
} from '../../../src/link/wasm/input/index.js';
import { build, custom, defaultSymbols, goodParts, initFuncs, segmentInfo, str, symbolTable, uleb, comdatInfo, type Reloc } from './object_builder.js';
import { expectMatchesObjdump, expectMatchesReadobj, objdumpListings, readobjListings } from './tool_listings.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-wasm-synth-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A symbol (or type) of the good object that a relocation of each target kind may name. */
function indexFor(targets: number): number {
  if (targets & TARGET_FUNCTION) return 0;
  if (targets & TARGET_DATA) return 3;
  if (targets & TARGET_GLOBAL) return 6;
  if (targets & TARGET_SECTION) return 8;
  if (targets & TARGET_TAG) return 9;
  if (targets & TARGET_TABLE) return 11;
  if (targets & TARGET_TYPE) return 1;
  throw new Error(`no symbol for targets ${targets}`);
}

const ALL_TYPES = Array.from({ length: 27 }, (_, t) => t).filter((t) => relocationTypeInfo(t) !== undefined);

describe('objects written by hand', () => {
  it('know the 27 relocation types of Linking.md, numbered 0 to 26', () => {
    expect(ALL_TYPES.length).toBe(27);
    expect(ALL_TYPES.map(relocationTypeName)).toContain('R_WASM_FUNCTION_INDEX_I32');
    expect(relocationTypeInfo(27)).toBeUndefined();
  });

  it('decode every relocation type with its addend rule', () => {
    const relocs: Reloc[] = ALL_TYPES.map((type) => {
      const info = relocationTypeInfo(type)!;
      const addend = info.addend === ADDEND_NONE ? undefined : info.addend === ADDEND_32 ? -5 - type : -(2 ** 40) - type;
      return { type, offset: 3, index: indexFor(info.targets), addend };
    });
    const obj = readWasmObject('all.o', build(goodParts({ code: relocs })));
    const code = obj.relocations.find((r) => r.target === obj.code.section)!;
    expect(code.count).toBe(27);
    for (let k = 0; k < code.count; k++) {
      const info = relocationTypeInfo(code.type[k]!)!;
      expect(code.offset[k]).toBe(3);
      expect(code.index[k]).toBe(indexFor(info.targets));
      const expected = info.addend === ADDEND_NONE ? 0 : info.addend === ADDEND_32 ? -5 - code.type[k]! : -(2 ** 40) - code.type[k]!;
      expect(code.addend[k], info.name).toBe(expected);
    }
    expect(Array.from(code.chunkStart!)).toEqual([0, 27, 27]);
    // 64-bit types take a varint64 addend; their 32-bit twins a varint32.
    expect(relocationTypeInfo(16)!.addend).toBe(ADDEND_64);
    expect(relocationTypeInfo(5)!.addend).toBe(ADDEND_32);
  });

  it('read every symbol kind and flag, naming undefined symbols after their imports', () => {
    const obj = readWasmObject('good.o', build(goodParts()));
    const t = obj.linking.symbols;
    expect(t.names).toEqual(['f_defined', 'f_local', 'imported_fn', 'd_counter', 'd_extern', 'd_absolute', '__stack_pointer', 'g_defined',
      '.debug_info', 'imported_tag', 't_defined', '__indirect_function_table', 'd_tls', 'renamed_import']);
    expect(Array.from(t.kind)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 4, 5, 1, 0]);
    expect(Array.from(t.index)).toEqual([2, 3, 0, 0, 0xffffffff, 0, 0, 1, 7, 0, 1, 0, 1, 1]);
    expect(t.flags[5]! & SYM_ABSOLUTE).toBeTruthy();
    expect(t.offset[5]).toBe(1024);
    expect(t.flags[12]! & SYM_TLS).toBeTruthy();
    expect([t.offset[12], t.size[12]]).toEqual([4, 4]);
    expect(t.flags[13]! & SYM_EXPLICIT_NAME).toBeTruthy();
    expect(obj.imports[5]).toMatchObject({ module: 'other', field: 'raw_name', kind: 0, kindIndex: 1, typeIndex: 1 });
  });

  it('read the standard sections, segment info, init functions, COMDATs and features', () => {
    const obj = readWasmObject('good.o', build(goodParts()));
    expect([obj.importedFunctions, obj.importedGlobals, obj.importedTables, obj.importedMemories, obj.importedTags]).toEqual([2, 1, 1, 1, 1]);
    expect(Array.from(obj.functionTypes)).toEqual([0, 1]);
    expect(obj.tags).toEqual([{ attribute: 0, typeIndex: 1 }]);
    expect(obj.globals[0]!.type).toEqual({ valueType: 0x7f, mutable: true });
    expect(obj.globals[0]!.init).toMatchObject({ kind: 'i32', value: 0 });
    expect([Array.from(obj.code.offset), Array.from(obj.code.size)]).toEqual([[2, 43], [40, 40]]);
    expect(obj.dataSegments.map((d) => [d.dataOffset, d.data.length, d.offset!.value])).toEqual([[6, 32, 0], [43, 32, 32]]);
    expect(obj.linking.segments).toMatchObject({ count: 2, names: ['.data.counter', '.tdata.tls'] });
    expect(Array.from(obj.linking.segments.flags)).toEqual([0, 2]);
    expect(Array.from(obj.linking.initFuncs.priority)).toEqual([101, 65535]);
    expect(Array.from(obj.linking.initFuncs.symbol)).toEqual([1, 0]);
    expect(obj.linking.comdats.map((c) => [c.name, Array.from(c.kinds), Array.from(c.indices)])).toEqual([['group', [1, 0, 5], [2, 1, 7]]]);
    expect(obj.targetFeatures).toEqual([{ prefix: '+', name: 'mutable-globals' }, { prefix: '-', name: 'shared-mem' }]);
    expect(obj.relocations.map((r) => [r.section, r.target, r.count])).toEqual([[9, 5, 4], [10, 6, 2], [11, 7, 2]]);
    expect(Array.from(obj.relocations[1]!.chunkStart!)).toEqual([0, 1, 2]);
    expect(obj.relocations[2]!.chunkStart).toBeNull();
    expect(obj.customSections.map((i) => obj.sections[i]!.name)).toEqual(['.debug_info']);
  });

  it('read as llvm-readobj and wasm-objdump list them (without the absolute symbol, which LLVM 14 and wabt do not know)', () => {
    const symbols = defaultSymbols();
    symbols[5] = [1, ...uleb(0), ...str('d_plain'), ...uleb(0), ...uleb(8), ...uleb(0)];
    const parts = goodParts();
    parts.linking = custom('linking', [...uleb(2), ...symbolTable(symbols), ...segmentInfo(), ...initFuncs(), ...comdatInfo()]);
    const file = path.join(work, 'good.o');
    fs.writeFileSync(file, build(parts));
    const obj = readWasmObject('good.o', build(parts));
    expect(expectMatchesReadobj(obj, readobjListings(file)[0]!)).toBe(8);
    expectMatchesObjdump(obj, objdumpListings([file])[0]!);
  });
});
