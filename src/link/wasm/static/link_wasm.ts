//! `linkWasm`: a from-scratch static link of wasm32 relocatable objects and archives into
//! a WASI command module (or, with --no-entry, a module of exports), as a list of named
//! passes over one LinkContext, each timed. Pure: the inputs arrive as bytes and the module
//! leaves as bytes (link_files.ts does the I/O).

import { newLinkContext, timed, DEFAULT_LINK_OPTIONS, type WasmLinkInput, type WasmLinkOptions, type WasmStaticLinkResult } from './context.js';
import { checkFeatures } from './check_features.js';
import { createCommandExportWrappers, encodeSyntheticBodies, functionType, layoutModule } from './layout.js';
import { defineLinkerSymbols, reserveLinkerSymbols, stubSignatureMismatches, stubWeakUndefinedFunctions } from './linker_symbols.js';
import { markLive } from './mark_live.js';
import { resolveCommandLineSymbols, resolveSymbols } from './resolve_symbols.js';
import { scanRelocations } from './scan_relocations.js';
import type { WasmStableLayout } from './stable_layout.js';
import { registerType } from './layout.js';
import { writeModule } from './write_module.js';

export type { WasmLinkInput, WasmLinkOptions, WasmStaticLinkResult } from './context.js';

/** What only a long-running link passes: the layout memory (stable_layout.ts), and whether to hand back the context. */
export interface WasmInPlaceOptions {
  stableLayout?: WasmStableLayout;
  keepContext?: boolean;
}

export function linkWasm(inputs: readonly WasmLinkInput[], options: Partial<WasmLinkOptions> = {}, inPlace: WasmInPlaceOptions = {}): WasmStaticLinkResult {
  const ctx = newLinkContext({ ...DEFAULT_LINK_OPTIONS, ...options });
  // Watch mode: the types of the last link keep their indices.
  if (inPlace.stableLayout) {
    ctx.stable = inPlace.stableLayout;
    for (const t of ctx.stable.types) registerType(ctx, t);
  }
  const failed = (): WasmStaticLinkResult | null =>
    ctx.errors.length > 0 ? { ok: false, errors: ctx.errors, warnings: ctx.warnings, timings: ctx.timings } : null;
  // __stack_pointer and __wasm_call_ctors head the symbol table, as in wasm-ld.
  timed(ctx, 'reserveLinkerSymbols', () => reserveLinkerSymbols(ctx));
  // Read the inputs in order, resolve symbols, pull archive members as they are needed.
  timed(ctx, 'resolveSymbols', () => resolveSymbols(ctx, inputs));
  // -u, --export and the entry pull what they name; find __wasm_call_dtors.
  timed(ctx, 'resolveCommandLineSymbols', () => resolveCommandLineSymbols(ctx));
  // Threads, exception handling and extra tables are refused by name.
  timed(ctx, 'checkFeatures', () => checkFeatures(ctx));
  // __stack_pointer, __wasm_call_ctors, __heap_base & co., the indirect table.
  timed(ctx, 'defineLinkerSymbols', () => defineLinkerSymbols(ctx));
  // A weak undefined function nobody defines becomes a trapping stub.
  timed(ctx, 'stubWeakUndefinedFunctions', () => stubWeakUndefinedFunctions(ctx));
  // A call with another signature than the definition's goes to a trapping stub, with a warning.
  timed(ctx, 'stubSignatureMismatches', () => stubSignatureMismatches(ctx, (id) => functionType(ctx, id)));
  const early = failed();
  if (early) return early;
  // --gc-sections: keep what the entry, the exports and the constructors reach.
  timed(ctx, 'markLive', () => markLive(ctx));
  // Command modules wrap their exports to run constructors and destructors.
  timed(ctx, 'createCommandExportWrappers', () => createCommandExportWrappers(ctx));
  // Check every relocation, give address-taken functions table slots, find imports and undefined symbols.
  timed(ctx, 'scanRelocations', () => scanRelocations(ctx));
  const scanned = failed();
  if (scanned) return scanned;
  // Index spaces, types, globals, memory and exports.
  timed(ctx, 'layoutModule', () => layoutModule(ctx));
  // The linker's own function bodies, now that every function has its index.
  timed(ctx, 'encodeSyntheticBodies', () => encodeSyntheticBodies(ctx));
  const laid = failed();
  if (laid) return laid;
  // Copy bodies and segments, apply relocations, encode the sections.
  const bytes = timed(ctx, 'writeModule', () => writeModule(ctx));
  if (ctx.errors.length > 0) return { ok: false, errors: ctx.errors, warnings: ctx.warnings, timings: ctx.timings };
  if (ctx.stable) ctx.stable.types = ctx.types.slice();
  return { ok: true, bytes, warnings: ctx.warnings, timings: ctx.timings, ...(inPlace.keepContext ? { context: ctx } : {}) };
}
