//! The `-l` search of a wasm link, as wasm-ld does it: `-lNAME` is the first `libNAME.a` in
//! the `-L` directories, in command-line order (wasm-ld has no shared libraries to prefer);
//! `-l:FILE` is the first `FILE`. No default directories are added: clang passes the
//! sysroot's `-L/usr/lib/wasm32-wasi`. Then, as wasm-ld does for each archive it loads, an
//! `X.imports` next to an archive `X.a` (wasi-libc ships `libc.imports`) adds its symbols to
//! those allowed to stay undefined. Pure: the caller injects the file system.

import { findInSearchDirs, librarySearchName, librarySpelling } from '../args/library_search.js';
import type { FileExists } from '../args/library_search.js';
import type { ReadResponseFile } from '../args/response_files.js';
import type { WasmLdInput, WasmLdPlan } from './plan.js';
import { WasmLdUsageError } from './plan.js';
import { addSymbols, symbolFileLines } from './symbol_files.js';

/** An input with the file it names: as given for a file, the found archive for `-l`. */
export type ResolvedWasmLdInput = WasmLdInput & { resolvedPath: string };

/** The plan with every input found, and the `.imports` symbols merged into `allowUndefinedSymbols`. */
export type ResolvedWasmLdPlan = WasmLdPlan & { resolvedInputs: ResolvedWasmLdInput[] };

export interface WasmLibraryFileSystem {
  exists: FileExists;
  /** Reads an `.imports` file; without it, `.imports` files are not looked for. */
  readFile?: ReadResponseFile;
}

/** Where wasm-ld looks for an archive's import list: the same path with `.imports` for `.a`. */
export function importsFileFor(archivePath: string): string | undefined {
  return archivePath.endsWith('.a') ? `${archivePath.slice(0, -2)}.imports` : undefined;
}

export function resolveWasmLibraries(plan: WasmLdPlan, fs: WasmLibraryFileSystem): ResolvedWasmLdPlan {
  const resolvedInputs = plan.inputs.map((input): ResolvedWasmLdInput => {
    if (input.kind === 'file') return { ...input, resolvedPath: input.path };
    return { ...input, resolvedPath: findLibrary(input, plan.searchDirs, fs.exists) };
  });
  const allowUndefinedSymbols = [...plan.allowUndefinedSymbols];
  if (fs.readFile) {
    for (const input of resolvedInputs) {
      const importsPath = importsFileFor(input.resolvedPath);
      if (importsPath === undefined || !fs.exists(importsPath)) continue;
      const text = fs.readFile(importsPath);
      if (text !== undefined) addSymbols(allowUndefinedSymbols, symbolFileLines(text));
    }
  }
  return { ...plan, allowUndefinedSymbols, resolvedInputs };
}

function findLibrary(input: { name: string; exact: boolean }, dirs: readonly string[], exists: FileExists): string {
  const wanted = librarySearchName(input);
  const found = findInSearchDirs(wanted, dirs, exists);
  if (found !== undefined) return found;
  const spelling = librarySpelling(input);
  const where = dirs.length === 0 ? 'no -L directories were given' : `looked for ${wanted} in: ${dirs.join(', ')}`;
  throw new WasmLdUsageError(spelling, `unable to find library ${spelling} (${where})`);
}
