//! The Node side of `zirc wasm-ld`'s command line: `parseWasmLdArgs` with response files
//! and `--allow-undefined-file`s read from disk, and the `-l` search (with each archive's
//! `.imports` file) on the real file system. The pure parts live in `src/link/wasm_ld_args/`.

import * as fs from 'node:fs';
import type { WasmLdPlan } from '../../link/wasm_ld_args/plan.js';
import { parseWasmLdArgs } from '../../link/wasm_ld_args/parse_wasm_ld_args.js';
import type { ResolvedWasmLdPlan } from '../../link/wasm_ld_args/resolve_libraries.js';
import { resolveWasmLibraries } from '../../link/wasm_ld_args/resolve_libraries.js';

function readFile(path: string): string | undefined {
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

/** Parses `argv` (the arguments after the program name), reading `@file`s and symbol files from disk. */
export function parseWasmLdCommandLine(argv: readonly string[]): WasmLdPlan {
  return parseWasmLdArgs(argv, { readFile });
}

/** Finds each `-l` input's archive on disk, and the `.imports` lists next to archives. */
export function resolveWasmLibrariesOnDisk(plan: WasmLdPlan): ResolvedWasmLdPlan {
  return resolveWasmLibraries(plan, { exists: isFile, readFile });
}
