//! Runs a wasm32-wasi module with Node's `node:wasi` (preview1) in a child process, so
//! the program's stdout/stderr are captured and `proc_exit` gives the exit status
//! (returning from `_start` means 0). A trap exits with 134 (as wasmtime reports it),
//! after `wasm trap: <message>` on stderr; a module that cannot be instantiated exits 1.

import { spawn } from 'node:child_process';
import * as path from 'node:path';

export interface RunWasiOptions {
  /** argv after the program name. */
  args?: string[];
  stdin?: string | Uint8Array;
  /** Kill the program after this many milliseconds (exit status 124). */
  timeoutMs?: number;
}

export interface RunWasiResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** The raw bytes, for output that is not UTF-8. */
  stdoutBytes: Uint8Array;
  stderrBytes: Uint8Array;
  timedOut: boolean;
}

export const TRAP_EXIT_STATUS = 134;
export const TIMEOUT_EXIT_STATUS = 124;

const RUNNER = `
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
const cfg = JSON.parse(process.env.ZIRC_WASI_RUN);
const wasi = new WASI({ version: 'preview1', args: cfg.args, env: {}, returnOnExit: true });
let instance;
try {
  const module = await WebAssembly.compile(readFileSync(cfg.path));
  instance = await WebAssembly.instantiate(module, wasi.getImportObject());
} catch (e) {
  process.stderr.write('unable to instantiate ' + cfg.path + ': ' + (e && e.message ? e.message : String(e)) + '\\n');
  process.exit(1);
}
let code;
try {
  code = wasi.start(instance);
} catch (e) {
  process.stderr.write('wasm trap: ' + (e && e.message ? e.message : String(e)) + '\\n');
  code = ${TRAP_EXIT_STATUS};
}
process.exitCode = code;
`;

export function runWasi(wasmPath: string, opts: RunWasiOptions = {}): Promise<RunWasiResult> {
  const absolute = path.resolve(wasmPath);
  const config = JSON.stringify({ path: absolute, args: [path.basename(absolute), ...(opts.args ?? [])] });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-warnings', '--input-type=module', '-e', RUNNER], {
      env: { ...process.env, ZIRC_WASI_RUN: config },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? null
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {
      // The program may exit without reading its stdin.
    });
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      const stderrBytes = Buffer.concat(err);
      const exitCode = timedOut ? TIMEOUT_EXIT_STATUS : code ?? (signal ? 128 + signalNumber(signal) : 1);
      resolve({
        stdout: stdoutBytes.toString('utf8'),
        stderr: stderrBytes.toString('utf8'),
        exitCode,
        stdoutBytes,
        stderrBytes,
        timedOut,
      });
    });
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
    else child.stdin.end();
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15 };
  return table[signal] ?? 0;
}
