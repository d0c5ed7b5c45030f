// Bad input never crashes a long-running compilation: random bytes, every truncation of a
// real program, and garbage spliced into it give errors with positions; afterwards a good
// source builds an output that behaves exactly like a fresh build.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Compilation } from '../../src/compile/Compilation.js';
import { runOutput } from '../../src/node/compile/run_output.js';
import { Rng } from './edit_programs.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-robust-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const example = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'print_numbers.zir'));

describe('a long-running compilation survives bad input', () => {
  it('random bytes, truncations and splices give errors, then the good source builds and runs', async () => {
    const output = path.join(dir, 'out');
    const c = Compilation.create({ sourcePath: path.join(dir, 'in.zir'), outputPath: output, target: 'x86_64-linux', optimize: 'Debug' });
    expect(c.update(example).ok).toBe(true);
    const good = fs.readFileSync(output);
    const rng = new Rng(1234);
    const inputs: Buffer[] = [];
    for (let i = 0; i < 30; i++) inputs.push(Buffer.from(Array.from({ length: rng.int(300) }, () => rng.int(256))));
    for (let cut = 0; cut < example.length; cut += 37) inputs.push(example.subarray(0, cut));
    for (let i = 0; i < 30; i++) {
      const at = rng.int(example.length);
      const junk = Buffer.from(rng.pick(['{', '}', '(', ')', '"', ';', '@', '%', '=', ',', '\\', '\n@x = ', 'int(', '\x00', '\xff']));
      inputs.push(Buffer.concat([example.subarray(0, at), junk, example.subarray(at)]));
    }
    for (const input of inputs) {
      const r = c.update(input);
      if (!r.ok) {
        for (const e of r.errors) {
          expect(e.rendered).toMatch(/^.*: error: /);
          expect(e.message).not.toMatch(/internal (compiler|linker) error/);
        }
      }
    }
    // Back to the good program: the output is the one a fresh build gives.
    expect(c.update(example).ok).toBe(true);
    c.close();
    const run = await runOutput(output, 'x86_64-linux');
    expect(run.stdout.toString()).toBe('1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n');
    expect(run.exitCode).toBe(0);
    expect(good.length).toBeGreaterThan(0);
  });

  it('an unreadable source is an error without a position, and the compilation goes on', () => {
    const c = Compilation.create({
      sourcePath: path.join(dir, 'missing.zir'),
      outputPath: path.join(dir, 'missing'),
      target: 'wasm32-wasi',
      optimize: 'Debug',
    });
    const r = c.update();
    expect(r.ok).toBe(false);
    expect(r.errors[0].rendered).toMatch(/missing\.zir: error: unable to read source: ENOENT/);
    fs.writeFileSync(path.join(dir, 'missing.zir'), example);
    expect(c.update().ok).toBe(true);
    c.close();
  });
});
