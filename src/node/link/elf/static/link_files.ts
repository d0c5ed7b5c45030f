//! The thin I/O driver around linkStatic: reads the input files, writes the executable
//! (mode 0755) on success, as a new file renamed over the output, so a failed write or a
//! crash never leaves half an executable at the path. Everything else is pure and lives
//! in the passes.

import { type LinkFile, type SourceInputs } from '../../../../link/link_file.js';
import { readLinkInputs } from '../../input_files.js';
import { OutputWriteError } from '../../../../link/Linker.js';
import { replaceFile } from '../../../../link/output_io.js';
import { nodeOutputIo } from '../../node_output_io.js';
import { linkStatic, type StaticLinkOptions, type StaticLinkResult } from '../../../../link/elf/static/link_static.js';

export type { LinkFile } from '../../../../link/link_file.js';

/** Links `inputFiles` (compiling the sources among them with `sources`) into `outputPath`. */
export function linkStaticFiles(inputFiles: readonly LinkFile[], outputPath: string, options: StaticLinkOptions = {}, sources?: SourceInputs): StaticLinkResult {
  const read = readLinkInputs(inputFiles, sources);
  if (!read.ok) return { ok: false, errors: read.errors, timings: [] };
  const result = linkStatic(read.inputs, { ...options, output: outputPath });
  if (!result.ok) return result;
  try {
    // As ld.lld does: whatever is at the path (a read-only file, a symlink) is replaced, not written through.
    const bytes = result.bytes;
    replaceFile(nodeOutputIo, outputPath, outputPath, { bytes, ranges: [{ start: 0, end: bytes.length }], size: bytes.length, mode: 0o755, exactMode: false });
  } catch (err) {
    const message = err instanceof OutputWriteError ? err.message : err instanceof Error ? err.message : String(err);
    return { ok: false, errors: [message], timings: result.timings };
  }
  return result;
}
