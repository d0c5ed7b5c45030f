//! The Node side of `zirc ld`'s command line: `parseLdArgs` with response files read from
//! disk, and the `-l` search with the real file system. Not yet wired into `zirc` (that
//! waits for the linker); the pure parts live in `src/link/ld_args/`.

import * as fs from 'node:fs';
import type { LdPlan } from '../../link/ld_args/plan.js';
import { parseLdArgs } from '../../link/ld_args/parse_ld_args.js';
import type { ResolvedLdInput } from '../../link/ld_args/resolve_libraries.js';
import { resolveLibraries } from '../../link/ld_args/resolve_libraries.js';

function readResponseFile(path: string): string | undefined {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return fs.statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Parses `argv` (the arguments after the program name), expanding `@file`s from disk. */
export function parseLdCommandLine(argv: readonly string[]): LdPlan {
  return parseLdArgs(argv, { readResponseFile });
}

/** Finds each `-l` input's archive on disk. */
export function resolveLibrariesOnDisk(plan: LdPlan): ResolvedLdInput[] {
  return resolveLibraries(plan, isFile);
}
