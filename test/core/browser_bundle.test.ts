// `zirc/core` (src/core.ts) has no Node in it: esbuild bundles it for the browser, with
// no `node:` import and no use of the `Buffer` or `process` globals, and the bundle
// works: its Compilation builds in memory for both targets (the wasm module runs under
// node:wasi), it parses and prints ZIR, and its wasm linker links an object.

import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WASI } from 'node:wasi';
import { describe, expect, it } from 'vitest';
import { compileWasmObject } from '../../src/link/wasm/relocatable/compile_object.js';

const root = path.join(import.meta.dirname, '..', '..');
/** Any use of these globals in the bundle is left as the marker, where it can be found. */
const NODE_GLOBALS = { Buffer: '__NO_BUFFER__', process: '__NO_PROCESS__', global: '__NO_GLOBAL__', require: '__NO_REQUIRE__' };

async function bundleForBrowser(entry: { file: string } | { contents: string }): Promise<string> {
  const r = await esbuild.build({
    ...('file' in entry ? { entryPoints: [entry.file] } : { stdin: { contents: entry.contents, resolveDir: root, loader: 'ts' as const } }),
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    define: NODE_GLOBALS,
  });
  return r.outputFiles[0].text;
}

const HELLO = fs.readFileSync(path.join(root, 'examples', 'hello.zir'));

describe('zirc/core bundles for the browser', () => {
  it('refuses a node: import and leaves a marker for a Node global (so the checks below can fail)', async () => {
    await expect(bundleForBrowser({ contents: "import * as fs from 'node:fs'; export const f = fs.readFileSync;" })).rejects.toThrow(/node:fs/);
    const text = await bundleForBrowser({ contents: 'export const b = (x: string) => Buffer.from(x); export const p = () => process.argv;' });
    expect(text).toContain('__NO_BUFFER__');
    expect(text).toContain('__NO_PROCESS__');
  });

  it('bundles src/core.ts with no node: import and no Node global, and the bundle runs', async () => {
    const text = await bundleForBrowser({ file: 'src/core.ts' });
    for (const marker of Object.values(NODE_GLOBALS)) expect(text).not.toContain(marker);
    expect(text).not.toMatch(/from\s*["']node:|import\(\s*["']node:/);
    expect(text).not.toMatch(/^import\s/m);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-core-'));
    const bundlePath = path.join(dir, 'core.mjs');
    fs.writeFileSync(bundlePath, text);
    const core = await import(pathToFileURL(bundlePath).href);

    const parsed = core.parseFile(new Uint8Array(HELLO));
    expect(parsed.ok).toBe(true);
    const printed: Uint8Array = core.printModuleBytes(parsed.module);
    expect(core.printModule(core.parseFile(printed).module)).toBe(core.printModule(parsed.module));
    expect(core.TARGET_NAMES).toContain('wasm32-wasi');

    // A Compilation in memory, for both targets; the wasm module runs under node:wasi.
    for (const target of ['wasm32-wasi', 'x86_64-linux']) {
      const c = core.Compilation.create({ target, optimize: 'Debug' });
      const r = c.update(new Uint8Array(HELLO));
      expect(r.errors).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.output.length).toBeGreaterThan(0);
      if (target === 'wasm32-wasi') expect(await runWasi(r.output, dir)).toEqual({ status: 0, stdout: 'Hello from zirc!\n' });
      else expect([...r.output.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
      c.close();
    }
    // With a path but no file system, the core says what is missing.
    expect(() => core.Compilation.create({ target: 'wasm32-wasi', optimize: 'Debug', outputPath: path.join(dir, 'out.wasm') })).toThrow(/file system/);

    // The object comes from zirc's Node side; the link and the run are the bundle's.
    const source = path.join(dir, 'hello.zir');
    fs.writeFileSync(source, HELLO);
    const { object } = compileWasmObject(source, { optimize: 'Debug', outputPath: path.join(dir, 'hello.o') });
    expect(object).not.toBeNull();
    const linked = core.linkWasm([{ path: 'hello.o', bytes: object! }], { entry: '_start' });
    expect(linked.errors ?? []).toEqual([]);
    expect(linked.ok).toBe(true);
    expect(linked.bytes.length).toBeGreaterThan(0);

    expect(await runWasi(linked.bytes, dir)).toEqual({ status: 0, stdout: 'Hello from zirc!\n' });
  });
});

async function runWasi(module: Uint8Array, dir: string): Promise<{ status: number; stdout: string }> {
  const stdoutPath = path.join(dir, `stdout-${Math.random()}`);
  const stdout = fs.openSync(stdoutPath, 'w');
  const wasi = new WASI({ version: 'preview1', args: ['hello'], stdout, returnOnExit: true });
  const { instance } = await WebAssembly.instantiate(module, wasi.getImportObject() as WebAssembly.Imports);
  const status = wasi.start(instance);
  fs.closeSync(stdout);
  return { status, stdout: fs.readFileSync(stdoutPath, 'latin1') };
}
