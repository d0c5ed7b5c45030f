//! A client of `zirc watch --json` running as a child process: starts it, reads its
//! stdout as one JSON object per line, and lets the caller wait for the next object that
//! matches (events are consumed in order, so "the next update" means the one after the
//! last one taken). Used by the watch tests and the watch latency bench; usable by any
//! tool that drives the watcher (an editor plugin, a test runner).

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OptimizeMode } from '../../link/Linker.js';
import type { TargetName } from '../../compile/target.js';

/** One line of `--json` output (docs/watch.md lists every event and field). */
export interface WatchJsonEvent {
  event: string;
  [field: string]: unknown;
}

export interface WatchClientOptions {
  /** The source file, as passed on the command line (relative to `cwd`). */
  file: string;
  cwd?: string;
  output?: string;
  target?: TargetName;
  optimize?: OptimizeMode;
  run?: boolean;
  /** With `run`: `--hot`. */
  hot?: boolean;
  /** Objects and archives linked with the program (after the source on the command line). */
  linkInputs?: readonly string[];
  /** The zirc entry point (default: this package's bin/zirc.js). */
  zircBin?: string;
  /** Called with every event as it is read (after its `receivedAt` time is taken). */
  onEvent?: (e: WatchJsonEvent, receivedAt: bigint) => void;
}

export interface WatchExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const DEFAULT_BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'zirc.js');

export class WatchClient {
  /** Every event read so far. */
  readonly events: WatchJsonEvent[] = [];
  /** Every line of stdout that was not JSON (there should be none). */
  readonly strayLines: string[] = [];
  /** The length of the longest line read so far, in UTF-16 units (with `--run`, output arrives in chunks of at most 4 KiB). */
  longestLine = 0;
  private stderrChunks: Buffer[] = [];
  private cursor = 0;
  private waiter: (() => void) | null = null;
  private pending = '';
  private exitInfo: WatchExit | null = null;
  readonly exited: Promise<WatchExit>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly onEvent?: WatchClientOptions['onEvent'],
  ) {
    child.stdout!.on('data', (chunk: Buffer) => this.readStdout(chunk, process.hrtime.bigint()));
    child.stderr!.on('data', (chunk: Buffer) => this.stderrChunks.push(chunk));
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        this.exitInfo = { code, signal };
        this.wake();
        resolve(this.exitInfo);
      });
    });
  }

  static start(opts: WatchClientOptions): WatchClient {
    const args = [opts.zircBin ?? DEFAULT_BIN, 'watch', opts.file, ...(opts.linkInputs ?? []), '--json'];
    if (opts.output) args.push('-o', opts.output);
    if (opts.target) args.push('--target', opts.target);
    if (opts.optimize) args.push('-O', opts.optimize);
    if (opts.run) args.push('--run');
    if (opts.hot) args.push('--hot');
    const child = spawn(process.execPath, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    return new WatchClient(child, opts.onEvent);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stderr(): string {
    return Buffer.concat(this.stderrChunks).toString('utf8');
  }

  /** The next event not taken yet that matches `pred` (events skipped over are taken too). */
  async next(pred: (e: WatchJsonEvent) => boolean = () => true, timeoutMs = 30_000): Promise<WatchJsonEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.events.length) {
        const e = this.events[this.cursor++];
        if (pred(e)) return e;
      }
      if (this.exitInfo) throw new Error(`zirc watch exited (${JSON.stringify(this.exitInfo)}) before the awaited event${this.context()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a zirc watch event${this.context()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /**
   * What the program of `update` wrote on `stream`, from the `output` events read so far
   * (all of it once its `exit` event is read, up to the cap of an `output_dropped` event).
   */
  programOutput(update: number, stream: 'stdout' | 'stderr'): Buffer {
    const chunks = this.events
      .filter((e) => e.event === 'output' && e.update === update && e.stream === stream)
      .map((e) => (typeof e.base64 === 'string' ? Buffer.from(e.base64, 'base64') : Buffer.from(String(e.data), 'utf8')));
    return Buffer.concat(chunks);
  }

  /** The next `update` event. */
  nextUpdate(timeoutMs?: number): Promise<WatchJsonEvent> {
    return this.next((e) => e.event === 'update', timeoutMs);
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  /** SIGTERM, then the exit. */
  async stop(): Promise<WatchExit> {
    if (!this.exitInfo) this.child.kill('SIGTERM');
    return this.exited;
  }

  /** Last resort for a test that failed midway. */
  kill(): void {
    if (!this.exitInfo) this.child.kill('SIGKILL');
  }

  private readStdout(chunk: Buffer, at: bigint): void {
    this.pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      this.longestLine = Math.max(this.longestLine, line.length);
      if (line === '') continue;
      let e: WatchJsonEvent;
      try {
        e = JSON.parse(line) as WatchJsonEvent;
      } catch {
        this.strayLines.push(line);
        continue;
      }
      this.events.push(e);
      this.onEvent?.(e, at);
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private context(): string {
    const recent = this.events.slice(-5).map((e) => JSON.stringify(e).slice(0, 300));
    return `\nlast events:\n${recent.join('\n')}\nstderr:\n${this.stderr.slice(-2000)}`;
  }
}
