// The CLI ships as one bundled module (scripts/bundle.mjs → dist/zirc.bundle.mjs): the bins
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
  // A copy of bin/cli_module.js beside a dist/ whose bundle and modules print their names.
  const dir = tmp('choice');
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'dist', 'cli'), { recursive: true });
  fs.copyFileSync(path.join(root, 'bin', 'cli_module.js'), path.join(dir, 'bin', 'cli_module.js'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  fs.writeFileSync(path.join(dir, 'bin', 'which.js'), "import { loadCli } from './cli_module.js';\nloadCli('../dist/cli/main.js').then((m) => m.main());\n");
  const bundle = path.join(dir, 'dist', 'zirc.bundle.mjs');
  const modules = path.join(dir, 'dist', 'cli', 'main.js');
  const writeBundle = () => fs.writeFileSync(bundle, "export function main() { process.stdout.write('bundle'); }\n");
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
    expect(bundleInUse(root), 'dist/zirc.bundle.mjs is missing or older than dist/ (node scripts/bundle.mjs failed?)').toBe(true);
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
