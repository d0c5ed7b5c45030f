//! The thin I/O driver around linkStatic: reads the input files, writes the executable
//! (mode 0755) on success. Everything else is pure and lives in the passes.

import * as fs from 'node:fs';
import { linkStatic, type LinkInput, type StaticLinkOptions, type StaticLinkResult } from './link_static.js';

/** An input file: its path, or its path with `--whole-archive` in force. */
export type LinkFile = string | { path: string; wholeArchive: boolean };

export function linkStaticFiles(inputFiles: readonly LinkFile[], outputPath: string, options: StaticLinkOptions = {}): StaticLinkResult {
  const inputs: LinkInput[] = [];
  for (const file of inputFiles) {
    const { path, wholeArchive } = typeof file === 'string' ? { path: file, wholeArchive: false } : file;
    try {
      inputs.push({ path, bytes: new Uint8Array(fs.readFileSync(path)), wholeArchive });
    } catch (e) {
      return { ok: false, errors: [`cannot open ${path}: ${(e as Error).message}`], timings: [] };
    }
  }
  const result = linkStatic(inputs, { ...options, output: outputPath });
  if (result.ok) {
    fs.rmSync(outputPath, { force: true });
    fs.writeFileSync(outputPath, result.bytes, { mode: 0o755 });
  }
  return result;
}
