// `zirc build -c -t wasm32-wasi` of every acceptance case program without errors, which
// wasm-objdump, wasm-validate and zirc's object reader read without a complaint: wasm-ld
// (the real one) links the object alone, its ZIR `_start` the entry, into a module that
// wasm-validate and WebAssembly.validate accept and that runs under node:wasi exactly as
// zirc's own module of the same source: same stdout, stderr and exit status. The stack
// size is zirc's (1 MiB) so deep stack frames behave alike. A few also in ReleaseFast.
// A missing tool fails the test.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWasmObject } from '../../../src/link/wasm/input/index.js';
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
      expect(await expectSameBehaviour(name, update.source, 'Debug')).toBe(update.expectExit);
    });
  }

  // Without safety checks there are no panic routines, and copies and arithmetic differ.
  for (const name of ['copy_large_array#0', 'print_numbers#0', 'zirc_aggregates#3', 'zirc_ops#1']) {
    it(`${name} in ReleaseFast`, async () => {
      await expectSameBehaviour(name, programs.find((p) => p.name === name)!.update.source, 'ReleaseFast');
    });
  }
});

/** Links the object alone, checks the module runs as zirc's own; returns the exit status. */
async function expectSameBehaviour(name: string, source: string, optimize: 'Debug' | 'ReleaseFast'): Promise<number | null> {
  const dir = tempDir();
  const base = name.replace(/[^a-z0-9_]/gi, '_');
  const obj = wasmObjectOf(dir, base, source, optimize);
  // The object itself: wabt reads and validates it, and so does zirc's own object reader.
  expect(tool('wasm-objdump', ['-x', obj])).not.toMatch(/error:|warning:/i);
  tool('wasm-validate', [obj]);
  readWasmObject(obj, fs.readFileSync(obj));
  const linked = path.join(dir, `${base}.wasm`);
  tool('wasm-ld', ['-z', `stack-size=${DEFAULT_STACK_SIZE}`, obj, '-o', linked]);
  expectValidLinkedModule(linked);
  const expected = await runModule(zircModuleOf(dir, base, source, optimize));
  expect(await runModule(linked)).toEqual(expected);
  return expected.exitCode;
}
