// Parallel code generation (issue 15 item 1): AIR crosses to worker threads as flat
// buffers (codegen/air_codec.ts) and the linker places the results in input order, so a
// build's output is the same byte for byte whatever the thread count. Checked on every
// acceptance case's programs and on a bench program, on both targets, for a full build
// and for the edits after it. The pool comes from dist/ (its worker is a compiled
// module; `npm test` builds first).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Compilation } from '../../src/compile/Compilation.js';
import type { CodegenPool } from '../../src/compile/codegen_pool.js';
import { parseCaseFile } from '../../src/compile/case_file.js';
import type { TargetName } from '../../src/compile/target.js';
import { decodeAirBatch, encodeAirBatch } from '../../src/codegen/air_codec.js';
import type { AirFunction } from '../../src/sema/air.js';
import { editFunctionBody, generateProgram } from '../../src/bench/generate.js';
// eslint-disable-next-line import/no-relative-packages
import { CodegenThreads } from '../../dist/node/codegen_threads.js';

const root = path.join(import.meta.dirname, '..', '..');
const caseDir = path.join(root, 'test', 'cases');
const TARGETS: TargetName[] = ['x86_64-linux', 'wasm32-wasi'];

/** Every update's source of every case, per target it lists. */
function caseSources(): Array<{ name: string; target: TargetName; sources: string[] }> {
  const out = [];
  for (const file of fs.readdirSync(caseDir).filter((f) => f.endsWith('.case')).sort()) {
    const c = parseCaseFile(fs.readFileSync(path.join(caseDir, file), 'utf8'));
    for (const target of c.targets) out.push({ name: file, target, sources: c.updates.map((u) => u.source) });
  }
  return out;
}

/** The outputs of each update of `sources` built with `codegen` (null after an error update). */
function buildAll(target: TargetName, sources: readonly string[], codegen?: CodegenPool): Array<string | null> {
  const c = Compilation.create({ target, optimize: 'Debug', codegen });
  return sources.map((s) => {
    const r = c.update(s);
    return r.ok ? Buffer.from(r.output!).toString('hex') : null;
  });
}

const pools: CodegenThreads[] = [];
function pool(threads: number): CodegenThreads {
  const p = new CodegenThreads({ threads, minBatch: 1 });
  pools.push(p);
  return p;
}
afterAll(() => pools.forEach((p) => p.close()));

/** The AIR a build generates code for, caught on its way to the generator. */
function airOf(target: TargetName, source: string): AirFunction[] {
  const seen: AirFunction[] = [];
  const spy: CodegenPool = { parallel: true, generate: (_t, fns, here) => (seen.push(...fns), fns.map(here)) };
  Compilation.create({ target, optimize: 'Debug', codegen: spy }).update(source);
  return seen;
}

/** AIR without the `zirc ir` write-back form, which the codec leaves out. */
function withoutZirForms(fns: AirFunction[]): unknown {
  return fns.map((f) => ({ ...f, insts: f.insts.map(({ zir: _zir, ...rest }) => rest) }));
}

describe('the AIR codec', () => {
  test.each(TARGETS)('every case program round-trips (%s)', (target) => {
    let functions = 0;
    for (const c of caseSources().filter((c) => c.target === target)) {
      for (const source of c.sources) {
        const fns = airOf(target, source);
        functions += fns.length;
        expect(withoutZirForms(decodeAirBatch(encodeAirBatch(fns))), c.name).toEqual(withoutZirForms(fns));
      }
    }
    expect(functions).toBeGreaterThan(50);
  });

  test('immediates beyond 31 bits, negative and 64-bit ones, and every constant kind survive', () => {
    const u64 = { kind: 'int', signed: false, bits: 64, name: 'u64' } as const;
    const i64 = { kind: 'int', signed: true, bits: 64, name: 'i64' } as const;
    const fnType = { kind: 'fn', params: [u64], ret: { kind: 'void' }, cc: 'C' } as const;
    const values = [0n, -1n, 2n ** 64n - 1n, -(2n ** 63n), 0x3fffffffn, 0x40000000n, -0x40000000n, -0x40000001n];
    const f: AirFunction = {
      name: 'f',
      type: fnType,
      insts: [
        ...values.map((value) => ({ op: 'const' as const, type: value < 0n ? i64 : u64, value: { kind: 'imm' as const, value } })),
        { op: 'const', type: u64, value: { kind: 'addr', target: { kind: 'extern', name: 'fd_write', lib: 'wasi' }, offset: 2 ** 40 } },
        { op: 'const', type: u64, value: { kind: 'undef' } },
        { op: 'asm', type: { kind: 'void' }, source: 'syscall', isVolatile: true, output: null, inputs: ['{rax}'], clobbers: ['rcx', 'memory'], args: [0] },
        { op: 'retvoid', type: { kind: 'void' } },
      ],
      body: [values.length + 2, values.length + 3],
    };
    expect(decodeAirBatch(encodeAirBatch([f, f]))).toEqual([f, f]);
  });
});

