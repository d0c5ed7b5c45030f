// `.zir` sources among a linker's inputs (issue 12 item 1, issue 13 item 1): `zirc ld` and
// `zirc wasm-ld` compile each where it stands on the command line and link it, and the
// program behaves as the reference linker's link of the same line with the source's
// `zirc build -c` object in its place. A source with errors stops the link with the
// compiler's rendered error and writes nothing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ldCommand } from '../../src/cli/ld/ld_command.js';
import { wasmLdCommand } from '../../src/cli/wasm_ld/wasm_ld_command.js';
import { compileObject } from '../../src/link/elf/relocatable/compile_object.js';
import { compileMusl, execute, libgcc, MUSL_LIB, run } from '../elf/static/toolchain.js';
import { ADD_THREE_MAIN_C, addThreeLibrary } from '../support/zir_with_c.js';
import { runModule, tempDir, tool, wasmObjectOf } from '../wasm/relocatable/wasm_object_tools.js';

afterEach(() => vi.restoreAllMocks());

function quietly(command: () => number): { code: number; err: string } {
  let err = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  const code = command();
  vi.restoreAllMocks();
  return { code, err };
}

describe('.zir sources among the inputs of zirc ld and zirc wasm-ld', () => {
  it('zirc ld compiles lib.zir in place in a musl link, as ld.lld links its object', () => {
    const dir = tempDir('zirc-zir-inputs-');
    fs.writeFileSync(path.join(dir, 'main.c'), ADD_THREE_MAIN_C);
    const main = compileMusl(path.join(dir, 'main.c'), path.join(dir, 'main.o'));
    const lib = path.join(dir, 'lib.zir');
    fs.writeFileSync(lib, addThreeLibrary());
    const line = (zirInput: string, out: string) => ['-static', '-o', out, `${MUSL_LIB}/crt1.o`, `${MUSL_LIB}/crti.o`, zirInput, main, `${MUSL_LIB}/libc.a`, libgcc(), `${MUSL_LIB}/crtn.o`];
    const mine = path.join(dir, 'prog');
    expect(quietly(() => ldCommand(line(lib, mine)))).toEqual({ code: 0, err: '' });
    const obj = path.join(dir, 'lib.o');
    fs.writeFileSync(obj, compileObject(lib, { optimize: 'Debug', outputPath: obj }).object!);
    const ref = path.join(dir, 'prog.lld');
    run('ld.lld', line(obj, ref));
    const got = execute(mine);
    expect({ out: got.stdout, status: got.status }).toEqual({ out: 'add3(c_twice(20)) = 43\n', status: 7 });
    expect({ out: got.stdout, status: got.status }).toEqual({ out: execute(ref).stdout, status: execute(ref).status });
  });

  it('zirc wasm-ld compiles lib.zir in place in a wasi-libc link, as wasm-ld links its object', async () => {
    const dir = tempDir('zirc-zir-inputs-');
    fs.writeFileSync(path.join(dir, 'main.c'), ADD_THREE_MAIN_C);
    tool('clang', ['--target=wasm32-wasi', '-O1', '-c', 'main.c', '-o', 'main.o'], dir);
    const lib = path.join(dir, 'lib.zir');
    fs.writeFileSync(lib, addThreeLibrary());
    const W = '/usr/lib/wasm32-wasi';
    const line = (zirInput: string, out: string) => ['-L', W, `${W}/crt1-command.o`, path.join(dir, 'main.o'), zirInput, '-lc', '-o', out];
    const mine = path.join(dir, 'prog.wasm');
    expect(quietly(() => wasmLdCommand(line(lib, mine)))).toEqual({ code: 0, err: '' });
    const ref = path.join(dir, 'prog.wasm-ld.wasm');
    tool('wasm-ld', line(wasmObjectOf(dir, 'lib_obj', addThreeLibrary()), ref));
    const got = await runModule(mine);
    expect(got).toEqual({ stdout: 'add3(c_twice(20)) = 43\n', stderr: '', exitCode: 7 });
    expect(got).toEqual(await runModule(ref));
  });

  it('a source with errors stops the link with the rendered error; nothing is written', () => {
    const dir = tempDir('zirc-zir-inputs-');
    const bad = path.join(dir, 'bad.zir');
    fs.writeFileSync(bad, '@x = bogus(1)\n');
    const out = path.join(dir, 'prog');
    const r = quietly(() => ldCommand(['-static', '-o', out, bad]));
    expect(r.code).toBe(1);
    expect(r.err).toBe(`${bad}:1:6: error: unknown instruction 'bogus'\n@x = bogus(1)\n     ^\n`);
    expect(fs.existsSync(out)).toBe(false);
    const w = quietly(() => wasmLdCommand(['-o', out + '.wasm', bad]));
    expect(w.code).toBe(1);
    expect(w.err).toContain(`${bad}:1:6: error: unknown instruction 'bogus'`);
    expect(fs.existsSync(out + '.wasm')).toBe(false);
  });
});
