//! Test helpers: validation with WebAssembly.validate and wabt, wasm2wat text, and a
//! direct instantiation with JS stand-ins for fd_write/proc_exit (to call exported
//! functions with many inputs without a process per call).

import { expect } from 'vitest';
import wabtInit from 'wabt';
import type { AirFunction, DataAtom } from '../../src/sema/air.js';
import { openWasmLinker } from '../support/air_linker.js';

const wabt = await wabtInit();

/** Asserts the module is valid for the engine and for wabt's validator. */
export function expectValidModule(bytes: Uint8Array): void {
  expect(WebAssembly.validate(bytes)).toBe(true);
  // A copy: wabt reads the whole underlying ArrayBuffer, ignoring a Buffer's byteOffset.
  const m = wabt.readWasm(new Uint8Array(bytes), { readDebugNames: true });
  try {
    m.validate();
  } finally {
    m.destroy();
  }
}

export function wasmToWat(bytes: Uint8Array): string {
  const m = wabt.readWasm(new Uint8Array(bytes), { readDebugNames: true });
  try {
    m.generateNames();
    m.applyNames();
    return m.toText({ foldExprs: false, inlineExport: false });
  } finally {
    m.destroy();
  }
}

export class ExitSignal extends Error {
  constructor(readonly code: number) {
    super(`proc_exit(${code})`);
  }
}

export interface Harness {
  exports: Record<string, unknown>;
  memory: WebAssembly.Memory;
  stdout: string[];
  stderr: string[];
  /** Calls an export; returns its result or the ExitSignal it raised. */
  call(name: string, ...args: unknown[]): unknown;
}

export async function instantiate(bytes: Uint8Array, env: Record<string, unknown> = {}): Promise<Harness> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  let memory: WebAssembly.Memory | null = null;
  const wasi = {
    fd_write(fd: number, iovs: number, iovsLen: number, nwritten: number): number {
      const view = new DataView(memory!.buffer);
      let text = '';
      let total = 0;
      for (let i = 0; i < iovsLen; i++) {
        const ptr = view.getUint32(iovs + 8 * i, true);
        const len = view.getUint32(iovs + 8 * i + 4, true);
        text += Buffer.from(new Uint8Array(memory!.buffer, ptr, len)).toString('latin1');
        total += len;
      }
      (fd === 2 ? stderr : stdout).push(text);
      view.setUint32(nwritten, total, true);
      return 0;
    },
    proc_exit(code: number): never {
      throw new ExitSignal(code);
    },
  };
  const { instance } = await WebAssembly.instantiate(bytes, { wasi_snapshot_preview1: wasi, env } as WebAssembly.Imports);
  memory = instance.exports.memory as WebAssembly.Memory;
  const exports = instance.exports as Record<string, unknown>;
  return {
    exports,
    memory,
    stdout,
    stderr,
    call(name, ...args) {
      const f = exports[name];
      if (typeof f !== 'function') throw new Error(`no export ${name}`);
      try {
        return f(...args);
      } catch (e) {
        if (e instanceof ExitSignal) return e;
        throw e;
      }
    },
  };
}

/** Links hand-written AIR (each function exported under its name) into a module, checks it with wabt, instantiates it. */
export async function linkAndInstantiate(funcs: AirFunction[], data: DataAtom[] = [], env: Record<string, unknown> = {}): Promise<Harness> {
  const linker = openWasmLinker('/dev/null');
  for (const d of data) linker.updateData(d);
  for (const f of funcs) linker.updateFunc(f);
  linker.updateExports(funcs.map((f) => ({ symbolName: f.name, declName: f.name })));
  const bytes = linker.buildModule();
  linker.close();
  expectValidModule(bytes);
  return instantiate(bytes, env);
}
