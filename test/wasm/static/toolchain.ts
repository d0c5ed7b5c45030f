// The shared steps of the wasm static-link tests: compiling C/C++ with clang for
// wasm32-wasi, getting the exact wasm-ld command line clang would run (`-###`), linking
// with LLVM's wasm-ld and with zirc (in process, on the same arguments), running modules
// under node:wasi, validating them, and splitting a module into its sections. A missing
// tool throws (the test fails), never skips.

import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseWasmLdCommandLine, resolveWasmLibrariesOnDisk } from '../../../src/cli/wasm_ld/wasm_ld_command_line.js';
import { linkWasmFiles, type WasmLinkResult } from '../../../src/node/link/wasm/static/link_files.js';
import { runWasi } from '../run_wasm.js';

export const SOURCES = path.join(import.meta.dirname, 'sources');
export const REPO = path.resolve(import.meta.dirname, '../../..');

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-wasm-static-'));
}

export function run(tool: string, args: string[], cwd?: string): string {
  return execFileSync(tool, args, { encoding: 'latin1', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'], cwd });
}

/** clang (clang++ for .cpp) --target=wasm32-wasi -c; `flags` default to -O1. */
export function compile(source: string, object: string, flags: string[] = ['-O1']): string {
  const cpp = source.endsWith('.cpp');
  const src = path.isAbsolute(source) ? source : path.join(SOURCES, source);
  run(cpp ? 'clang++' : 'clang', ['--target=wasm32-wasi', '-c', ...(cpp ? ['-fno-exceptions'] : []), ...flags, src, '-o', object]);
  return object;
}

/** The arguments clang passes to wasm-ld for linking `objects` into `output` (from `clang -###`). */
export function clangLinkArgs(objects: string[], output: string, extra: string[] = []): string[] {
  const r = spawnSync('clang', ['--target=wasm32-wasi', '-###', ...extra, ...objects, '-o', output], { encoding: 'utf8' });
  if (r.error) throw r.error;
  const line = r.stderr.split('\n').find((l) => /^ "[^"]*wasm-ld[^"]*"/.test(l));
  if (!line) throw new Error(`no wasm-ld line in clang -###:\n${r.stderr}`);
  const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
  return args.slice(1);
}

export interface LinkOutcome {
  status: number;
  stderr: string;
}

/** LLVM's wasm-ld 14 on `args`. */
export function linkWithWasmLd(args: string[]): LinkOutcome {
  const r = spawnSync('wasm-ld', args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stderr: r.stderr };
}

/** zirc's wasm linker in process, on a wasm-ld command line. */
export function linkWithZirc(args: string[]): WasmLinkResult {
  return linkWasmFiles(resolveWasmLibrariesOnDisk(parseWasmLdCommandLine(args)));
}

/** Links `objects` as clang would, with wasm-ld into `<base>.ref.wasm` and zirc into `<base>.zirc.wasm`. */
export function linkBoth(objects: string[], base: string, extra: string[] = [], linkerFlags: string[] = []): { ref: string; zirc: string } {
  const ref = `${base}.ref.wasm`;
  const zirc = `${base}.zirc.wasm`;
  const r = linkWithWasmLd([...clangLinkArgs(objects, ref, extra), ...linkerFlags]);
  if (r.status !== 0) throw new Error(`wasm-ld failed:\n${r.stderr}`);
  const z = linkWithZirc([...clangLinkArgs(objects, zirc, extra), ...linkerFlags]);
  if (!z.ok) throw new Error(`zirc wasm-ld failed:\n${z.errors.join('\n')}`);
  return { ref, zirc };
}

export async function runModule(wasm: string, args: string[] = []) {
  const r = await runWasi(wasm, { args, timeoutMs: 20000 });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

/** Throws unless both WebAssembly.validate and wabt's wasm-validate accept the module. */
export function expectValid(wasm: string): void {
  const bytes = fs.readFileSync(wasm);
  if (!WebAssembly.validate(bytes)) throw new Error(`${wasm}: WebAssembly.validate rejects it`);
  const r = spawnSync('wasm-validate', [wasm], { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${wasm}: wasm-validate: ${r.stderr}`);
}

export interface Section {
  id: number;
  name: string;
  payload: Buffer;
}

/** A module's sections in order (a custom section's payload starts after its name). */
export function sections(wasm: string): Section[] {
  const b = fs.readFileSync(wasm);
  const out: Section[] = [];
  let p = 8;
  const uleb = () => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const byte = b[p++]!;
      v += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(byte & 0x80)) return v;
    }
  };
  while (p < b.length) {
    const id = b[p++]!;
    const size = uleb();
    const end = p + size;
    let name = String(id);
    let start = p;
    if (id === 0) {
      const n = uleb();
      name = b.subarray(p, p + n).toString('utf8');
      start = p + n;
    }
    out.push({ id, name, payload: b.subarray(start, end) });
    p = end;
  }
  return out;
}

/** Every section (standard ones by id, custom ones by name, debug info included), as hex, for comparing two modules. */
export function layoutSections(wasm: string): Record<string, string> {
  const r: Record<string, string> = {};
  for (const s of sections(wasm)) r[s.id === 0 ? s.name : `section ${s.id}`] = s.payload.toString('hex');
  return r;
}
