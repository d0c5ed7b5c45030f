//! `zirc build -c -t wasm32-wasi`: compiles a ZIR program into the bytes of a wasm
//! relocatable object. A `Compilation` runs with a `Linker` of ours (`WasmObjectCollector`)
//! that only remembers the latest code of each function, the data atoms and the exports;
//! at flush it adds the runtime routines the code refers to (their closure, as the
//! in-place wasm linker links them on demand) and hands everything to the pure object
//! writer. Externs, WASI's included, stay undefined for wasm-ld. Writing the file is the
//! caller's (the CLI's).

import { Compilation, type UpdateResult } from '../../../compile/Compilation.js';
import type { OptimizeMode } from '../../Linker.js';
import { WasmObjectCollector } from './object_collector.js';

export { WasmObjectCollector } from './object_collector.js';

export interface CompileWasmObjectOptions {
  optimize: OptimizeMode;
  /** Where the object will be written (only for error messages and directories). */
  outputPath: string;
}

/** Compiles `sourcePath` for wasm32-wasi into an object; `object` is null when the program has errors. */
export function compileWasmObject(sourcePath: string, opts: CompileWasmObjectOptions): { result: UpdateResult; object: Uint8Array | null } {
  let collector: WasmObjectCollector | null = null;
  const compilation = Compilation.create({
    sourcePath,
    outputPath: opts.outputPath,
    target: 'wasm32-wasi',
    optimize: opts.optimize,
    output: 'object',
    linkerFactory: () => (collector = new WasmObjectCollector()),
  });
  try {
    const result = compilation.update();
    const c = collector as WasmObjectCollector | null;
    return { result, object: result.ok && c ? c.object : null };
  } finally {
    compilation.close();
  }
}
