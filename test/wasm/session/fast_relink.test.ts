// The fast path of a wasm relink (session/fast_relink.ts): which edits it takes, which fall
// back to a whole link and with what reason, and a seeded random walk of edits after each
// of which the watched module behaves under node:wasi as wasm-ld's fresh link of the same
// objects (every session verifies each fast relink against a whole link, byte for byte).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { WasmLinkSession } from '../../../src/node/link/wasm/session/WasmLinkSession.js';
import { expectValidLinkedModule, runModule, tool } from '../relocatable/wasm_object_tools.js';

const WASI = '/usr/lib/wasm32-wasi';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A directory of C sources, their objects (and libextra.a of the `lib_` ones), linked by a session and by wasm-ld. */
class Project {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-wasm-fast-relink-'));
  readonly output = path.join(this.dir, 'prog.wasm');
  private refs = 0;

  constructor(files: Record<string, string>, readonly units: string[]) {
    dirs.push(this.dir);
    this.write(files);
  }

  write(files: Record<string, string>): void {
    for (const [name, text] of Object.entries(files)) {
      fs.writeFileSync(path.join(this.dir, name), text);
      const tmp = path.join(this.dir, `${name}.tmp.o`);
      tool('clang', ['--target=wasm32-wasi', '-O1', '-c', name, '-o', tmp], this.dir);
      if (name.startsWith('lib_')) {
        fs.rmSync(path.join(this.dir, 'libextra.a'), { force: true });
        tool('llvm-ar', ['rcs', path.join(this.dir, 'libextra.a'), tmp]);
        fs.rmSync(tmp);
      } else fs.renameSync(tmp, path.join(this.dir, name.replace(/\.c$/, '.o')));
    }
  }

  inputs(): string[] {
    return [`${WASI}/crt1-command.o`, ...this.units.map((u) => path.join(this.dir, u)), path.join(this.dir, 'libextra.a'), `${WASI}/libc.a`];
  }

  session(): WasmLinkSession {
    return new WasmLinkSession(this.inputs().map((p) => ({ path: p })), this.output, { verify: true });
  }

  /** The watched output validates and runs as wasm-ld's link of the same inputs. */
  async expectLikeWasmLd(what: string): Promise<void> {
    expectValidLinkedModule(this.output);
    const ref = path.join(this.dir, `ref${this.refs++}.wasm`);
    tool('wasm-ld', ['-o', ref, ...this.inputs()]);
    expect(await runModule(this.output), what).toEqual(await runModule(ref));
  }
}

const MAIN = `#include <stdio.h>
int scale(int);
extern int table[4];
int main(int argc, char **argv) { (void)argv; printf("%d %d\\n", scale(argc + 3), table[2]); return scale(1) & 0x7f; }
`;
const UTIL = (k: number, body = 'return x * K;') => `int table[4] = {1, 2, ${k}, 4};\nint scale(int x) { int K = ${k}; ${body} }\n`;
const LIB = 'int lib_unused(void) { return 1; }\n';

