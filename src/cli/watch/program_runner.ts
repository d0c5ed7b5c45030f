//! `--run`: runs the output after each good update, at most one program at a time. The
//! program's stdout and stderr pass straight through; with `--json` they are read as they
//! arrive and reported as `run_output` events, in chunks of at most 4 KiB and at most
//! 1 MiB per stream and run (output_chunks.ts): the rest is read and dropped, so the
//! program is never blocked, and counted in one `run_output_dropped` event at its end.
//! A program into which `--hot` swapped an update gets its cap afresh (`swapped`): a program
//! that runs for hours across many swaps keeps its output reported, still under its run.
//! Before the next update writes the output, the session stops the program still running.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { spawnWasi } from '../../node/link/wasm/run_wasi.js';
import type { TargetName } from '../../compile/target.js';
import type { ProgramStream, WatchEvent } from './events.js';
import { OutputChunker } from './output_chunks.js';

export interface ProgramEnd {
  /** The exit status; 128 + the signal number for a program ended by a signal. */
  exitCode: number;
  signal: NodeJS.Signals | null;
}

export interface StartedProgram {
  /** Resolves once the program has ended and its output has all been delivered; rejects if it could not start. */
  ended: Promise<ProgramEnd>;
  kill(): void;
  /** The process id, when it is a native process that started (`--hot` writes into it). */
  pid?: number;
}

/** Output bytes as they arrive; null: let the program's output pass straight through. */
export type OutputSink = ((stream: ProgramStream, bytes: Buffer) => void) | null;

export type StartProgram = (outputPath: string, target: TargetName, onOutput: OutputSink) => StartedProgram;

export const startProgram: StartProgram = (outputPath, target, onOutput) => {
  const stdio = onOutput ? 'pipe' : 'inherit';
  const child: ChildProcess =
    target === 'x86_64-linux'
      ? spawn(outputPath, [], { stdio: ['ignore', stdio, stdio] })
      : spawnWasi(outputPath, [], ['ignore', stdio, stdio]);
  if (onOutput) {
    child.stdout?.on('data', (b: Buffer) => onOutput('stdout', b));
    child.stderr?.on('data', (b: Buffer) => onOutput('stderr', b));
  }
  const ended = new Promise<ProgramEnd>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ exitCode: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0), signal }));
  });
  return { ended, kill: () => child.kill('SIGKILL'), pid: target === 'x86_64-linux' ? child.pid : undefined };
};

interface Current {
  update: number;
  program: StartedProgram;
  killed: boolean;
  done: Promise<void>;
  chunkers: Record<ProgramStream, OutputChunker> | null;
}

const STREAMS: ProgramStream[] = ['stdout', 'stderr'];

export class ProgramRunner {
  private current: Current | null = null;

  constructor(
    private readonly outputPath: string,
    private readonly target: TargetName,
    /** Report the output as events (--json) instead of passing it through. */
    private readonly capture: boolean,
    private readonly report: (e: WatchEvent) => void,
    private readonly start: StartProgram = startProgram,
    /** How reports name the output (default: `outputPath`). */
    private readonly displayOutput: string = outputPath,
  ) {}

  get running(): boolean {
    return this.current !== null;
  }

  /** The pid of the native program running now, if any. */
  get pid(): number | null {
    return this.current?.program.pid ?? null;
  }

  /** Starts the output of `update` (stop the previous program first). */
  run(update: number): void {
    if (this.current) throw new Error('ProgramRunner.run: a program is still running');
    this.report({ kind: 'run_start', update, output: this.displayOutput });
    const chunkers = this.capture ? newChunkers() : null;
    // The sink reads `current` once it exists: a swap gives it new chunkers.
    let current: Current | null = null;
    const sink: OutputSink = chunkers
      ? (stream, bytes) => {
          const c = current?.chunkers ?? chunkers;
          for (const data of c[stream].push(bytes)) this.report({ kind: 'run_output', update, stream, data });
        }
      : null;
    let program: StartedProgram;
    try {
      program = this.start(this.outputPath, this.target, sink);
    } catch (err) {
      this.report(failedToStart(update, err));
      return;
    }
    const started: Current = { update, program, killed: false, done: Promise.resolve(), chunkers };
    current = started;
    started.done = program.ended.then(
      (r) => this.finished(started, r),
      (err) => this.failed(started, err),
    );
    this.current = started;
  }

  /**
   * `--hot` swapped an update into the running program: what the cap dropped so far is
   * reported, and the output from now on has a cap of its own (still under its run).
   */
  swapped(): void {
    const c = this.current;
    if (!c || !c.chunkers) return;
    this.reportOutputEnd(c);
    c.chunkers = newChunkers();
  }

  /** Kills the running program, if any, and waits until it has ended and been reported. */
  async stop(): Promise<void> {
    const c = this.current;
    if (!c) return;
    c.killed = true;
    c.program.kill();
    await c.done;
  }

  private finished(c: Current, r: ProgramEnd): void {
    if (this.current === c) this.current = null;
    this.reportOutputEnd(c);
    this.report({ kind: 'run_exit', update: c.update, exitCode: r.exitCode, signal: r.signal, killed: c.killed, error: null });
  }

  private failed(c: Current, err: unknown): void {
    if (this.current === c) this.current = null;
    this.reportOutputEnd(c);
    this.report(failedToStart(c.update, err));
  }

  /** What is left of each stream, then what was dropped of it. */
  private reportOutputEnd(c: Current): void {
    if (!c.chunkers) return;
    for (const stream of STREAMS) {
      const chunker = c.chunkers[stream];
      for (const data of chunker.end()) this.report({ kind: 'run_output', update: c.update, stream, data });
    }
    for (const stream of STREAMS) {
      const { forwardedBytes, droppedBytes } = c.chunkers[stream];
      if (droppedBytes > 0) this.report({ kind: 'run_output_dropped', update: c.update, stream, forwardedBytes, droppedBytes });
    }
  }
}

function newChunkers(): Record<ProgramStream, OutputChunker> {
  return { stdout: new OutputChunker(), stderr: new OutputChunker() };
}

function failedToStart(update: number, err: unknown): WatchEvent {
  return {
    kind: 'run_exit',
    update,
    exitCode: -1,
    signal: null,
    killed: false,
    error: err instanceof Error ? err.message : String(err),
  };
}