describe('a build is the same whatever the thread count', () => {
  test.each(TARGETS)('code generated as bodies are analyzed (no pool) or in one batch at the link: the same output (%s)', (target) => {
    const batch: CodegenPool = { parallel: true, generate: (_t, fns, here) => fns.map(here) };
    for (const c of caseSources().filter((c) => c.target === target)) {
      expect(buildAll(target, c.sources, batch), c.name).toEqual(buildAll(target, c.sources));
    }
  });

  test.each(TARGETS)('every case, every update (%s)', (target) => {
    const one = pool(1);
    const two = pool(2);
    for (const c of caseSources().filter((c) => c.target === target)) {
      const serial = buildAll(target, c.sources);
      expect(buildAll(target, c.sources, one), c.name).toEqual(serial);
      expect(buildAll(target, c.sources, two), c.name).toEqual(serial);
    }
  });

  test.each(TARGETS)('a 2,000-function program and edits after it (%s)', (target) => {
    const program = generateProgram({ shape: 'loops', functions: 2000 });
    const sources = [program.source];
    for (let i = 0; i < 4; i++) sources.push(editFunctionBody(sources[sources.length - 1]!, 37 + i * 400, i + 1));
    const serial = buildAll(target, sources);
    expect(serial.every((o) => o !== null)).toBe(true);
    expect(buildAll(target, sources, new CodegenThreads({ threads: 1 }))).toEqual(serial);
    expect(buildAll(target, sources, pool(2))).toEqual(serial);
  });

  test('a pool with no threads, or closed, generates on the calling thread', () => {
    const p = new CodegenThreads({ threads: 1, minBatch: 1 });
    p.close();
    expect(p.threadCount).toBe(0);
    const src = generateProgram({ shape: 'chain', functions: 300 }).source;
    expect(buildAll('x86_64-linux', [src], p)).toEqual(buildAll('x86_64-linux', [src]));
  });
});

describe('zirc build --threads', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-threads-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const zirc = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin', 'zirc.js'), ...args], { cwd: dir, encoding: 'utf8' });

  test('writes the same executable with one worker as with none, and it runs', () => {
    const program = generateProgram({ shape: 'chain', functions: 1000 });
    fs.writeFileSync(path.join(dir, 'p.zir'), program.source);
    expect(zirc('build', 'p.zir', '--threads', '0', '-o', 'serial').status).toBe(0);
    expect(zirc('build', 'p.zir', '--threads', '1', '-o', 'threaded').status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'threaded')).equals(fs.readFileSync(path.join(dir, 'serial')))).toBe(true);
    const run = spawnSync(path.join(dir, 'threaded'), { encoding: 'utf8' });
    expect(run.stdout).toBe(program.expectedStdout);
  });

  test('refuses a thread count that is not a whole number', () => {
    const r = zirc('build', 'p.zir', '--threads', 'two');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('expected a whole number of threads');
  });
});

describe('the AIR after code generation', () => {
  test('is dropped unless the compilation retains it; emitIr says what it needs', () => {
    const src = generateProgram({ shape: 'chain', functions: 50 }).source;
    const dropped = Compilation.create({ target: 'x86_64-linux', optimize: 'Debug' });
    expect(dropped.update(src).ok).toBe(true);
    expect(() => dropped.emitIr()).toThrow(/retainAir: true/);
    const kept = Compilation.create({ target: 'x86_64-linux', optimize: 'Debug', retainAir: true });
    const r = kept.update(src);
    expect(Buffer.from(r.output!).equals(Buffer.from(dropped.update(src).output!))).toBe(true);
    expect(kept.emitIr()).toContain('fn(');
  });
});
