// A ZIR program linked with wasm32 objects and archives (`zirc build -t wasm32-wasi
// main.zir util.o`, the WasmProgramLinker): a lib-less extern resolves to a C definition,
// a ZIR export is called from a C main under wasi-libc's crt1-command.o, and every module
// behaves under node:wasi as wasm-ld's link of the same inputs with the program as its
// `zirc build -c -t wasm32-wasi` object. Across edits the module stays valid and behaves
// as a fresh build; an extern nobody defines is an import (spec §7); a failed link
// (a truncated object) leaves it byte for byte.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Compilation } from '../../../src/compile/Compilation.js';
import { makeProgram } from '../../../src/cli/main.js';
import { ADD_THREE_MAIN_C, addThreeLibrary, C_ADD, startProgram } from '../../support/zir_with_c.js';
import { expectValidLinkedModule, runModule, tempDir, tool, wasmObjectOf } from '../relocatable/wasm_object_tools.js';

const WASI = '/usr/lib/wasm32-wasi';

function builtins(): string {
  const dir = '/usr/lib/llvm-14/lib/clang';
  const version = fs.readdirSync(dir).find((v) => fs.existsSync(path.join(dir, v, 'lib', 'wasi', 'libclang_rt.builtins-wasm32.a')));
  if (!version) throw new Error('libclang_rt.builtins-wasm32.a not found: apt-get install libclang-rt-14-dev-wasm32');
  return path.join(dir, version, 'lib', 'wasi', 'libclang_rt.builtins-wasm32.a');
}

function cObject(dir: string, name: string, source: string): string {
  fs.writeFileSync(path.join(dir, `${name}.c`), source);
  tool('clang', ['--target=wasm32-wasi', '-O1', '-c', `${name}.c`, '-o', `${name}.o`], dir);
  return path.join(dir, `${name}.o`);
}

function build(dir: string, name: string, source: string, inputs: string[]): { ok: boolean; output: string; errors: string[] } {
  const src = path.join(dir, `${name}.zir`);
  fs.writeFileSync(src, source);
  const output = path.join(dir, `${name}.wasm`);
  const c = Compilation.create({ sourcePath: src, outputPath: output, target: 'wasm32-wasi', optimize: 'Debug', linkInputs: inputs });
  try {
    const r = c.update();
    return { ok: r.ok, output, errors: r.errors.map((e) => e.rendered) };
  } finally {
    c.close();
  }
}

/** wasm-ld's link of the same inputs, the program as its `zirc build -c` object, with zirc's 1 MiB stack. */
function reference(dir: string, name: string, source: string, inputs: string[]): string {
  const obj = wasmObjectOf(dir, `${name}_ref`, source);
  const out = path.join(dir, `${name}.wasm-ld.wasm`);
  tool('wasm-ld', ['-z', 'stack-size=1048576', '-o', out, obj, ...inputs]);
  return out;
}

describe('zirc build -t wasm32-wasi main.zir util.o', () => {
  it("a ZIR _start calls an object's function, as wasm-ld links it", async () => {
    const dir = tempDir('zirc-wasm-program-');
    const util = cObject(dir, 'util', C_ADD);
    const built = build(dir, 'start', startProgram(30, 12), [util]);
    expect(built.errors).toEqual([]);
    expectValidLinkedModule(built.output);
    const got = await runModule(built.output);
    expect(got.exitCode).toBe(42);
    expect(got).toEqual(await runModule(reference(dir, 'start', startProgram(30, 12), [util])));
  });

  it('a C main under wasi-libc calls a ZIR export that calls back into C', async () => {
    const dir = tempDir('zirc-wasm-program-');
    const inputs = [`${WASI}/crt1-command.o`, cObject(dir, 'main', ADD_THREE_MAIN_C), `${WASI}/libc.a`, builtins()];
    const built = build(dir, 'lib', addThreeLibrary(), inputs);
    expect(built.errors).toEqual([]);
    expectValidLinkedModule(built.output);
    const got = await runModule(built.output);
    expect(got).toEqual({ stdout: 'add3(c_twice(20)) = 43\n', stderr: '', exitCode: 7 });
    expect(got).toEqual(await runModule(reference(dir, 'lib', addThreeLibrary(), inputs)));
  });

  it('after every edit the module behaves as a fresh build; a failed link leaves it as it was', async () => {
    const dir = tempDir('zirc-wasm-program-');
    const util = cObject(dir, 'util', C_ADD);
    const src = path.join(dir, 'edit.zir');
    const output = path.join(dir, 'edit.wasm');
    fs.writeFileSync(src, startProgram(1, 1));
    const c = Compilation.create({ sourcePath: src, outputPath: output, target: 'wasm32-wasi', optimize: 'Debug', linkInputs: [util] });
    try {
      expect(c.update().errors).toEqual([]);
      for (const [i, text] of [startProgram(5, 6), startProgram(5, 6, true), startProgram(70, 6, true)].entries()) {
        const r = c.update(Buffer.from(text));
        expect(r.errors).toEqual([]);
        // A body edit of the program is patched into the module, not written whole.
        expect(r.stats.bytesWritten).toBeLessThan(1024);
        expectValidLinkedModule(output);
        const fresh = build(dir, `fresh${i}`, text, [util]);
        expect(await runModule(output)).toEqual(await runModule(fresh.output));
      }
      // Spec §7: on wasm32 an extern no object defines is an import (lib defaults to env).
      expect(c.update(Buffer.from(startProgram(2, 2).replace('"c_add"', '"c_sub"'))).errors).toEqual([]);
      const imports = WebAssembly.Module.imports(new WebAssembly.Module(fs.readFileSync(output)));
      expect(imports).toContainEqual({ module: 'env', name: 'c_sub', kind: 'function' });
      expect(c.update(Buffer.from(startProgram(2, 2))).errors).toEqual([]);
      const good = fs.readFileSync(output);
      const whole = fs.readFileSync(util);
      fs.writeFileSync(util, whole.subarray(0, 40));
      const bad = c.update(Buffer.from(startProgram(2, 3)));
      expect(bad.ok).toBe(false);
      expect(bad.errors.map((e) => e.rendered).join('\n')).toContain(util);
      expect(fs.readFileSync(output).equals(good)).toBe(true);
      fs.writeFileSync(util, whole);
      expect(c.update(Buffer.from(startProgram(2, 3))).errors).toEqual([]);
      expect((await runModule(output)).exitCode).toBe(5);
    } finally {
      c.close();
    }
  });

  it('on the command line', async () => {
    const dir = tempDir('zirc-wasm-program-');
    const util = cObject(dir, 'util', 'unsigned c_add(unsigned a, unsigned b) { return a * b; }\n');
    const src = path.join(dir, 'cli.zir');
    fs.writeFileSync(src, startProgram(6, 7));
    const out = path.join(dir, 'cli.wasm');
    let code = -1;
    await makeProgram((c) => (code = c)).parseAsync(['node', 'zirc', 'build', '-t', 'wasm32-wasi', src, util, '-o', out]);
    expect(code).toBe(0);
    expect((await runModule(out)).exitCode).toBe(42);
  });
});
