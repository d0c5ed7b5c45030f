// The acceptance cases (test/cases/*.case) end to end on wasm32-wasi: every update runs
// on one long-running Compilation and on a fresh one; both programs run under node:wasi
// (runWasi) and must meet the update's expectations, and behave alike. The patched module
// is not byte-identical to the fresh build: what moved has new indices and addresses
// (placed_module.ts), so it is compared by what it does.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseCaseFile, type CaseUpdate } from '../../src/compile/case_file.js';
import { Compilation } from '../../src/compile/Compilation.js';
import { errorHeadline } from '../../src/compile/errors.js';
import { runWasi } from './run_wasm.js';
import { expectValidModule } from './wasm_check.js';

const casesDir = path.join(import.meta.dirname, '..', 'cases');
const wasmCases = fs
  .readdirSync(casesDir)
  .filter((f) => f.endsWith('.case'))
  .filter((f) => parseCaseFile(fs.readFileSync(path.join(casesDir, f), 'utf8')).targets.includes('wasm32-wasi'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-wasm-cases-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

class Session {
  readonly dir = fs.mkdtempSync(path.join(tmp, 's-'));
  private compilation: Compilation | null = null;
  readonly output = path.join(this.dir, 'main.wasm');

  update(u: CaseUpdate): string[] {
    const sourcePath = path.join(this.dir, u.fileName);
    fs.writeFileSync(sourcePath, u.source);
    this.compilation ??= Compilation.create({ sourcePath, outputPath: this.output, target: 'wasm32-wasi', optimize: 'Debug', displayPath: u.fileName });
    return this.compilation.update().errors.map(errorHeadline);
  }

  close(): void {
    this.compilation?.close();
  }
}

/** Runs the module, checks it against the update's expectations, and returns what it did. */
async function expectRunMatches(output: string, u: CaseUpdate, what: string): Promise<{ stdout: string; stderr: string; exitCode: number | null }> {
  const bytes = fs.readFileSync(output);
  expectValidModule(bytes);
  const r = await runWasi(output, { timeoutMs: 20_000 });
  expect(r.stdoutLatin1, `${what}: stdout`).toBe(u.expectStdout);
  if (u.expectStderr !== null) expect(r.stderrLatin1, `${what}: stderr`).toBe(u.expectStderr);
  expect(r.exitCode, `${what}: exit status (stderr: ${r.stderr})`).toBe(u.expectExit);
  return { stdout: r.stdoutLatin1, stderr: r.stderrLatin1, exitCode: r.exitCode };
}

describe('acceptance cases on wasm32-wasi', () => {
  test('there are wasm cases to run', () => {
    expect(wasmCases.length).toBeGreaterThan(0);
  });

  test.each(wasmCases)('%s', async (file) => {
    const caseFile = parseCaseFile(fs.readFileSync(path.join(casesDir, file), 'utf8'));
    const incremental = new Session();
    try {
      for (const u of caseFile.updates) {
        const what = `${file} "${u.name}"`;
        expect(incremental.update(u).sort(), `${what}: errors (incremental)`).toEqual([...u.expectErrors].sort());
        const fresh = new Session();
        try {
          expect(fresh.update(u).sort(), `${what}: errors (fresh)`).toEqual([...u.expectErrors].sort());
          if (u.expectErrors.length > 0) continue;
          const patched = await expectRunMatches(incremental.output, u, `${what} (incremental)`);
          const clean = await expectRunMatches(fresh.output, u, `${what} (fresh)`);
          expect(patched, `${what}: the patched module behaves as the fresh build`).toEqual(clean);
        } finally {
          fresh.close();
        }
      }
    } finally {
      incremental.close();
    }
  }, 120_000);
});

test('ReleaseFast omits the safety checks: no panic routine, no panic at runtime', async () => {
  const safety = parseCaseFile(fs.readFileSync(path.join(casesDir, 'safety.case'), 'utf8'));
  const overflow = safety.updates.find((u) => u.expectStderr === 'panic: integer overflow\n')!;
  const dir = fs.mkdtempSync(path.join(tmp, 'fast-'));
  const sourcePath = path.join(dir, 'main.zir');
  const outputPath = path.join(dir, 'main.wasm');
  fs.writeFileSync(sourcePath, overflow.source);
  const c = Compilation.create({ sourcePath, outputPath, target: 'wasm32-wasi', optimize: 'ReleaseFast' });
  try {
    expect(c.update().errors).toEqual([]);
  } finally {
    c.close();
  }
  const bytes = fs.readFileSync(outputPath);
  expectValidModule(bytes);
  expect(WebAssembly.Module.imports(new WebAssembly.Module(bytes)).map((i) => i.name)).toEqual(['proc_exit']);
  const r = await runWasi(outputPath);
  // inc(255) wraps silently; entry then exits with its @code, 255.
  expect(r).toMatchObject({ stderr: '', exitCode: 255 });
});
