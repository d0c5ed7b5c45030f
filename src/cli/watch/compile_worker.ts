//! The worker thread that owns a watch session's `Compilation` (see builder.ts): it runs
//! each update it is sent and answers with the `UpdateResult`. A compiler crash (an
//! exception from `update`, which never throws for bad input) is answered as a crash and
//! the compilation is replaced by a fresh one, so the next update rebuilds from scratch.

import { parentPort, workerData } from 'node:worker_threads';
import { Compilation } from '../../compile/Compilation.js';
import type { FromWorker, ToWorker, WorkerOptions } from './builder.js';

const options = workerData as WorkerOptions;
let compilation: Compilation | null = null;

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
    compilation ??= Compilation.create(options);
    const result = compilation.update(m.source);
    send({ kind: 'result', result });
  } catch (err) {
    closeQuietly(compilation);
    compilation = null;
    send({ kind: 'crash', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
