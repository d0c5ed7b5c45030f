// The long-running wasm link (WasmLinkSession, `zirc wasm-ld --watch`): after every relink
// the module, patched in place, validates and behaves under node:wasi exactly as wasm-ld's
// link of the same inputs, across edits of C objects (clang --target=wasm32-wasi -c) — a
// body edited, grown past its slot, a function added and removed, data changed, an archive
// member becoming needed, a broken edit then its fix, a truncated object — and a
// one-function edit takes the fast path and writes a few bytes. Every session verifies each
// fast relink against a whole link with the same layout memory, byte for byte.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WasmLinkSession } from '../../../src/node/link/wasm/session/WasmLinkSession.js';
import { expectValidLinkedModule, runModule, tool } from '../relocatable/wasm_object_tools.js';

const WASI = '/usr/lib/wasm32-wasi';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-wasm-link-session-'));
  dirs.push(d);
  return d;
}

export const MAIN = `#include <stdio.h>
extern int counter;
extern const char *label;
int helper(int);
int maybe_extra(int) __attribute__((weak));
int (*pointer)(int) = helper;
int main(int argc, char **argv) {
  (void)argv;
  int r = helper(argc + 2) + counter + pointer(1);
  if (maybe_extra) r += maybe_extra(3);
  printf("%s %d\\n", label, r);
  return r & 0x7f;
}
`;

/** Each step rewrites some sources; `lib_` sources go into libextra.a. */
interface Step {
  name: string;
  files: Record<string, string>;
  /** The relink is expected to fail (and leave the output as it was). */
  fails?: string;
  /** The relink takes the fast path. */
  fast?: boolean;
}

const UTIL = (counter: number, body: string, label = 'result') =>
  `int counter = ${counter};\nconst char *label = "${label}";\nint helper(int x) { ${body} }\n`;

const STEPS: Step[] = [
  { name: 'first link', files: { 'util.c': UTIL(5, 'return x * 2;'), 'lib_extra.c': 'int unused_extra(void) { return 99; }\n' } },
  { name: 'a body edit', fast: true, files: { 'util.c': UTIL(5, 'return x * 3;') } },
  { name: 'data changes', fast: true, files: { 'util.c': UTIL(41, 'return x * 3;') } },
  { name: 'a string grows', fast: true, files: { 'util.c': UTIL(41, 'return x * 3;', 'the result is') } },
  { name: 'a function grows past its slot (and would push libc\'s, which its debug info locates)', files: { 'util.c': UTIL(41, 'int s = 0; for (int i = 0; i < x * 7; i++) { s += i * x + (i ^ 3); if (s > 100000) s -= x; } return s;') } },
  { name: 'it shrinks again', fast: true, files: { 'util.c': UTIL(41, 'return x - 1;') } },
  { name: 'a function is added', files: { 'util.c': `${UTIL(41, 'return twice(x) + 1;')}__attribute__((noinline)) int twice(int y) { return y * 2; }\n`.replace('int helper', 'int twice(int);\nint helper') } },
  { name: 'and removed', files: { 'util.c': UTIL(41, 'return x + 7;') } },
  { name: 'an archive member becomes needed', files: { 'util.c': `int maybe_extra(int);\n${UTIL(41, 'return x + maybe_extra(1);')}`, 'lib_extra.c': 'int maybe_extra(int y) { return y + 10; }\n' } },
  { name: 'a broken edit', fails: 'undefined symbol: nowhere', files: { 'util.c': `int nowhere(int);\n${UTIL(41, 'return nowhere(x);')}` } },
  { name: 'its fix, and the member unneeded', files: { 'util.c': UTIL(3, 'return x * 5;') } },
  { name: 'a body edit after all that', fast: true, files: { 'util.c': UTIL(3, 'return x * 6;') } },
];

function inputsOf(dir: string): string[] {
  return [`${WASI}/crt1-command.o`, path.join(dir, 'main.o'), path.join(dir, 'util.o'), path.join(dir, 'libextra.a'), `${WASI}/libc.a`];
}

function compile(dir: string, name: string, text: string): string {
  fs.writeFileSync(path.join(dir, name), text);
  const tmp = path.join(dir, `${name}.tmp.o`);
  tool('clang', ['--target=wasm32-wasi', '-O1', '-c', name, '-o', tmp], dir);
  return tmp;
}

/** Compiles each source; an object is renamed over the old one, as a build does. */
export function writeSources(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const tmp = compile(dir, name, text);
    if (name.startsWith('lib_')) {
      fs.rmSync(path.join(dir, 'libextra.a'), { force: true });
      tool('llvm-ar', ['rcs', path.join(dir, 'libextra.a'), tmp]);
      fs.rmSync(tmp);
    } else fs.renameSync(tmp, path.join(dir, name.replace(/\.c$/, '.o')));
  }
}

