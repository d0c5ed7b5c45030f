//! `.zir` sources among a linker's inputs (`zirc ld main.zir util.o …`, `zirc wasm-ld
//! main.zir …`): each is compiled, in the same link, into the relocatable object `zirc
//! build -c` writes for the link's target, and linked where it stands on the command line.
//! One long-running Compilation per source, so a relink after an edit re-analyzes only
//! what changed. A source with errors stops the link with its rendered errors.

import * as path from 'node:path';
import { Compilation } from '../compile/Compilation.js';
import type { TargetName } from '../compile/target.js';
import { AtomCollector } from '../link/atom_collector.js';
import { ObjectCollector } from '../link/elf/relocatable/object_collector.js';
import { LinkError, type OptimizeMode } from '../link/Linker.js';
import { WasmObjectCollector } from '../link/wasm/relocatable/object_collector.js';

/** How a linker command prints one of its errors: a ZIR compile error as the compiler renders it, anything else after `<tool>: error: `. */
export function linkErrorText(tool: string, message: string): string {
  return /^[^\s:][^:\n]*:\d+:\d+: error: /.test(message) ? message : `${tool}: error: ${message}`;
}

export function isZirSource(p: string): boolean {
  return p.endsWith('.zir');
}

export class ZirInputCompiler {
  private readonly compilations = new Map<string, { compilation: Compilation; collector: () => AtomCollector<unknown> | null }>();

  constructor(
    private readonly target: TargetName,
    private readonly optimize: OptimizeMode = 'Debug',
  ) {}

  /** The object of the ZIR source at `sourcePath` with the text `source`; throws `LinkError` with its compile errors. */
  objectOf(sourcePath: string, source: Uint8Array): Uint8Array {
    let entry = this.compilations.get(sourcePath);
    if (!entry) {
      let collector: AtomCollector<unknown> | null = null;
      const compilation = Compilation.create({
        sourcePath,
        // Nothing is written there: the collector keeps the object in memory.
        outputPath: `${sourcePath}.o`,
        target: this.target,
        optimize: this.optimize,
        output: 'object',
        linkerFactory: () =>
          (collector = (this.target === 'x86_64-linux' ? new ObjectCollector(path.basename(sourcePath)) : new WasmObjectCollector()) as AtomCollector<unknown>),
      });
      entry = { compilation, collector: () => collector };
      this.compilations.set(sourcePath, entry);
    }
    const result = entry.compilation.update(source);
    if (!result.ok) throw new LinkError(result.errors.map((e) => e.rendered));
    return entry.collector()!.object!;
  }

  close(): void {
    for (const { compilation } of this.compilations.values()) compilation.close();
    this.compilations.clear();
  }
}
