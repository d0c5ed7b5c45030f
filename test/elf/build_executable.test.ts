// Fresh builds: the linker turns hand-written machine code and data atoms into static
// executables that run, that readelf reads without complaint, and that objdump disassembles.

import * as fs from 'node:fs';
import { openElfLinker } from '../support/air_linker.js';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ElfLinker } from '../../src/link/elf/ElfLinker.js';
import type { X86Function } from '../../src/codegen/x86_64/output.js';
import {
  airFunction,
  callExtern,
  callFdWrite,
  expectEveryFunctionDisassembled,
  jumpToRuntime,
  objdumpFunctions,
  readelfAll,
  readSymbols,
  returnConst,
  runExecutable,
  startCallingAndExit,
  startExit,
  storeLoadExit,
  sumOfCalls,
  tableBackend,
  tempDir,
  writeData,
  writeThroughPointer,
} from './x86_snippets.js';

const bytes = (s: string) => new TextEncoder().encode(s);

function build(table: Map<string, X86Function>, setup?: (l: ElfLinker) => void, exportsOf = [{ symbolName: '_start', declName: 'main.start' }]) {
  const file = path.join(tempDir(), 'out');
  const linker = openElfLinker(file, tableBackend(table));
  setup?.(linker);
  for (const name of table.keys()) linker.updateFunc(airFunction(name));
  linker.updateExports(exportsOf);
  const report = linker.flush();
  return { file, linker, report };
}

