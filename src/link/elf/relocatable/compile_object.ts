//! `zirc build -c`: compiles a ZIR program for x86-64 into the bytes of a relocatable
//! object. A `Compilation` runs with a `Linker` of ours (`ObjectCollector`) that only
//! remembers the latest code of each function, the data atoms and the exports; at flush
//! it adds the runtime routines and WASI built-ins the code refers to (their closure, as
//! ElfLinker defines them on demand) and hands everything to the pure object writer.
//! Writing the file is the caller's (the CLI's).

import { Compilation, type UpdateResult } from '../../../compile/Compilation.js';
import type { OptimizeMode } from '../../Linker.js';
import { baseName } from '../../posix_path.js';
import { ObjectCollector } from './object_collector.js';

export { ObjectCollector, X86_PROVIDED, type ObjectCollectorOptions, type ProvidedCode } from './object_collector.js';

export interface CompileObjectOptions {
  optimize: OptimizeMode;
  /** Where the object will be written (only for error messages and directories). */
  outputPath: string;
}

/** Compiles `sourcePath` for x86_64-linux into an object; `object` is null when the program has errors. */
export function compileObject(sourcePath: string, opts: CompileObjectOptions): { result: UpdateResult; object: Uint8Array | null } {
  let collector: ObjectCollector | null = null;
  const compilation = Compilation.create({
    sourcePath,
    outputPath: opts.outputPath,
    target: 'x86_64-linux',
    optimize: opts.optimize,
    output: 'object',
    linkerFactory: () => (collector = new ObjectCollector(baseName(sourcePath))),
  });
  try {
    const result = compilation.update();
    const c = collector as ObjectCollector | null;
    return { result, object: result.ok && c ? c.object : null };
  } finally {
    compilation.close();
  }
}
