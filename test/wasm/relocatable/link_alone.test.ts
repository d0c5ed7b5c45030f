// `zirc build -c -t wasm32-wasi` of every acceptance case program without errors: wasm-ld
// (the real one) links the object alone, its ZIR `_start` the entry, into a module that
// wasm-validate and WebAssembly.validate accept and that runs under node:wasi exactly as
// zirc's own module of the same source: same stdout, stderr and exit status. The stack
// size is zirc's (1 MiB) so deep stack frames behave alike. A missing tool fails the test.

import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STACK_SIZE } from '../../../src/link/wasm/WasmLinker.js';
import { caseNames, expectValidLinkedModule, readCase, runModule, tempDir, tool, wasmObjectOf, zircModuleOf } from './wasm_object_tools.js';

const programs = caseNames().flatMap((name) => {
  const file = readCase(name);
  if (!file.targets.includes('wasm32-wasi')) return [];
  return file.updates.filter((u) => u.expectErrors.length === 0).map((u, i) => ({ name: `${name}#${i}`, update: u }));
});

describe('wasm-ld links a zirc wasm object alone into a module that runs like zirc build -t wasm32-wasi', () => {
  it('has case programs to check', () => {
    expect(programs.length).toBeGreaterThan(10);
  });

  for (const { name, update } of programs) {
    it(`${name}: ${update.name}`, async () => {
      const dir = tempDir();
      const base = name.replace(/[^a-z0-9_]/gi, '_');
      const obj = wasmObjectOf(dir, base, update.source);
      const linked = path.join(dir, `${base}.wasm`);
      tool('wasm-ld', ['-z', `stack-size=${DEFAULT_STACK_SIZE}`, obj, '-o', linked]);
      expectValidLinkedModule(linked);
      const expected = await runModule(zircModuleOf(dir, base, update.source));
      expect(expected.exitCode).toBe(update.expectExit);
      expect(await runModule(linked)).toEqual(expected);
    });
  }
});
