// SQLite (the amalgamation better-sqlite3 12.4.1 ships, built with clang -c -O1
// -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION against musl's headers) with a small
// main (main.c: an in-memory database, inserts of text, real and blob values, aggregates,
// a join, a CTE, JSON, a bad statement's error message) linked by `zirc ld` behaves exactly
// as the same command line linked by ld.lld: same stdout, stderr and exit status for
// several arguments, and readelf reads zirc's output without a warning. Once on zirc ld's
// command line (in-process, from src/), once through musl's gcc driver with an `ld` that
// runs zirc-ld (bin/zirc-ld.js runs dist/: `npm run build` first) against the driver with
// an `ld` that runs ld.lld, and the driver's own link. The object comes from scripts/sqlite_cache.mjs (fetched with
// npm pack and compiled on a cache miss, about 20 s; CI builds it before the tests).
// Every tool must be installed: a missing one fails the test.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ldCommand } from '../../../src/cli/ld/ld_command.js';
import { recipeFor, sqliteObject } from '../../../scripts/sqlite_cache.mjs';
import { SQLITE_DEFINES } from '../../../scripts/sqlite_recipe.mjs';
import { compileMusl, execute, libgcc, MUSL_LIB, readelfAll, run, type RunResult } from '../static/toolchain.js';

const root = path.join(import.meta.dirname, '..', '..', '..');
const zircLd = path.join(root, 'bin', 'zirc-ld.js');
const MAIN = path.join(import.meta.dirname, 'main.c');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-sqlite-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Row counts main.c is run with: the default five, and more rows through other paths. */
const ARGS = [[], ['1'], ['4'], ['40']];

let sqlite: { object: string; includeDir: string };
let mainObject: string;

beforeAll(() => {
  sqlite = sqliteObject(recipeFor('x86_64-musl'));
  mainObject = compileMusl(MAIN, path.join(work, 'main.o'), ['-I', sqlite.includeDir, ...SQLITE_DEFINES]);
}, 600_000);

/** `zirc ld` on `args`, in-process; what it wrote on stderr along with its exit status. */
function zircLdCommand(args: string[]): { status: number; stderr: string } {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { status: ldCommand(args), stderr };
  } finally {
    spy.mockRestore();
  }
}

/** A directory holding an `ld` that runs `argv`, the driver's arguments, then `after`, for gcc -B. */
function linkerDir(name: string, argv: string[], after: string[]): string {
  const dir = path.join(work, name);
  const quote = (args: string[]) => args.map((a) => ` '${a}'`).join('');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'ld'), `#!/bin/sh\nexec${quote(argv)} "$@"${quote(after)}\n`, { mode: 0o755 });
  return `${dir}/`;
}

function expectSameRuns(mine: string, ref: string): RunResult[] {
  return ARGS.map((args) => {
    const a = execute(mine, args);
    expect(a).toEqual(execute(ref, args));
    return a;
  });
}

function expectCleanReadelf(file: string): void {
  const r = readelfAll(file);
  expect(r.stderr).toBe('');
  expect(r.stdout).not.toMatch(/warning/i);
}

describe('SQLite linked by zirc ld', () => {
  it('links main.o, sqlite3.o, libc.a and libgcc.a on zirc ld\'s command line into a program that runs as ld.lld\'s', () => {
    const inputs = [`${MUSL_LIB}/crt1.o`, `${MUSL_LIB}/crti.o`, mainObject, sqlite.object, `${MUSL_LIB}/libc.a`, libgcc(), `${MUSL_LIB}/crtn.o`];
    const mine = path.join(work, 'sqlite.zirc');
    const ref = path.join(work, 'sqlite.lld');
    expect(zircLdCommand(['-static', '-o', mine, ...inputs])).toEqual({ status: 0, stderr: '' });
    run('ld.lld', ['-static', '-o', ref, ...inputs]);
    const runs = expectSameRuns(mine, ref);
    // What main.c prints, so that equal runs are also runs that worked.
    expect(runs[0]!.stdout).toContain('sqlite 3.50.4\n');
    expect(runs[0]!.stdout).toContain('join: who=ada n=2 avg_price=2.50 names=apple+date\n');
    expect(runs[0]!.stdout).toContain('bad sql: rc=1 msg=near "SELEKT": syntax error stmt=null\n');
    expect(runs[0]!.stderr).toBe('missing table: rc=1 msg=no such table: nowhere\n');
    expect(runs.map((r) => r.status)).toEqual([46, 36, 22, 11]);
    expectCleanReadelf(mine);
  });

  it('has a built zirc-ld for the driver (npm run build)', () => {
    expect(fs.existsSync(path.join(root, 'dist', 'cli', 'ld', 'ld_command.js'))).toBe(true);
  });

  // musl-gcc.specs passes `-dynamic-linker /lib/ld-musl-x86_64.so.1` with `-static`: GNU ld
  // and zirc ld write no PT_INTERP for a static link, ld.lld does (and musl's loader then
  // crashes running the static image), so the ld.lld reference gets --no-dynamic-linker
  // after the driver's arguments. The driver's own link (GNU ld) is compared too.
  it('links through musl\'s gcc driver (-static -B) into a program that runs as the driver\'s ld.lld and GNU ld links', () => {
    const line = (bdir: string[], out: string) => ['-static', ...bdir, '-O1', '-I', sqlite.includeDir, ...SQLITE_DEFINES, MAIN, sqlite.object, '-o', out];
    const mine = path.join(work, 'sqlite_driver.zirc');
    const lld = path.join(work, 'sqlite_driver.lld');
    const bfd = path.join(work, 'sqlite_driver.bfd');
    run('x86_64-linux-musl-gcc', line(['-B', linkerDir('zld', [process.execPath, zircLd], [])], mine));
    run('x86_64-linux-musl-gcc', line(['-B', linkerDir('lld', ['ld.lld'], ['--no-dynamic-linker'])], lld));
    run('x86_64-linux-musl-gcc', line([], bfd));
    const runs = expectSameRuns(mine, lld);
    expectSameRuns(mine, bfd);
    expect(runs[0]!.stdout).toContain('total=191.25 failures=0\n');
    expectCleanReadelf(mine);
  });
});
