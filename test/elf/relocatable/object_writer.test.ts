// The pure relocatable-object writer with hand-written machine code, on the paths a C
// link exercises: a ZIR export `add3` (cc=C) that gcc -static, and clang + ld.lld with
// musl's crt1.o/libc.a, link with a C main; an extern `c_twice` that a C object defines,
// reached through a REX-less GOTPCRELX call, with a REX_GOTPCRELX load of a function
// address and an R_X86_64_64 pointer in .data, linked by ld.lld, mold and GNU ld. A
// missing tool fails the test.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { X86Function } from '../../../src/codegen/x86_64/output.js';
import { writeRelocatableObject, type ObjectFunction } from '../../../src/link/elf/relocatable/object_writer.js';
import { readelfAll, runExecutable, tempDir } from '../x86_snippets.js';

function tool(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${cmd} could not run (${r.error.message}): install it`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
}

const decl = (name: string) => ({ kind: 'decl' as const, name });
const fn = (name: string, code: X86Function): ObjectFunction => ({ target: decl(name), symbolName: name, code });

/** `lea eax, [rdi+3]; ret` */
const ADD3: X86Function = { code: new Uint8Array([0x8d, 0x47, 0x03, 0xc3]), relocs: [] };

const MESSAGE = new TextEncoder().encode('hello from zirc\n');

/**
 * Entry: writes the message `msg_ptr` points at, then exits with
 * c_twice(20) + (call through add3's address)(c_twice's result) = 43.
 */
function startCode(): X86Function {
  const b: number[] = [];
  const relocs: X86Function['relocs'] = [];
  const field = (kind: 'rel32' | 'got_rel32', target: ObjectFunction['target']) => {
    relocs.push({ offset: b.length, kind, target, addend: -4 });
    b.push(0, 0, 0, 0);
  };
  b.push(0x48, 0x8b, 0x35); // mov rsi, [rip+msg_ptr]
  field('rel32', decl('msg_ptr'));
  b.push(0xbf, 1, 0, 0, 0, 0xba, MESSAGE.length, 0, 0, 0, 0xb8, 1, 0, 0, 0, 0x0f, 0x05); // write(1, rsi, len)
  b.push(0xbf, 20, 0, 0, 0); // mov edi, 20
  b.push(0xff, 0x15); // call [rip+got(c_twice)]
  field('got_rel32', { kind: 'extern', name: 'c_twice', lib: 'c' });
  b.push(0x89, 0xc7); // mov edi, eax
  b.push(0x48, 0x8b, 0x05); // mov rax, [rip+got(add3)]
  field('got_rel32', decl('add3'));
  b.push(0xff, 0xd0); // call rax
  b.push(0x89, 0xc7, 0xb8, 231, 0, 0, 0, 0x0f, 0x05); // exit_group(eax)
  return { code: new Uint8Array(b), relocs };
}

function writeObject(dir: string, name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

describe('writeRelocatableObject', () => {
  it('gives an export that gcc -static and clang + ld.lld (musl) link with a C main', () => {
    const dir = tempDir('zirc-objw-');
    const obj = writeObject(dir, 'add3.o', writeRelocatableObject({ sourceName: 'add3.zir', functions: [fn('add3', ADD3)], data: [], exports: [{ symbolName: 'add3', declName: 'add3' }] }));
    const { text, problems } = readelfAll(obj);
    expect(problems).toEqual([]);
    expect(text).toMatch(/4 FUNC\s+GLOBAL\s+DEFAULT\s+1 add3\n/);
    const main = writeObject(dir, 'main.c', new TextEncoder().encode('#include <stdio.h>\nunsigned add3(unsigned);\nint main(void) { printf("add3(39) = %u\\n", add3(39)); return add3(4); }\n'));
    tool('gcc', ['-static', main, obj, '-o', path.join(dir, 'prog_gcc')]);
    expect(runExecutable(path.join(dir, 'prog_gcc'))).toMatchObject({ status: 7, stdout: 'add3(39) = 42\n' });
    const musl = '/usr/lib/x86_64-linux-musl';
    const mainObj = path.join(dir, 'main.o');
    tool('clang', ['-c', '-nostdinc', '-isystem', '/usr/include/x86_64-linux-musl', main, '-o', mainObj]);
    const prog = path.join(dir, 'prog_musl');
    tool('ld.lld', ['-static', `${musl}/crt1.o`, `${musl}/crti.o`, mainObj, obj, `${musl}/libc.a`, `${musl}/crtn.o`, '-o', prog]);
    expect(runExecutable(prog)).toMatchObject({ status: 7, stdout: 'add3(39) = 42\n' });
  });

  it('leaves an extern undefined for a C object to define; ld.lld, mold and GNU ld link it', () => {
    const dir = tempDir('zirc-objw-');
    const bytes = writeRelocatableObject({
      sourceName: 'calls_c.zir',
      functions: [fn('entry', startCode()), fn('add3', ADD3)],
      data: [
        { name: 'msg', bytes: MESSAGE, align: 1, relocs: [], section: 'rodata' },
        { name: 'msg_ptr', bytes: new Uint8Array(8), align: 8, relocs: [{ offset: 0, target: decl('msg'), addend: 0 }], section: 'data' },
        { name: 'scratch', bytes: new Uint8Array(64), align: 16, relocs: [], section: 'bss' },
      ],
      exports: [{ symbolName: '_start', declName: 'entry' }],
    });
    const obj = writeObject(dir, 'calls_c.o', bytes);
    const { text, problems } = readelfAll(obj);
    expect(problems).toEqual([]);
    expect(text).toMatch(/NOTYPE\s+GLOBAL\s+DEFAULT\s+UND c_twice\n/);
    expect(text).toMatch(/R_X86_64_GOTPCRELX\s+0+\s+c_twice - 4/);
    expect(text).toMatch(/R_X86_64_REX_GOTPCRELX\s+[0-9a-f]+\s+add3 - 4/);
    expect(text).toMatch(/R_X86_64_PC32\s+[0-9a-f]+\s+msg_ptr - 4/);
    expect(text).toMatch(/Relocation section '\.rela\.data'[^\n]*\n[^\n]*\n[0-9a-f]+\s+[0-9a-f]+\s+R_X86_64_64\s+[0-9a-f]+\s+msg \+ 0/);
    expect(text).toMatch(/64 OBJECT\s+LOCAL\s+DEFAULT\s+4 scratch\n/);
    const c = writeObject(dir, 'twice.c', new TextEncoder().encode('unsigned c_twice(unsigned x) { return 2 * x; }\n'));
    const cObj = path.join(dir, 'twice.o');
    tool('gcc', ['-c', '-O1', '-ffreestanding', c, '-o', cObj]);
    for (const linker of ['ld.lld', 'mold', 'ld']) {
      const prog = path.join(dir, `prog_${linker.replace('.', '_')}`);
      tool(linker, [obj, cObj, '-o', prog]);
      expect({ linker, ...runExecutable(prog) }).toMatchObject({ linker, status: 43, stdout: 'hello from zirc\n' });
    }
  });

  it('resolves an extern named like one of its own exports to that export, not an undefined symbol', () => {
    const call: X86Function = { code: new Uint8Array([0xff, 0x15, 0, 0, 0, 0, 0xc3]), relocs: [{ offset: 2, kind: 'got_rel32', target: { kind: 'extern', name: 'add3', lib: 'c' }, addend: -4 }] };
    const dir = tempDir('zirc-objw-');
    const obj = writeObject(dir, 'self.o', writeRelocatableObject({ sourceName: 'self.zir', functions: [fn('f', call), fn('add3', ADD3)], data: [], exports: [{ symbolName: 'add3', declName: 'add3' }] }));
    const { text, problems } = readelfAll(obj);
    expect(problems).toEqual([]);
    expect(text).not.toMatch(/UND add3/);
    expect(text).toMatch(/R_X86_64_GOTPCRELX\s+[0-9a-f]+\s+add3 - 4/);
  });
});
