// Linker tests hand the linkers AIR, as Compilation did before code generation moved out
// of the linkers: this wraps a real linker so that `updateFunc(air)` runs the target's code
// generator (or a test's table of code) first, then places the result. Everything else is
// the linker's own.
import { OutputFile, type OutputIo } from '../../src/link/elf/output_file.js';
import { nodeOutputIo } from '../../src/node/link/node_output_io.js';
import type { AirFunction } from '../../src/sema/air.js';
import type { Linker } from '../../src/link/Linker.js';
import { ElfLinker, type ElfLinkerOptions } from '../../src/link/elf/ElfLinker.js';
import { WasmLinker, type WasmLinkerOptions } from '../../src/link/wasm/WasmLinker.js';
import { generateFunction as generateX86 } from '../../src/codegen/x86_64/codegen.js';
import { generateRuntimeRoutine as x86Runtime, generateWasiBuiltin } from '../../src/codegen/x86_64/runtime.js';
import { generateFunction as generateWasm } from '../../src/codegen/wasm/codegen.js';
import { generateRuntimeRoutine as wasmRuntime } from '../../src/codegen/wasm/runtime.js';
import type { X86Function } from '../../src/codegen/x86_64/output.js';

export type WithCodegen<L> = Omit<L, 'updateFunc'> & { updateFunc(func: AirFunction): void };

export function withCodegen<L extends Linker>(linker: L, generate: (func: AirFunction) => unknown): WithCodegen<L> {
  return new Proxy(linker, {
    get(target, prop) {
      if (prop === 'updateFunc') return (func: AirFunction) => target.updateFunc(func.name, generate(func));
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as WithCodegen<L>;
}

export type TestElfOptions = Partial<ElfLinkerOptions> & { io?: OutputIo; generate?: (func: AirFunction) => X86Function };

/** An ELF linker of `path` whose `updateFunc` takes AIR (the x86-64 code generator unless `generate` is given). */
export function openElfLinker(path: string, opts: TestElfOptions = {}): WithCodegen<ElfLinker> {
  const linker = ElfLinker.open(path, { runtime: x86Runtime, wasiBuiltin: generateWasiBuiltin, sink: new OutputFile(path, opts.io ?? nodeOutputIo), ...opts });
  return withCodegen(linker, opts.generate ?? generateX86);
}

/** A wasm linker of `path` whose `updateFunc` takes AIR. */
export function openWasmLinker(path: string, opts: Partial<WasmLinkerOptions> & { io?: OutputIo } = {}): WithCodegen<WasmLinker> {
  const sink = new OutputFile(path, opts.io ?? nodeOutputIo, { mode: 0o666, exactMode: false });
  return withCodegen(WasmLinker.open(path, { runtime: wasmRuntime, sink, ...opts }), generateWasm);
}
