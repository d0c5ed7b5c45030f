// The SQLite amalgamation and its compiled objects, cached under <repo>/.cache/sqlite/
// (gitignored): `npm pack` of the package sqlite_recipe.mjs names, checked against the
// pinned integrity, the two files extracted into source-<version>/; each object compiled
// once per cache key (compiler version, flags, sources, the headers' and libraries'
// stamps) into obj/<target>-<key>.o. Concurrent users (vitest workers, CI's prebuild) take
// a lock directory, so one compiles and the others wait for its result.
//   node scripts/sqlite_cache.mjs [x86_64-musl|wasm32-wasi]   builds (or finds) the object
// and prints its path and how long that took. Synchronous: the tests call it from hooks.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { integrityOf, objectKey, PACKAGE, PACKAGE_INTEGRITY, TARBALL_HEADER, TARBALL_SOURCE, wasm32WasiRecipe, x86MuslRecipe } from './sqlite_recipe.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE_DIR = path.join(ROOT, '.cache', 'sqlite');
const LOCK_WAIT_MS = 10 * 60_000;

/** @param {string} cmd @param {string[]} args @param {import('node:child_process').ExecFileSyncOptions} [options] @returns {string} */
function run(cmd, args, options = {}) {
  return String(execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'], ...options }));
}

/** @param {number} ms */
function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** @param {number} pid */
function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM'; }
}

/** @param {string} lock */
function lockAgeMs(lock) {
  try { return Date.now() - fs.statSync(lock).mtimeMs; } catch { return 0; }
}

/**
 * Runs `fn` holding the lock directory `lock`; waits for another holder, breaks a dead one's.
 * @template T
 * @param {string} lock
 * @param {() => T} fn
 * @returns {T}
 */
function withLock(lock, fn) {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
      let pid = NaN;
      try { pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8')); } catch { /* not written yet */ }
      const dead = Number.isInteger(pid) && pid > 0 ? !alive(pid) : lockAgeMs(lock) > 30_000; // no pid: died making it
      if (dead) { fs.rmSync(lock, { recursive: true, force: true }); continue; }
      if (Date.now() > deadline) throw new Error(`${lock} held for over ${LOCK_WAIT_MS / 60_000} minutes (pid ${pid}); remove it if that process is gone`);
      sleep(250);
    }
  }
  try { return fn(); } finally { fs.rmSync(lock, { recursive: true, force: true }); }
}

/**
 * The directory holding sqlite3.c and sqlite3.h, fetched with `npm pack` on first use.
 * @returns {{ dir: string, source: string, header: string }}
 */
export function sqliteSources(cacheDir = CACHE_DIR) {
  const dir = path.join(cacheDir, `source-${PACKAGE.replace(/[^\w.-]+/g, '-')}`);
  const files = { dir, source: path.join(dir, 'sqlite3.c'), header: path.join(dir, 'sqlite3.h') };
  if (fs.existsSync(files.source) && fs.existsSync(files.header)) return files;
  fs.mkdirSync(cacheDir, { recursive: true });
  return withLock(path.join(cacheDir, 'source.lock'), () => {
    if (fs.existsSync(files.source) && fs.existsSync(files.header)) return files;
    const tmp = fs.mkdtempSync(path.join(cacheDir, 'fetch-'));
    try {
      const packed = JSON.parse(run('npm', ['pack', PACKAGE, '--json', '--pack-destination', tmp], { cwd: tmp }));
      const tarball = path.join(tmp, packed[0].filename);
      const got = integrityOf(fs.readFileSync(tarball));
      if (got !== PACKAGE_INTEGRITY) throw new Error(`npm pack ${PACKAGE}: integrity ${got}, expected ${PACKAGE_INTEGRITY}`);
      run('tar', ['-xzf', tarball, '-C', tmp, TARBALL_SOURCE, TARBALL_HEADER]);
      const out = path.join(tmp, 'out');
      fs.mkdirSync(out);
      fs.renameSync(path.join(tmp, TARBALL_SOURCE), path.join(out, 'sqlite3.c'));
      fs.renameSync(path.join(tmp, TARBALL_HEADER), path.join(out, 'sqlite3.h'));
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(out, dir);
      return files;
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
}

/** The file `cmd` runs, found on PATH as the shell finds it. */
/** @param {string} cmd */
function onPath(cmd) {
  if (cmd.includes('/')) return path.resolve(cmd);
  for (const d of (process.env.PATH ?? '').split(':')) {
    const f = path.join(d || '.', cmd);
    try { fs.accessSync(f, fs.constants.X_OK); return fs.realpathSync(f); } catch { /* next */ }
  }
  throw new Error(`${cmd} not found on PATH: install it`);
}

/** @param {string} file */
function stamp(file) {
  const s = fs.statSync(file);
  return `${file} ${s.size} ${s.mtimeMs}`;
}

/**
 * The object of sqlite3.c compiled by `recipe`, from the cache or compiled into it.
 * @param {import('./sqlite_recipe.mjs').Recipe} recipe
 * @returns {{ object: string, includeDir: string, compiled: boolean, ms: number }}
 */
export function sqliteObject(recipe, cacheDir = CACHE_DIR) {
  const start = Date.now();
  const src = sqliteSources(cacheDir);
  const key = objectKey({
    compilerVersion: `${onPath(recipe.compiler)}\n${run(recipe.compiler, ['--version'])}`,
    args: recipe.args,
    sources: [fs.readFileSync(src.source), fs.readFileSync(src.header)],
    keyFileStamps: recipe.keyFiles.map(stamp),
  });
  const objDir = path.join(cacheDir, 'obj');
  const object = path.join(objDir, `${recipe.name}-${key}.o`);
  const result = (/** @type {boolean} */ compiled) => ({ object, includeDir: src.dir, compiled, ms: Date.now() - start });
  if (fs.existsSync(object)) return result(false);
  fs.mkdirSync(objDir, { recursive: true });
  return withLock(`${object}.lock`, () => {
    if (fs.existsSync(object)) return result(false);
    const tmp = `${object}.tmp-${process.pid}`;
    try {
      run(recipe.compiler, [...recipe.args, src.source, '-o', tmp]);
      fs.renameSync(tmp, object);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    return result(true);
  });
}

/**
 * The recipe of a target name, for the command line.
 * @param {string} target
 * @returns {import('./sqlite_recipe.mjs').Recipe}
 */
export function recipeFor(target) {
  if (target === 'x86_64-musl') return x86MuslRecipe(run('clang', ['-print-resource-dir']).trim());
  if (target === 'wasm32-wasi') return wasm32WasiRecipe(run('clang', ['-print-resource-dir']).trim());
  throw new Error(`unknown target ${target} (x86_64-musl or wasm32-wasi)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = sqliteObject(recipeFor(process.argv[2] ?? 'x86_64-musl'));
  console.log(`sqlite object ${r.object} (${r.compiled ? 'compiled' : 'cached'}, ${(r.ms / 1000).toFixed(1)} s)`);
}
