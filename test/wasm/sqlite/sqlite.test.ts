// SQLite (the amalgamation better-sqlite3 12.4.1 ships, built with clang --target=wasm32-wasi
// -O1 -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -D_WASI_EMULATED_MMAN
// -DSQLITE_OMIT_WAL -DSQLITE_OMIT_SHARED_MEM against wasi-libc's headers) with the x86 test's
// main (test/elf/sqlite/main.c, which compiles for wasm32-wasi as it is: an in-memory
// database, so node:wasi needs no preopened directory) linked by zirc's wasm linker runs
// under node:wasi exactly as the same command line linked by LLVM's wasm-ld 14: same stdout,
// stderr and exit status for several arguments, both modules pass WebAssembly.validate,
// wabt's validator (npm) and `wasm-validate`, and zirc's module is wasm-ld's byte for byte
// (debug sections included). The line is
// the one clang's driver gives wasm-ld (`clang -### main.o sqlite3.o -lwasi-emulated-mman`:
// crt1-command.o, the objects, -lwasi-emulated-mman, -lc, compiler-rt's builtins). Linked
// three ways: `zirc wasm-ld` in-process (from src/), bin/zirc-wasm-ld.js as a process, and
// clang's driver with zirc-wasm-ld as its linker (against the driver's own wasm-ld link).
// bin/zirc-wasm-ld.js runs dist/: `npm run build` first. The object comes from
// scripts/sqlite_cache.mjs (npm pack and a compile on a cache miss, about 18 s; CI builds it
// before the tests). Every tool must be installed: a missing one fails the test.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { wasmLdCommand } from '../../../src/cli/wasm_ld/wasm_ld_command.js';
import { recipeFor, sqliteObject } from '../../../scripts/sqlite_cache.mjs';
import { expectValidModule } from '../wasm_check.js';
import { clangLinkArgs, expectValid, layoutSections, linkWithWasmLd, REPO, run, runModule, tempDir } from '../static/toolchain.js';

const ZIRC_WASM_LD = path.join(REPO, 'bin', 'zirc-wasm-ld.js');
const MAIN = path.join(REPO, 'test', 'elf', 'sqlite', 'main.c');
const work = tempDir();
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Row counts main.c is run with: the default five, and more rows through other paths. */
const ARGS = [[], ['1'], ['4'], ['40']];

type Run = Awaited<ReturnType<typeof runModule>>;

let sqlite: { object: string; includeDir: string };
/** The wasm32-wasi compile flags of the SQLite object (`-c` and all), for main.c too. */
let compileFlags: string[];
let mainObject: string;
/** The objects and libraries clang's driver is given; the driver adds crt1, -lc and the builtins. */
let linkInputs: string[];
/** wasm-ld's module on the driver's line, and its runs for ARGS. */
let reference: string;
let referenceRuns: Run[];

beforeAll(async () => {
  const recipe = recipeFor('wasm32-wasi');
  sqlite = sqliteObject(recipe);
  compileFlags = recipe.args;
  mainObject = path.join(work, 'main.o');
  run('clang', [...compileFlags, '-I', sqlite.includeDir, MAIN, '-o', mainObject]);
  linkInputs = [mainObject, sqlite.object, '-lwasi-emulated-mman'];
  reference = path.join(work, 'sqlite.ref.wasm');
  const r = linkWithWasmLd(clangLinkArgs(linkInputs, reference));
  if (r.status !== 0) throw new Error(`wasm-ld failed:\n${r.stderr}`);
  referenceRuns = await runAll(reference);
}, 600_000);

async function runAll(wasm: string): Promise<Run[]> {
  const runs: Run[] = [];
  for (const args of ARGS) runs.push(await runModule(wasm, args));
  return runs;
}

/** `zirc wasm-ld` on `args`, in-process; what it wrote on stderr along with its exit status. */
function zircWasmLdCommand(args: string[]): { status: number; stderr: string } {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { status: wasmLdCommand(args), stderr };
  } finally {
    spy.mockRestore();
  }
}

/** Valid for the engine, wabt's npm validator and wabt's wasm-validate. */
function expectValidZircModule(wasm: string): void {
  expectValid(wasm);
  expectValidModule(fs.readFileSync(wasm));
}

/** Runs as wasm-ld's link does, with the same sections; zirc now copies the debug sections as wasm-ld does, so the whole file is the same. */
async function expectSameAsReference(wasm: string, ref = reference): Promise<void> {
  expectValidZircModule(wasm);
  expect(await runAll(wasm)).toEqual(referenceRuns);
  expect(layoutSections(wasm)).toEqual(layoutSections(ref));
  expect(fs.readFileSync(wasm).equals(fs.readFileSync(ref))).toBe(true);
}

