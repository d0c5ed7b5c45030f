//! `zirc build -c -t wasm32-wasi`: compiles a ZIR program into the bytes of a wasm
//! relocatable object. A `Compilation` runs with a `Linker` of ours (`WasmObjectCollector`)
//! that only remembers the latest code of each function, the data atoms and the exports;
//! at flush it adds the runtime routines the code refers to (their closure, as the
//! in-place wasm linker links them on demand) and hands everything to the pure object
//! writer. Externs, WASI's included, stay undefined for wasm-ld. Writing the file is the
//! caller's (the CLI's).

import type { WasmFunction } from '../../../codegen/wasm/output.js';
import { generateRuntimeRoutine, runtimeSymbolName } from '../../../codegen/wasm/runtime.js';
import { Compilation, type UpdateResult } from '../../../compile/Compilation.js';
import type { DataAtom, RuntimeSymbol, SymbolTarget } from '../../../sema/air.js';
import type { ExportEntry, FlushReport, Linker, OptimizeMode } from '../../Linker.js';
import { writeWasmObject, type ObjectFunction } from './object_writer.js';

/** A Linker that keeps what Compilation places and turns it into a wasm object at flush. */
export class WasmObjectCollector implements Linker<WasmFunction> {
  private readonly funcs = new Map<string, WasmFunction>();
  private readonly data = new Map<string, DataAtom>();
  private exports: readonly ExportEntry[] = [];
  /** The object the last flush wrote, or null before the first. */
  object: Uint8Array | null = null;

  /** `runtime`: the code of a backend routine (a safety panic), injectable for tests. */
  constructor(private readonly runtime: (name: RuntimeSymbol) => WasmFunction = generateRuntimeRoutine) {}

  updateFunc(name: string, code: WasmFunction): void {
    this.data.delete(name);
    this.funcs.set(name, code);
  }

  updateData(atom: DataAtom): void {
    this.funcs.delete(atom.name);
    this.data.set(atom.name, atom);
  }

  deleteSymbol(name: string): void {
    this.funcs.delete(name);
    this.data.delete(name);
  }

  updateExports(exports: readonly ExportEntry[]): void {
    this.exports = [...exports];
  }

  flush(): FlushReport {
    const functions: ObjectFunction[] = [...this.funcs].map(([name, code]) => ({ target: { kind: 'decl', name }, symbolName: name, code }));
    functions.push(...this.runtimeFunctions(functions));
    this.object = writeWasmObject({ functions, data: [...this.data.values()], exports: this.exports });
    return { bytesWritten: 0, fullWrite: true };
  }

  close(): void {}

  /** The runtime routines `functions` and the data atoms refer to, each once, as local functions `__zirc_<name>`. */
  private runtimeFunctions(functions: readonly ObjectFunction[]): ObjectFunction[] {
    const out: ObjectFunction[] = [];
    const seen = new Set<RuntimeSymbol>();
    const visit = (t: SymbolTarget | null) => {
      if (t?.kind !== 'runtime' || seen.has(t.name)) return;
      seen.add(t.name);
      const f: ObjectFunction = { target: t, symbolName: runtimeSymbolName(t.name), code: this.runtime(t.name) };
      out.push(f);
      for (const r of f.code.relocs) visit(r.target);
    };
    for (const f of functions) for (const r of f.code.relocs) visit(r.target);
    for (const d of this.data.values()) for (const r of d.relocs) visit(r.target);
    return out;
  }
}

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
