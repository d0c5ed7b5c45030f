//! Child-process entry that runs a wasm32-wasi module with Node's `node:wasi` (preview1):
//! `node wasi_main.js module.wasm [args...]`. The module's stdout/stderr are this process's,
//! and `proc_exit(n)` (or returning from `_start`, meaning 0) becomes this process's exit status.

import * as fs from 'node:fs';
import { WASI } from 'node:wasi';

/** The part of the WebAssembly JS API used here (Node's types for it come with the DOM lib). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<object>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

async function main(): Promise<void> {
  const [modulePath, ...args] = process.argv.slice(2);
  if (!modulePath) {
    process.stderr.write('usage: wasi_main <module.wasm> [args...]\n');
    process.exit(2);
  }
  const wasi = new WASI({ version: 'preview1', args: [modulePath, ...args], env: {}, returnOnExit: true });
  const module = await wasm.compile(fs.readFileSync(modulePath));
  const instance = await wasm.instantiate(module, wasi.getImportObject());
  let code: number;
  try {
    code = wasi.start(instance as Parameters<WASI['start']>[0]);
  } catch (err) {
    // A trap (`unreachable`, out-of-bounds access): report it like a crashed native program.
    process.stderr.write(`wasm trap: ${err instanceof Error ? err.message : String(err)}\n`);
    code = 134;
  }
  process.exitCode = code;
}

void main();
