//! A code-generation worker thread (started by codegen_threads.ts). It receives batches
//! of AIR in flat buffers on its port, generates each function with the target's code
//! generator, posts the results back in order, then raises its "done" flag so that the
//! main thread, blocked in Atomics.wait inside a synchronous update(), wakes.

import { workerData, type MessagePort } from 'node:worker_threads';
import { decodeAirBatch, type AirBatch } from '../codegen/air_codec.js';
import { CODE_GENERATORS } from '../codegen/generators.js';
import type { TargetName } from '../compile/target.js';

export interface CodegenWorkerData {
  port: MessagePort;
  /** One Int32 on shared memory: 0 while a batch is being generated, 1 once its result is posted. */
  done: SharedArrayBuffer;
}

export interface CodegenJob {
  target: TargetName;
  batch: AirBatch;
}

export type CodegenReply = { ok: true; code: unknown[] } | { ok: false; error: string };

const { port, done } = workerData as CodegenWorkerData;
const flag = new Int32Array(done);

port.on('message', (job: CodegenJob) => {
  let reply: CodegenReply;
  try {
    const generate = CODE_GENERATORS[job.target];
    reply = { ok: true, code: decodeAirBatch(job.batch).map(generate) };
  } catch (err) {
    reply = { ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
