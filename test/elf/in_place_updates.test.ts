// In-place updates: after every update the patched file runs exactly like a fresh build of
// the same content, small edits write few bytes, and the file stays well-formed.

import * as fs from 'node:fs';
import { openElfLinker } from '../support/air_linker.js';
import { describe, expect, it } from 'vitest';
import { buildFresh, cloneState, expectedExit, IncrementalProgram, initialState, leafName, runBoth, type ProgramState } from './program_model.js';
import * as path from 'node:path';
import type { X86Function } from '../../src/codegen/x86_64/output.js';
import { ElfLinker } from '../../src/link/elf/ElfLinker.js';
import {
  airFunction,
  expectEveryFunctionDisassembled,
  jumpToDecl,
  readelfAll,
  readSymbols,
  returnConst,
  runExecutable,
  startExit,
  tableBackend,
  tempDir,
  writeData,
} from './x86_snippets.js';

const bytes = (t: string) => new TextEncoder().encode(t);

function checkSame(p: IncrementalProgram, state: ProgramState): void {
  const { incr, fresh } = runBoth(p.file, state);
  expect(incr).toEqual(fresh);
  expect(incr.status).toBe(expectedExit(state));
  expect(incr.stdout).toBe(state.message);
}

function checkWellFormed(file: string): void {
  expect(readelfAll(file).problems).toEqual([]);
  expect(expectEveryFunctionDisassembled(file)).toEqual([]);
}

const symbolValue = (file: string, name: string) => readSymbols(file).find((s) => s.name === name)?.value;

