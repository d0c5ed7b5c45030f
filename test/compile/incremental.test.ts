// The invariant of the incremental model: after every update, the long-running
// compilation's analysis equals a fresh compilation's of the same source; and the
// precision of invalidation: an edit re-analyzes exactly what it can affect.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Compilation } from '../../src/compile/Compilation.js';
import type { TargetName } from '../../src/compile/target.js';
import { nullLinker } from '../../src/link/null_linker.js';
import { Rng, makeProgram, randomEdit, renderProgram, replaceOp } from './edit_programs.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-incr-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));


function compilation(name: string, target: TargetName = 'x86_64-linux'): Compilation {
  return Compilation.create({
    sourcePath: path.join(dir, `${name}.zir`),
    outputPath: path.join(dir, name),
    target,
    optimize: 'Debug',
    displayPath: 'main.zir',
    linkerFactory: nullLinker,
    retainAir: true,
  });
}

function fresh(source: string, target: TargetName): { snapshot: string; errors: string[] } {
  const c = compilation('fresh', target);
  const r = c.update(Buffer.from(source));
  return { snapshot: c.analysisSnapshot(), errors: r.errors.map((e) => e.rendered) };
}

describe('incremental analysis equals a fresh analysis', () => {
  for (const target of ['x86_64-linux', 'wasm32-wasi'] as const) {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      it(`after each of 40 random edits (seed ${seed}, ${target})`, () => {
        const rng = new Rng(seed * 7919);
        const model = makeProgram(rng, 12, 5);
        const inc = compilation(`inc${seed}`, target);
        for (let step = 0; step < 40; step++) {
          const source = renderProgram(model);
          const r = inc.update(Buffer.from(source));
          const f = fresh(source, target);
          expect(r.errors.map((e) => e.rendered), `errors after step ${step}`).toEqual(f.errors);
          expect(inc.analysisSnapshot(), `analysis after step ${step}`).toBe(f.snapshot);
          randomEdit(model, rng);
        }
      });
    }
  }
});

describe('precision of invalidation', () => {
  // 1000 functions; constants c0..c9, each function uses one; calls chain through some.
  const rng = new Rng(42);
  const model = makeProgram(rng, 1000, 10);
  for (const f of model.fns) f.broken = 'none';
  const source = renderProgram(model);

  it('editing one function body re-analyzes exactly that decl', () => {
    const c = compilation('precision-body');
    expect(c.update(Buffer.from(source)).ok).toBe(true);
    const target = model.fns.find((f) => model.entryCalls.includes(f.name))!;
    const edited = replaceOp(source, target.name, target.op, target.op === 'xor' ? 'addwrap' : 'xor');
    const r = c.update(Buffer.from(edited));
    expect(r.ok).toBe(true);
    expect(r.stats.declsParsed).toBe(1);
    expect(r.stats.declsAnalyzed).toBe(1);
  });

  it('editing a constant used by k reachable functions re-analyzes exactly those k and the constant', () => {
    const c = compilation('precision-const');
    expect(c.update(Buffer.from(source)).ok).toBe(true);
    // Reachable functions: the entry's calls and everything they call.
    const byName = new Map(model.fns.map((f) => [f.name, f]));
    const reachable = new Set<string>();
    const stack = [...model.entryCalls];
    while (stack.length) {
      const n = stack.pop()!;
      if (reachable.has(n)) continue;
      reachable.add(n);
      const callee = byName.get(n)!.callee;
      if (callee) stack.push(callee);
    }
    const users = model.fns.filter((f) => f.constant === 'c3' && reachable.has(f.name));
    expect(users.length).toBeGreaterThan(5);
    const edited = source.replace(`@c3 = int(${model.constants.get('c3')})`, '@c3 = int(1234)');
    const r = c.update(Buffer.from(edited));
    expect(r.ok).toBe(true);
    expect(r.stats.declsAnalyzed).toBe(users.length + 1);
  });

  it('saving the same source again does no work', () => {
    const c = compilation('precision-same');
    expect(c.update(Buffer.from(source)).ok).toBe(true);
    const r = c.update(Buffer.from(source));
    expect(r.stats.declsParsed).toBe(0);
    expect(r.stats.declsAnalyzed).toBe(0);
  });

  it('a caller may reuse its buffer: each update sees the bytes as they were when it was called', () => {
    const c = compilation('precision-reuse');
    const buf = Buffer.from(source);
    expect(c.update(buf).ok).toBe(true);
    const edited = Buffer.from(source.replace('@c3 = int(', '@c3 = int(1'));
    const reused = Buffer.alloc(edited.length);
    edited.copy(reused);
    const r = c.update(reused);
    expect(r.stats.declsParsed).toBe(1);
    reused.fill(0x20); // the caller scribbles over its buffer after the update
    expect(c.update(edited).stats.declsParsed).toBe(0);
    expect(c.analysisSnapshot()).toBe(fresh(edited.toString('latin1'), 'x86_64-linux').snapshot);
  });

  it('moving a decl without changing it re-analyzes nothing', () => {
    const c = compilation('precision-move');
    expect(c.update(Buffer.from(source)).ok).toBe(true);
    const r = c.update(Buffer.from('; a new comment line at the top\n\n' + source));
    expect(r.ok).toBe(true);
    expect(r.stats.declsAnalyzed).toBe(0);
  });
});

