// What the SQLite test objects are built from, as data and pure functions: the npm package
// that ships the amalgamation (better-sqlite3, deps/sqlite3/sqlite3.c and sqlite3.h, as its
// tarball stores them), the integrity npm reports for that tarball, the compile command
// line of each target (x86-64 against musl's headers, wasm32-wasi against wasi-libc's), and
// the cache key of a compiled object. The I/O (fetching, compiling, the cache) is in
// sqlite_cache.mjs.

import { createHash } from 'node:crypto';

export const PACKAGE = 'better-sqlite3@12.4.1';
/** npm's integrity string of the packed tarball: a changed tarball is refused, not used. */
export const PACKAGE_INTEGRITY = 'sha512-3yVdyZhklTiNrtg+4WqHpJpFDd+WHTg2oM7UcR80GqL05AOV0xEJzc6qNvFYoEtE+hRp1n9MpN6/+4yhlGkDXQ==';
/** Where the tarball keeps the amalgamation (directly, not in a nested archive). */
export const TARBALL_SOURCE = 'package/deps/sqlite3/sqlite3.c';
export const TARBALL_HEADER = 'package/deps/sqlite3/sqlite3.h';

/** The defines every target's SQLite objects are built with (issue 12). */
export const SQLITE_DEFINES = ['-DSQLITE_THREADSAFE=0', '-DSQLITE_OMIT_LOAD_EXTENSION'];

export const MUSL_INCLUDE = '/usr/include/x86_64-linux-musl';

/**
 * @typedef {object} Recipe
 * @property {string} name       a label for messages and the cache file name
 * @property {string} compiler   the compiler command
 * @property {string[]} args     everything but the source and `-o OUT`
 * @property {string[]} keyFiles files whose size and mtime go into the cache key (the
 *                               headers and libraries the object is built against)
 */

/**
 * clang -c -O1 -fno-pie against musl's headers (as test/elf/static/toolchain.ts compiles C),
 * with SQLite's defines. `resourceDir` is `clang -print-resource-dir`.
 * @param {string} resourceDir
 * @returns {Recipe}
 */
export function x86MuslRecipe(resourceDir) {
  return {
    name: 'x86_64-musl',
    compiler: 'clang',
    args: ['-c', '-O1', '-fno-pie', '-nostdinc', '-isystem', MUSL_INCLUDE, '-isystem', `${resourceDir}/include`, ...SQLITE_DEFINES],
    keyFiles: [`${MUSL_INCLUDE}/stdio.h`, '/usr/lib/x86_64-linux-musl/libc.a'],
  };
}

export const WASI_INCLUDE = '/usr/include/wasm32-wasi';
export const WASI_LIB = '/usr/lib/wasm32-wasi';
/** The defines the wasm32-wasi objects add (issue 13): wasi-libc's mmap emulation, no WAL or shared memory. */
export const WASI_SQLITE_DEFINES = ['-D_WASI_EMULATED_MMAN', '-DSQLITE_OMIT_WAL', '-DSQLITE_OMIT_SHARED_MEM'];

/**
 * clang --target=wasm32-wasi -c -O1 against wasi-libc's headers (issue 13), with SQLite's
 * defines and the wasm ones. Debian's clang searches /usr/include/wasm32-wasi, then
 * /usr/local/include and /usr/include (glibc's) with no --sysroot, and only its resource
 * directory with `--sysroot=/`; so, as the musl recipe does, -nostdinc and exactly
 * clang's builtin headers and wasi-libc's. `resourceDir` is `clang -print-resource-dir`.
 * @param {string} resourceDir
 * @returns {Recipe}
 */
export function wasm32WasiRecipe(resourceDir) {
  return {
    name: 'wasm32-wasi',
    compiler: 'clang',
    args: ['--target=wasm32-wasi', '-c', '-O1', '-nostdinc', '-isystem', `${resourceDir}/include`, '-isystem', WASI_INCLUDE,
      ...SQLITE_DEFINES, ...WASI_SQLITE_DEFINES],
    keyFiles: [`${WASI_INCLUDE}/stdio.h`, `${WASI_LIB}/libc.a`],
  };
}

/**
 * The cache key of an object: a hash of everything that decides its bytes — the
 * compiler's identity (`--version`), the command line, the sources' contents, and the
 * size and mtime of the files it is built against.
 * @param {{ compilerVersion: string, args: string[], sources: Uint8Array[], keyFileStamps: string[] }} parts
 * @returns {string}
 */
export function objectKey(parts) {
  const h = createHash('sha256');
  const field = (/** @type {string | Uint8Array} */ s) => { h.update(`${s.length}:`); h.update(s); };
  field(parts.compilerVersion);
  for (const a of parts.args) field(a);
  for (const s of parts.sources) field(s);
  for (const s of parts.keyFileStamps) field(s);
  return h.digest('hex').slice(0, 32);
}

/**
 * npm's integrity string (`sha512-<base64>`) of some bytes.
 * @param {Uint8Array} bytes
 */
export function integrityOf(bytes) {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}
