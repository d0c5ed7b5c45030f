// Test helpers for wasm relocatable objects: compiling ZIR to an object and to zirc's own
// module, the real tools (wasm-ld, clang, wasm-objdump, wasm-validate, llvm-readobj),
// each failing the test with an install hint when missing, and running a linked module
// under node:wasi the way `zirc run` does.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';
import { parseCaseFile, type CaseFile } from '../../../src/compile/case_file.js';
import { Compilation } from '../../../src/compile/Compilation.js';
import { compileWasmObject } from '../../../src/link/wasm/relocatable/compile_object.js';
import { runWasi } from '../run_wasm.js';

export function tempDir(prefix = 'zirc-wasm-obj-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs a tool; a missing tool or a failure throws with its output. */
export function tool(cmd: string, args: readonly string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd });
  if (r.error) throw new Error(`${cmd} could not run (${r.error.message}): install it`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

/** Compiles ZIR `source` into `<dir>/<name>.o`; returns the object's path. */
export function wasmObjectOf(dir: string, name: string, source: string, optimize: 'Debug' | 'ReleaseFast' = 'Debug'): string {
  const src = path.join(dir, `${name}.zir`);
  fs.writeFileSync(src, source);
  const out = path.join(dir, `${name}.o`);
  const { result, object } = compileWasmObject(src, { optimize, outputPath: out });
  expect(result.errors.map((e) => e.rendered)).toEqual([]);
  fs.writeFileSync(out, object!);
  return out;
}

/** zirc's own module of `source` (`zirc build -t wasm32-wasi`). */
export function zircModuleOf(dir: string, name: string, source: string, optimize: 'Debug' | 'ReleaseFast' = 'Debug'): string {
  const src = path.join(dir, `${name}.zir`);
  fs.writeFileSync(src, source);
  const out = path.join(dir, `${name}.zirc.wasm`);
  const c = Compilation.create({ sourcePath: src, outputPath: out, target: 'wasm32-wasi', optimize });
  try {
    expect(c.update().errors.map((e) => e.rendered)).toEqual([]);
  } finally {
    c.close();
  }
  return out;
}

/** Asserts a linked module is valid for the engine and for wabt's wasm-validate. */
export function expectValidLinkedModule(wasmPath: string): void {
  expect(WebAssembly.validate(fs.readFileSync(wasmPath))).toBe(true);
  tool('wasm-validate', [wasmPath]);
}

export async function runModule(wasmPath: string): Promise<{ stdout: string; stderr: string; exitCode: number | null }> {
  const r = await runWasi(wasmPath, { timeoutMs: 20_000 });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

export function readCase(name: string): CaseFile {
  return parseCaseFile(fs.readFileSync(path.join(__dirname, '..', '..', 'cases', `${name}.case`), 'utf8'));
}

/** Every case file's name. */
export function caseNames(): string[] {
  return fs
    .readdirSync(path.join(__dirname, '..', '..', 'cases'))
    .filter((f) => f.endsWith('.case'))
    .map((f) => f.replace(/\.case$/, ''))
    .sort();
}
