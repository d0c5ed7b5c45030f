// The CLI ships as one bundled module (scripts/bundle.mjs → dist/zirc.bundle.cjs): the bins
// load it when it is at least as new as dist/'s modules and fall back to those otherwise
// (checked on a stand-in dist/ whose two builds say which one ran); `npm run build`'s
// bundle runs all three bins and builds a program that runs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleInUse } from '../../src/bench/cold_bench.js';
import { ensureBuilt, root } from '../watch/dist.js';

const tmp = (name: string): string => fs.mkdtempSync(path.join(os.tmpdir(), `zirc-bundle-${name}-`));

describe('which build of the CLI a bin loads', () => {
  // A copy of bin/cli_module.js and bin/bundle_loader.js beside a dist/ whose bundle and modules print their names.
  const dir = tmp('choice');
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'dist', 'cli'), { recursive: true });
  for (const file of ['cli_module.js', 'bundle_loader.js']) fs.copyFileSync(path.join(root, 'bin', file), path.join(dir, 'bin', file));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  fs.writeFileSync(path.join(dir, 'bin', 'which.js'), "import { loadCli } from './cli_module.js';\nloadCli('../dist/cli/main.js').then((m) => m.main());\n");
  const bundle = path.join(dir, 'dist', 'zirc.bundle.cjs');
  const modules = path.join(dir, 'dist', 'cli', 'main.js');
  const writeBundle = () => fs.writeFileSync(bundle, "exports.main = function () { process.stdout.write('bundle'); };\n");
  const writeModules = () => fs.writeFileSync(modules, "export function main() { process.stdout.write('dist'); }\n");
  const setAge = (file: string, secondsAgo: number) => {
    const t = new Date(Date.now() - secondsAgo * 1000);
    fs.utimesSync(file, t, t);
  };
  const loaded = (): string => {
    const r = spawnSync(process.execPath, [path.join(dir, 'bin', 'which.js')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout;
  };

  it('loads the bundle when it is newer than dist/', () => {
    writeModules();
    writeBundle();
    setAge(modules, 10);
    setAge(bundle, 5);
    expect(loaded()).toBe('bundle');
  });

  it("loads dist/'s modules when tsc rewrote them after the bundle", () => {
    setAge(bundle, 10);
    setAge(modules, 5);
    expect(loaded()).toBe('dist');
  });

  it("loads dist/'s modules when there is no bundle", () => {
    fs.rmSync(bundle);
    expect(loaded()).toBe('dist');
  });

  it('loads the bundle when only the bundle is there', () => {
    writeBundle();
    fs.rmSync(modules);
    expect(loaded()).toBe('bundle');
  });
});

describe("npm run build's bundle", () => {
  beforeAll(ensureBuilt, 300_000);
  const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const bin = (name: string, args: string[], cwd = root) => spawnSync(process.execPath, [path.join(root, 'bin', name), ...args], { cwd, encoding: 'utf8' });

  it('is built and newer than dist/, so the bins load it', () => {
    expect(bundleInUse(root), 'dist/zirc.bundle.cjs is missing or older than dist/ (node scripts/bundle.mjs failed?)').toBe(true);
  });

  it("reads each bin's version from package.json", () => {
    expect(bin('zirc.js', ['--version']).stdout.trim()).toBe(version);
    expect(bin('zirc-ld.js', ['--version']).stdout).toContain(`zirc ld ${version}`);
    expect(bin('zirc-wasm-ld.js', ['--version']).stdout).toContain(`zirc wasm-ld ${version}`);
  });

  it('builds a program that runs', () => {
    const dir = tmp('build');
    const out = path.join(dir, 'hello');
    const r = bin('zirc.js', ['build', path.join(root, 'examples', 'hello.zir'), '-o', out], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(spawnSync(out, [], { encoding: 'utf8' }).stdout).toBe('Hello from zirc!\n');
  });
});

describe("the bundle's code cache", () => {
  // The stand-in bundle again, now with a code cache beside it (bin/bundle_loader.js).
  const dir = tmp('cache');
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'dist'));
  for (const file of ['cli_module.js', 'bundle_loader.js']) fs.copyFileSync(path.join(root, 'bin', file), path.join(dir, 'bin', file));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  fs.writeFileSync(path.join(dir, 'bin', 'which.js'), "import { loadCli } from './cli_module.js';\nloadCli('../dist/cli/main.js').then((m) => m.main());\n");
  const bundle = path.join(dir, 'dist', 'zirc.bundle.cjs');
  const cache = path.join(dir, 'dist', 'zirc.bundle.cache');
  // Enough functions, run, that the cache has something to hold.
  const functions = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x + ${i}; }`).join('\n');
  const writeBundle = (word: string) =>
    fs.writeFileSync(bundle, `${functions}\nexports.main = function () { let n = 0; for (let i = 0; i < 50; i++) n = eval('f' + i)(n); process.stdout.write('${word} ' + n); };\n`);
  const run = (): string => {
    const r = spawnSync(process.execPath, [path.join(dir, 'bin', 'which.js')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout;
  };
  const header = (): string => fs.readFileSync(cache).subarray(0, 200).toString('latin1').split('\n')[0];

  it('is written by the first run, for this bundle and this Node, and used by the next', () => {
    writeBundle('one');
    expect(run()).toBe('one 1225');
    const stat = fs.statSync(bundle);
    expect(header()).toBe(`zirc-code-cache 1 ${stat.size} ${Math.trunc(stat.mtimeMs)} ${process.version} ${process.arch}`);
    const written = fs.statSync(cache).mtimeMs;
    expect(run()).toBe('one 1225');
    expect(fs.statSync(cache).mtimeMs).toBe(written); // accepted: not written again
  });

  it("is not used for another bundle, even one of the same size, and is replaced", () => {
    writeBundle('two'); // same length as 'one'
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(bundle, later, later);
    expect(run()).toBe('two 1225');
    expect(header()).toContain(` ${Math.trunc(fs.statSync(bundle).mtimeMs)} `);
  });

  it('survives a corrupt cache: V8 rejects it, the run is right, the cache is written again', () => {
    const bytes = fs.readFileSync(cache);
    const headerLength = bytes.indexOf(10) + 1;
    bytes.fill(0x5a, headerLength + 16); // keep the header, ruin the data
    fs.writeFileSync(cache, bytes);
    expect(run()).toBe('two 1225');
    expect(fs.readFileSync(cache).equals(bytes)).toBe(false);
    expect(run()).toBe('two 1225');
  });

  it('costs only the saving when it cannot be written', () => {
    fs.rmSync(cache);
    fs.mkdirSync(cache); // in the way of the rename
    expect(run()).toBe('two 1225');
    expect(fs.readdirSync(path.join(dir, 'dist')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe("npm run build's code cache", () => {
  beforeAll(ensureBuilt, 300_000);

  it("is there, made for the bundle, and accepted by the bin's next start", () => {
    const cache = path.join(root, 'dist', 'zirc.bundle.cache');
    const stat = fs.statSync(path.join(root, 'dist', 'zirc.bundle.cjs'));
    const bytes = fs.readFileSync(cache);
    expect(bytes.subarray(0, bytes.indexOf(10)).toString()).toBe(`zirc-code-cache 1 ${stat.size} ${Math.trunc(stat.mtimeMs)} ${process.version} ${process.arch}`);
    // The training build's cache holds more than the module's top level: it is larger than a --version run's would be.
    expect(bytes.length).toBeGreaterThan(200_000);
    const before = fs.statSync(cache).mtimeMs;
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'zirc.js'), '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(fs.statSync(cache).mtimeMs).toBe(before);
  });
});
