// The checking parse (`declParser(src, { trees: false })`, what a compilation's plan runs
// over every changed decl) must accept and reject exactly what the tree parse does, with
// the same error, and tell exports apart: analysis trusts that a decl it parses again parses.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { generateProgram } from '../../src/bench/generate.js';
import { declParser } from '../../src/zir/parse.js';
import { printModuleBytes } from '../../src/zir/print.js';
import { splitDecls } from '../../src/zir/split.js';
import { casePrograms } from './case_programs.js';
import { randomModule } from './random_module.js';

/** Every span the splitter finds, parsed both ways; returns how many failed to parse. */
function expectSameVerdicts(src: Uint8Array): number {
  const trees = declParser(src);
  const check = declParser(src, { trees: false });
  let failures = 0;
  for (const span of splitDecls(src).spans) {
    const a = trees(span.start, span.end);
    const b = check(span.start, span.end);
    expect(b.ok, `decl at ${span.start}`).toBe(a.ok);
    if (a.ok && b.ok) {
      expect([b.decl.name, b.decl.start, b.decl.end, b.decl.inst.tag]).toEqual([a.decl.name, a.decl.start, a.decl.end, a.decl.inst.tag]);
    } else if (!a.ok && !b.ok) {
      expect(b.error).toEqual(a.error);
      failures++;
    }
  }
  return failures;
}

/** `text` with a few bytes deleted, replaced or inserted at positions drawn from `seed`. */
function mutate(text: Uint8Array, seed: number): Uint8Array {
  const bytes = Array.from(text);
  let s = seed;
  const next = (n: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % n;
  };
  const alphabet = Buffer.from('@%=(){}[],;"\\ \n0x-_az9=>');
  for (let k = 0, edits = 1 + next(3); k < edits && bytes.length > 0; k++) {
    const at = next(bytes.length);
    const op = next(3);
    if (op === 0) bytes.splice(at, 1);
    else if (op === 1) bytes[at] = alphabet[next(alphabet.length)]!;
    else bytes.splice(at, 0, alphabet[next(alphabet.length)]!);
  }
  return Uint8Array.from(bytes);
}

describe('the checking parse agrees with the tree parse', () => {
  test('on every program of the acceptance cases, and on each with bytes broken', () => {
    let failures = 0;
    for (const [i, p] of casePrograms().entries()) {
      failures += expectSameVerdicts(p.source);
      for (let seed = 1; seed <= 20; seed++) failures += expectSameVerdicts(mutate(p.source, seed * 7919 + i));
    }
    // The broken copies must reach the errors, or this test says nothing about them.
    expect(failures).toBeGreaterThan(100);
  });

  test('on generated programs of every shape', () => {
    for (const shape of ['chain', 'loops', 'constants'] as const) {
      expect(expectSameVerdicts(Buffer.from(generateProgram({ shape, functions: 200, seed: 3 }).source))).toBe(0);
    }
  });

  test('on random modules, whole and broken', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x7fffffff }), fc.integer({ min: 1, max: 0x7fffffff }), (seed, noise) => {
        const text = printModuleBytes(randomModule(seed));
        expect(expectSameVerdicts(text)).toBe(0);
        expectSameVerdicts(mutate(text, noise));
      }),
      { numRuns: 300 },
    );
  });

  test('a parser keeps its verdicts after a failed decl (its frames and scopes are reset)', () => {
    const src = Buffer.from('@a = fn(@t, { %x = arg("x")\n %y = add(%x, \n})\n@b = fn(@t, { %x = arg("x")\n %r = return(%x) })\n');
    const check = declParser(src, { trees: false });
    const first = check(0, src.indexOf('@b'));
    expect(first.ok).toBe(false);
    const second = check(src.indexOf('@b'), src.length);
    expect(second.ok).toBe(true);
  });
});
