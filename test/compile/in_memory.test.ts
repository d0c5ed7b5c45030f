// In-memory builds through the library (issue 16 item 1): a Compilation with no output
// path keeps the output in memory; each update returns the whole output and the ranges it
// patched, which applied to the previous output give the new one; the output runs (wasm
// here, an ELF written out and executed); an error update leaves the output as it was;
// an embedder's own OutputTarget receives the same bytes; bad options are TypeErrors.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Compilation, type UpdateResult } from '../../src/compile/Compilation.js';
import { MemoryOutput, type OutputPatch, type OutputTarget } from '../../src/link/output_sink.js';
import { ExitSignal, expectValidModule, instantiate } from '../wasm/wasm_check.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-in-memory-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const hello = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'examples', 'hello.zir'), 'utf8');
const greeting = (text: string) => hello.replace('Hello from zirc!\\n', text);

/** The previous output with `patches` applied, cut or extended to `size`. */
function applyPatches(previous: Uint8Array, patches: readonly OutputPatch[], size: number): Uint8Array {
  const out = new Uint8Array(Math.max(size, previous.length));
  out.set(previous);
  for (const p of patches) {
    if (p.offset + p.bytes.length > out.length) throw new Error('a patch beyond the new size');
    out.set(p.bytes, p.offset);
  }
  return out.slice(0, size);
}

async function runWasm(bytes: Uint8Array): Promise<{ stdout: string; exit: number | null }> {
  const h = await instantiate(bytes);
  const r = h.call('_start');
  return { stdout: h.stdout.join(''), exit: r instanceof ExitSignal ? r.code : null };
}

function runElf(bytes: Uint8Array, name: string): { stdout: string; exit: number | null } {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes, { mode: 0o755 });
  const r = spawnSync(file, [], { encoding: 'utf8' });
  return { stdout: r.stdout, exit: r.status };
}

function expectOk(r: UpdateResult): Uint8Array {
  expect(r.errors).toEqual([]);
  expect(r.output).toBeInstanceOf(Uint8Array);
  return r.output!;
}

describe('an in-memory Compilation', () => {
  test('wasm32-wasi: the output and its patches, edit after edit', async () => {
    const c = Compilation.create({ target: 'wasm32-wasi', optimize: 'Debug' });
    const first = c.update(hello);
    const out1 = expectOk(first);
    expectValidModule(out1);
    expect(first.patches).toEqual([{ offset: 0, bytes: out1 }]);
    expect(await runWasm(out1)).toEqual({ stdout: 'Hello from zirc!\n', exit: 0 });

    const second = c.update(greeting('Patched in memory\\n'));
    const out2 = expectOk(second);
    expect(second.patches!.length).toBeGreaterThan(0);
    expect(second.stats.bytesWritten).toBeLessThan(256);
    expect(applyPatches(out1, second.patches!, out2.length)).toEqual(out2);
    expectValidModule(out2);
    expect(await runWasm(out2)).toEqual({ stdout: 'Patched in memory\n', exit: 0 });

    // An error update: the output stays the last good one, nothing is patched.
    const broken = c.update(greeting('x\\n').replace('@entry = fn(', '@entry = fn(@nope, '));
    expect(broken.ok).toBe(false);
    expect(broken.errors.length).toBeGreaterThan(0);
    expect(broken.output).toEqual(out2);
    expect(broken.patches).toEqual([]);

    const fixed = c.update(new TextEncoder().encode(greeting('Fixed\\n')));
    const out3 = expectOk(fixed);
    expect(applyPatches(out2, fixed.patches!, out3.length)).toEqual(out3);
    expect(await runWasm(out3)).toEqual({ stdout: 'Fixed\n', exit: 0 });
    c.close();
  });

  test('x86_64-linux: the ELF is built in memory, patched, and runs', () => {
    const c = Compilation.create({ target: 'x86_64-linux', optimize: 'Debug' });
    const out1 = expectOk(c.update(hello));
    expect(Array.from(out1.subarray(0, 4))).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    expect(runElf(out1, 'hello1')).toEqual({ stdout: 'Hello from zirc!\n', exit: 0 });
    const second = c.update(greeting('In place\\n'));
    const out2 = expectOk(second);
    expect(second.stats.bytesWritten).toBeLessThan(4096);
    expect(applyPatches(out1, second.patches!, out2.length)).toEqual(out2);
    expect(runElf(out2, 'hello2')).toEqual({ stdout: 'In place\n', exit: 0 });
    c.close();
  });

  test("an embedder's own OutputTarget gets the same bytes", async () => {
    const mirror = new MemoryOutput();
    let writes = 0;
    const target: OutputTarget = {
      size: () => mirror.size(),
      read: (o, n) => mirror.read(o, n),
      write: (o, b) => {
        writes++;
        mirror.write(o, b);
      },
      truncate: (n) => mirror.truncate(n),
    };
    const c = Compilation.create({ target: 'wasm32-wasi', optimize: 'ReleaseSafe', outputTarget: target });
    const r1 = c.update(hello);
    expect(mirror.bytes).toEqual(expectOk(r1));
    const before = writes;
    const r2 = c.update(greeting('Mirrored\\n'));
    expect(mirror.bytes).toEqual(expectOk(r2));
    expect(writes - before).toBe(r2.patches!.length);
    expect(await runWasm(mirror.bytes.slice())).toEqual({ stdout: 'Mirrored\n', exit: 0 });
    c.close();
  });

  test('a failing OutputTarget is an error update naming the output, and the next update writes it whole', () => {
    let fail = false;
    const inner = new MemoryOutput();
    const target: OutputTarget = {
      size: () => inner.size(),
      read: (o, n) => inner.read(o, n),
      write: (o, b) => {
        if (fail) throw new Error('disk full');
        inner.write(o, b);
      },
      truncate: (n) => inner.truncate(n),
    };
    const c = Compilation.create({ target: 'wasm32-wasi', optimize: 'Debug', outputTarget: target });
    expectOk(c.update(hello));
    fail = true;
    const r = c.update(greeting('Lost\\n'));
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.message).join('\n')).toMatch(/memory output.*disk full/s);
    fail = false;
    const again = c.update(greeting('Back\\n'));
    const out = expectOk(again);
    expect(again.stats.bytesWritten).toBe(out.length);
    expect(inner.bytes).toEqual(out);
    c.close();
  });
});

describe('options are checked', () => {
  test.each([
    [{ optimize: 'Debug' }, /'target' option is required.*x86_64-linux, wasm32-wasi/],
    [{ target: 'arm64', optimize: 'Debug' }, /unknown target "arm64" \(accepted: x86_64-linux, wasm32-wasi\)/],
    [{ target: 'wasm32-wasi' }, /'optimize' option is required.*Debug, ReleaseSafe, ReleaseFast/],
    [{ target: 'wasm32-wasi', optimize: 'Fast' }, /unknown optimize "Fast" \(accepted: Debug, ReleaseSafe, ReleaseFast\)/],
    [{ target: 'wasm32-wasi', optimize: 'Debug', output: 'library' }, /unknown output "library"/],
    [{ target: 'wasm32-wasi', optimize: 'Debug', linkInputs: [{ path: 'a.o' }] }, /'linkInputs'.*need an 'outputPath'/],
  ])('%j', (opts, message) => {
    expect(() => Compilation.create(opts as never)).toThrow(TypeError);
    expect(() => Compilation.create(opts as never)).toThrow(message);
  });

  test('an update with no source at all is a TypeError', () => {
    const c = Compilation.create({ target: 'wasm32-wasi', optimize: 'Debug' });
    expect(() => c.update()).toThrow(TypeError);
    c.close();
  });
});
