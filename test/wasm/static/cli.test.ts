// zirc-wasm-ld as a process, the way compiler drivers call it: `clang --target=wasm32-wasi
// -fuse-ld=$PWD/bin/zirc-wasm-ld.js` (clang 14's wasm toolchain ignores --ld-path) compiles
// and links a program that runs as wasm-ld's link does, and a failed link exits 1 with wasm-ld-style messages and leaves the old output.
// bin/zirc-wasm-ld.js runs dist/: run `npm run build` first. A missing tool fails the test.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile, expectValid, layoutSections, REPO, runModule, SOURCES, tempDir } from './toolchain.js';

const ZIRC_WASM_LD = path.join(REPO, 'bin', 'zirc-wasm-ld.js');
let dir: string;
beforeAll(() => {
  dir = tempDir();
});

describe('zirc-wasm-ld as clang’s linker', () => {
  it('links a C program through clang -fuse-ld, as clang’s own wasm-ld link', async () => {
    const src = path.join(SOURCES, 'libc_mix.c');
    const zirc = path.join(dir, 'mix.zirc.wasm');
    const ref = path.join(dir, 'mix.ref.wasm');
    const viaZirc = spawnSync('clang', ['--target=wasm32-wasi', '-O2', `-fuse-ld=${ZIRC_WASM_LD}`, src, '-o', zirc], { encoding: 'utf8' });
    expect(viaZirc.stderr).toBe('');
    expect(viaZirc.status).toBe(0);
    const viaLld = spawnSync('clang', ['--target=wasm32-wasi', '-O2', src, '-o', ref], { encoding: 'utf8' });
    expect(viaLld.status).toBe(0);
    expectValid(zirc);
    // clang runs zirc-wasm-ld as its linker (the outputs are the same bytes, so ask clang).
    const plan = spawnSync('clang', ['--target=wasm32-wasi', '-O2', `-fuse-ld=${ZIRC_WASM_LD}`, '-###', src, '-o', zirc], { encoding: 'utf8' });
    expect(plan.stderr).toContain(`"${ZIRC_WASM_LD}" "-m" "wasm32"`);
    expect(layoutSections(zirc)).toEqual(layoutSections(ref));
    for (const args of [[], ['5']]) expect(await runModule(zirc, args)).toEqual(await runModule(ref, args));
  });

  it('exits 1 with one error line per undefined symbol and keeps the previous output', () => {
    const o = compile('undefined_ref.c', path.join(dir, 'undef.o'));
    const out = path.join(dir, 'undef.wasm');
    fs.writeFileSync(out, 'old');
    const r = spawnSync('node', [ZIRC_WASM_LD, '-m', 'wasm32', '-L/usr/lib/wasm32-wasi', '/usr/lib/wasm32-wasi/crt1-command.o', o, '-lc', '-o', out], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`zirc wasm-ld: error: ${o}: undefined symbol: missing\nzirc wasm-ld: error: ${o}: undefined symbol: gone\n`);
    expect(fs.readFileSync(out, 'utf8')).toBe('old');
  });
});
