//! `zirc build`: one compilation of a source file to an executable or wasm module, linked
//! with the objects and archives that follow it on the command line, or with `-c` to a
//! relocatable object: ELF for x86-64 (link/elf/relocatable/compile_object.ts), wasm for
//! wasm32 (link/wasm/relocatable/compile_object.ts).

import * as fs from 'node:fs';
import type { OptimizeMode } from '../link/Linker.js';
import { compileObject } from '../link/elf/relocatable/compile_object.js';
import { compileWasmObject } from '../link/wasm/relocatable/compile_object.js';
import { Compilation } from '../compile/Compilation.js';
import { sharedCodegenThreads } from '../node/codegen_threads.js';
import type { UpdateResult } from '../compile/Compilation.js';
import type { TargetName } from '../compile/target.js';
import { EXIT_COMPILE_ERRORS, EXIT_OK, EXIT_USAGE, objectPathFor, outputPathFor } from './options.js';

export interface BuildOptions {
  output?: string;
  target: TargetName;
  optimize: OptimizeMode;
  /** `-c`: write a relocatable object (ELF or wasm) instead of an executable. */
  object?: boolean;
  /** Objects and archives after the source, linked with the program (ELF or wasm32, as the target). */
  linkInputs?: readonly string[];
  /** Code-generation worker threads (default: node/codegen_threads.ts's defaultThreadCount). */
  threads?: number;
}

/** Builds `source`; prints errors to stderr. Returns the output path, or null on errors. */
export function buildOnce(source: string, opts: BuildOptions): { outputPath: string; result: UpdateResult } {
  const outputPath = outputPathFor(source, opts.target, opts.output);
  const compilation = Compilation.create({
    sourcePath: source,
    outputPath,
    target: opts.target,
    optimize: opts.optimize,
    linkInputs: opts.linkInputs ?? [],
    codegen: sharedCodegenThreads(opts.threads),
  });
  try {
    const result = compilation.update();
    for (const e of result.errors) process.stderr.write(e.rendered + '\n');
    return { outputPath, result };
  } finally {
    compilation.close();
  }
}

export function buildCommand(source: string, opts: BuildOptions): number {
  if (opts.object && opts.linkInputs?.length) {
    process.stderr.write(`zirc build: -c writes the program's own object; link ${opts.linkInputs[0]} with it later, not here\n`);
    return EXIT_USAGE;
  }
  if (opts.object) return buildObjectCommand(source, opts);
  return buildOnce(source, opts).result.ok ? EXIT_OK : EXIT_COMPILE_ERRORS;
}

/** `zirc build -c`: the program as a relocatable object for ld.lld, mold or gcc (x86-64) or wasm-ld (wasm32) to link. */
function buildObjectCommand(source: string, opts: BuildOptions): number {
  const outputPath = objectPathFor(source, opts.output);
  const compile = opts.target === 'x86_64-linux' ? compileObject : compileWasmObject;
  const { result, object } = compile(source, { optimize: opts.optimize, outputPath });
  for (const e of result.errors) process.stderr.write(e.rendered + '\n');
  if (!object) return EXIT_COMPILE_ERRORS;
  try {
    fs.writeFileSync(outputPath, object);
  } catch (err) {
    process.stderr.write(`${outputPath}: error: unable to write '${outputPath}': ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_COMPILE_ERRORS;
  }
  return EXIT_OK;
}
