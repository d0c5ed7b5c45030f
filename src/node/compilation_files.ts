//! Node's file system for a `Compilation` (compile/compilation_files.ts): reads the
//! source file, repairs an output a killed patch left behind, creates the output's
//! directories, and opens the in-place linkers on a file (output_file.ts's journaled
//! OutputFile), or the program linker when objects from disk are linked with the program.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompilationFiles } from '../compile/compilation_files.js';
import type { SourceReader } from '../compile/source_reader.js';
import { targetBackend } from '../compile/target_backend.js';
import type { TargetName } from '../compile/target.js';
import type { LinkFile } from '../link/link_file.js';
import type { Linker } from '../link/Linker.js';
import type { NameTable } from '../zir/intern.js';
import { ProgramLinker } from './link/elf/program/ProgramLinker.js';
import { WasmProgramLinker } from './link/wasm/program/WasmProgramLinker.js';
import { OutputFile } from '../link/elf/output_file.js';
import { nodeOutputIo } from './link/node_output_io.js';
import { recoverInterruptedPatch } from '../link/patch_journal.js';

/** The target's in-place linker writing the file at `outputPath`. */
export function openLinker(outputPath: string, target: TargetName, declNames?: NameTable): Linker {
  // The wasm module is data, not a program the kernel runs: no execute bits.
  const sink = target === 'wasm32-wasi' ? new OutputFile(outputPath, nodeOutputIo, { mode: 0o666, exactMode: false }) : new OutputFile(outputPath, nodeOutputIo);
  return targetBackend(target).openLinker(outputPath, sink, declNames);
}

/** The linker of a program linked with objects and archives: zirc's static ELF or wasm linker. */
export function openProgramLinker(outputPath: string, target: TargetName, sourceName: string, inputs: readonly LinkFile[]): Linker {
  if (target === 'wasm32-wasi') return new WasmProgramLinker(outputPath, { sourceName, inputs });
  return ProgramLinker.open(outputPath, { sourceName, inputs });
}

/**
 * Repairs an output whose in-place patch was cut short (a kill, a crash) by an earlier
 * process: the file is rolled back to the last good program from its journal, so it runs
 * again even before this compilation's first good update. Never throws.
 */
export function recoverInterruptedOutput(outputPath: string): void {
  recoverInterruptedPatch(nodeOutputIo, outputPath);
}

/** Reads the whole file (to EOF, even if it grew since it was opened) into one of `reader`'s buffers. */
export function readSource(file: string, reader: SourceReader): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    let buf = reader.take(fs.fstatSync(fd).size + 1);
    let len = 0;
    for (;;) {
      if (len === buf.length) {
        const bigger = new Uint8Array(Math.ceil(len * 1.5) + 1);
        bigger.set(buf.subarray(0, len));
        buf = bigger;
      }
      const n = fs.readSync(fd, buf, len, buf.length - len, len);
      if (n === 0) break;
      len += n;
    }
    return buf.subarray(0, len);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Creates the output's directory and its missing parents, one level at a time (Node's
 * recursive mkdir spins forever under /proc); any failure other than "already there" is thrown.
 */
export function makeOutputDirectory(outputPath: string): void {
  const missing: string[] = [];
  for (let d = path.dirname(path.resolve(outputPath)); !fs.existsSync(d); d = path.dirname(d)) {
    if (path.dirname(d) === d) break;
    missing.push(d);
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

export const nodeCompilationFiles: CompilationFiles = {
  readSource,
  recoverOutput: recoverInterruptedOutput,
  makeOutputDirectory,
  openLinker,
  openProgramLinker,
};
