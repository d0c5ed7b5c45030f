// Differential: random edit sequences on generated programs; after every good update the
// incrementally patched output and a freshly built one behave the same (stdout and exit
// status), on x86-64 and on wasm32; and both targets agree with each other.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Compilation } from '../../src/compile/Compilation.js';
import { runOutput } from '../../src/compile/run_output.js';
import type { TargetName } from '../../src/compile/target.js';
import { Rng, makeProgram, randomEdit, renderProgram } from './edit_programs.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-diff-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function outputName(name: string, target: TargetName): string {
  return path.join(dir, target === 'wasm32-wasi' ? `${name}.wasm` : name);
}

function build(name: string, target: TargetName): Compilation {
  return Compilation.create({
    sourcePath: path.join(dir, `${name}.zir`),
    outputPath: outputName(name, target),
    target,
    optimize: 'Debug',
  });
}

async function behaviour(file: string, target: TargetName): Promise<string> {
  const r = await runOutput(file, target, { timeoutMs: 10_000 });
  return `exit ${r.exitCode} stdout ${JSON.stringify(r.stdout.toString())} stderr ${JSON.stringify(r.stderr.toString())}`;
}

describe('incrementally patched outputs behave like fresh builds', () => {
  for (const target of ['x86_64-linux', 'wasm32-wasi'] as const) {
    for (const seed of [11, 12]) {
      it(`through 15 random edits (seed ${seed}, ${target})`, async () => {
        const rng = new Rng(seed);
        const model = makeProgram(rng, 30, 6);
        const inc = build(`inc-${seed}`, target);
        let goodUpdates = 0;
        for (let step = 0; step < 15; step++) {
          const source = renderProgram(model);
          const r = inc.update(Buffer.from(source));
          const f = build(`fresh-${seed}`, target);
          const fr = f.update(Buffer.from(source));
          f.close();
          expect(r.ok, `step ${step}`).toBe(fr.ok);
          if (r.ok) {
            goodUpdates++;
            const a = await behaviour(outputName(`inc-${seed}`, target), target);
            const b = await behaviour(outputName(`fresh-${seed}`, target), target);
            expect(a, `behaviour after step ${step}`).toBe(b);
          }
          randomEdit(model, rng);
        }
        inc.close();
        expect(goodUpdates).toBeGreaterThan(3);
      });
    }
  }

  it('x86-64 and wasm32 builds of the same programs behave the same', async () => {
    const rng = new Rng(99);
    for (let i = 0; i < 5; i++) {
      const model = makeProgram(rng, 20, 4);
      const source = renderProgram(model);
      const results: string[] = [];
      for (const target of ['x86_64-linux', 'wasm32-wasi'] as const) {
        const c = build(`cross-${i}`, target);
        expect(c.update(Buffer.from(source)).ok).toBe(true);
        c.close();
        results.push(await behaviour(outputName(`cross-${i}`, target), target));
      }
      expect(results[0]).toBe(results[1]);
    }
  });
});
