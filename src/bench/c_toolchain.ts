//! The C tools the comparison runs, found on PATH (Debian packages `clang lld mold`):
//! `clang -O0 -c` per translation unit, then `ld.lld` or `mold` (x86-64) or `wasm-ld`
//! (wasm32). Absent tools are reported, never fatal: the bench skips what it cannot run.

import { spawn, spawnSync } from 'node:child_process';
import * as os from 'node:os';
import type { CArch } from './c_translate.js';
import { toolVersion } from './machine.js';

export type CLinker = 'ld.lld' | 'mold' | 'wasm-ld';

export interface CToolchain {
  clang: string | null;
  linkers: Record<CLinker, string | null>;
  versions: Record<string, string | null>;
}

export function detectToolchain(): CToolchain {
  const found = (tool: string): string | null => {
    const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
    return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : null;
  };
  const clang = found('clang');
  const linkers: Record<CLinker, string | null> = { 'ld.lld': found('ld.lld'), mold: found('mold'), 'wasm-ld': found('wasm-ld') };
  return {
    clang,
    linkers,
    versions: {
      clang: clang ? toolVersion(clang) : null,
      'ld.lld': linkers['ld.lld'] ? toolVersion(linkers['ld.lld']) : null,
      mold: linkers.mold ? toolVersion(linkers.mold) : null,
      'wasm-ld': linkers['wasm-ld'] ? toolVersion(linkers['wasm-ld']) : null,
    },
  };
}

/** The linkers to compare for a target, among those installed. */
export function linkersFor(tc: CToolchain, arch: CArch): CLinker[] {
  const wanted: CLinker[] = arch === 'x86_64' ? ['ld.lld', 'mold'] : ['wasm-ld'];
  return wanted.filter((l) => tc.linkers[l] !== null);
}

/** What the comparison needs that is missing, or null when it can run. */
export function missingTools(tc: CToolchain, arch: CArch): string | null {
  if (!tc.clang) return 'clang is not installed (apt-get install clang lld mold)';
  if (linkersFor(tc, arch).length === 0) {
    return arch === 'x86_64' ? 'neither ld.lld nor mold is installed (apt-get install lld mold)' : 'wasm-ld is not installed (apt-get install lld)';
  }
  return null;
}

export function compileArgs(arch: CArch, source: string, object: string): string[] {
  const common = ['-O0', '-c', '-ffreestanding', '-fno-builtin', '-fno-stack-protector', '-w', source, '-o', object];
  return arch === 'x86_64' ? ['-fno-pic', ...common] : ['--target=wasm32', '-nostdlib', ...common];
}

export function linkArgs(linker: CLinker, objects: readonly string[], output: string): string[] {
  if (linker === 'wasm-ld') {
    return ['--no-entry', '--export=_start', '-z', 'stack-size=1048576', '-o', output, ...objects];
  }
  // mold forks by default and finishes tearing down in the background after the parent
  // returns; --no-fork keeps that work inside the measured link and out of the next zirc edit.
  const noFork = linker === 'mold' ? ['--no-fork'] : [];
  return [...noFork, '-static', '-e', '_start', '-o', output, ...objects];
}

/** The command lines, for the report. */
export function describeCommands(arch: CArch): { compile: string; link: string[] } {
  return {
    compile: `clang ${compileArgs(arch, 'tu_NNNN.c', 'tu_NNNN.o').join(' ')}`,
    link: (arch === 'x86_64' ? (['ld.lld', 'mold'] as CLinker[]) : (['wasm-ld'] as CLinker[])).map(
      (l) => `${l} ${linkArgs(l, ['*.o'], arch === 'x86_64' ? 'prog' : 'prog.wasm').join(' ')}`,
    ),
  };
}

export class ToolError extends Error {}

function run(cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    child.on('error', (e) => reject(new ToolError(`${cmd}: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new ToolError(`${cmd} ${args.slice(0, 6).join(' ')}... exited ${code}: ${stderr.slice(0, 2000)}`))));
  });
}

/** Compiles `sources` to objects beside them, `jobs` at a time (default: one per core). */
export async function compileUnits(tc: CToolchain, arch: CArch, sources: readonly string[], cwd: string, jobs = os.cpus().length): Promise<void> {
  if (!tc.clang) throw new ToolError('clang is not installed');
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < sources.length) {
      const src = sources[next++];
      await run(tc.clang!, compileArgs(arch, src, src.replace(/\.c$/, '.o')), cwd);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, sources.length)) }, worker));
}

export async function linkObjects(tc: CToolchain, linker: CLinker, objects: readonly string[], output: string, cwd: string): Promise<void> {
  const exe = tc.linkers[linker];
  if (!exe) throw new ToolError(`${linker} is not installed`);
  await run(exe, linkArgs(linker, objects, output), cwd);
}
