// Links that are not plain command programs: a module of exports only (--no-entry),
// archives pulled lazily (only the members a needed symbol is defined in, so an unused
// member's constructor never runs) or whole (--whole-archive), undefined symbols made
// imports by --allow-undefined, and a call with the wrong signature (a warning and a
// trapping stub), each compared with wasm-ld.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clangLinkArgs, compile, expectValid, layoutSections, linkWithWasmLd, linkWithZirc, linkBoth, run, runModule, tempDir } from './toolchain.js';

let dir: string;
beforeAll(() => {
  dir = tempDir();
});

describe('a module of exports (--no-entry)', () => {
  it('exports the export_name function and memory, and computes as wasm-ld’s module', async () => {
    const o = compile('reactor.c', path.join(dir, 'reactor.o'), ['-O2']);
    const ref = path.join(dir, 'reactor.ref.wasm');
    const zirc = path.join(dir, 'reactor.zirc.wasm');
    expect(linkWithWasmLd(['--no-entry', o, '-o', ref]).status).toBe(0);
    const r = linkWithZirc(['--no-entry', o, '-o', zirc]);
    expect(r).toEqual({ ok: true, warnings: [] });
    expectValid(zirc);
    expect(layoutSections(zirc)).toEqual(layoutSections(ref));
    const { instance } = await WebAssembly.instantiate(fs.readFileSync(zirc));
    const exports = instance.exports as { fill: (k: number) => number; memory: WebAssembly.Memory; not_exported?: unknown };
    expect(Object.keys(instance.exports).sort()).toEqual(['fill', 'memory']);
    expect(exports.fill(3)).toBe(3 * 140);
  });
});

describe('archives', () => {
  let lib: string;
  let main: string;
  beforeAll(() => {
    const members = ['archive_one.c', 'archive_two.c', 'archive_unused.c'].map((s) => compile(s, path.join(dir, s.replace('.c', '.o'))));
    lib = path.join(dir, 'libparts.a');
    run('llvm-ar', ['rcs', lib, ...members]);
    main = compile('archive_main.c', path.join(dir, 'archive_main.o'));
  });

  it('pulls only the members whose symbols are needed, transitively', async () => {
    const { ref, zirc } = linkBoth([main, lib], path.join(dir, 'lazy'));
    expect(layoutSections(zirc)).toEqual(layoutSections(ref));
    const got = await runModule(zirc);
    expect(got).toEqual(await runModule(ref));
    expect(got.stdout).toBe('lib_one=3\n');
  });

  it('links every member under --whole-archive, constructors included', async () => {
    const { ref, zirc } = linkBoth(['-Wl,--whole-archive', lib, '-Wl,--no-whole-archive', main], path.join(dir, 'whole'));
    expect(layoutSections(zirc)).toEqual(layoutSections(ref));
    const got = await runModule(zirc);
    expect(got).toEqual(await runModule(ref));
    expect(got.stdout).toBe("unused member's constructor ran\nlib_one=3\n");
  });
});

describe('undefined functions and signatures', () => {
  it('--allow-undefined makes an undefined function an env import (and undefined data address 0), as wasm-ld', () => {
    const o = compile('undefined_ref.c', path.join(dir, 'allow.o'));
    const { ref, zirc } = linkBoth([o], path.join(dir, 'allow'), [], ['--allow-undefined']);
    expectValid(zirc);
    expect(layoutSections(zirc)).toEqual(layoutSections(ref));
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(fs.readFileSync(zirc)));
    expect(imports).toContainEqual({ module: 'env', name: 'missing', kind: 'function' });
  });

  it('warns of a signature mismatch as wasm-ld and calls a stub that traps', async () => {
    const a = compile('sig_call.c', path.join(dir, 'sig_call.o'));
    const b = compile('sig_define.c', path.join(dir, 'sig_define.o'));
    const args = clangLinkArgs([a, b], path.join(dir, 'sig.zirc.wasm'));
    const ref = linkWithWasmLd(clangLinkArgs([a, b], path.join(dir, 'sig.ref.wasm')));
    expect(ref.status).toBe(0);
    const r = linkWithZirc(args);
    const warning = `function signature mismatch: sig\n>>> defined as (i32) -> i32 in ${a}\n>>> defined as () -> void in ${b}`;
    expect(r).toEqual({ ok: true, warnings: [warning] });
    expect(ref.stderr).toBe(`wasm-ld: warning: ${warning}\n`);
    const zirc = path.join(dir, 'sig.zirc.wasm');
    expect(layoutSections(zirc)).toEqual(layoutSections(path.join(dir, 'sig.ref.wasm')));
    const run = await runModule(zirc);
    expect(run.exitCode).toBe((await runModule(path.join(dir, 'sig.ref.wasm'))).exitCode);
    expect(run.stderr).toMatch(/unreachable/);
  });
});

describe('target features', () => {
  it('lists every feature the objects use, as wasm-ld’s target_features, and the program runs the same', async () => {
    const o = compile('libc_mix.c', path.join(dir, 'features.o'), ['-O2', '-msimd128', '-mnontrapping-fptoint', '-msign-ext', '-mmultivalue']);
    const { ref, zirc } = linkBoth([o], path.join(dir, 'features'));
    expectValid(zirc);
    expect(layoutSections(zirc)).toEqual(layoutSections(ref));
    expect(layoutSections(zirc)['target_features']).toBeDefined();
    expect(await runModule(zirc, ['2'])).toEqual(await runModule(ref, ['2']));
  });
});
