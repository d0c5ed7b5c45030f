// Compiling C against musl, linking with zirc's static linker and with ld.lld, running
// the results: the shared steps of the static-link tests. A missing tool throws (the test
// fails), never skips.

import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { linkStaticFiles } from '../../../src/node/link/elf/static/link_files.js';
import type { StaticLinkOptions } from '../../../src/link/elf/static/link_static.js';

export const MUSL_LIB = '/usr/lib/x86_64-linux-musl';
export const MUSL_INCLUDE = '/usr/include/x86_64-linux-musl';
export const SOURCES = path.join(import.meta.dirname, 'sources');

export function run(tool: string, args: string[]): string {
  return execFileSync(tool, args, { encoding: 'latin1', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** clang -c -O1 -fno-pie against musl's headers. */
export function compileMusl(source: string, object: string, extra: string[] = []): string {
  const resource = run('clang', ['-print-resource-dir']).trim();
  run('clang', ['-c', '-O1', '-fno-pie', '-nostdinc', '-isystem', MUSL_INCLUDE, '-isystem', path.join(resource, 'include'), ...extra, source, '-o', object]);
  return object;
}

/** gcc -c -O1 -fno-pie against musl's headers (`extra` flags come after, so they may override). */
export function compileMuslWithGcc(source: string, object: string, extra: string[] = []): string {
  const include = run('gcc', ['-print-file-name=include']).trim();
  run('gcc', ['-c', '-O1', '-fno-pie', '-nostdinc', '-isystem', MUSL_INCLUDE, '-isystem', include, ...extra, source, '-o', object]);
  return object;
}

export function libgcc(): string {
  return run('gcc', ['-print-libgcc-file-name']).trim();
}

/** Links with zirc; throws with the linker's errors on failure. */
export function linkWithZirc(inputs: string[], output: string, options: StaticLinkOptions = {}): string {
  const r = linkStaticFiles(inputs, output, options);
  if (!r.ok) throw new Error(`zirc static link failed:\n${r.errors.join('\n')}`);
  return output;
}

/** Links with ld.lld -static; `flags` go before the inputs (`--eh-frame-hdr`, `--gc-sections`, …). */
export function linkWithLld(inputs: string[], output: string, flags: string[] = []): string {
  run('ld.lld', ['-static', ...flags, '-o', output, ...inputs]);
  return output;
}

export interface RunResult { stdout: string; stderr: string; status: number | null; signal: NodeJS.Signals | null }

export function execute(file: string, args: string[] = []): RunResult {
  const r = spawnSync(file, args, { encoding: 'latin1', timeout: 10_000, env: {} });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, signal: r.signal };
}

/** `readelf -W -a`, with whatever it says on stderr. */
export function readelfAll(file: string): { stdout: string; stderr: string } {
  const r = spawnSync('readelf', ['-W', '-a', file], { encoding: 'latin1', maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr };
}

export function exists(file: string): boolean {
  return fs.existsSync(file);
}

export interface OutputSectionHeader { name: string; type: number; flags: number; addr: number; offset: number; size: number }

/** The section headers of an ELF64 file, read directly (for checks readelf does not print). */
export function sectionHeaders(bytes: Uint8Array): OutputSectionHeader[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = Number(view.getBigUint64(0x28, true));
  const shnum = view.getUint16(0x3c, true), shstrndx = view.getUint16(0x3e, true);
  const raw = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + 64 * i;
    return {
      nameOffset: view.getUint32(at, true), type: view.getUint32(at + 4, true), flags: Number(view.getBigUint64(at + 8, true)),
      addr: Number(view.getBigUint64(at + 16, true)), offset: Number(view.getBigUint64(at + 24, true)), size: Number(view.getBigUint64(at + 32, true)),
    };
  });
  const strtab = raw[shstrndx]!.offset;
  const nameAt = (off: number): string => {
    let end = strtab + off;
    while (bytes[end] !== 0) end++;
    return new TextDecoder().decode(bytes.subarray(strtab + off, end));
  };
  return raw.map(({ nameOffset, ...h }) => ({ name: nameAt(nameOffset), ...h }));
}
