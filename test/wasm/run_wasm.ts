// Runs a wasm module the way `zirc run` does (src/node/compile/run_output.ts), with its
// output as text, for tests that compare strings.
import { runOutput } from '../../src/node/compile/run_output.js';
import type { RunOptions } from '../../src/node/compile/run_output.js';

export async function runWasi(wasmPath: string, opts: RunOptions = {}) {
  const r = await runOutput(wasmPath, 'wasm32-wasi', opts);
  return {
    stdout: r.stdout.toString(),
    stderr: r.stderr.toString(),
    stdoutLatin1: r.stdout.toString('latin1'),
    stderrLatin1: r.stderr.toString('latin1'),
    exitCode: r.exitCode,
    timedOut: r.timedOut,
  };
}
