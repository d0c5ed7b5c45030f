// Long chains of decls (issue 11, items 8 and 9): dependencies are analyzed with a work
// stack, not JS recursion, so a 100,000-decl chain builds, the same way every run; a cycle
// that long is reported once per decl, fast; comptime integers stop at 65,535 bits with a
// clear error instead of growing without bound.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Compilation } from '../../src/compile/Compilation.js';
import { runOutput } from '../../src/node/compile/run_output.js';
import type { TargetName } from '../../src/compile/target.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-chains-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const PRELUDE = `@u32 = primitive(u32)
@noreturn = primitive(noreturn)
@proc_exit_ty = fntype([@u32], @noreturn, cc=C)
@proc_exit = extern(@proc_exit_ty, "proc_exit", lib="wasi_snapshot_preview1")
@start_ty = fntype([], @noreturn, cc=C)
@start_name = str("_start")
@start_export = export(@start_name, "entry")
`;

/** `@c0 = <first>`, then `@cN = as(@u32, @cN-1)` up to `@c<n>`, and an entry exiting with it. */
function chain(n: number, first: string): string {
  const lines = [PRELUDE + `@c0 = ${first}`];
  for (let i = 1; i <= n; i++) lines.push(`@c${i} = as(@u32, @c${i - 1})`);
  lines.push(`@entry = fn(@start_ty, {\n  %z = as(@u32, @c${n})\n  %bye = call(@proc_exit, [%z])\n})\n`);
  return lines.join('\n');
}

let serial = 0;
function compilation(target: TargetName): { c: Compilation; output: string } {
  const output = path.join(dir, `out${serial++}${target === 'wasm32-wasi' ? '.wasm' : ''}`);
  return { c: Compilation.create({ sourcePath: path.join(dir, 'in.zir'), outputPath: output, target, optimize: 'Debug' }), output };
}

function errorLines(r: ReturnType<Compilation['update']>): string[] {
  return r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`);
}

describe('chains of decls', () => {
  it('a 100,000-decl chain builds, runs, and is rebuilt byte for byte the same', async () => {
    const source = Buffer.from(chain(100_000, 'int(7)'));
    const a = compilation('x86_64-linux');
    const b = compilation('x86_64-linux');
    expect(errorLines(a.c.update(source))).toEqual([]);
    expect(errorLines(b.c.update(source))).toEqual([]);
    expect(fs.readFileSync(a.output).equals(fs.readFileSync(b.output))).toBe(true);
    expect((await runOutput(a.output, 'x86_64-linux')).exitCode).toBe(7);
    // An edit at the bottom of the chain changes every value above it, incrementally.
    const edited = Buffer.from(chain(100_000, 'int(9)'));
    expect(errorLines(a.c.update(edited))).toEqual([]);
    expect((await runOutput(a.output, 'x86_64-linux')).exitCode).toBe(9);
    a.c.close();
    b.c.close();
  }, 120_000);

  it('a 10,000-decl chain builds on wasm32 too', async () => {
    const { c, output } = compilation('wasm32-wasi');
    expect(errorLines(c.update(Buffer.from(chain(10_000, 'int(5)'))))).toEqual([]);
    expect((await runOutput(output, 'wasm32-wasi')).exitCode).toBe(5);
    c.close();
  });

  it('a 100,000-decl cycle gives one error per decl, the same fresh, incrementally and every run', () => {
    const n = 100_000;
    const cyclic = Buffer.from(chain(n, `as(@u32, @c${n})`));
    const fresh = compilation('x86_64-linux');
    const again = compilation('x86_64-linux');
    const errors = errorLines(fresh.c.update(cyclic));
    expect(errors.length).toBe(n + 1);
    expect(new Set(errors.map((e) => e.replace(/^\d+:\d+: /, '')))).toEqual(new Set(['unable to resolve comptime value']));
    expect(errorLines(again.c.update(cyclic))).toEqual(errors);
    // Incrementally: from a good chain to the cycle, and back.
    const inc = compilation('x86_64-linux');
    expect(inc.c.update(Buffer.from(chain(n, 'int(1)'))).ok).toBe(true);
    expect(errorLines(inc.c.update(cyclic))).toEqual(errors);
    expect(inc.c.update(Buffer.from(chain(n, 'int(2)'))).ok).toBe(true);
    for (const x of [fresh, again, inc]) x.c.close();
  }, 120_000);

  it('a 100,000-decl chain whose bottom fails reports that one error, fast', () => {
    const { c } = compilation('x86_64-linux');
    const started = Date.now();
    const r = c.update(Buffer.from(chain(100_000, 'as(@u32, @nowhere)')));
    expect(errorLines(r)).toEqual([`8:16: decl 'nowhere' not found`]);
    // Not a timing test: a quadratic walk of the chain takes minutes, this takes seconds.
    expect(Date.now() - started).toBeLessThan(60_000);
    c.close();
  }, 120_000);
});

describe('comptime integers have a 65,535-bit limit', () => {
  const program = (decls: string) => Buffer.from(`${PRELUDE}${decls}\n@entry = fn(@start_ty, {\n  %z = as(@u32, @r)\n  %bye = call(@proc_exit, [%z])\n})\n`);
  const LIMIT = 'comptime integer exceeds the 65535-bit limit';

  it.each([
    ['shl(1, 100000000000) is refused at once', '@one = int(1)\n@big = int(100000000000)\n@r = shl(@one, @big)', `10:10: ${LIMIT}`],
    ['a product past the limit', `@b = int(${(1n << 40000n).toString()})\n@r = mul(@b, @b)`, `9:10: ${LIMIT}`],
    ['a literal past the limit', `@r = int(${(1n << 65535n).toString()})`, `8:10: ${LIMIT}`],
    ['a negative literal past the limit', `@r = int(-${(1n << 65535n).toString()})`, `8:10: ${LIMIT}`],
  ])('%s', (_name, decls, expected) => {
    const { c } = compilation('x86_64-linux');
    expect(errorLines(c.update(program(decls)))).toEqual([expected]);
    c.close();
  });

  it('values just inside the limit fold, and shr of them comes back down', async () => {
    const { c, output } = compilation('x86_64-linux');
    const decls = `@one = int(1)\n@w = int(65534)\n@big = shl(@one, @w)\n@max = sub(@big, @one)\n@wide = bitor(@max, @big)\n@r = shr(@wide, @w)`;
    expect(errorLines(c.update(program(decls)))).toEqual([]);
    expect((await runOutput(output, 'x86_64-linux')).exitCode).toBe(1);
    c.close();
  });

  it('the repro of squarings (test/repros/comptime_blowup.zir) stops at the first that passes the limit', () => {
    const repro = path.join(__dirname, '..', 'repros', 'comptime_blowup.zir');
    const { c } = compilation('x86_64-linux');
    const r = c.update(fs.readFileSync(repro));
    expect(r.errors.map((e) => e.message)).toEqual([LIMIT]);
    c.close();
  });
});