describe('the wasm fast relink', () => {
  it('falls back to the whole link when an object cannot be swapped in place, and says why', async () => {
    const p = new Project({ 'main.c': MAIN, 'util.c': UTIL(3), 'lib_extra.c': LIB }, ['main.o', 'util.o']);
    const s = p.session();
    expect(s.update().ok).toBe(true);
    const added = '__attribute__((noinline)) int added_global(int x) { return x + 1; }\n';
    const big = `${'x = x * 3 + K; x ^= x >> 3; '.repeat(30)} return x;`;
    const cases: Array<[string, Record<string, string>, RegExp | null]> = [
      ['a constant changes', { 'util.c': UTIL(4) }, null],
      ['a new global', { 'util.c': UTIL(4) + added }, /different set of (symbols|functions)/],
      ['then a constant changes', { 'util.c': UTIL(5) + added }, null],
      // Pushed into libc's functions, whose debug info holds their code offsets.
      ['a body outgrows its slot', { 'util.c': UTIL(5, big) + added }, /outgrew its slot/],
      ['then it changes within its new slot', { 'util.c': UTIL(6, big) + added }, null],
      ['a data segment outgrows its block', { 'util.c': UTIL(6, big).replace('int table[4] = {1, 2, 6, 4};', 'int table[40] = {1, 2, 6, 4};') + added }, /outgrew its block/],
      ['an archive changes', { 'lib_extra.c': 'int lib_unused(void) { return 2; }\n' }, /is an archive/],
      ['a call to a new function', { 'util.c': 'int added_global(int);\n' + UTIL(6, 'return added_global(x) * K;').replace('int table[4] = {1, 2, 6, 4};', 'int table[40] = {1, 2, 6, 4};') + added }, /refers to different symbols/],
      ['a global is removed', { 'util.c': UTIL(7) }, /different set of (symbols|functions)/],
      ['after the fallbacks, a body edit', { 'util.c': UTIL(8) }, null],
      ['both objects change at once', { 'util.c': UTIL(9), 'main.c': MAIN.replace('argc + 3', 'argc + 4') }, null],
    ];
    for (const [what, files, why] of cases) {
      p.write(files);
      const r = s.update();
      expect(r.errors, what).toEqual([]);
      expect(r.path, `${what}: ${r.fallback}`).toBe(why ? 'whole' : 'fast');
      if (why) expect(r.fallback, what).toMatch(why);
      else expect(r.bytesWritten, what).toBeLessThan(16 * 1024);
      if (!why) expect(r.fallback, what).toBeUndefined();
      await p.expectLikeWasmLd(what);
    }
  }, 120_000);

  it('a relink in place reports its work: one body placed, its relocations applied, nothing moved; none for a whole link', async () => {
    const f = (k: number) => `int g(int);\nint f(int x) { return g(x) + ${k}; }\n`;
    const main = '#include <stdio.h>\nint f(int);\n__attribute__((noinline)) int g(int x) { return x * 2; }\nint main(int argc, char **argv) { (void)argv; printf("%d\\n", f(argc)); return 0; }\n';
    const p = new Project({ 'main.c': main, 'f.c': f(1), 'lib_extra.c': LIB }, ['main.o', 'f.o']);
    const s = p.session();
    const first = s.update();
    expect(first.path).toBe('whole');
    expect(first.work).toBeUndefined();
    p.write({ 'f.c': f(2) });
    const r = s.update();
    expect(r.path, r.fallback).toBe('fast');
    expect(r.work).toEqual({ sectionsPlaced: 1, symbolsMoved: 0, relocationsApplied: 1 });
    await p.expectLikeWasmLd('one body edited');
  }, 60_000);

  it('a body that outgrows its slot takes room from the slots after it, in place', async () => {
    // `spare` shrinks first and keeps its big slot; then `scale` (just before it) grows into that room.
    const chain = `${'x = x * 3 + K; x ^= x >> 3; '.repeat(30)} return x;`;
    const text = (scaleBody: string, spareBody: string) => `${UTIL(3, scaleBody)}__attribute__((noinline)) int spare(int x) { int K = 5; ${spareBody} }\nint use_spare(int x) { return spare(x); }\n`;
    const main = MAIN.replace('int scale(int);', 'int scale(int);\nint use_spare(int);').replace('scale(1) & 0x7f', '(scale(1) + use_spare(2)) & 0x7f');
    const p = new Project({ 'main.c': main, 'util.c': text('return x * K;', chain), 'lib_extra.c': LIB }, ['main.o', 'util.o']);
    const s = p.session();
    expect(s.update().ok).toBe(true);
    for (const [what, scaleBody, spareBody] of [['spare shrinks', 'return x * K;', 'return x + K;'], ['scale grows into its room', chain, 'return x + K;'], ['and back', 'return x * K;', 'return x + K;']] as const) {
      p.write({ 'util.c': text(scaleBody, spareBody) });
      const r = s.update();
      expect(r.errors, what).toEqual([]);
      expect(r.path, `${what}: ${r.fallback}`).toBe('fast');
      expect(r.bytesWritten, what).toBeLessThan(16 * 1024);
      expect(s.fastPathTimings().some((t) => t.pass === 'moveSlots'), what).toBe(what === 'scale grows into its room');
      // util.o's bodies (scale, spare, use_spare) and its segment (table) written again, use_spare's call relocated;
      // when scale grows, the slot after it (spare's) moves, and is counted among the bodies placed again.
      expect(r.work, what).toEqual({ sectionsPlaced: 4, symbolsMoved: what === 'scale grows into its room' ? 1 : 0, relocationsApplied: 1 });
      await p.expectLikeWasmLd(what);
    }
  }, 60_000);

  it('a broken edit leaves the output as it was, and its fix takes the fast path', async () => {
    const p = new Project({ 'main.c': MAIN, 'util.c': UTIL(3), 'lib_extra.c': LIB }, ['main.o', 'util.o']);
    const s = p.session();
    expect(s.update().ok).toBe(true);
    const good = fs.readFileSync(p.output);
    p.write({ 'util.c': `int nowhere(int);\n${UTIL(3, 'return nowhere(x) * K;')}` });
    const bad = s.update();
    expect(bad.ok).toBe(false);
    expect(bad.errors.join('\n')).toContain('undefined symbol: nowhere');
    expect(fs.readFileSync(p.output).equals(good)).toBe(true);
    p.write({ 'util.c': UTIL(4) });
    const fixed = s.update();
    expect(fixed.errors).toEqual([]);
    expect(fixed.path, fixed.fallback).toBe('fast');
    await p.expectLikeWasmLd('the fix');
  }, 60_000);

  it('a data symbol that moves within its segment: the references to it elsewhere follow', async () => {
    // Both arrays in one named section: one segment, so growing `pad` moves `table` (16-aligned) within it.
    const data = (n: number, k: number) => `__attribute__((section(".data.shared"))) int pad[${n}] = {1};\n__attribute__((section(".data.shared"))) int table[4] = {1, 2, ${k}, 4};\nint scale(int x) { return x * ${k} + pad[0]; }\n`;
    const p = new Project({ 'main.c': MAIN, 'util.c': data(1, 3), 'lib_extra.c': LIB }, ['main.o', 'util.o']);
    const s = p.session();
    expect(s.update().ok).toBe(true);
    for (const [what, n, k] of [['the data before table grows', 5, 4], ['it shrinks back', 1, 5]] as const) {
      p.write({ 'util.c': data(n, k) });
      const r = s.update();
      expect(r.errors, what).toEqual([]);
      expect(r.path, `${what}: ${r.fallback}`).toBe('fast');
      // main.o's code reads table: its address there was applied again.
      expect(s.fastPathTimings().map((t) => t.pass), what).toContain('reapplyReferences');
      // table moved; scale's own relocation (pad) and main.o's to table, applied again.
      expect(r.work, what).toEqual({ sectionsPlaced: 2, symbolsMoved: 1, relocationsApplied: 2 });
      await p.expectLikeWasmLd(what);
    }
  }, 60_000);

  it('a random walk of edits: after each relink, the module runs as wasm-ld links it, and the verify hook holds', async () => {
    // Units a.c and b.c hold functions f<k>; main.c calls every one. An edit changes a
    // constant, grows or shrinks a body, changes data, adds, removes or renames a function.
    type Fn = { name: string; unit: 'a' | 'b'; k: number; loop: number };
    const edit = fc.oneof(
      { weight: 3, arbitrary: fc.record({ op: fc.constant('constant' as const), at: fc.nat(), k: fc.integer({ min: 1, max: 99 }) }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('grow' as const), at: fc.nat(), by: fc.integer({ min: 1, max: 2 }) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('grow' as const), at: fc.nat(), by: fc.integer({ min: 5, max: 20 }) }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('shrink' as const), at: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('data' as const), unit: fc.constantFrom('a' as const, 'b' as const), k: fc.integer({ min: 1, max: 99 }) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('add' as const), unit: fc.constantFrom('a' as const, 'b' as const), k: fc.integer({ min: 1, max: 99 }) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), at: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('rename' as const), at: fc.nat() }) },
    );
    const data = { a: 1, b: 2 };
    const unitText = (fns: Fn[], unit: 'a' | 'b'): string => `int shared_${unit}[3] = {${data[unit]}, 2, 3};\n` + fns.filter((f) => f.unit === unit).map((f) =>
      `int ${f.name}(int x) { volatile int s = x + ${f.k}; ${'s = s * 5 + x; '.repeat(f.loop)}return s + shared_${unit}[0]; }\n`).join('');
    const mainText = (fns: Fn[]): string => `#include <stdio.h>\n${fns.map((f) => `int ${f.name}(int);\n`).join('')}int main(int argc, char **argv) {\n  (void)argv;\n  unsigned r = 0;\n${fns.map((f) => `  r = r * 31 + (unsigned)${f.name}(argc);\n`).join('')}  printf("%u\\n", r);\n  return 0;\n}\n`;
    let fastRelinks = 0;
    let fresh = 0;
    await fc.assert(fc.asyncProperty(fc.array(edit, { minLength: 4, maxLength: 8 }), async (edits) => {
      let fns: Fn[] = [{ name: 'f0', unit: 'a', k: 1, loop: 2 }, { name: 'f1', unit: 'a', k: 2, loop: 0 }, { name: 'f2', unit: 'b', k: 3, loop: 4 }, { name: 'f3', unit: 'b', k: 4, loop: 1 }];
      data.a = 1;
      data.b = 2;
      const p = new Project({ 'main.c': mainText(fns), 'a.c': unitText(fns, 'a'), 'b.c': unitText(fns, 'b'), 'lib_extra.c': LIB }, ['main.o', 'a.o', 'b.o']);
      const s = p.session();
      expect(s.update().ok).toBe(true);
      for (const e of edits) {
        const before = fns.map((f) => ({ ...f }));
        const textBefore = { a: unitText(before, 'a'), b: unitText(before, 'b'), main: mainText(before) };
        const pick = (at: number): Fn => fns[at % fns.length]!;
        switch (e.op) {
          case 'constant': pick(e.at).k = e.k; break;
          case 'grow': pick(e.at).loop += e.by; break;
          case 'shrink': pick(e.at).loop = Math.floor(pick(e.at).loop / 2); break;
          case 'data': data[e.unit] = e.k; break;
          case 'add': fns.push({ name: `g${fresh++}`, unit: e.unit, k: e.k, loop: 1 }); break;
          case 'remove': if (fns.length > 1) fns = fns.filter((f) => f !== pick(e.at)); break;
          case 'rename': pick(e.at).name = `r${fresh++}`; break;
        }
        const files: Record<string, string> = {};
        for (const unit of ['a', 'b'] as const) if (unitText(fns, unit) !== textBefore[unit]) files[`${unit}.c`] = unitText(fns, unit);
        if (mainText(fns) !== textBefore.main) files['main.c'] = mainText(fns);
        p.write(files);
        const r = s.update();
        expect(r.errors, JSON.stringify(e)).toEqual([]);
        if (r.path === 'fast') fastRelinks++;
        await p.expectLikeWasmLd(JSON.stringify(e));
      }
    }), { seed: 0x5eed14, numRuns: 5 });
    expect(fastRelinks).toBeGreaterThan(0);
  }, 300_000);
});
