//! Starts a wasm32-wasi module under Node's `node:wasi` (preview1) in a child process:
//! the child's stdout/stderr are the program's, and `proc_exit(n)` (or returning from
//! `_start`, meaning 0) is its exit status. A trap prints `wasm trap: <message>` and exits
//! 134 (as a failed safety check would); a module that cannot be instantiated exits 1.
//! Collecting output and time limits are the caller's (src/node/compile/run_output.ts).

import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import * as path from 'node:path';

export const TRAP_EXIT_STATUS = 134;

const RUNNER = `
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
const [modulePath, ...args] = process.argv.slice(1);
const wasi = new WASI({ version: 'preview1', args: [modulePath, ...args], env: {}, returnOnExit: true });
let instance;
try {
  const module = await WebAssembly.compile(readFileSync(modulePath));
  instance = await WebAssembly.instantiate(module, wasi.getImportObject());
} catch (e) {
  process.stderr.write('unable to instantiate ' + modulePath + ': ' + (e && e.message ? e.message : String(e)) + '\\n');
  process.exit(1);
}
try {
  process.exitCode = wasi.start(instance);
} catch (e) {
  process.stderr.write('wasm trap: ' + (e && e.message ? e.message : String(e)) + '\\n');
  process.exitCode = ${TRAP_EXIT_STATUS};
}
`;

/** Spawns `node` running the module at `wasmPath` with `args` (argv[0] is the module's file name). */
export function spawnWasi(wasmPath: string, args: readonly string[], stdio: StdioOptions): ChildProcess {
  const absolute = path.resolve(wasmPath);
  return spawn(process.execPath, ['--no-warnings', '--input-type=module', '-e', RUNNER, absolute, ...args], { stdio });
}
