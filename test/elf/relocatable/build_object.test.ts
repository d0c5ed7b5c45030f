// `zirc build -c`: the relocatable object of a ZIR program reads cleanly in readelf, with
// a local symbol per decl, a global per export, an undefined global per extern zirc does
// not define and standard x86-64 relocations; ld.lld, mold and GNU ld link it alone (a
// ZIR `_start`) into a program that behaves as zirc's own executable of the same source;
// the command line writes it. (C interop: object_writer.test.ts.) Every tool must be installed: a missing tool fails the test.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCaseFile } from '../../../src/compile/case_file.js';
import { Compilation } from '../../../src/compile/Compilation.js';
import { makeProgram } from '../../../src/cli/main.js';
import { compileObject } from '../../../src/link/elf/relocatable/compile_object.js';
import { readelfAll, runExecutable, tempDir } from '../x86_snippets.js';
import { ADD_THREE_MAIN_C, addThreeLibrary } from '../../support/zir_with_c.js';

function tool(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd });
  if (r.error) throw new Error(`${cmd} could not run (${r.error.message}): install it`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

/** Compiles ZIR `source` into `<dir>/<name>.o`; returns the object's path. */
function objectOf(dir: string, name: string, source: string): string {
  const src = path.join(dir, `${name}.zir`);
  fs.writeFileSync(src, source);
  const out = path.join(dir, `${name}.o`);
  const { result, object } = compileObject(src, { optimize: 'Debug', outputPath: out });
  expect(result.errors.map((e) => e.rendered)).toEqual([]);
  fs.writeFileSync(out, object!);
  return out;
}

/** zirc's own executable of `source`. */
function executableOf(dir: string, name: string, source: string): string {
  const src = path.join(dir, `${name}.zir`);
  fs.writeFileSync(src, source);
  const out = path.join(dir, `${name}.exe`);
  const c = Compilation.create({ sourcePath: src, outputPath: out, target: 'x86_64-linux', optimize: 'Debug' });
  try {
    expect(c.update().ok).toBe(true);
  } finally {
    c.close();
  }
  return out;
}

function caseSource(name: string): string {
  const file = path.join(__dirname, '..', '..', 'cases', `${name}.case`);
  const first = parseCaseFile(fs.readFileSync(file, 'utf8')).updates[0]!;
  return first.source;
}

describe('zirc build -c writes a relocatable object', () => {
  it('that readelf reads without a warning, with decl, export and undefined-extern symbols and standard relocations', () => {
    const dir = tempDir('zirc-reloc-');
    const obj = objectOf(dir, 'print_numbers', caseSource('print_numbers'));
    const { text, problems } = readelfAll(obj);
    expect(problems).toEqual([]);
    expect(text).toMatch(/Type:\s+REL \(Relocatable file\)/);
    expect(text).toMatch(/Machine:\s+Advanced Micro Devices X86-64/);
    for (const s of ['.text', '.rodata', '.data', '.bss', '.rela.text', '.symtab', '.strtab', '.shstrtab', '.note.GNU-stack']) {
      expect(text).toContain(` ${s} `);
    }
    for (const f of ['entry', 'print_line', 'write', '__zirc_wasi_proc_exit', '__zirc_wasi_fd_write', '__zirc_panic_integer_overflow']) {
      expect(text).toMatch(new RegExp(`FUNC\\s+LOCAL\\s+DEFAULT\\s+1 ${f}\\n`));
    }
    expect(text).toMatch(/FUNC\s+GLOBAL\s+DEFAULT\s+1 _start\n/);
    expect(text).toMatch(/R_X86_64_GOTPCRELX\s+[0-9a-f]+\s+print_line - 4/);
    expect(text).toMatch(/R_X86_64_PLT32\s+[0-9a-f]+\s+__zirc_panic_integer_overflow - 4/);
    expect(text).toMatch(/R_X86_64_PC32\s+[0-9a-f]+\s+__zirc_panic_integer_overflow\.message - 4/);
    // The stack note is there and not executable.
    expect(text).toMatch(/\.note\.GNU-stack\s+PROGBITS\s+0+\s+[0-9a-f]+\s+0+\s+00\s+0\s+0\s+1/);
  });

  it('that ld.lld, mold and GNU ld link into a program that behaves as zirc\'s own executable (print_numbers)', () => {
    const dir = tempDir('zirc-reloc-');
    const source = caseSource('print_numbers');
    const obj = objectOf(dir, 'print_numbers', source);
    const expected = runExecutable(executableOf(dir, 'print_numbers', source));
    expect(expected.stdout).toContain('10\n');
    for (const [linker, args] of [
      ['ld.lld', []],
      ['mold', []],
      ['ld', []],
    ] as const) {
      const prog = path.join(dir, `prog_${linker.replace('.', '_')}`);
      tool(linker, [...args, obj, '-o', prog]);
      const got = runExecutable(prog);
      expect({ linker, status: got.status, stdout: got.stdout, stderr: got.stderr }).toEqual({
        linker,
        status: expected.status,
        stdout: expected.stdout,
        stderr: expected.stderr,
      });
    }
  });
});

describe('zirc build -c on the command line', () => {
  it('writes <name>.o that ld.lld links; with -t wasm32-wasi a wasm object instead', async () => {
    const dir = tempDir('zirc-reloc-');
    const src = path.join(dir, 'print_numbers.zir');
    fs.writeFileSync(src, caseSource('print_numbers'));
    const out = path.join(dir, 'pn.o');
    let code = -1;
    await makeProgram((c) => (code = c)).parseAsync(['node', 'zirc', 'build', '-c', src, '-o', out]);
    expect(code).toBe(0);
    expect(readelfAll(out).problems).toEqual([]);
    tool('ld.lld', [out, '-o', path.join(dir, 'pn')]);
    expect(runExecutable(path.join(dir, 'pn')).stdout.split('\n')[9]).toBe('10');
    const wasmOut = path.join(dir, 'pn.wasm.o');
    await makeProgram((c) => (code = c)).parseAsync(['node', 'zirc', 'build', '-c', src, '-t', 'wasm32-wasi', '-o', wasmOut]);
    expect(code).toBe(0);
    expect([...fs.readFileSync(wasmOut).subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);
  });
});

describe('zirc build -c: ZIR and C in one program', () => {
  const LIB = addThreeLibrary();
  const MAIN_C = ADD_THREE_MAIN_C;

  it('a ZIR library with no entry point, whose extern a C object defines, links with a C main (gcc -static and mold)', () => {
    const dir = tempDir('zirc-reloc-c-');
    const obj = objectOf(dir, 'lib', LIB);
    const { problems } = readelfAll(obj);
    expect(problems).toEqual([]);
    fs.writeFileSync(path.join(dir, 'main.c'), MAIN_C);
    for (const [name, extra] of [['gcc', []], ['mold', ['-fuse-ld=mold']]] as const) {
      const prog = path.join(dir, `prog-${name}`);
      tool('gcc', ['-static', ...extra, 'main.c', obj, '-o', prog], dir);
      const r = runExecutable(prog);
      expect(r.stdout, name).toBe('add3(c_twice(20)) = 43\n');
      expect(r.status, name).toBe(7);
    }
  });

  it('an executable build of the same source still needs an entry point and a definition of each extern', () => {
    const dir = tempDir('zirc-reloc-exe-');
    const src = path.join(dir, 'lib.zir');
    fs.writeFileSync(src, LIB);
    const c = Compilation.create({ sourcePath: src, outputPath: path.join(dir, 'lib'), target: 'x86_64-linux', optimize: 'Debug' });
    try {
      expect(c.update().errors.map((e) => e.message)).toEqual(['undefined symbol: c_twice']);
    } finally {
      c.close();
    }
  });
});
