//! The Linker behind `zirc build -c -t wasm32-wasi` and behind a program linked with wasm
//! objects (src/node/link/wasm/program/WasmProgramLinker.ts): it only remembers the latest code of each
//! function, the data atoms and the exports; at flush it adds the runtime routines the
//! code refers to (their closure, as the in-place wasm linker links them on demand) and
//! hands everything to the pure object writer, leaving the object's bytes in `object`.
//! Externs, WASI's included, stay undefined for the link.

import type { WasmFunction } from '../../../codegen/wasm/output.js';
import { generateRuntimeRoutine, runtimeSymbolName } from '../../../codegen/wasm/runtime.js';
import type { RuntimeSymbol, SymbolTarget } from '../../../sema/air.js';
import { AtomCollector } from '../../atom_collector.js';
import type { FlushReport } from '../../Linker.js';
import { writeWasmObject, type ObjectFunction } from './object_writer.js';

/** A Linker that keeps what Compilation places and turns it into a wasm object at flush. */
export class WasmObjectCollector extends AtomCollector<WasmFunction> {
  /** `runtime`: the code of a backend routine (a safety panic), injectable for tests. */
  constructor(private readonly runtime: (name: RuntimeSymbol) => WasmFunction = generateRuntimeRoutine) {
    super();
  }

  flush(): FlushReport {
    const functions: ObjectFunction[] = [...this.funcs].map(([name, code]) => ({ target: { kind: 'decl', name }, symbolName: name, code }));
    functions.push(...this.runtimeFunctions(functions));
    this.object = writeWasmObject({ functions, data: [...this.data.values()], exports: this.exports });
    return { bytesWritten: 0, fullWrite: true };
  }

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

