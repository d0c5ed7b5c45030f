//! Chooses the in-place linker for a target: ELF for x86_64-linux, wasm for wasm32-wasi.

import type { Linker } from '../link/Linker.js';
import { ElfLinker } from '../link/elf/ElfLinker.js';
import { WasmLinker } from '../link/wasm/WasmLinker.js';
import type { TargetName } from './target.js';

export function openLinker(outputPath: string, target: TargetName): Linker {
  return target === 'x86_64-linux' ? ElfLinker.open(outputPath) : WasmLinker.open(outputPath);
}
