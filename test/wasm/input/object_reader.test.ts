// The wasm object reader reads what clang --target=wasm32-wasi -c writes — at -O0 and -O2,
// with -ffunction-sections -fdata-sections and -g, with TLS, PIC, reference types, wasm64
// and C++ (COMDATs, exceptions) — exactly as llvm-readobj lists its symbols and relocations
// and wasm-objdump lists its sections, segments, init functions, COMDATs and features; and
// the model's own promises hold: bodies and segments are views at their offsets, each
// relocation lies in the body or segment its chunk range says.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  functionBody, readWasmObject, relocationTypeName, SEC_CODE, SYM_BINDING_LOCAL, SYM_BINDING_WEAK, SYM_EXPLICIT_NAME, SYM_EXPORTED,
  SYM_NO_STRIP, SYM_TLS, SYM_UNDEFINED, SYM_VISIBILITY_HIDDEN, SYMTAB_DATA, SYMTAB_FUNCTION, SYMTAB_GLOBAL, SYMTAB_SECTION,
  SYMTAB_TABLE, SYMTAB_TAG, type WasmObject,
} from '../../../src/link/wasm/input/index.js';
import { expectMatchesObjdump, expectMatchesReadobj, objdumpListings, readobjListings, run } from './tool_listings.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-wasm-obj-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const sources = path.join(import.meta.dirname, 'sources');

/** Compiles `source` with `cc` and `flags`; returns the object's path. */
function compile(name: string, cc: string, flags: string[], source: string): string {
  const out = path.join(work, `${name}.o`);
  run(cc, ['-c', ...flags, path.join(sources, source), '-o', out]);
  return out;
}

const WASI = '--target=wasm32-wasi';
const builds: Array<[string, string, string[], string]> = [
  ['c-O0', 'clang', [WASI, '-O0'], 'features.c'],
  ['c-O2', 'clang', [WASI, '-O2'], 'features.c'],
  ['c-sections-g', 'clang', [WASI, '-O0', '-g', '-ffunction-sections', '-fdata-sections'], 'features.c'],
  ['c-O2-g', 'clang', [WASI, '-O2', '-g'], 'features.c'],
  ['c-tls', 'clang', [WASI, '-O2', '-matomics', '-mbulk-memory', '-ftls-model=local-exec'], 'features.c'],
  ['c-reference-types', 'clang', [WASI, '-O2', '-mreference-types'], 'features.c'],
  ['c-pic', 'clang', ['--target=wasm32-unknown-emscripten', '-O2', '-fPIC'], 'features.c'],
  ['c-wasm64', 'clang', ['--target=wasm64', '-O2'], 'features.c'],
  ['c-wasm64-pic-g', 'clang', ['--target=wasm64-unknown-emscripten', '-O2', '-fPIC', '-g'], 'features.c'],
  ['cpp-O0', 'clang++', [WASI, '-std=c++17', '-O0', '-fno-exceptions'], 'comdat.cpp'],
  ['cpp-O2', 'clang++', [WASI, '-std=c++17', '-O2', '-fno-exceptions'], 'comdat.cpp'],
  ['cpp-exceptions', 'clang++', [WASI, '-std=c++17', '-O1', '-fwasm-exceptions'], 'exceptions.cpp'],
];
const files = new Map(builds.map(([name, cc, flags, source]) => [name, compile(name, cc, flags, source)]));
const objects = new Map([...files].map(([name, file]) => [name, readWasmObject(`${name}.o`, new Uint8Array(fs.readFileSync(file)))]));
const obj = (name: string): WasmObject => objects.get(name)!;

function symbol(o: WasmObject, name: string): number {
  const i = o.linking.symbols.names.indexOf(name);
  if (i < 0) throw new Error(`${o.path} has no symbol ${name}`);
  return i;
}
const flagsOf = (o: WasmObject, name: string) => o.linking.symbols.flags[symbol(o, name)]!;
const kindOf = (o: WasmObject, name: string) => o.linking.symbols.kind[symbol(o, name)]!;

