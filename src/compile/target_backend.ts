//! What each target contributes to a compilation, in one table: sema's view of it (pointer
//! width, the inline-asm check), the code generator that turns AIR into the linker's
//! input, and the in-place linker that places that code. Compilation runs the code
//! generator itself and hands the linker finished code, so the linkers never run codegen
//! (DESIGN.md) and the two steps are timed apart.

import type { AirFunction } from '../sema/air.js';
import type { SemaOptions } from '../sema/api.js';
import { checkInlineAsm } from '../codegen/x86_64/asm.js';
import { generateRuntimeRoutine, generateWasiBuiltin } from '../codegen/x86_64/runtime.js';
import { CODE_GENERATORS } from '../codegen/generators.js';
import { generateRuntimeRoutine as generateWasmRuntimeRoutine } from '../codegen/wasm/runtime.js';
import type { Linker } from '../link/Linker.js';
import type { ImageSink } from '../link/output_sink.js';
import { ElfLinker } from '../link/elf/ElfLinker.js';
import { WasmLinker } from '../link/wasm/WasmLinker.js';
import type { TargetName } from './target.js';
import type { NameTable } from '../zir/intern.js';
import { targetInfo } from './target.js';

export interface TargetBackend {
  /** Sema's options for this target and optimize mode's safety. */
  semaOptions(safety: boolean): SemaOptions;
  /** A function's AIR to the code its linker places (machine code or a wasm body, plus relocations). */
  generate(func: AirFunction): unknown;
  /**
   * The in-place linker writing to `sink` (a file at `outputPath`: src/node/compilation_files.ts;
   * or memory), given the routines it defines on demand. `declNames`: the compilation's name
   * table, where the linker may find decl names' ids (ELF: symbol_ids.ts).
   */
  openLinker(outputPath: string, sink: ImageSink, declNames?: NameTable): Linker;
}

const X86_64: TargetBackend = {
  semaOptions: (safety) => ({ target: targetInfo('x86_64-linux'), safety, checkInlineAsm }),
  generate: CODE_GENERATORS['x86_64-linux'],
  openLinker: (outputPath, sink, declNames) => ElfLinker.open(outputPath, { runtime: generateRuntimeRoutine, wasiBuiltin: generateWasiBuiltin, sink, declNames }),
};

const WASM32: TargetBackend = {
  semaOptions: (safety) => ({ target: targetInfo('wasm32-wasi'), safety }),
  generate: CODE_GENERATORS['wasm32-wasi'],
  openLinker: (outputPath, sink) => WasmLinker.open(outputPath, { runtime: generateWasmRuntimeRoutine, sink }),
};

export function targetBackend(target: TargetName): TargetBackend {
  if (target === 'x86_64-linux') return X86_64;
  if (target === 'wasm32-wasi') return WASM32;
  throw new TypeError(`unknown target '${String(target)}' (accepted: x86_64-linux, wasm32-wasi)`);
}
