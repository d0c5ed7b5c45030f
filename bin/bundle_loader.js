//! Runs the bundled CLI (dist/zirc.bundle.cjs) with V8's code cache: the functions that a
//! run compiled are kept in dist/zirc.bundle.cache, so the next start deserializes their
//! bytecode instead of parsing and compiling them again (Node 20 has no compile cache of
//! its own for this). `npm run build` writes the cache from a training build. A cache
//! belongs to one bundle (size and modification time) and one Node (version, arch); any
//! other cache, or one V8 rejects, is ignored and replaced at the exit of the run, written
//! beside and renamed. A cache that cannot be read or written only costs that saving.
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

const MAGIC = 'zirc-code-cache 1';

/** What a cache must have been made for: this bundle, this Node. */
function cacheKey(stat) {
  return `${MAGIC} ${stat.size} ${Math.trunc(stat.mtimeMs)} ${process.version} ${process.arch}\n`;
}

/** The cached data in `cachePath` if it was made for `key`, else undefined. */
function readCache(cachePath, key) {
  let bytes;
  try {
    bytes = readFileSync(cachePath);
  } catch {
    return undefined;
  }
  const header = Buffer.from(key);
  if (bytes.length <= header.length || !bytes.subarray(0, header.length).equals(header)) return undefined;
  return bytes.subarray(header.length);
}

function writeCache(cachePath, key, data) {
  const temporary = `${cachePath}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, key);
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, cachePath);
  } catch {
    // A read-only install, a full disk: the next start compiles as this one did.
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was written, or nothing can be removed there.
    }
  }
}

/**
 * Runs the CommonJS bundle at `bundlePath` and returns its exports. With
 * `refreshCache`, the cache is written at exit whatever it held (the training build).
 */
export function loadBundle(bundlePath, refreshCache = false) {
  const stat = statSync(bundlePath);
  const cachePath = bundlePath.replace(/\.cjs$/, '.cache');
  const key = cacheKey(stat);
  const cachedData = refreshCache ? undefined : readCache(cachePath, key);
  const source = readFileSync(bundlePath, 'utf8');
  const script = new vm.Script(module.wrap(source), { filename: bundlePath, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    // At exit the script holds every function this run compiled.
    process.once('exit', () => writeCache(cachePath, key, script.createCachedData()));
  }
  const exports = {};
  const cjsModule = { exports };
  script.runInThisContext()(exports, module.createRequire(bundlePath), cjsModule, bundlePath, path.dirname(bundlePath));
  return cjsModule.exports;
}