describe('a fresh build', () => {
  it('runs a program whose entry calls another function through the offset table', () => {
    const table = new Map([
      ['main.start', startCallingAndExit('main.answer')],
      ['main.answer', returnConst(42)],
    ]);
    const { file, report } = build(table);
    expect(report.fullWrite).toBe(true);
    // Room to grow is left as holes: written bytes are the content, not the file size.
    expect(report.bytesWritten).toBeLessThan(fs.statSync(file).size / 4);
    expect(fs.statSync(file).mode & 0o111).toBe(0o111);
    expect(runExecutable(file).status).toBe(42);
  });

  it('resolves calls to a function placed after its caller and mutual references', () => {
    const table = new Map([
      ['main.start', startCallingAndExit('main.sum')],
      ['main.sum', sumOfCalls(['main.a', 'main.b', 'main.a'], 1)],
      ['main.a', returnConst(10)],
      ['main.b', returnConst(20)],
    ]);
    expect(runExecutable(build(table).file).status).toBe(41);
  });

  it('writes strings from rodata addressed by lea (rel32) and movabs (abs64)', () => {
    const table = new Map([
      ['main.start', writeData('main.hello', 6, 'lea', 'main.second')],
      ['main.second', writeData('main.world', 6, 'movabs')],
    ]);
    const { file } = build(table, (l) => {
      l.updateData({ name: 'main.hello', bytes: bytes('hello '), align: 1, relocs: [], section: 'rodata' });
      l.updateData({ name: 'main.world', bytes: bytes('world\n'), align: 1, relocs: [], section: 'rodata' });
    });
    const r = runExecutable(file);
    expect(r.stdout).toBe('hello world\n');
    expect(r.status).toBe(0);
  });

  it('resolves pointers stored in data (abs64 data relocations) and defines data placed after its users', () => {
    const table = new Map([['main.start', writeThroughPointer('main.ptr', 8, 3)]]);
    const { file } = build(table);
    const file2 = path.join(path.dirname(file), 'out2');
    const l = openElfLinker(file2, tableBackend(table));
    l.updateFunc(airFunction('main.start'));
    l.updateData({ name: 'main.ptr', bytes: new Uint8Array(8), align: 8, relocs: [{ offset: 0, target: { kind: 'decl', name: 'main.msg' }, addend: 2 }], section: 'data' });
    l.updateData({ name: 'main.msg', bytes: bytes('xxpointer\n'), align: 1, relocs: [], section: 'rodata' });
    l.updateExports([{ symbolName: '_start', declName: 'main.start' }]);
    l.flush();
    const r = runExecutable(file2);
    expect(r.stdout).toBe('pointer\n');
    expect(r.status).toBe(3);
  });

  it('maps .data writable and .bss as zeroed writable memory', () => {
    for (const section of ['data', 'bss'] as const) {
      const table = new Map([['main.start', storeLoadExit('main.cell', 77)]]);
      const { file } = build(table, (l) => l.updateData({ name: 'main.cell', bytes: new Uint8Array(4), align: 4, relocs: [], section }));
      expect(runExecutable(file).status).toBe(77);
      expect(readelfAll(file).problems).toEqual([]);
    }
  });

  it('defines runtime routines on first use as local symbols', () => {
    const table = new Map([['main.start', jumpToRuntime('panic_integer_overflow')]]);
    const { file, linker } = build(table);
    const r = runExecutable(file);
    expect(r.status).toBe(134);
    expect(r.stderr).toBe('panic: panic_integer_overflow\n');
    const sym = readSymbols(file).find((s) => s.name === '__zirc_panic_integer_overflow');
    expect(sym).toMatchObject({ bind: 'LOCAL', type: 'FUNC' });
    // Once nothing calls it, it leaves the output (as from a fresh build).
    table.set('main.start', startExit(4));
    linker.updateFunc(airFunction('main.start'));
    linker.flush();
    expect(runExecutable(file).status).toBe(4);
    expect(readSymbols(file).find((s) => s.name === '__zirc_panic_integer_overflow')).toBeUndefined();
  });

  it('defines WASI built-ins (here the real fd_write of the x86-64 runtime) as local symbols', async () => {
    const { generateWasiBuiltin } = await import('../../src/codegen/x86_64/runtime.js');
    const table = new Map([['main.start', callFdWrite('main.msg', 9, 5)]]);
    const file = path.join(tempDir(), 'out');
    const l = openElfLinker(file, tableBackend(table, { wasiBuiltin: generateWasiBuiltin }));
    l.updateData({ name: 'main.msg', bytes: bytes('via wasi\n'), align: 1, relocs: [], section: 'rodata' });
    l.updateFunc(airFunction('main.start'));
    l.updateExports([{ symbolName: '_start', declName: 'main.start' }]);
    l.flush();
    const r = runExecutable(file);
    expect(r.stdout).toBe('via wasi\n');
    expect(r.status).toBe(5);
    expect(readSymbols(file).find((s) => s.name === 'fd_write')).toMatchObject({ bind: 'LOCAL', type: 'FUNC' });
  });

  it('makes an extern with no definition a global undefined symbol while code refers to it', () => {
    const table = new Map([
      ['main.start', startExit(0)],
      ['main.uses_puts', callExtern('puts', 'c')],
    ]);
    const { file, linker } = build(table);
    expect(readSymbols(file).find((s) => s.name === 'puts')).toMatchObject({ bind: 'GLOBAL', ndx: 'UND', value: 0 });
    expect(linker.undefinedSymbols()).toEqual(['puts']);
    expect(readelfAll(file).problems).toEqual([]);
    linker.deleteSymbol('main.uses_puts');
    linker.flush();
    expect(readSymbols(file).find((s) => s.name === 'puts')).toBeUndefined();
    expect(linker.undefinedSymbols()).toEqual([]);
    expect(runExecutable(file).status).toBe(0);
  });

  it('has one local symbol per decl with its size, one global per export, and _start as the entry', () => {
    const table = new Map([
      ['main.start', startCallingAndExit('main.answer')],
      ['main.answer', returnConst(42, 20)],
    ]);
    const { file } = build(table, (l) => l.updateData({ name: 'main.str', bytes: bytes('abc'), align: 1, relocs: [], section: 'rodata' }), [
      { symbolName: '_start', declName: 'main.start' },
      { symbolName: 'answer', declName: 'main.answer' },
    ]);
    const syms = readSymbols(file);
    const answer = syms.find((s) => s.name === 'main.answer')!;
    expect(answer).toMatchObject({ bind: 'LOCAL', type: 'FUNC', size: 20 });
    expect(syms.find((s) => s.name === 'main.str')).toMatchObject({ bind: 'LOCAL', type: 'OBJECT', size: 3 });
    expect(syms.find((s) => s.name === 'answer')).toMatchObject({ bind: 'GLOBAL', type: 'FUNC', value: answer.value, size: 20 });
    const start = syms.find((s) => s.name === '_start')!;
    expect(start.bind).toBe('GLOBAL');
    const { text } = readelfAll(file);
    expect(text).toMatch(new RegExp(`Entry point address:\\s+0x${start.value.toString(16)}\\b`));
    expect(text).toMatch(/Type:\s+EXEC/);
    for (const s of ['.text', '.rodata', '.data', '.bss', '.got', '.symtab', '.strtab', '.shstrtab']) expect(text).toContain(s);
  });

  it('produces output readelf reads without warnings and objdump disassembles function by function', () => {
    const table = new Map([
      ['main.start', startCallingAndExit('main.sum')],
      ['main.sum', sumOfCalls(['main.a', 'main.b'])],
      ['main.a', returnConst(1)],
      ['main.b', returnConst(2)],
      ['main.c', startExit(0)],
    ]);
    const { file } = build(table, (l) => l.updateData({ name: 'main.s', bytes: bytes('x'), align: 1, relocs: [], section: 'rodata' }));
    expect(readelfAll(file).problems).toEqual([]);
    expect(expectEveryFunctionDisassembled(file)).toEqual([]);
    const { labels } = objdumpFunctions(file);
    for (const name of ['main.sum', 'main.a', 'main.b', 'main.c']) expect(labels).toContain(name);
    expect(labels.has('_start') || labels.has('main.start')).toBe(true);
  });
});
