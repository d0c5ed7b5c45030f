//! Chooses the in-place linker for a target: ELF for x86_64-linux, wasm for wasm32-wasi,
//! the program linker when objects are linked with the program; and repairs an output a killed patch left behind.

import type { LinkFile } from '../link/input_files.js';
import type { Linker } from '../link/Linker.js';
import type { ImageSink } from '../link/output_sink.js';
import { ProgramLinker } from '../link/elf/program/ProgramLinker.js';
import { WasmProgramLinker } from '../link/wasm/program/WasmProgramLinker.js';
import { nodeOutputIo } from '../link/output_io.js';
import { recoverInterruptedPatch } from '../link/patch_journal.js';
import type { TargetName } from './target.js';
import { targetBackend } from './target_backend.js';

export function openLinker(outputPath: string, target: TargetName, sink?: ImageSink): Linker {
  return targetBackend(target).openLinker(outputPath, sink);
}

/** The linker of a program linked with objects and archives: zirc's static ELF or wasm linker. */
export function openProgramLinker(outputPath: string, target: TargetName, sourceName: string, inputs: readonly LinkFile[]): Linker {
  if (target === 'wasm32-wasi') return new WasmProgramLinker(outputPath, { sourceName, inputs });
  return ProgramLinker.open(outputPath, { sourceName, inputs });
}

/**
 * Repairs an output whose in-place patch was cut short (a kill, a crash) by an earlier
 * process: the file is rolled back to the last good program from its journal, so it runs
 * again even before this compilation's first good update. Never throws.
 */
export function recoverInterruptedOutput(outputPath: string): void {
  recoverInterruptedPatch(nodeOutputIo, outputPath);
}