describe('SQLite linked by zirc wasm-ld', () => {
  it('runs under node:wasi as main.c says when wasm-ld links it (the reference is a working program)', () => {
    const line = clangLinkArgs(linkInputs, reference);
    expect(line).toEqual([
      '-m', 'wasm32', '-L/usr/lib/wasm32-wasi', '/usr/lib/wasm32-wasi/crt1-command.o', mainObject, sqlite.object,
      '-lwasi-emulated-mman', '-lc', expect.stringMatching(/\/lib\/wasi\/libclang_rt\.builtins-wasm32\.a$/), '-o', reference,
    ]);
    expectValid(reference);
    expectValidModule(fs.readFileSync(reference));
    const first = referenceRuns[0]!;
    expect(first.stdout).toContain('sqlite 3.50.4\n');
    expect(first.stdout).toContain('join: who=ada n=2 avg_price=2.50 names=apple+date\n');
    expect(first.stdout).toContain('cte: s=2047 k=11\n');
    expect(first.stdout).toContain('json: j={"n":5,"q":45.0}\n');
    expect(first.stdout).toContain('bad sql: rc=1 msg=near "SELEKT": syntax error stmt=null\n');
    expect(first.stdout).toContain('total=191.25 failures=0\n');
    expect(first.stderr).toBe('missing table: rc=1 msg=no such table: nowhere\n');
    expect(referenceRuns.map((r) => r.exitCode)).toEqual([46, 36, 22, 11]);
  });

  it('links crt1-command.o, main.o, sqlite3.o, -lwasi-emulated-mman, libc.a and the builtins on zirc wasm-ld\'s command line (in-process) into the module wasm-ld writes', async () => {
    const mine = path.join(work, 'sqlite.zirc.wasm');
    expect(zircWasmLdCommand(clangLinkArgs(linkInputs, mine))).toEqual({ status: 0, stderr: '' });
    await expectSameAsReference(mine);
  });

  it('has a built zirc-wasm-ld (npm run build)', () => {
    expect(fs.existsSync(path.join(REPO, 'dist', 'cli', 'wasm_ld', 'wasm_ld_command.js'))).toBe(true);
  });

  it('links the same line through bin/zirc-wasm-ld.js as a process', async () => {
    const mine = path.join(work, 'sqlite.bin.wasm');
    const r = spawnSync(process.execPath, [ZIRC_WASM_LD, ...clangLinkArgs(linkInputs, mine)], { encoding: 'utf8' });
    if (r.error) throw r.error;
    expect({ status: r.status, stderr: r.stderr, stdout: r.stdout }).toEqual({ status: 0, stderr: '', stdout: '' });
    await expectSameAsReference(mine);
  });

  // clang 14's WebAssembly toolchain ignores --ld-path (`clang -###` still names wasm-ld-14)
  // and takes -fuse-ld=<path>, so the driver is pointed at zirc-wasm-ld that way. The driver
  // compiles main.c itself here; its own link (wasm-ld) of the same line is the reference.
  it('links through clang\'s driver (-fuse-ld=bin/zirc-wasm-ld.js) into a module that runs as the driver\'s own link', async () => {
    const driverFlags = compileFlags.filter((f) => f !== '-c');
    const line = (out: string, linker: string[]) => [...driverFlags, ...linker, '-I', sqlite.includeDir, MAIN, sqlite.object, '-lwasi-emulated-mman', '-o', out];
    const mine = path.join(work, 'sqlite.driver.zirc.wasm');
    const ref = path.join(work, 'sqlite.driver.ref.wasm');
    // The driver really runs zirc-wasm-ld (the module may be the same bytes as wasm-ld's).
    const plan = spawnSync('clang', ['-###', ...line(mine, [`-fuse-ld=${ZIRC_WASM_LD}`])], { encoding: 'utf8' });
    expect(plan.stderr).toContain(`"${ZIRC_WASM_LD}"`);
    const viaZirc = spawnSync('clang', line(mine, [`-fuse-ld=${ZIRC_WASM_LD}`]), { encoding: 'utf8' });
    if (viaZirc.error) throw viaZirc.error;
    expect({ status: viaZirc.status, stderr: viaZirc.stderr }).toEqual({ status: 0, stderr: '' });
    run('clang', line(ref, []));
    expectValid(ref);
    expectValidZircModule(mine);
    const runs = await runAll(mine);
    expect(runs).toEqual(await runAll(ref));
    expect(runs).toEqual(referenceRuns);
    expect(layoutSections(mine)).toEqual(layoutSections(ref));
    expect(fs.readFileSync(mine).equals(fs.readFileSync(ref))).toBe(true);
  });
});
