//! The wasm relocatable object writer (`zirc build -c -t wasm32-wasi`): a pure encoder
//! from a program's finished wasm functions (decls and the runtime routines they use),
//! data atoms and exports to one wasm32 object, laid out as clang 14 writes one, that
//! wasm-ld links with clang's objects and wasi-libc. No I/O, no codegen: the caller
//! (compile_object.ts) hands it every function.
//!
//! The steps: plan the index spaces and symbols (object_plan.ts); write the standard
//! sections, with object-local values at every relocation site; then `linking`, a
//! `reloc.*` per section with relocations, and `target_features` with what the code
//! uses beyond the MVP (`memory.copy` needs bulk-memory; wasm-ld accepts it beside
//! objects without that section, as wasi-libc's are, and writes the union).
//!
//! Symbols. A decl is a local function symbol named after it, unless exported: then it
//! has a global, exported symbol per export name. An extern is an undefined function
//! symbol with an explicit name and its `lib` as import module: an object that defines
//! the name resolves it, otherwise wasm-ld keeps it as the import `lib.name` (so WASI
//! functions stay imports). The shadow stack pointer is the imported global
//! `env.__stack_pointer`, the function table the imported `env.__indirect_function_table`.

import { ByteWriter } from '../../../codegen/wasm/leb.js';
import { WASM_MAGIC } from '../sections.js';
import { codeFeatures } from './code_features.js';
import { writeLinkingSection, writeRelocSection, writeTargetFeatures } from './linking_sections.js';
import { planObject, type WasmObjectInput } from './object_plan.js';
import {
  writeCodeSection,
  writeDataCountSection,
  writeDataSection,
  writeElementSection,
  writeFunctionSection,
  writeImportSection,
  writeTypeSection,
  type RelocEntry,
} from './object_sections.js';

export type { ObjectFunction, WasmObjectInput } from './object_plan.js';

/** The bytes of the wasm relocatable object of `input`. Throws `LinkError` for what an object cannot say. */
export function writeWasmObject(input: WasmObjectInput): Uint8Array {
  const plan = planObject(input);
  const w = new ByteWriter(1 << 12);
  w.raw(WASM_MAGIC);
  // Standard sections, counted: a `reloc.*` section names its target by position.
  let sections = 0;
  const emit = (write: () => void): number => {
    write();
    return sections++;
  };
  emit(() => writeTypeSection(w, plan));
  emit(() => writeImportSection(w, plan));
  if (plan.functions.length > 0) emit(() => writeFunctionSection(w, plan));
  if (plan.table.length > 0) emit(() => writeElementSection(w, plan));
  if (plan.segments.length > 0) emit(() => writeDataCountSection(w, plan));
  const codeRelocs: RelocEntry[] = [];
  const codeSection = plan.functions.length > 0 ? emit(() => writeCodeSection(w, plan, codeRelocs)) : -1;
  const dataRelocs: RelocEntry[] = [];
  const dataSection = plan.segments.length > 0 ? emit(() => writeDataSection(w, plan, dataRelocs)) : -1;
  // Linking metadata, after every section it describes.
  writeLinkingSection(w, plan);
  if (codeRelocs.length > 0) writeRelocSection(w, 'CODE', codeSection, codeRelocs);
  if (dataRelocs.length > 0) writeRelocSection(w, 'DATA', dataSection, dataRelocs);
  const features = usedFeatures(input);
  if (features.length > 0) writeTargetFeatures(w, features);
  return w.finish();
}

/** The features the function bodies use, sorted by name. */
function usedFeatures(input: WasmObjectInput): string[] {
  const used = new Set<string>();
  for (const f of input.functions) for (const feature of codeFeatures(f.code.body)) used.add(feature);
  return [...used].sort();
}
