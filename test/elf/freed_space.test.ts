// Space an update frees: a function or data atom that is deleted or moves leaves nothing of
// itself in the output file. Its old bytes become the padding a shrink leaves (int3 in
// .text, zeros in data), written as a small patch; its name leaves .strtab; the backend's
// routines keep their constants in .rodata and take them along when they go; and a region
// that moves inside the file leaves no stale copy behind. Every check runs objdump for
// real: a missing objdump fails the test.

import * as fs from 'node:fs';
import { openElfLinker } from '../support/air_linker.js';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { X86Function } from '../../src/codegen/x86_64/output.js';
import { generateRuntimeRoutine } from '../../src/codegen/x86_64/runtime.js';
import { ElfLinker } from '../../src/link/elf/ElfLinker.js';
import {
  airFunction,
  exitThenInlineText,
  expectEveryFunctionDisassembled,
  fileBytesAt,
  jumpToRuntime,
  objdumpFunctions,
  readelfAll,
  readSymbols,
  returnConst,
  runExecutable,
  startExit,
  tableBackend,
  tempDir,
  writeData,
  type ElfSymbol,
} from './x86_snippets.js';

const enc = new TextEncoder();
const INT3 = 0xcc;

/** A linker over `table` (looked up at each updateFunc, so tests can change entries). */
function open(table: Map<string, X86Function>, extra: Parameters<typeof tableBackend>[1] = {}) {
  const file = path.join(tempDir(), 'out');
  const linker = openElfLinker(file, tableBackend(table, extra));
  return { file, linker };
}

function symbol(file: string, name: string): ElfSymbol {
  const s = readSymbols(file).find((x) => x.name === name);
  if (!s) throw new Error(`no symbol ${name}`);
  return s;
}

function allBytes(buf: Buffer, value: number): boolean {
  return buf.length > 0 && buf.every((b) => b === value);
}

/** The lines of `objdump -d` that say "(bad)", over the whole of .text. */
function badLines(file: string): string[] {
  return objdumpFunctions(file).text.split('\n').filter((l) => l.includes('(bad)'));
}

function fileHas(file: string, text: string): boolean {
  return fs.readFileSync(file).includes(Buffer.from(text));
}

