//! The Node layer's code-generation pool: worker threads (one per core less one) that
//! generate a full build's functions while the main thread generates its own share.
//! update() is synchronous, so the main thread sends each worker a contiguous share of
//! the batch as flat buffers (codegen/air_codec.ts), generates the last share itself,
//! then blocks on each worker's shared "done" flag and takes its reply with
//! receiveMessageOnPort. Results are put back in input order: the output does not depend
//! on the thread count. Small batches (an edit's few functions) stay on the main thread,
//! where sending them would cost more than generating them; a worker that fails or does
//! not answer in time is retired and its share generated on the main thread.

import * as os from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { encodeAirBatch } from '../codegen/air_codec.js';
import type { CodegenPool } from '../compile/codegen_pool.js';
import type { TargetName } from '../compile/target.js';
import type { AirFunction } from '../sema/air.js';
import type { CodegenJob, CodegenReply, CodegenWorkerData } from './codegen_worker.js';

/** Below this many functions a batch is generated on the main thread alone. */
export const MIN_PARALLEL_BATCH = 256;
/** How long the main thread waits for a worker's share before generating it itself. */
const WORKER_TIMEOUT_MS = 60_000;

interface CodegenThread {
  worker: Worker;
  port: MessagePort;
  done: Int32Array;
}

export interface CodegenThreadsOptions {
  /** Worker threads (default: one per core less one; 0 generates everything on the main thread). */
  threads?: number;
  /** Smallest batch sent to workers (default MIN_PARALLEL_BATCH). */
  minBatch?: number;
}

export class CodegenThreads implements CodegenPool {
  private threads: CodegenThread[];
  private readonly minBatch: number;

  constructor(opts: CodegenThreadsOptions = {}) {
    const count = opts.threads ?? defaultThreadCount();
    this.minBatch = opts.minBatch ?? MIN_PARALLEL_BATCH;
    this.threads = Array.from({ length: count }, () => startThread());
  }

  get threadCount(): number {
    return this.threads.length;
  }

  get parallel(): boolean {
    return this.threads.length > 0;
  }

  generate(target: TargetName, functions: readonly AirFunction[], generateHere: (f: AirFunction) => unknown): unknown[] {
    if (this.threads.length === 0 || functions.length < this.minBatch) return functions.map(generateHere);
    const shares = splitShares(functions, this.threads.length + 1);
    const sent = this.threads.map((t, i) => send(t, target, shares[i]!));
    const mine = shares[shares.length - 1]!.map(generateHere);
    const out: unknown[] = [];
    for (let i = 0; i < this.threads.length; i++) {
      const reply = sent[i] ? waitForReply(this.threads[i]!) : null;
      if (reply?.ok) appendAll(out, reply.code);
      else {
        this.retire(i);
        appendAll(out, shares[i]!.map(generateHere));
      }
    }
    appendAll(out, mine);
    return out;
  }

  /** Stops the workers; the pool then generates on the main thread. */
  close(): void {
    for (const t of this.threads) void t.worker.terminate();
    this.threads = [];
  }

  private retire(i: number): void {
    void this.threads[i]!.worker.terminate();
    this.threads = this.threads.filter((_, k) => k !== i);
  }
}

/**
 * One per core less one (the main thread's), on machines with three cores or more. On
 * two cores none: measured there (docs/performance.md), two busy threads ran at about
 * 0.7× each and a worker isolate compiles its code generator afresh, so a second thread
 * made full builds slower, not faster.
 */
export function defaultThreadCount(cores = os.availableParallelism?.() ?? os.cpus().length): number {
  return cores >= 3 ? cores - 1 : 0;
}

let shared: CodegenThreads | null = null;

/** The process's pool, started on first use (`threads` only matters then). */
export function sharedCodegenThreads(threads?: number): CodegenThreads {
  return (shared ??= new CodegenThreads({ threads }));
}

/**
 * Contiguous shares of about equal instruction count, in order: the last is the main
 * thread's, which also encodes the others' and so gets a little less.
 */
export function splitShares<T extends { insts: readonly unknown[] }>(functions: readonly T[], parts: number): T[][] {
  let total = 0;
  for (const f of functions) total += f.insts.length + 8;
  const mainWeight = 0.8;
  const unit = total / (parts - 1 + mainWeight);
  const shares: T[][] = [];
  let current: T[] = [];
  let filled = 0;
  for (const f of functions) {
    current.push(f);
    filled += f.insts.length + 8;
    if (shares.length < parts - 1 && filled >= unit) {
      shares.push(current);
      current = [];
      filled = 0;
    }
  }
  shares.push(current);
  while (shares.length < parts) shares.splice(shares.length - 1, 0, []);
  return shares;
}

function appendAll(out: unknown[], values: readonly unknown[]): void {
  for (let i = 0; i < values.length; i++) out.push(values[i]);
}

function startThread(): CodegenThread {
  const { port1, port2 } = new MessageChannel();
  const shared = new SharedArrayBuffer(4);
  const data: CodegenWorkerData = { port: port2, done: shared };
  const worker = new Worker(new URL('./codegen_worker.js', import.meta.url), { workerData: data, transferList: [port2] });
  // The pool never keeps a process alive: a CLI build exits when its work is done.
  worker.unref();
  port1.unref();
  return { worker, port: port1, done: new Int32Array(shared) };
}

function send(t: CodegenThread, target: TargetName, share: readonly AirFunction[]): boolean {
  const batch = encodeAirBatch(share);
  Atomics.store(t.done, 0, 0);
  const job: CodegenJob = { target, batch };
  try {
    t.port.postMessage(job, [batch.words.buffer, batch.numbers.buffer, batch.strings.buffer] as ArrayBuffer[]);
    return true;
  } catch {
    return false;
  }
}

function waitForReply(t: CodegenThread): CodegenReply | null {
  const deadline = Date.now() + WORKER_TIMEOUT_MS;
  for (;;) {
    const m = receiveMessageOnPort(t.port);
    if (m) return m.message as CodegenReply;
    const left = deadline - Date.now();
    if (left <= 0) return null;
    Atomics.wait(t.done, 0, 0, left);
  }
}
