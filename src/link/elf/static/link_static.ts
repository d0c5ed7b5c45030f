//! `linkStatic`: a from-scratch static link of x86-64 ET_REL objects and archives into a
//! non-PIE ET_EXEC, as a list of named passes over one LinkContext, each timed. Pure: the
//! inputs arrive as bytes and the executable leaves as bytes (link_files.ts does the I/O).

import {
  newLinkContext, timed, type LinkContext, type LinkInput, type StaticLinkOptions, type StaticLinkResult,
} from './context.js';
import { addCommandLineReferences, assignDefsyms, defineDefsyms } from './command_line_symbols.js';
import { planBuildId } from './build_id.js';
import { planEhFrames } from './eh_frame_hdr.js';
import { gcSections } from './gc_sections.js';
import { layoutSegments } from './layout.js';
import { assignLinkerSymbols, defineLinkerSymbols } from './linker_symbols.js';
import { reportUndefinedSymbols } from './undefined_symbols.js';
import { createOutputSections } from './output_sections.js';
import { resolveSymbols } from './resolve_symbols.js';
import { allocateCommons, scanRelocations } from './scan_relocations.js';
import { writeExecutable } from './write_executable.js';

export type { BuildIdStyle, Defsym, LinkInput, StaticLinkOptions, StaticLinkResult } from './context.js';

export function linkStatic(inputs: readonly LinkInput[], options: StaticLinkOptions = {}): StaticLinkResult {
  const ctx = newLinkContext(options);
  const failed = (): StaticLinkResult | null => (ctx.errors.length > 0 ? { ok: false, errors: ctx.errors, timings: ctx.timings } : null);
  // `-u` symbols and `--defsym` targets are wanted before any input is read.
  timed(ctx, 'addCommandLineReferences', () => addCommandLineReferences(ctx));
  // Read the inputs, resolve symbols, keep each COMDAT group once, pull archive members.
  timed(ctx, 'resolveSymbols', () => resolveSymbols(ctx, inputs));
  // Merge input sections into output sections by name; drop what is not loaded.
  timed(ctx, 'createOutputSections', () => createOutputSections(ctx));
  // --gc-sections: keep only what the roots reach through relocations.
  if (ctx.gcSections) timed(ctx, 'gcSections', () => gcSections(ctx));
  // Define the symbols the linker provides (`_end`, `__init_array_start`, …) if referenced.
  timed(ctx, 'defineLinkerSymbols', () => defineLinkerSymbols(ctx));
  // `--defsym`s replace whatever the inputs define under their names.
  timed(ctx, 'defineDefsyms', () => defineDefsyms(ctx));
  // What nobody defines and somebody needs is an error.
  timed(ctx, 'reportUndefinedSymbols', () => reportUndefinedSymbols(ctx));
  const early = failed();
  if (early) return early;
  // Check every relocation type, decide relaxations, find the symbols that need GOT entries.
  timed(ctx, 'scanRelocations', () => scanRelocations(ctx));
  // Make room for COMMON symbols in .bss.
  timed(ctx, 'allocateCommons', () => allocateCommons(ctx));
  // Find the FDEs of .eh_frame, and size .eh_frame_hdr for --eh-frame-hdr.
  timed(ctx, 'planEhFrames', () => planEhFrames(ctx, ctx.gcSections));
  // Make room for the --build-id note.
  timed(ctx, 'planBuildId', () => planBuildId(ctx));
  const scanned = failed();
  if (scanned) return scanned;
  // Give every section, COMMON symbol and GOT entry an address; build the segments.
  timed(ctx, 'layoutSegments', () => layoutSegments(ctx));
  // Now linker-defined symbols have values.
  timed(ctx, 'assignLinkerSymbols', () => assignLinkerSymbols(ctx));
  // Then the `--defsym`s, which may name them.
  timed(ctx, 'assignDefsyms', () => assignDefsyms(ctx));
  // Copy sections, apply relocations, write headers and the symbol table; the build id last.
  const bytes = timed(ctx, 'writeExecutable', () => writeExecutable(ctx));
  return bytes === null || ctx.errors.length > 0 ? { ok: false, errors: ctx.errors, timings: ctx.timings } : { ok: true, bytes, timings: ctx.timings, removedSections: ctx.removedSections, ...(options.keepContext ? { context: ctx } : {}) };
}

export type { LinkContext };
