//! `linkWasmFiles`: the wasm static linker's entry point for `zirc wasm-ld`: wasm32
//! relocatable objects and archives (the resolved inputs of a `WasmLdPlan`) to one module
//! written at `plan.output`. Not built yet: the command line parses and resolves everything,
//! and this answers with an error, so the wiring exists for the linker to come.

import type { ResolvedWasmLdPlan } from '../../wasm_ld_args/resolve_libraries.js';

/** The outcome of a link: errors are messages without the `zirc wasm-ld: error:` prefix. */
export type WasmLinkResult = { ok: true; warnings: string[] } | { ok: false; errors: string[] };

export function linkWasmFiles(plan: ResolvedWasmLdPlan): WasmLinkResult {
  void plan;
  return { ok: false, errors: ['linking wasm objects is not built yet'] };
}
