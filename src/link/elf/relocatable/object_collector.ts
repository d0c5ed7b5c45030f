//! The Linker behind `zirc build -c` (x86-64) and behind a program linked with objects
//! (src/node/link/elf/program/ProgramLinker.ts): it only remembers the latest code of each function, the
//! data atoms and the exports; at flush it adds the runtime routines and WASI built-ins
//! the code refers to (their closure, as ElfLinker defines them on demand) and hands
//! everything to the pure object writer, leaving the object's bytes in `object`.

import type { X86Function } from '../../../codegen/x86_64/output.js';
import { generateRuntimeRoutine, generateWasiBuiltin } from '../../../codegen/x86_64/runtime.js';
import { symbolKey, type RuntimeSymbol, type SymbolTarget } from '../../../sema/air.js';
import { AtomCollector } from '../../atom_collector.js';
import type { FlushReport } from '../../Linker.js';
import { WASI_LIB } from '../ElfLinker.js';
import { writeRelocatableObject, type ObjectFunction } from './object_writer.js';
import type { AtomPlacement } from './stable_placement.js';

/** Makes the code of what the backend defines itself (injectable for tests). */
export interface ProvidedCode {
  runtime: (name: RuntimeSymbol) => X86Function;
  wasiBuiltin: (name: string) => X86Function | null;
}

export const X86_PROVIDED: ProvidedCode = { runtime: generateRuntimeRoutine, wasiBuiltin: generateWasiBuiltin };

export interface ObjectCollectorOptions {
  /** Keeps atoms where earlier writes put them (default: packed afresh each write). */
  placement?: AtomPlacement;
  /**
   * Whether an object linked with this one defines `name`: then a WASI extern of that name
   * is that definition (spec §7), not zirc's built-in.
   */
  definedByInputs?: (name: string) => boolean;
}

/** A Linker that keeps what Compilation places and turns it into an object at flush. */
export class ObjectCollector extends AtomCollector<X86Function> {
  constructor(
    private readonly sourceName: string,
    private readonly provided: ProvidedCode = X86_PROVIDED,
    private readonly options: ObjectCollectorOptions = {},
  ) {
    super();
  }

  flush(): FlushReport {
    const functions: ObjectFunction[] = [...this.funcs].map(([name, code]) => ({ target: { kind: 'decl', name }, symbolName: name, code }));
    functions.push(...this.providedFunctions(functions));
    this.object = writeRelocatableObject({
      sourceName: this.sourceName,
      functions,
      data: [...this.data.values()],
      exports: this.exports,
      placement: this.options.placement,
    });
    return { bytesWritten: 0, fullWrite: true };
  }

  /**
   * Runtime routines and WASI built-ins referenced from `functions`, data atoms, or from
   * each other, each once: a routine is a local function `__zirc_<name>`, a built-in a
   * local function `__zirc_wasi_<name>` (local, so a C library's own `fd_write` or
   * `proc_exit` neither clashes with nor replaces it).
   */
  private providedFunctions(functions: readonly ObjectFunction[]): ObjectFunction[] {
    const out: ObjectFunction[] = [];
    const seen = new Set<string>();
    const visit = (t: SymbolTarget) => {
      const key = symbolKey(t);
      if (t.kind === 'decl' || seen.has(key)) return;
      seen.add(key);
      let f: ObjectFunction | null = null;
      if (t.kind === 'runtime') f = { target: t, symbolName: `__zirc_${t.name}`, code: this.provided.runtime(t.name) };
      else if (t.lib === WASI_LIB && !this.options.definedByInputs?.(t.name)) {
        const code = this.provided.wasiBuiltin(t.name);
        if (code) f = { target: t, symbolName: `__zirc_wasi_${t.name}`, code };
      }
      if (!f) return;
      out.push(f);
      visitCode(f.code);
    };
    const visitCode = (code: X86Function) => {
      for (const r of code.relocs) if (r.target.kind !== 'constant') visit(r.target);
    };
    for (const f of functions) visitCode(f.code);
    for (const d of this.data.values()) for (const r of d.relocs) visit(r.target);
    return out;
  }
}

