//! Runs a built output on its target: an x86-64 ELF as a child process, a wasm module
//! through Node's WASI in a child process. Used by `zirc run`, `zirc test` and `zirc watch --run`.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { spawnWasi } from '../link/wasm/run_wasi.js';
import type { TargetName } from '../../compile/target.js';

export interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
  /** The exit status; for a program killed by a signal, 128 + the signal number. */
  exitCode: number;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

export interface RunOptions {
  args?: string[];
  timeoutMs?: number;
  /** 'inherit' passes the program's stdout/stderr through (the result then holds empty buffers). */
  stdio?: 'pipe' | 'inherit';
  /** Bytes for the program's standard input (default: none, stdin is closed). */
  stdin?: string | Uint8Array;
}

/** A running program: its result, and a way to stop it early. */
export interface RunningProgram {
  result: Promise<RunResult>;
  kill(): void;
}


export function startOutput(outputPath: string, target: TargetName, opts: RunOptions = {}): RunningProgram {
  const args = opts.args ?? [];
  const stdio = opts.stdio ?? 'pipe';
  const stdin = opts.stdin === undefined ? 'ignore' : 'pipe';
  const child =
    target === 'x86_64-linux'
      ? spawn(outputPath, args, { stdio: [stdin, stdio, stdio] })
      : spawnWasi(outputPath, args, [stdin, stdio, stdio]);
  if (opts.stdin !== undefined) {
    child.stdin?.on('error', () => {
      // The program may exit without reading its input.
    });
    child.stdin?.end(opts.stdin);
  }
  return { result: collect(child, opts.timeoutMs), kill: () => child.kill('SIGKILL') };
}

export function runOutput(outputPath: string, target: TargetName, opts: RunOptions = {}): Promise<RunResult> {
  return startOutput(outputPath, target, opts).result;
}

function collect(child: ChildProcess, timeoutMs: number | undefined): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer =
      timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, timeoutMs)
        : null;
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        exitCode: code ?? 128 + signalNumber(signal),
        signal,
        timedOut,
      });
    });
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = {
    SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8,
    SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
  };
  return (signal && numbers[signal]) || 0;
}
