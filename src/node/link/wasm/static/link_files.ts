//! `linkWasmFiles`: the wasm static linker's entry point for `zirc wasm-ld`, the thin I/O
//! driver around `linkWasm`: reads the resolved inputs of a `WasmLdPlan`, links them, and
//! writes the module at `plan.output` atomically (a temporary file renamed over it), so a
//! failed link or write leaves no partial file and the previous output untouched.

import { type SourceInputs } from '../../../../link/link_file.js';
import { readLinkInputs } from '../../input_files.js';
import { OutputWriteError } from '../../../../link/Linker.js';
import { replaceFile, resolveOutputTarget, type OutputIo } from '../../../../link/output_io.js';
import { nodeOutputIo } from '../../node_output_io.js';
import type { ResolvedWasmLdPlan } from '../../../../link/wasm_ld_args/resolve_libraries.js';
import { linkWasm } from '../../../../link/wasm/static/link_wasm.js';

/** The outcome of a link: errors are messages without the `zirc wasm-ld: error:` prefix. */
export type WasmLinkResult = { ok: true; warnings: string[] } | { ok: false; errors: string[] };

export function linkWasmFiles(plan: ResolvedWasmLdPlan, io: OutputIo = nodeOutputIo, sources?: SourceInputs): WasmLinkResult {
  const read = readLinkInputs(plan.resolvedInputs.map((i) => ({ path: i.resolvedPath, wholeArchive: i.wholeArchive })), sources);
  if (!read.ok) return { ok: false, errors: read.errors };
  const inputs = read.inputs;
  if (inputs.length === 0) return { ok: false, errors: ['no input files'] };
  const result = linkWasm(inputs, plan);
  if (!result.ok) return { ok: false, errors: result.errors };
  try {
    const target = resolveOutputTarget(io, plan.output);
    replaceFile(io, plan.output, target, { bytes: result.bytes, ranges: [{ start: 0, end: result.bytes.length }], size: result.bytes.length, mode: 0o777, exactMode: false });
  } catch (e) {
    if (e instanceof OutputWriteError) return { ok: false, errors: [e.message] };
    throw e;
  }
  return { ok: true, warnings: result.warnings };
}