describe('space an update frees', () => {
  it('a deleted function becomes int3 fill: only those bytes are written, and .text disassembles without (bad)', () => {
    const table = new Map<string, X86Function>([
      ['main.start', startExit(3)],
      ['main.old', exitThenInlineText(1, 'a deleted function, panic\n')],
      ['main.after', returnConst(7)],
    ]);
    const { file, linker } = open(table);
    for (const n of table.keys()) linker.updateFunc(airFunction(n));
    linker.updateExports([{ symbolName: '_start', declName: 'main.start' }]);
    linker.flush();
    const old = symbol(file, 'main.old');
    // The probe works: objdump does see the data inside main.old.
    expect(badLines(file).length).toBeGreaterThan(0);

    linker.deleteSymbol('main.old');
    const r = linker.flush();
    expect(r.fullWrite).toBe(false);
    expect(r.bytesWritten).toBeLessThan(old.size + 256);
    expect(allBytes(fileBytesAt(file, old.value, old.size), INT3)).toBe(true);
    expect(badLines(file)).toEqual([]);
    expect(expectEveryFunctionDisassembled(file)).toEqual([]);
    expect(fileHas(file, 'a deleted function, panic')).toBe(false);
    expect(fileHas(file, 'main.old')).toBe(false);
    expect(readelfAll(file).problems).toEqual([]);
    expect(runExecutable(file).status).toBe(3);
  });

  it('a deleted last function is filled too', () => {
    const table = new Map<string, X86Function>([
      ['main.start', startExit(4)],
      ['main.last', exitThenInlineText(1, 'LAST FUNCTION TEXT\n')],
    ]);
    const { file, linker } = open(table);
    for (const n of table.keys()) linker.updateFunc(airFunction(n));
    linker.updateExports([{ symbolName: '_start', declName: 'main.start' }]);
    linker.flush();
    const last = symbol(file, 'main.last');
    linker.deleteSymbol('main.last');
    expect(linker.flush().fullWrite).toBe(false);
    expect(allBytes(fileBytesAt(file, last.value, last.size), INT3)).toBe(true);
    expect(fileHas(file, 'LAST FUNCTION TEXT')).toBe(false);
    expect(badLines(file)).toEqual([]);
    expect(runExecutable(file).status).toBe(4);
  });

  it('a function that moves leaves int3 fill where it was', () => {
    const table = new Map<string, X86Function>([
      ['main.start', startExit(5)],
      ['main.grows', exitThenInlineText(1, 'BEFORE THE MOVE\n')],
      ['main.after', returnConst(7)],
    ]);
    const { file, linker } = open(table);
    for (const n of table.keys()) linker.updateFunc(airFunction(n));
    linker.updateExports([{ symbolName: '_start', declName: 'main.start' }]);
    linker.flush();
    const before = symbol(file, 'main.grows');
    table.set('main.grows', returnConst(9, 500));
    linker.updateFunc(airFunction('main.grows'));
    const r = linker.flush();
    expect(r.fullWrite).toBe(false);
    const after = symbol(file, 'main.grows');
    expect(after.value).not.toBe(before.value);
    expect(allBytes(fileBytesAt(file, before.value, before.size), INT3)).toBe(true);
    expect(fileHas(file, 'BEFORE THE MOVE')).toBe(false);
    expect(badLines(file)).toEqual([]);
    expect(expectEveryFunctionDisassembled(file)).toEqual([]);
  });

  it('deleted and moved data become zeros', () => {
    const table = new Map<string, X86Function>([['main.start', writeData('main.msg', 5, 'lea')]]);
    const { file, linker } = open(table);
    linker.updateData({ name: 'main.msg', bytes: enc.encode('hello'), align: 1, relocs: [], section: 'rodata' });
    linker.updateData({ name: 'main.gone', bytes: enc.encode('DELETED CONSTANT'), align: 1, relocs: [], section: 'rodata' });
    linker.updateData({ name: 'main.cell', bytes: enc.encode('DELETED VARIABLE'), align: 8, relocs: [], section: 'data' });
    linker.updateFunc(airFunction('main.start'));
    linker.updateExports([{ symbolName: '_start', declName: 'main.start' }]);
    linker.flush();
    const msg = symbol(file, 'main.msg');
    const gone = symbol(file, 'main.gone');
    const cell = symbol(file, 'main.cell');
    linker.updateData({ name: 'main.msg', bytes: enc.encode('hello, and enough more that it cannot stay in place'), align: 1, relocs: [], section: 'rodata' });
    linker.deleteSymbol('main.gone');
    linker.deleteSymbol('main.cell');
    expect(linker.flush().fullWrite).toBe(false);
    expect(symbol(file, 'main.msg').value).not.toBe(msg.value);
    for (const s of [msg, gone, cell]) expect(allBytes(fileBytesAt(file, s.value, s.size), 0)).toBe(true);
    expect(fileHas(file, 'DELETED')).toBe(false);
    expect(runExecutable(file).stdout).toBe('hello');
    expect(readelfAll(file).problems).toEqual([]);
  });

  it("a runtime routine's message is a .rodata constant that comes and goes with the routine", () => {
    const table = new Map<string, X86Function>([['main.start', jumpToRuntime('panic_integer_overflow')]]);
    const { file, linker } = open(table, { runtime: generateRuntimeRoutine });
    linker.updateFunc(airFunction('main.start'));
    linker.updateExports([{ symbolName: '_start', declName: 'main.start' }]);
    linker.flush();
    expect(runExecutable(file)).toMatchObject({ status: 134, stderr: 'panic: integer overflow\n' });
    const routine = symbol(file, '__zirc_panic_integer_overflow');
    const message = symbol(file, '__zirc_panic_integer_overflow.message');
    expect(routine).toMatchObject({ type: 'FUNC', bind: 'LOCAL' });
    expect(message).toMatchObject({ type: 'OBJECT', bind: 'LOCAL', size: 'panic: integer overflow\n'.length });
    expect(readelfAll(file).text).toMatch(new RegExp(`\\[\\s*${message.ndx}\\] \\.rodata `));
    expect(fileBytesAt(file, message.value, message.size).toString()).toBe('panic: integer overflow\n');
    expect(badLines(file)).toEqual([]);
    expect(expectEveryFunctionDisassembled(file)).toEqual([]);

    // Once nothing calls it, the routine and its message leave the file.
    table.set('main.start', startExit(6));
    linker.updateFunc(airFunction('main.start'));
    expect(linker.flush().fullWrite).toBe(false);
    expect(runExecutable(file).status).toBe(6);
    const names = readSymbols(file).map((s) => s.name);
    expect(names).not.toContain('__zirc_panic_integer_overflow');
    expect(names).not.toContain('__zirc_panic_integer_overflow.message');
    expect(allBytes(fileBytesAt(file, routine.value, routine.size), INT3)).toBe(true);
    expect(allBytes(fileBytesAt(file, message.value, message.size), 0)).toBe(true);
    expect(fileHas(file, 'integer overflow')).toBe(false);
    expect(badLines(file)).toEqual([]);
  });

  it('a .text region that moves in the file leaves no copy of its old content behind', () => {
    const table = new Map<string, X86Function>([
      ['main.start', startExit(8)],
      ['main.marker', exitThenInlineText(1, 'MARKER THAT MUST LEAVE\n')],
    ]);
    const { file, linker } = open(table);
    for (const n of table.keys()) linker.updateFunc(airFunction(n));
    linker.updateExports([{ symbolName: '_start', declName: 'main.start' }]);
    linker.flush();
    const textOffset = () => /\] \.text\s+PROGBITS\s+[0-9a-f]+ ([0-9a-f]+)/.exec(readelfAll(file).text)![1]!;
    const offsetBefore = textOffset();
    // More code than the region's room to grow: .text moves to another place in the file.
    for (let i = 0; i < 6; i++) table.set(`main.big${i}`, returnConst(i, 20000));
    for (let i = 0; i < 6; i++) linker.updateFunc(airFunction(`main.big${i}`));
    expect(linker.flush().fullWrite).toBe(false);
    expect(textOffset()).not.toBe(offsetBefore);
    linker.deleteSymbol('main.marker');
    expect(linker.flush().fullWrite).toBe(false);
    expect(fileHas(file, 'MARKER THAT MUST LEAVE')).toBe(false);
    expect(badLines(file)).toEqual([]);
    expect(runExecutable(file).status).toBe(8);
  });
});