describe('objects clang writes', () => {
  it.each(builds.map(([name]) => name))('%s reads as llvm-readobj and wasm-objdump list it', (name) => {
    const file = files.get(name)!;
    const [readobj] = readobjListings(file);
    const [objdump] = objdumpListings([file]);
    expect(expectMatchesReadobj(obj(name), readobj!)).toBeGreaterThan(0);
    expectMatchesObjdump(obj(name), objdump!);
  });

  it('keeps function bodies and data segments as views of the file at their offsets', () => {
    for (const [name, o] of objects) {
      const bytes = new Uint8Array(fs.readFileSync(files.get(name)!));
      const code = o.sections[o.code.section]!;
      expect(code.id).toBe(SEC_CODE);
      for (let i = 0; i < o.code.count; i++) {
        const body = functionBody(o, i);
        expect(body.buffer).toBe(code.data.buffer);
        expect(body.byteOffset).toBe(code.data.byteOffset + o.code.offset[i]!);
        expect(body.at(-1), `${name} body ${i} ends with end`).toBe(0x0b);
      }
      for (const seg of o.dataSegments) {
        const data = o.sections[o.dataSection]!;
        expect(Buffer.from(seg.data).equals(Buffer.from(bytes.subarray(data.offset + seg.dataOffset, data.offset + seg.dataOffset + seg.data.length)))).toBe(true);
      }
    }
  });

  it('gives each CODE and DATA relocation the body or segment it patches', () => {
    for (const o of objects.values()) {
      for (const r of o.relocations) {
        if (r.chunkStart === null) continue;
        const isCode = r.target === o.code.section;
        const chunks = isCode ? o.code.count : o.dataSegments.length;
        expect(r.chunkStart.length).toBe(chunks + 1);
        expect(r.chunkStart[chunks]).toBe(r.count);
        for (let c = 0; c < chunks; c++) {
          const start = isCode ? o.code.offset[c]! : o.dataSegments[c]!.dataOffset;
          const end = start + (isCode ? o.code.size[c]! : o.dataSegments[c]!.data.length);
          for (let k = r.chunkStart[c]!; k < r.chunkStart[c + 1]!; k++) {
            expect(r.offset[k]!).toBeGreaterThanOrEqual(start);
            expect(r.offset[k]!).toBeLessThan(end);
          }
        }
      }
    }
  });

  it('reads constructors with their priorities, weak and local bindings, hidden visibility', () => {
    const o = obj('c-O2');
    const inits = o.linking.initFuncs;
    const byName = Array.from(inits.symbol, (s, i) => [o.linking.symbols.names[s], inits.priority[i]]);
    expect(byName).toEqual([['init_early', 101], ['init_late', 65535]]);
    expect(flagsOf(o, 'weak_twice') & SYM_BINDING_WEAK).toBeTruthy();
    expect(flagsOf(o, 'maybe_there') & (SYM_BINDING_WEAK | SYM_UNDEFINED)).toBe(SYM_BINDING_WEAK | SYM_UNDEFINED);
    expect(flagsOf(o, 'scale') & SYM_BINDING_LOCAL).toBeTruthy();
    expect(flagsOf(o, 'counter') & SYM_VISIBILITY_HIDDEN).toBeTruthy();
    // -O2 folds the never-written bss array away; -O0 keeps it in a .bss segment.
    const o0 = obj('c-O0');
    expect(kindOf(o0, 'table')).toBe(SYMTAB_DATA);
    expect(o0.linking.segments.names[o0.linking.symbols.index[symbol(o0, 'table')]!]).toBe('.bss.table');
  });

  it('reads an import with its own module and name, an export name, a kept symbol', () => {
    const o = obj('c-O2');
    const s = symbol(o, 'host_log');
    expect(o.linking.symbols.flags[s]! & (SYM_EXPLICIT_NAME | SYM_UNDEFINED)).toBe(SYM_EXPLICIT_NAME | SYM_UNDEFINED);
    const imp = o.imports.find((i) => i.kind === 0 && i.kindIndex === o.linking.symbols.index[s])!;
    expect([imp.module, imp.field]).toEqual(['host', 'log_it']);
    expect(flagsOf(o, 'add') & SYM_EXPORTED).toBeTruthy();
    expect(flagsOf(o, 'kept_helper') & SYM_NO_STRIP).toBeTruthy();
    // An undefined symbol without an explicit name takes the import's field name.
    const maybe = symbol(o, 'maybe_there');
    expect(o.imports.find((i) => i.kind === 0 && i.kindIndex === o.linking.symbols.index[maybe])!.field).toBe('maybe_there');
  });

  it('reads TLS symbols and segments, globals, tables, tags and sections as symbols', () => {
    expect(flagsOf(obj('c-tls'), 'per_thread') & SYM_TLS).toBeTruthy();
    expect(kindOf(obj('c-tls'), '__tls_base')).toBe(SYMTAB_GLOBAL);
    expect(kindOf(obj('c-O0'), '__stack_pointer')).toBe(SYMTAB_GLOBAL);
    expect(kindOf(obj('c-reference-types'), '__indirect_function_table')).toBe(SYMTAB_TABLE);
    expect(kindOf(obj('cpp-exceptions'), '__cpp_exception')).toBe(SYMTAB_TAG);
    expect(obj('cpp-exceptions').tags.length).toBe(1);
    expect(kindOf(obj('c-sections-g'), '.debug_str')).toBe(SYMTAB_SECTION);
    expect(kindOf(obj('c-O2'), 'use_everything')).toBe(SYMTAB_FUNCTION);
  });

  it('puts each function and datum in its own segment with -ffunction-sections -fdata-sections', () => {
    const names = obj('c-sections-g').linking.segments.names;
    expect(names).toContain('.data.counter');
    expect(names).toContain('.bss.table');
    expect(names).toContain('.rodata..L.str');
  });

  it('reads COMDAT groups of C++ inline functions, templates and vtables', () => {
    const o = obj('cpp-O0');
    const names = o.linking.comdats.map((c) => c.name);
    for (const n of ['_Z5twicei', '_Z3addIiET_S0_S0_', '_ZTV6Square', 'shared_counter']) expect(names).toContain(n);
  });

  it('keeps custom sections other than the linker metadata', () => {
    const names = obj('c-sections-g').customSections.map((i) => obj('c-sections-g').sections[i]!.name);
    expect(names).toContain('producers');
    expect(names).toContain('.debug_info');
    expect(names).not.toContain('linking');
  });

  it('decodes the relocation types these builds use, with their addends', () => {
    const seen = new Set<string>();
    for (const o of objects.values()) for (const r of o.relocations) for (const t of r.type) seen.add(relocationTypeName(t));
    for (const t of ['FUNCTION_INDEX_LEB', 'TABLE_INDEX_SLEB', 'TABLE_INDEX_I32', 'MEMORY_ADDR_LEB', 'MEMORY_ADDR_SLEB', 'MEMORY_ADDR_I32',
      'TYPE_INDEX_LEB', 'GLOBAL_INDEX_LEB', 'FUNCTION_OFFSET_I32', 'SECTION_OFFSET_I32', 'TAG_INDEX_LEB', 'MEMORY_ADDR_REL_SLEB',
      'GLOBAL_INDEX_I32', 'MEMORY_ADDR_LEB64', 'MEMORY_ADDR_SLEB64', 'MEMORY_ADDR_I64', 'MEMORY_ADDR_REL_SLEB64', 'TABLE_INDEX_SLEB64',
      'TABLE_INDEX_I64', 'TABLE_NUMBER_LEB', 'MEMORY_ADDR_TLS_SLEB', 'FUNCTION_OFFSET_I64']) {
      expect(seen, `some build uses R_WASM_${t}`).toContain(`R_WASM_${t}`);
    }
  });

  it('reads an empty translation unit and a data-only one', () => {
    const src = path.join(work, 'empty.c');
    fs.writeFileSync(src, '');
    const dataOnly = path.join(work, 'data_only.c');
    fs.writeFileSync(dataOnly, 'const int numbers[4] = {1, 2, 3, 4};\nint zeroed;\n');
    for (const [name, file] of [['empty', src], ['data-only', dataOnly]] as const) {
      const out = path.join(work, `${name}.o`);
      run('clang', [WASI, '-O2', '-c', file, '-o', out]);
      const o = readWasmObject(`${name}.o`, new Uint8Array(fs.readFileSync(out)));
      expect(o.code.count).toBe(0);
      expect(o.code.section).toBe(-1);
      expectMatchesReadobj(o, readobjListings(out)[0]!);
      expectMatchesObjdump(o, objdumpListings([out])[0]!);
    }
  });
});