describe('errors and recovery', () => {
  it('keeps an error until it is fixed and reports it at its moved position', () => {
    const c = compilation('errors-move');
    const base = '@u8 = primitive(u8)\n@big = int(300)\n@noreturn = primitive(noreturn)\n@t = fntype([], @noreturn, cc=C)\n@f = fn(@t, {\n  %b = as(@u8, @big)\n  %u = unreachable()\n})\n@n = str("_start")\n@e = export(@n, "f")\n';
    expect(c.update(Buffer.from(base)).errors.map((e) => `${e.line}:${e.col} ${e.message}`)).toEqual([
      "6:11 type 'u8' cannot represent integer value 300",
    ]);
    const moved = '\n\n' + base;
    expect(c.update(Buffer.from(moved)).errors.map((e) => `${e.line}:${e.col} ${e.message}`)).toEqual([
      "8:11 type 'u8' cannot represent integer value 300",
    ]);
    const fixed = moved.replace('int(300)', 'int(30)');
    expect(c.update(Buffer.from(fixed)).ok).toBe(true);
  });

  it('reports each decl of a value cycle once, without hanging', () => {
    const c = compilation('errors-cycle');
    const src = '@u32 = primitive(u32)\n@a = as(@u32, @b)\n@b = as(@u32, @a)\n@noreturn = primitive(noreturn)\n@t = fntype([], @noreturn, cc=C)\n@f = fn(@t, {\n  %x = as(@u32, @a)\n  %u = unreachable()\n})\n@n = str("_start")\n@e = export(@n, "f")\n';
    const r = c.update(Buffer.from(src));
    expect(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`)).toEqual([
      '2:9 unable to resolve comptime value',
      '3:9 unable to resolve comptime value',
    ]);
    // The same after editing one side of the cycle, and gone once it is broken.
    const edited = src.replace('@b = as(@u32, @a)', '@b = as(@u32,  @a)');
    expect(c.update(Buffer.from(edited)).errors.length).toBe(2);
    expect(c.update(Buffer.from(src.replace('@b = as(@u32, @a)', '@b = int(1)'))).ok).toBe(true);
  });

  it('an edit the re-split cannot place (a comment that swallows the next decl) still gives the full parse', () => {
    const head = '@noreturn = primitive(noreturn)\n@t = fntype([], @noreturn, cc=C)\n@f = fn(@t, {\n  %u = unreachable()\n})\n@n = str("_start")\n@e = export(@n, "f")\n';
    const c = compilation('swallow');
    expect(c.update(Buffer.from(head + '@x = int(1)\n@y = int(2)\n')).ok).toBe(true);
    // `; ...` without a newline runs on over `@y`: in the whole file, @y is now a comment.
    const swallowed = head + '@x = int(1) ; y is commented out:@y = int(2)\n';
    const r = c.update(Buffer.from(swallowed));
    expect(r.errors).toEqual([]);
    expect(c.analysisSnapshot()).toBe(fresh(swallowed, 'x86_64-linux').snapshot);
  });

  it('a parse error leaves the analysis as it was, and the next good update catches up', () => {
    const c = compilation('errors-parse');
    const rng = new Rng(9);
    const model = makeProgram(rng, 10, 3);
    const good = renderProgram(model);
    expect(c.update(Buffer.from(good)).ok).toBe(true);
    const r = c.update(Buffer.from(good.replace('@c0 = int(', '@c0 = itn(')));
    expect(r.errors.map((e) => e.message)).toEqual(["unknown instruction 'itn'"]);
    model.constants.set('c0', 999);
    const next = renderProgram(model);
    expect(c.update(Buffer.from(next)).ok).toBe(true);
    expect(c.analysisSnapshot()).toBe(fresh(next, 'x86_64-linux').snapshot);
  });
});
