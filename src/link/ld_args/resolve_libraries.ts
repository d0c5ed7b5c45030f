//! The `-l` search of a static link, as GNU ld and ld.lld do it: `-lNAME` is the first
//! `libNAME.a` in the `-L` directories, in command-line order; `-l:FILE` is the first
//! `FILE`. No default directories are added (ld.lld adds none; GNU ld's built-in
//! SEARCH_DIRs are what compiler drivers already pass as -L). Pure: the caller injects
//! "does this file exist" (the Node layer passes `fs.existsSync`).
//!
//! `-Bdynamic` (ld's default, and in force after `-Bdynamic`/`-dy`): ld would take
//! `libNAME.so` before `libNAME.a` in each directory. zirc ld makes static executables only,
//! so it searches `libNAME.a` alone in either state, and when only a `.so` exists it says so.

import { findInSearchDirs, joinPath, librarySearchName, librarySpelling } from '../args/library_search.js';
import type { FileExists } from '../args/library_search.js';
import type { LdInput, LdPlan } from './plan.js';
import { LdUsageError } from './plan.js';

export { librarySearchName } from '../args/library_search.js';
export type { FileExists } from '../args/library_search.js';

/** An input with the file it names: as given for a file, the found archive for `-l`. */
export type ResolvedLdInput = LdInput & { resolvedPath: string };

export function resolveLibraries(plan: Pick<LdPlan, 'inputs' | 'searchDirs'>, exists: FileExists): ResolvedLdInput[] {
  return plan.inputs.map((input) => {
    if (input.kind === 'file') return { ...input, resolvedPath: input.path };
    return { ...input, resolvedPath: findLibrary(input, plan.searchDirs, exists) };
  });
}

function findLibrary(input: { name: string; exact: boolean }, dirs: readonly string[], exists: FileExists): string {
  const wanted = librarySearchName(input);
  const found = findInSearchDirs(wanted, dirs, exists);
  if (found !== undefined) return found;
  const spelling = librarySpelling(input);
  const where = dirs.length === 0 ? 'no -L directories were given' : `looked for ${wanted} in: ${dirs.join(', ')}`;
  let detail = `unable to find library ${spelling} (${where})`;
  if (!input.exact) {
    const shared = dirs.map((dir) => joinPath(dir, `lib${input.name}.so`)).find(exists);
    if (shared) detail += `; found only the shared library ${shared}, and zirc ld links static archives only`;
  }
  throw new LdUsageError(spelling, detail);
}
