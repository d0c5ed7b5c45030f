//! Chooses the in-place linker for a target: ELF for x86_64-linux, wasm for wasm32-wasi;
//! and repairs an output a killed patch left behind.

import type { Linker } from '../link/Linker.js';
import { nodeOutputIo } from '../link/output_io.js';
import { recoverInterruptedPatch } from '../link/patch_journal.js';
import type { TargetName } from './target.js';
import { targetBackend } from './target_backend.js';

export function openLinker(outputPath: string, target: TargetName): Linker {
  return targetBackend(target).openLinker(outputPath);
}

/**
 * Repairs an output whose in-place patch was cut short (a kill, a crash) by an earlier
 * process: the file is rolled back to the last good program from its journal, so it runs
 * again even before this compilation's first good update. Never throws.
 */
export function recoverInterruptedOutput(outputPath: string): void {
  recoverInterruptedPatch(nodeOutputIo, outputPath);
}
