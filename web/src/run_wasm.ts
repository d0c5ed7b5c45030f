//! Runs a wasm module in a fresh run worker (run_worker.ts) with a time limit: a module
//! that loops forever is stopped by terminating its worker.

export interface RunResult {
  stdout: string;
  stderr: string;
  exit: number | null;
  error: string | null;
}

export function runWasm(bytes: Uint8Array, timeoutMs = 2000): Promise<RunResult> {
  return new Promise((resolve) => {
    const worker = new Worker('run_worker.js', { type: 'module' });
    const timer = setTimeout(() => {
      worker.terminate();
      resolve({ stdout: '', stderr: '', exit: null, error: `stopped after ${timeoutMs} ms` });
    }, timeoutMs);
    worker.onmessage = (e: MessageEvent<RunResult>) => {
      clearTimeout(timer);
      worker.terminate();
      resolve(e.data);
    };
    worker.postMessage(bytes.slice());
  });
}
