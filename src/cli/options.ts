//! Options shared by the `zirc` subcommands: target, optimize mode, output path.

import * as path from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { OptimizeMode } from '../link/Linker.js';
import type { TargetName } from '../compile/target.js';
import { TARGET_NAMES, defaultOutputName, isTargetName } from '../compile/target.js';

export const OPTIMIZE_MODES: readonly OptimizeMode[] = ['Debug', 'ReleaseSafe', 'ReleaseFast'];

export function parseTarget(value: string): TargetName {
  if (!isTargetName(value)) throw new InvalidArgumentError(`expected one of ${TARGET_NAMES.join(', ')}`);
  return value;
}

export function parseOptimize(value: string): OptimizeMode {
  if (!(OPTIMIZE_MODES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${OPTIMIZE_MODES.join(', ')}`);
  }
  return value as OptimizeMode;
}

/** `-o` if given, else the source's name without `.zir` (plus `.wasm` for wasm) in the current directory. */
export function outputPathFor(source: string, target: TargetName, output: string | undefined): string {
  return output ?? defaultOutputName(path.basename(source), target);
}

/** `-o` if given, else the source's name with `.o` for `.zir` in the current directory (`build -c`). */
export function objectPathFor(source: string, output: string | undefined): string {
  return output ?? path.basename(source).replace(/\.zir$/, '') + '.o';
}

/** Exit statuses of the `zirc` command. */
export const EXIT_OK = 0;
export const EXIT_COMPILE_ERRORS = 1;
export const EXIT_USAGE = 2;
