//! The run worker: instantiates one wasm module under the browser WASI shim and posts back
//! its stdout, stderr and exit status. The page terminates it if it runs too long.

import { ConsoleStdout, File, OpenFile, WASI, WASIProcExit } from '@bjorn3/browser_wasi_shim';

self.onmessage = async (event: MessageEvent<Uint8Array>) => {
  const decoder = new TextDecoder();
  let stdout = '';
  let stderr = '';
  const wasi = new WASI([], [], [
    new OpenFile(new File([])),
    new ConsoleStdout((b) => (stdout += decoder.decode(b, { stream: true }))),
    new ConsoleStdout((b) => (stderr += decoder.decode(b, { stream: true }))),
  ]);
  let exit: number | null = null;
  let error: string | null = null;
  try {
    const module = await WebAssembly.compile(event.data as Uint8Array<ArrayBuffer>);
    const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
    exit = wasi.start(instance as never);
  } catch (e) {
    if (e instanceof WASIProcExit) exit = e.code;
    else error = e instanceof Error ? e.message : String(e);
  }
  (self as unknown as Worker).postMessage({ stdout, stderr, exit, error });
};
