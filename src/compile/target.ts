//! The targets zirc builds for, and what each one means for sema and the linker.

import type { TargetInfo } from '../sema/types.js';
import { WASM32_TARGET, X86_64_TARGET } from '../sema/types.js';

export const TARGET_NAMES = ['x86_64-linux', 'wasm32-wasi'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export const DEFAULT_TARGET: TargetName = 'x86_64-linux';

export function targetInfo(name: TargetName): TargetInfo {
  return name === 'x86_64-linux' ? X86_64_TARGET : WASM32_TARGET;
}

export function isTargetName(name: string): name is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(name);
}

/** The conventional output file name for a source file on a target: `hello.zir` → `hello` / `hello.wasm`. */
export function defaultOutputName(sourceBaseName: string, target: TargetName): string {
  const stem = sourceBaseName.replace(/\.zir$/, '');
  return target === 'wasm32-wasi' ? `${stem}.wasm` : stem;
}