describe('in-place updates', () => {
  it('patches a one-function body edit with a small write and no full rewrite', () => {
    const p = new IncrementalProgram();
    const s = initialState(20);
    expect(p.apply(s).fullWrite).toBe(true);
    checkSame(p, s);
    s.leaves.get(leafName(7))!.value = 100;
    const r = p.apply(s);
    expect(r.fullWrite).toBe(false);
    expect(r.bytesWritten).toBeLessThan(256);
    checkSame(p, s);
    checkWellFormed(p.file);
  });

  it('does not touch the file when a flush has nothing to write', () => {
    const p = new IncrementalProgram();
    const s = initialState(5);
    p.apply(s);
    const before = fs.statSync(p.file, { bigint: true }).mtimeNs;
    const r = p.linker.flush();
    expect(r).toEqual({ bytesWritten: 0, fullWrite: false });
    expect(fs.statSync(p.file, { bigint: true }).mtimeNs).toBe(before);
  });

  it('moves a function that outgrows its capacity and rewrites its offset-table slot', () => {
    const p = new IncrementalProgram();
    const s = initialState(10);
    p.apply(s);
    const before = symbolValue(p.file, leafName(3));
    s.leaves.get(leafName(3))!.size = 300;
    s.leaves.get(leafName(3))!.value = 50;
    const r = p.apply(s);
    expect(r.fullWrite).toBe(false);
    expect(r.bytesWritten).toBeLessThan(1024);
    const after = symbolValue(p.file, leafName(3));
    expect(after).not.toBe(before);
    expect(readSymbols(p.file).find((x) => x.name === leafName(3))!.size).toBe(300);
    checkSame(p, s);
    checkWellFormed(p.file);
  });

  it('grows a function in place when the space after it is free', () => {
    const p = new IncrementalProgram();
    const s = initialState(4, 40);
    p.apply(s);
    const before = symbolValue(p.file, leafName(1));
    s.leaves.get(leafName(1))!.size = 55; // within the 1.5x room it was given
    p.apply(s);
    expect(symbolValue(p.file, leafName(1))).toBe(before);
    checkSame(p, s);
  });

  it('keeps growing one function past capacity many times', () => {
    const p = new IncrementalProgram();
    const s = initialState(8);
    p.apply(s);
    for (let size = 16; size < 40000; size *= 2) {
      s.leaves.get(leafName(2))!.size = size;
      s.leaves.get(leafName(2))!.value = size & 0x7f;
      expect(p.apply(s).fullWrite).toBe(false);
      checkSame(p, s);
    }
    checkWellFormed(p.file);
  });

  it('deletes functions and reuses their symbol slots, names and space when they come back', () => {
    const p = new IncrementalProgram();
    const s = initialState(12);
    p.apply(s);
    const symCount = readSymbols(p.file).length;
    const fileSize = fs.statSync(p.file).size;
    const removed = [leafName(4), leafName(5), leafName(9)];
    for (const n of removed) s.leaves.delete(n);
    p.apply(s);
    checkSame(p, s);
    const names = readSymbols(p.file).map((x) => x.name);
    for (const n of removed) expect(names).not.toContain(n);
    for (const [i, n] of removed.entries()) s.leaves.set(n, { value: 60 + i, size: 6 });
    p.apply(s);
    checkSame(p, s);
    expect(readSymbols(p.file).length).toBe(symCount);
    expect(fs.statSync(p.file).size).toBe(fileSize);
    checkWellFormed(p.file);
  });

  it('moves data that grows and re-applies the relocations that point at it', () => {
    const p = new IncrementalProgram();
    const s = initialState(3);
    p.apply(s);
    s.message = 'a much longer message than before, so it cannot stay where it was\n';
    const r = p.apply(s);
    expect(r.fullWrite).toBe(false);
    expect(r.bytesWritten).toBeLessThan(1024);
    checkSame(p, s);
    s.message = 'bye\n';
    p.apply(s);
    checkSame(p, s);
    checkWellFormed(p.file);
  });

  it('re-applies relocations in unchanged code when the data or function they point at moves', () => {
    const file = path.join(tempDir(), 'out');
    let target = returnConst(0);
    const table = new Map<string, X86Function>([
      ['main.start', writeData('main.msg', 5, 'lea', 'main.jump')],
      ['main.jump', jumpToDecl('main.exit_fn')],
      ['main.exit_fn', target],
    ]);
    const l = openElfLinker(file, tableBackend(table, { generate: (f) => (f.name === 'main.exit_fn' ? target : table.get(f.name)!) }));
    l.updateData({ name: 'main.msg', bytes: bytes('hello'), align: 1, relocs: [], section: 'rodata' });
    l.updateData({ name: 'main.other', bytes: bytes('other'), align: 1, relocs: [], section: 'rodata' });
    for (const n of table.keys()) l.updateFunc(airFunction(n));
    l.updateExports([{ symbolName: '_start', declName: 'main.start' }]);
    target = startExit(3);
    l.updateFunc(airFunction('main.exit_fn'));
    l.updateFunc(airFunction('main.exit_fn')); // the same decl again
    l.flush();
    expect(runExecutable(file)).toMatchObject({ stdout: 'hello', status: 3 });
    // Only the data and the jump target change; main.start and main.jump are not regenerated.
    l.updateData({ name: 'main.msg', bytes: bytes('world, and much more text so that it moves'), align: 1, relocs: [] , section: 'rodata' });
    target = startExit(9, 400);
    l.updateFunc(airFunction('main.exit_fn'));
    const r = l.flush();
    expect(r.bytesWritten).toBeLessThan(1024);
    expect(runExecutable(file)).toMatchObject({ stdout: 'world', status: 9 });
    checkWellFormed(file);
  });

  it('adds and removes exports: removed ones leave .symtab, kept ones follow their decl', () => {
    const p = new IncrementalProgram();
    const s = initialState(5);
    s.extraExports = [
      { symbolName: 'one', declName: leafName(0) },
      { symbolName: 'two', declName: leafName(1) },
      { symbolName: 'three', declName: leafName(2) },
    ];
    p.apply(s);
    s.extraExports = [{ symbolName: 'three', declName: leafName(2) }, { symbolName: 'two', declName: leafName(3) }];
    s.leaves.get(leafName(2))!.size = 500; // moves: the export must follow
    p.apply(s);
    const syms = readSymbols(p.file);
    const globals = syms.filter((x) => x.bind === 'GLOBAL').map((x) => x.name).sort();
    expect(globals).toEqual(['_start', 'three', 'two']);
    expect(syms.find((x) => x.name === 'three')!.value).toBe(syms.find((x) => x.name === leafName(2))!.value);
    expect(syms.find((x) => x.name === 'three')!.size).toBe(500);
    expect(syms.find((x) => x.name === 'two')!.value).toBe(syms.find((x) => x.name === leafName(3))!.value);
    // Locals all come before globals (sh_info), readelf would warn otherwise.
    const firstGlobal = syms.findIndex((x) => x.bind === 'GLOBAL');
    expect(syms.slice(firstGlobal).every((x) => x.bind === 'GLOBAL')).toBe(true);
    checkSame(p, s);
    checkWellFormed(p.file);
  });

  it('points an export at nothing (undefined) while its decl is deleted, and back when it returns', () => {
    const p = new IncrementalProgram();
    const s = initialState(3);
    s.extraExports = [{ symbolName: 'f1', declName: leafName(1) }];
    p.apply(s);
    s.leaves.delete(leafName(1));
    p.apply(s);
    expect(readSymbols(p.file).find((x) => x.name === 'f1')).toMatchObject({ ndx: 'UND', value: 0 });
    s.leaves.set(leafName(1), { value: 9, size: 6 });
    p.apply(s);
    const syms = readSymbols(p.file);
    expect(syms.find((x) => x.name === 'f1')!.value).toBe(syms.find((x) => x.name === leafName(1))!.value);
    checkSame(p, s);
    checkWellFormed(p.file);
  });

  it('grows the symbol table past its local block, moving globals after it', () => {
    const p = new IncrementalProgram();
    const s = initialState(10);
    s.extraExports = [{ symbolName: 'keep', declName: leafName(0) }];
    p.apply(s);
    for (let i = 10; i < 300; i++) s.leaves.set(leafName(i), { value: 1, size: 6 });
    const r = p.apply(s);
    expect(r.fullWrite).toBe(false);
    const syms = readSymbols(p.file);
    expect(syms.find((x) => x.name === 'keep')!.value).toBe(syms.find((x) => x.name === leafName(0))!.value);
    checkSame(p, s);
    checkWellFormed(p.file);
  });

  it('handles many functions: a one-body edit still writes under 4 KiB', () => {
    const p = new IncrementalProgram();
    const s = initialState(3000);
    p.apply(s);
    checkSame(p, s);
    for (const i of [0, 1234, 2999]) {
      s.leaves.get(leafName(i))!.value += 7;
      const r = p.apply(s);
      expect(r.fullWrite).toBe(false);
      expect(r.bytesWritten).toBeLessThanOrEqual(4096);
      expect(runExecutable(p.file).status).toBe(expectedExit(s));
    }
    s.leaves.get(leafName(1500))!.size = 200; // a move
    const r = p.apply(s);
    expect(r.bytesWritten).toBeLessThanOrEqual(4096);
    checkSame(p, s);
    checkWellFormed(p.file);
  });

  it('moves whole sections in the file when they outgrow their room, addresses unchanged', () => {
    const p = new IncrementalProgram();
    const s = initialState(4);
    p.apply(s);
    const f0 = symbolValue(p.file, leafName(0));
    // Enough code to overflow the initial .text file capacity several times.
    for (let i = 4; i < 200; i++) s.leaves.set(leafName(i), { value: i, size: 1500 });
    expect(p.apply(s).fullWrite).toBe(false);
    expect(symbolValue(p.file, leafName(0))).toBe(f0);
    checkSame(p, s);
    checkWellFormed(p.file);
  });

  it('matches a fresh build after a random sequence of edits', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const p = new IncrementalProgram();
    let s = initialState(30);
    p.apply(s);
    for (let step = 0; step < 40; step++) {
      s = cloneState(s);
      const ops = 1 + rand(4);
      for (let k = 0; k < ops; k++) {
        const name = leafName(rand(45));
        const what = rand(10);
        if (what < 3) s.leaves.delete(name);
        else if (what < 8) s.leaves.set(name, { value: rand(200), size: 6 + rand(what < 6 ? 40 : 2000) });
        else s.message = 'x'.repeat(1 + rand(300)) + '\n';
      }
      if (rand(5) === 0) s.extraExports = s.leaves.size ? [{ symbolName: `e${rand(3)}`, declName: [...s.leaves.keys()][0]! }] : [];
      const r = p.apply(s);
      expect(r.fullWrite).toBe(false);
      checkSame(p, s);
    }
    checkWellFormed(p.file);
    expect(fs.existsSync(buildFresh(s))).toBe(true);
  });
});
