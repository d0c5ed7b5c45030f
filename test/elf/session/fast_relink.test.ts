// The fast path of a relink (session/fast_relink.ts): an edit of function bodies or data
// values in plain objects patches the last output in place — the report says `fast`, the
// patch is small, and (every session here has `verify`) the image is byte for byte a whole
// link's with the same layout memory; an edit the fast path cannot take (a new global, a
// section outgrowing its block, an archive changed) falls back to the whole link and says
// why. After every relink the program behaves as ld.lld's link of the same inputs. Last, a
// seeded random walk of edits over a few C sources checks the same after each step.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LinkSession, type LinkSessionOptions } from '../../../src/node/link/elf/session/LinkSession.js';
import { compileMusl, execute, libgcc, linkWithLld, MUSL_LIB, run } from '../static/toolchain.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-fast-relink-'));
  dirs.push(d);
  return d;
}

/** A directory of C sources compiled to objects (`lib_*.c` into libextra.a), linked against musl. */
class Project {
  readonly dir = tempDir();
  readonly output = path.join(this.dir, 'prog');
  private n = 0;

  constructor(files: Record<string, string>, private readonly flags: string[] = []) {
    this.write(files);
  }

  inputs(): string[] {
    const objects = fs.readdirSync(this.dir).filter((f) => f.endsWith('.o')).sort().map((f) => path.join(this.dir, f));
    return [`${MUSL_LIB}/crt1.o`, `${MUSL_LIB}/crti.o`, ...objects, path.join(this.dir, 'libextra.a'), `${MUSL_LIB}/libc.a`, libgcc(), `${MUSL_LIB}/crtn.o`];
  }

  write(files: Record<string, string>): void {
    for (const [name, text] of Object.entries(files)) {
      fs.writeFileSync(path.join(this.dir, name), text);
      const tmp = path.join(this.dir, `${name}.tmp`);
      compileMusl(path.join(this.dir, name), tmp, this.flags);
      if (name.startsWith('lib_')) {
        fs.rmSync(path.join(this.dir, 'libextra.a'), { force: true });
        run('ar', ['rcs', path.join(this.dir, 'libextra.a'), tmp]);
        fs.rmSync(tmp);
      } else fs.renameSync(tmp, path.join(this.dir, name.replace(/\.c$/, '.o')));
    }
  }

  /** The output runs as ld.lld's link of the same inputs. */
  expectLikeLld(what: string): void {
    const ref = linkWithLld(this.inputs(), path.join(this.dir, `lld${this.n++}`));
    const got = execute(this.output, ['x']);
    const want = execute(ref, ['x']);
    expect({ stdout: got.stdout, status: got.status }, what).toEqual({ stdout: want.stdout, status: want.status });
  }
}

const MAIN = `#include <stdio.h>
int scale(int);
int offset(int);
extern int table[4];
extern __thread int tls_count;
int main(int argc, char **argv) {
  (void)argv;
  int r = scale(argc + 3) + offset(argc) + table[2] + tls_count;
  printf("result %d\\n", r);
  return r & 0x7f;
}
`;
const UTIL = (k: number, body = 'return x * K;'): string => `int table[4] = {1, 2, ${k}, 4};
__thread int tls_count = ${1 + (k % 5)};
static int twice(int x) { return 2 * x; }
int scale(int x) { ${body.replaceAll('K', String(k))} }
int offset(int x) { return twice(x) + ${k}; }
`;
const LIB = 'int lib_unused(void) { return 1; }\n';

function session(p: Project, options: LinkSessionOptions = {}): LinkSession {
  return new LinkSession(p.inputs(), p.output, { verify: true, ...options });
}

