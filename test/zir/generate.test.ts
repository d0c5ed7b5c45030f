import { describe, expect, test } from 'vitest';
import type { ProgramShape } from '../../src/bench/generate.js';
import { editConstant, editFunctionBody, generateProgram } from '../../src/bench/generate.js';
import type { Inst, Module } from '../../src/zir/ast.js';
import { parseFile } from '../../src/zir/parse.js';
import { lookupTag } from '../../src/zir/schema.js';
import { splitDecls } from '../../src/zir/split.js';
import { interpret } from './mini_interp.js';

const SHAPES: ProgramShape[] = ['chain', 'loops', 'constants'];

function parse(source: string): Module {
  const r = parseFile(Buffer.from(source));
  if (!r.ok) throw new Error(`${r.error.message} at ${r.error.offset}`);
  return r.module;
}

function allInsts(m: Module): Inst[] {
  const out: Inst[] = [];
  const stack = m.decls.map((d) => d.inst);
  while (stack.length > 0) {
    const i = stack.pop()!;
    out.push(i);
    for (const a of i.args) if (a.kind === 'body') for (const l of a.locals) stack.push(l.inst);
  }
  return out;
}

/** Decl texts by name, from the splitter. */
function declTexts(source: string): Map<string, string> {
  const buf = Buffer.from(source);
  return new Map(splitDecls(buf).spans.map((s) => [s.name, buf.subarray(s.start, s.end).toString()]));
}

describe('program generator', () => {
  for (const shape of SHAPES) {
    test(`${shape}: valid ZIR of spec §5 only, exporting _start, printing the expected checksum when run`, () => {
      const p = generateProgram({ shape, functions: 100, seed: 11 });
      const m = parse(p.source);
      expect(m.decls.filter((d) => /^f\d+$/.test(d.name)).length).toBe(100);
      for (const inst of allInsts(m)) expect(lookupTag(inst.tag)?.supported, inst.tag).toBe(true);
      expect(p.source).toContain('@start_export = export(@start_name, "entry")');
      expect(p.source).toContain('@start_name = str("_start")');
      const run = interpret(m);
      expect(run).toMatchObject({ stdout: p.expectedStdout, exitCode: p.expectedExitCode });
      expect(p.expectedStdout).toMatch(/^\d+\n$/);
    });
  }

  test('deterministic from the seed; other seeds give other programs', () => {
    const a = generateProgram({ shape: 'chain', functions: 50, seed: 3 });
    expect(generateProgram({ shape: 'chain', functions: 50, seed: 3 })).toEqual(a);
    expect(generateProgram({ shape: 'chain', functions: 50, seed: 4 }).source).not.toBe(a.source);
  });

  test('loops functions fill and fold alloc\'d arrays with elemptr, store and deref inside loops', () => {
    const m = parse(generateProgram({ shape: 'loops', functions: 2 }).source);
    const tags = new Set(allInsts(m).map((i) => i.tag));
    for (const t of ['alloc_mut', 'elemptr', 'store', 'deref', 'loop', 'condbr', 'breakvoid', 'addwrap', 'mulwrap']) {
      expect(tags.has(t), t).toBe(true);
    }
  });

  test('chains: every function but a chain end calls the next one; the entry calls each head', () => {
    const p = generateProgram({ shape: 'chain', functions: 40, chainLength: 16 });
    expect(p.source).toContain('%z = call(@f1, [%y])');
    expect(p.source).not.toContain('call(@f16, [%y])');
    const entry = declTexts(p.source).get('entry')!;
    expect([...entry.matchAll(/call\(@f(\d+),/g)].map((x) => Number(x[1]))).toEqual([0, 16, 32]);
  });

  test('scales to 100k functions', () => {
    const p = generateProgram({ shape: 'chain', functions: 100_000 });
    const split = splitDecls(Buffer.from(p.source));
    expect(split.suspect).toBe(false);
    expect(split.spans.filter((s) => /^f\d+$/.test(s.name)).length).toBe(100_000);
  }, 30_000);

  for (const shape of SHAPES) {
    test(`${shape}: editFunctionBody changes that one decl only, keeps its type, and updates the expected output`, () => {
      const p = generateProgram({ shape, functions: 60, seed: 5 });
      const q = editFunctionBody(p, 17, 3);
      const before = declTexts(p.source);
      const after = declTexts(q.source);
      const changed = [...after.keys()].filter((k) => after.get(k) !== before.get(k));
      expect(changed).toEqual(['f17']);
      expect([...after.keys()]).toEqual([...before.keys()]);
      expect(after.get('f17')!.startsWith('@f17 = fn(@fn_ty, {')).toBe(true);
      expect(interpret(parse(q.source)).stdout).toBe(q.expectedStdout);
      // Text-only form gives the same text; going back to variant 0 restores the original.
      expect(editFunctionBody(p.source, 17, 3)).toBe(q.source);
      expect(editFunctionBody(q, 17, 0).source).toBe(p.source);
    });
  }

  test('editConstant changes one shared constant; every function using it sees the new value', () => {
    const p = generateProgram({ shape: 'constants', functions: 200, seed: 9 });
    const q = editConstant(p, 4, 12345);
    const before = declTexts(p.source);
    const after = declTexts(q.source);
    expect([...after.keys()].filter((k) => after.get(k) !== before.get(k))).toEqual(['k4']);
    expect(after.get('k4')).toBe('@k4 = int(12345)');
    expect(q.expectedStdout).not.toBe(p.expectedStdout);
    expect(interpret(parse(q.source)).stdout).toBe(q.expectedStdout);
    expect(editConstant(p.source, 4, 12345)).toBe(q.source);
    expect(() => editConstant(p, 4, 2 ** 32)).toThrow(RangeError);
  });
});
