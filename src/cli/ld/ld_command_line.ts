//! The Node side of `zirc ld`'s command line: `parseLdArgs` with response files read from
//! disk, the `-l` search with the real file system, and input files that are GNU ld scripts
//! (glibc's `libm.a`) replaced by the files they name. The pure parts live in `src/link/ld_args/`.

import * as fs from 'node:fs';
import type { LdPlan } from '../../link/ld_args/plan.js';
import { parseLdArgs } from '../../link/ld_args/parse_ld_args.js';
import type { ResolvedLdInput } from '../../link/ld_args/resolve_libraries.js';
import { resolveLibraries } from '../../link/ld_args/resolve_libraries.js';
import { looksLikeLinkerScript, readLinkerScriptInputs } from '../../link/ld_args/linker_script_inputs.js';
import { LdUsageError } from '../../link/ld_args/plan.js';

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

/**
 * Each input that is a `GROUP(...)`/`INPUT(...)` script becomes the files it names, with the
 * same `--whole-archive` state (every archive is rescanned anyway, as in a group).
 */
export function expandLinkerScripts(inputs: ReadonlyArray<{ path: string; wholeArchive: boolean }>): Array<{ path: string; wholeArchive: boolean }> {
  return inputs.flatMap((input) => {
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(input.path);
    } catch {
      return [input]; // the linker reports the unreadable file
    }
    if (!looksLikeLinkerScript(bytes)) return [input];
    const parsed = readLinkerScriptInputs(new TextDecoder('latin1').decode(bytes));
    if (!parsed.ok) throw new LdUsageError(input.path, `${input.path}: ${parsed.message}`);
    return parsed.files.map((path) => ({ path, wholeArchive: input.wholeArchive }));
  });
}
