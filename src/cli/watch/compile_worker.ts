//! The worker thread that owns a watch session's `Compilation` (see builder.ts): it runs
//! each update it is sent and answers with the `UpdateResult`. A compiler crash (an
//! exception from `update`, which never throws for bad input) is answered as a crash and
//! the compilation is replaced by a fresh one, so the next update rebuilds from scratch.
//! With `hotSwap` the compilation links through a hot-swapping ElfLinker, and each good
//! update's answer carries its swap plan (hot_swap_log.ts).

import '../../node/install.js';
import { parentPort, workerData } from 'node:worker_threads';
import { Compilation, type CompilationOptions } from '../../compile/Compilation.js';
import { recoverInterruptedOutput } from '../../node/compilation_files.js';
import { generateRuntimeRoutine, generateWasiBuiltin } from '../../codegen/x86_64/runtime.js';
import { ElfLinker } from '../../link/elf/ElfLinker.js';
import { OutputFile } from '../../link/elf/output_file.js';
import { nodeOutputIo } from '../../node/link/node_output_io.js';
import type { FromWorker, ToWorker, WorkerOptions } from './builder.js';

const { hotSwap, ...compileOptions } = workerData as WorkerOptions;
let compilation: Compilation | null = null;
/** The hot-swapping linker the compilation uses now (a fresh compilation opens a new one). */
let hotLinker: ElfLinker | null = null;

function createCompilation(): Compilation {
  hotLinker = null;
  if (!hotSwap) return Compilation.create(compileOptions);
  if (compileOptions.outputPath !== undefined) recoverInterruptedOutput(compileOptions.outputPath);
  const opts: CompilationOptions = {
    ...compileOptions,
    linkerFactory: (outputPath) =>
      (hotLinker = ElfLinker.open(outputPath, { runtime: generateRuntimeRoutine, wasiBuiltin: generateWasiBuiltin, hotSwap: true, sink: new OutputFile(outputPath, nodeOutputIo) })),
  };
  return Compilation.create(opts);
}

function send(m: FromWorker): void {
  parentPort!.postMessage(m);
}

function closeQuietly(c: Compilation | null): void {
  try {
    c?.close();
  } catch {
    // Closing after a crash may fail too; the next compilation reopens the output.
  }
}

parentPort!.on('message', (m: ToWorker) => {
  if (m.kind === 'close') {
    closeQuietly(compilation);
    compilation = null;
    send({ kind: 'closed' });
    return;
  }
  try {
    compilation ??= createCompilation();
    if (m.hotEpoch) hotLinker?.beginHotEpoch();
    const result = compilation.update(m.source);
    send({ kind: 'result', result, hot: result.ok && hotLinker ? hotLinker.takeHotSwapPlan() : undefined });
  } catch (err) {
    closeQuietly(compilation);
    compilation = null;
    send({ kind: 'crash', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