describe('LinkSession fast path', () => {
  it('function-body and data edits patch the output in place', () => {
    for (const options of [{}, { ehFrameHdr: true, buildId: { kind: 'sha1' } }] as LinkSessionOptions[]) {
      const p = new Project({ 'main.c': MAIN, 'util.c': UTIL(3), 'lib_extra.c': LIB });
      const s = session(p, options);
      expect(s.update().path).toBe('whole');
      p.expectLikeLld('first link');
      const edits: Array<[string, string]> = [
        ['a constant changes', UTIL(7)],
        ['a body grows a little', UTIL(7, 'int s = x; for (int i = 0; i < x; i++) s += i ^ K; return s;')],
        ['it shrinks', UTIL(9, 'return x - K;')],
      ];
      for (const [what, text] of edits) {
        p.write({ 'util.c': text });
        const r = s.update();
        expect(r.errors, what).toEqual([]);
        expect(r.fallback, what).toBeUndefined();
        expect(r.path, what).toBe('fast');
        expect(r.fullWrite, what).toBe(false);
        expect(r.bytesWritten, what).toBeLessThan(16 * 1024);
        p.expectLikeLld(what);
      }
    }
  }, 120_000);

  it('swaps several objects at once, and applies again the relaxed GOT loads and TLS sequences that refer to a symbol that moved', () => {
    // -fPIC: main.o reaches `table` through a GOT load (relaxed to lea) and `tls_count`
    // through a general-dynamic TLS sequence (relaxed to local-exec); the padding before
    // them grows, so they move, and main.o's code must follow them.
    const data = (n: number, k: number): string => `int pad[${n}] = {1};\nint table[4] = {1, 2, ${k}, 4};\n__thread int tls_pad[${n}] = {2};\n__thread int tls_count = ${k};\n` +
      `static int twice(int x) { return 2 * x + pad[0] + tls_pad[0]; }\nint scale(int x) { return x * ${k}; }\nint offset(int x) { return twice(x) + ${k}; }\n`;
    for (const flags of [['-fPIC'], ['-fPIC', '-ffunction-sections', '-fdata-sections']]) {
      const p = new Project({ 'main.c': MAIN, 'util.c': data(1, 3), 'lib_extra.c': LIB }, flags);
      const s = session(p);
      expect(s.update().ok).toBe(true);
      const steps: Array<[string, Record<string, string>]> = [
        ['the data before table and tls_count grows', { 'util.c': data(3, 4) }],
        ['both objects change at once', { 'util.c': data(2, 5), 'main.c': MAIN.replace('argc + 3', 'argc + 4') }],
        ['it shrinks back', { 'util.c': data(1, 6) }],
      ];
      for (const [what, files] of steps) {
        p.write(files);
        const r = s.update();
        expect(r.errors, what).toEqual([]);
        expect(r.path, `${what} (${flags.join(' ')}): ${r.fallback}`).toBe('fast');
        p.expectLikeLld(what);
      }
    }
  }, 120_000);

  it('reports the work of a relink in place: sections placed, symbols moved, relocations applied; none for a whole link', () => {
    // One section of code (no unwind tables): `scale` first, `offset` after it in the same
    // .text, both called from main.o. A body edit that keeps the size moves nothing; one that
    // grows `scale` moves `offset`, and main.o's call to it is applied again.
    const util = (body: string): string => `int table[4] = {1, 2, 3, 4};\n__thread int tls_count = 1;\n` +
      `int scale(int x) { ${body} }\nint offset(int x) { return table[x & 3] + 5; }\n`;
    const p = new Project({ 'main.c': MAIN, 'util.c': util('return x * 3;'), 'lib_extra.c': LIB }, ['-fno-asynchronous-unwind-tables']);
    const s = session(p);
    const first = s.update();
    expect(first.path).toBe('whole');
    expect(first.work).toBeUndefined();
    p.write({ 'util.c': util('return x * 5;') });
    const same = s.update();
    expect(same.path, same.fallback).toBe('fast');
    // .text, .data (table) and .tdata copied; util.o's own relocation (the load of table in offset).
    expect(same.work).toEqual({ sectionsPlaced: 3, symbolsMoved: 0, relocationsApplied: 1 });
    p.expectLikeLld('a constant changes');
    p.write({ 'util.c': util('volatile int v = x; v = v * 3 + 1; v = v * 5 + 2; return v;') });
    const grown = s.update();
    expect(grown.path, grown.fallback).toBe('fast');
    expect(grown.work!.sectionsPlaced).toBe(3);
    expect(grown.work!.symbolsMoved).toBe(1);
    // util.o's own and, applied again, the references elsewhere to offset.
    expect(grown.work!.relocationsApplied).toBeGreaterThan(1);
    p.expectLikeLld('scale grows and offset moves');
    p.write({ 'util.c': util('return x * 5;') + 'int added_global(int x) { return x; }\n' });
    const whole = s.update();
    expect(whole.path).toBe('whole');
    expect(whole.work).toBeUndefined();

    // An object of one function, which calls one in main.o: one section placed, its call relocated.
    const f = (k: number): string => `int g(int);\nint f(int x) { return g(x) + ${k}; }\n`;
    const q = new Project({ 'main.c': 'int f(int);\nint g(int x) { return x * 2; }\nint main(int argc, char **argv) { (void)argv; return f(argc); }\n', 'f.c': f(1), 'lib_extra.c': LIB }, ['-fno-asynchronous-unwind-tables']);
    const t = session(q);
    expect(t.update().ok).toBe(true);
    q.write({ 'f.c': f(2) });
    const one = t.update();
    expect(one.path, one.fallback).toBe('fast');
    expect(one.work).toEqual({ sectionsPlaced: 1, symbolsMoved: 0, relocationsApplied: 1 });
    q.expectLikeLld('one function edited');
  }, 120_000);

  it('falls back to the whole link when an object cannot be swapped in place, and says why', () => {
    const p = new Project({ 'main.c': MAIN, 'util.c': UTIL(3), 'lib_extra.c': LIB });
    const s = session(p);
    expect(s.update().ok).toBe(true);
    const added = 'int added_global(int x) { return x; }\n';
    const big = `volatile int v = x; ${'v = v * 3 + K; '.repeat(200)} return v;`;
    const cases: Array<[string, Record<string, string>, RegExp | null]> = [
      ['a new global', { 'util.c': UTIL(3) + added }, /global symbols/],
      ['then a constant changes', { 'util.c': UTIL(4) + added }, null],
      ['a section outgrows its block', { 'util.c': UTIL(4, big) + added }, /outgrew its block/],
      ['then it changes within its new block', { 'util.c': UTIL(5, big) + added }, null],
      ['an archive changes', { 'lib_extra.c': 'int lib_unused(void) { return 2; }\n' }, /is an archive/],
      ['a global is removed', { 'util.c': UTIL(5, big) }, /global symbols/],
      ['after the fallbacks, a body edit', { 'util.c': UTIL(6, big) }, null],
    ];
    for (const [what, files, why] of cases) {
      p.write(files);
      const r = s.update();
      expect(r.errors, what).toEqual([]);
      expect(r.path, `${what}: ${r.fallback}`).toBe(why ? 'whole' : 'fast');
      if (why) expect(r.fallback, what).toMatch(why);
      p.expectLikeLld(what);
    }
  }, 120_000);

  it('a random walk of edits: after each relink, the output runs as ld.lld links it, and the verify hook holds', () => {
    // Units a.c and b.c hold functions f<k>; main.c calls every one. An edit changes a
    // constant, grows or shrinks a body, adds, removes or renames a function.
    type Fn = { name: string; unit: 'a' | 'b'; k: number; loop: number };
    const edit = fc.oneof(
      { weight: 3, arbitrary: fc.record({ op: fc.constant('constant' as const), at: fc.nat(), k: fc.integer({ min: 1, max: 99 }) }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('grow' as const), at: fc.nat(), by: fc.integer({ min: 1, max: 4 }) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('grow' as const), at: fc.nat(), by: fc.integer({ min: 5, max: 40 }) }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('shrink' as const), at: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('add' as const), unit: fc.constantFrom('a' as const, 'b' as const), k: fc.integer({ min: 1, max: 99 }) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), at: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('rename' as const), at: fc.nat() }) },
    );
    const unitText = (fns: Fn[], unit: 'a' | 'b'): string => `int shared_${unit} = ${fns.length};\n` + fns.filter((f) => f.unit === unit).map((f) =>
      `int ${f.name}(int x) { volatile int s = x + ${f.k}; ${'s = s * 5 + x; '.repeat(f.loop)}return s + shared_${unit}; }\n`).join('');
    const mainText = (fns: Fn[]): string => `#include <stdio.h>\n${fns.map((f) => `int ${f.name}(int);\n`).join('')}int main(int argc, char **argv) {\n  (void)argv;\n  unsigned r = 0;\n${fns.map((f) => `  r = r * 31 + (unsigned)${f.name}(argc);\n`).join('')}  printf("%u\\n", r);\n  return 0;\n}\n`;
    let fastRelinks = 0;
    let fresh = 0;
    fc.assert(fc.property(fc.array(edit, { minLength: 4, maxLength: 9 }), (edits) => {
      let fns: Fn[] = [{ name: 'f0', unit: 'a', k: 1, loop: 2 }, { name: 'f1', unit: 'a', k: 2, loop: 0 }, { name: 'f2', unit: 'b', k: 3, loop: 4 }, { name: 'f3', unit: 'b', k: 4, loop: 1 }];
      const p = new Project({ 'main.c': mainText(fns), 'a.c': unitText(fns, 'a'), 'b.c': unitText(fns, 'b'), 'lib_extra.c': LIB });
      const s = session(p);
      expect(s.update().ok).toBe(true);
      for (const e of edits) {
        const before = fns.map((f) => ({ ...f }));
        const pick = (at: number): Fn => fns[at % fns.length]!;
        switch (e.op) {
          case 'constant': pick(e.at).k = e.k; break;
          case 'grow': pick(e.at).loop += e.by; break;
          case 'shrink': pick(e.at).loop = Math.floor(pick(e.at).loop / 2); break;
          case 'add': fns.push({ name: `g${fresh++}`, unit: e.unit, k: e.k, loop: 1 }); break;
          case 'remove': if (fns.length > 1) fns = fns.filter((f) => f !== pick(e.at)); break;
          case 'rename': pick(e.at).name = `r${fresh++}`; break;
        }
        const files: Record<string, string> = {};
        for (const unit of ['a', 'b'] as const) if (unitText(fns, unit) !== unitText(before, unit)) files[`${unit}.c`] = unitText(fns, unit);
        if (mainText(fns) !== mainText(before)) files['main.c'] = mainText(fns);
        p.write(files);
        const r = s.update();
        expect(r.errors, JSON.stringify(e)).toEqual([]);
        if (r.path === 'fast') fastRelinks++;
        p.expectLikeLld(JSON.stringify(e));
      }
    }), { seed: 0x5eed14, numRuns: 5 });
    expect(fastRelinks).toBeGreaterThan(0);
  }, 300_000);
});