/** wasm-ld's link of the same inputs. */
function wasmLd(dir: string, output: string): string {
  tool('wasm-ld', ['-o', output, ...inputsOf(dir)]);
  return output;
}

function newSession(dir: string): { session: WasmLinkSession; output: string } {
  fs.writeFileSync(path.join(dir, 'main.c'), MAIN);
  writeSources(dir, { 'main.c': MAIN });
  const output = path.join(dir, 'prog.wasm');
  return { session: new WasmLinkSession(inputsOf(dir).map((p) => ({ path: p })), output, { verify: true }), output };
}

describe('WasmLinkSession: relinks in place behave as wasm-ld links', () => {
  it('follows a sequence of C edits; after each, valid and the same behaviour as wasm-ld', async () => {
    const dir = tempDir();
    writeSources(dir, STEPS[0]!.files);
    const { session, output } = newSession(dir);
    let lastGood: Buffer | null = null;
    for (const [i, step] of STEPS.entries()) {
      writeSources(dir, step.files);
      const r = session.update();
      if (step.fails) {
        expect(r.ok, step.name).toBe(false);
        expect(r.errors.join('\n'), step.name).toContain(step.fails);
        expect(fs.readFileSync(output).equals(lastGood!), step.name).toBe(true);
        continue;
      }
      expect(r.errors, step.name).toEqual([]);
      expect(r.fullWrite, step.name).toBe(i === 0);
      expect(r.path, `${step.name}: ${r.fallback}`).toBe(step.fast ? 'fast' : 'whole');
      if (!step.fast && i > 0) expect(r.fallback, step.name).toBeTruthy();
      expectValidLinkedModule(output);
      expect(await runModule(output), step.name).toEqual(await runModule(wasmLd(dir, path.join(dir, `ref${i}.wasm`))));
      lastGood = fs.readFileSync(output);
    }
  }, 120_000);

  it('a one-function body edit takes the fast path and writes a few bytes', async () => {
    const dir = tempDir();
    writeSources(dir, STEPS[0]!.files);
    const { session, output } = newSession(dir);
    expect(session.update().ok).toBe(true);
    const size = fs.statSync(output).size;
    writeSources(dir, { 'util.c': UTIL(5, 'return x * 2 + 1;') });
    const r = session.update();
    expect(r.errors).toEqual([]);
    expect(r.path).toBe('fast');
    expect(r.inputsChanged).toEqual([path.join(dir, 'util.o')]);
    expect(r.fullWrite).toBe(false);
    expect(r.bytesWritten).toBeGreaterThan(0);
    expect(r.bytesWritten).toBeLessThan(16 * 1024);
    expect(fs.statSync(output).size).toBe(size);
    expectValidLinkedModule(output);
    expect(await runModule(output)).toEqual(await runModule(wasmLd(dir, path.join(dir, 'ref.wasm'))));
    expect(session.fastPathTimings().map((t) => t.pass)).toContain('patchImage');
  }, 60_000);

  it('a whole relink (a function added) still writes only what moved, not the module', () => {
    const dir = tempDir();
    writeSources(dir, STEPS[0]!.files);
    const { session, output } = newSession(dir);
    expect(session.update().ok).toBe(true);
    const size = fs.statSync(output).size;
    // Added at the end of the index space: the functions before keep their places.
    writeSources(dir, { 'util.c': `${UTIL(5, 'return twice(x);')}__attribute__((noinline)) int twice(int y) { return y * 2; }\n`.replace('int helper', 'int twice(int);\nint helper') });
    const r = session.update();
    expect(r.errors).toEqual([]);
    expect(r.path).toBe('whole');
    expect(r.bytesWritten).toBeLessThan(size / 2);
  }, 60_000);

  it('a truncated object is an error naming it; the output stays; the whole object links again', async () => {
    const dir = tempDir();
    writeSources(dir, STEPS[0]!.files);
    const { session, output } = newSession(dir);
    expect(session.update().ok).toBe(true);
    const good = fs.readFileSync(output);
    const util = path.join(dir, 'util.o');
    const whole = fs.readFileSync(util);
    fs.writeFileSync(util, whole.subarray(0, 100));
    const bad = session.update();
    expect(bad.ok).toBe(false);
    expect(bad.errors.join('\n')).toContain(util);
    expect(fs.readFileSync(output).equals(good)).toBe(true);
    fs.writeFileSync(util, whole);
    expect(session.update().ok).toBe(true);
    expectValidLinkedModule(output);
    expect(await runModule(output)).toEqual(await runModule(wasmLd(dir, path.join(dir, 'ref.wasm'))));
  }, 60_000);
});
