//! `zirc build`: one compilation of a source file to an executable or wasm module.

import type { OptimizeMode } from '../link/Linker.js';
import { Compilation } from '../compile/Compilation.js';
import type { UpdateResult } from '../compile/Compilation.js';
import type { TargetName } from '../compile/target.js';
import { EXIT_COMPILE_ERRORS, EXIT_OK, outputPathFor } from './options.js';

export interface BuildOptions {
  output?: string;
  target: TargetName;
  optimize: OptimizeMode;
}

/** Builds `source`; prints errors to stderr. Returns the output path, or null on errors. */
export function buildOnce(source: string, opts: BuildOptions): { outputPath: string; result: UpdateResult } {
  const outputPath = outputPathFor(source, opts.target, opts.output);
  const compilation = Compilation.create({ sourcePath: source, outputPath, target: opts.target, optimize: opts.optimize });
  try {
    const result = compilation.update();
    for (const e of result.errors) process.stderr.write(e.rendered + '\n');
    return { outputPath, result };
  } finally {
    compilation.close();
  }
}

export function buildCommand(source: string, opts: BuildOptions): number {
  return buildOnce(source, opts).result.ok ? EXIT_OK : EXIT_COMPILE_ERRORS;
}
