//! The compiler a watch session drives, behind a small asynchronous interface: `update`
//! one source text, `close`. `WorkerBuilder` keeps the `Compilation` in a worker thread,
//! so the session's thread stays free while an update runs: it sees file events, draws
//! the progress line, and hears SIGINT/SIGTERM (it then waits for the update to finish).

import { Worker } from 'node:worker_threads';
import type { CompilationOptions, UpdateResult } from '../../compile/Compilation.js';
import type { HotSwapPlan } from '../../link/elf/hot_swap_log.js';

/** `hot`: with `hotSwap`, after a good update, the writes that bring the running program up to date (or why they cannot). */
export type BuildOutcome = { kind: 'result'; result: UpdateResult; hot?: HotSwapPlan } | { kind: 'crash'; message: string };

/** How one update relates to a program running with `--hot`. */
export interface UpdateRequestOptions {
  /** A program was started from the output as the last update left it (or none runs): what it may run starts from there. */
  hotEpoch?: boolean;
}

export interface Builder {
  /** One update of the compilation with this source text. Never rejects. */
  update(source: Buffer, opts?: UpdateRequestOptions): Promise<BuildOutcome>;
  /** Close the compilation (its output stays complete) and release the thread. */
  close(): Promise<void>;
}

/** Messages between the session thread and the worker (compile_worker.ts). */
export type ToWorker = { kind: 'update'; source: Uint8Array; hotEpoch?: boolean } | { kind: 'close' };
export type FromWorker = BuildOutcome | { kind: 'closed' };

export type WorkerOptions = Pick<CompilationOptions, 'sourcePath' | 'outputPath' | 'target' | 'optimize' | 'displayPath' | 'linkInputs'> & {
  /** `--hot`: link so that changes can be swapped into a running program (x86_64-linux, no objects). */
  hotSwap?: boolean;
};

const WORKER_URL = new URL('./compile_worker.js', import.meta.url);

export class WorkerBuilder implements Builder {
  private worker: Worker | null = null;
  /** The reply the worker owes us, if any (one request at a time). */
  private waiting: ((m: FromWorker) => void) | null = null;

  constructor(private readonly options: WorkerOptions) {}

  update(source: Buffer, opts: UpdateRequestOptions = {}): Promise<BuildOutcome> {
    const copy = new Uint8Array(source); // its own buffer, moved (not copied again) to the worker
    return this.request({ kind: 'update', source: copy, hotEpoch: opts.hotEpoch }, [copy.buffer]).then((m) =>
      m.kind === 'closed' ? { kind: 'crash', message: 'the compiler thread closed unexpectedly' } : m,
    );
  }

  async close(): Promise<void> {
    if (!this.worker) return;
    await this.request({ kind: 'close' }, []);
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  private request(message: ToWorker, transfer: ArrayBuffer[]): Promise<FromWorker> {
    if (this.waiting) throw new Error('WorkerBuilder: one request at a time');
    const worker = this.worker ?? this.startWorker();
    return new Promise((resolve) => {
      this.waiting = resolve;
      worker.postMessage(message, transfer);
    });
  }

  private startWorker(): Worker {
    const w = new Worker(WORKER_URL, { workerData: this.options });
    w.on('message', (m: FromWorker) => this.reply(m));
    // A worker that dies (an uncaught error, out of memory) answers the pending request as a crash;
    // the next request starts a fresh one, with a fresh compilation.
    const die = (message: string) => {
      if (this.worker === w) this.worker = null;
      this.reply({ kind: 'crash', message });
    };
    w.on('error', (err) => die(err instanceof Error ? (err.stack ?? err.message) : String(err)));
    w.on('exit', (code) => die(`the compiler thread exited with code ${code}`));
    this.worker = w;
    return w;
  }

  private reply(m: FromWorker): void {
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.(m);
  }
}
