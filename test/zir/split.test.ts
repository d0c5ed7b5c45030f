import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { generateProgram } from '../../src/bench/generate.js';
import { parseDeclAt, parseFile } from '../../src/zir/parse.js';
import { printModuleBytes } from '../../src/zir/print.js';
import { splitDecls, type SplitResult } from '../../src/zir/split.js';
import { NameTable } from '../../src/zir/intern.js';
import { casePrograms } from './case_programs.js';
import { randomModule } from './random_module.js';

/** Spans of the full parser, for comparison. */
function parserSpans(src: Uint8Array) {
  const r = parseFile(src);
  if (!r.ok) throw new Error(`${r.error.message} at ${r.error.offset}`);
  return r.module.decls.map((d) => ({ name: d.name, start: d.start, end: d.end }));
}

/** A split's spans without their name ids, which `spansIn` checks against the table. */
function spansOf(split: SplitResult) {
  return split.spans.map(({ name, start, end }) => ({ name, start, end }));
}

/** Splits with a name table, checking that each span's id is its name's there. */
function spansIn(src: Uint8Array): SplitResult {
  const names = new NameTable();
  names.idOf('an_earlier_name');
  const split = splitDecls(src, names);
  for (const s of split.spans) expect(names.names[s.nameId]).toBe(s.name);
  return split;
}

function expectAgreement(src: Uint8Array): void {
  const split = spansIn(src);
  expect(split.suspect).toBe(false);
  expect(spansOf(split)).toEqual(parserSpans(src));
}

/** Comments and blank lines full of bytes that look like structure. */
const NOISE = ['; @x = int(1) { ( [ "', '; ) ] } = @@', ';', ';"unterminated', '; \\ %a = ;;'];

/** Insert comments at line ends and blank lines between lines, chosen by `seed`. */
function addNoise(text: string, seed: number): string {
  let s = seed >>> 0 || 1;
  const rnd = (n: number) => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s % n;
  };
  return text
    .split('\n')
    .map((line) => {
      let out = line;
      if (rnd(3) === 0) out += ' ' + NOISE[rnd(NOISE.length)];
      if (rnd(4) === 0) out += '\n' + '\t \r'.slice(0, rnd(3)) + NOISE[rnd(NOISE.length)];
      return out;
    })
    .join('\n');
}

describe('decl splitter', () => {
  test('agrees with the parser on every valid case program', () => {
    let n = 0;
    for (const p of casePrograms()) {
      if (!parseFile(p.source).ok) continue;
      expectAgreement(p.source);
      n++;
    }
    expect(n).toBeGreaterThan(15);
  });

  test('agrees with the parser on generated programs of every shape', () => {
    for (const shape of ['chain', 'loops', 'constants'] as const) {
      expectAgreement(Buffer.from(generateProgram({ shape, functions: 300, seed: 5 }).source));
    }
  });

  test('agrees with the parser on generated files whose strings and comments hold @ = { } ( ) [ ] ;', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x7fffffff }), fc.integer({ min: 1, max: 0x7fffffff }), (seed, noise) => {
        const text = Buffer.from(printModuleBytes(randomModule(seed))).toString('latin1');
        expectAgreement(Buffer.from(addNoise(text, noise), 'latin1'));
      }),
      { numRuns: 300 },
    );
  });

  test('decls may sit on one line with nothing between them', () => {
    expectAgreement(Buffer.from('@a = int(1)@b = str(")(")@c=as(@a,@b);x'));
  });

  test('flags junk between decls, duplicates, unbalanced brackets, broken strings, EOF in a decl', () => {
    for (const bad of [
      '@a = int(1)\nx',
      '@a = int(1)\n@a = int(2)',
      '@a = fn(@t, {)\n',
      '@a = fn(@t, { %x = int(1) ]})',
      '@a = str("ab\ncd")',
      '@a = str("ab',
      '@a = int(1',
      '@ = int(1)',
      '@a int(1)',
      '@a = (1)',
      '@a = int 1',
    ]) {
      const r = splitDecls(Buffer.from(bad));
      expect({ bad, suspect: r.suspect }).toEqual({ bad, suspect: true });
      expect(parseFile(Buffer.from(bad)).ok).toBe(false);
    }
  });

  test('flags a repeated name among many, in a name table that held names before', () => {
    const decls = Array.from({ length: 600 }, (_, i) => `@n${i} = int(${i})`);
    const names = new NameTable();
    for (let i = 0; i < 300; i++) names.idOf(`old${i}`);
    expect(splitDecls(Buffer.from(decls.join('\n')), names).suspect).toBe(false);
    expect(splitDecls(Buffer.from([...decls, '@n550 = int(0)'].join('\n')), names).suspect).toBe(true);
  });

  test('on any input: an unsuspected split whose decls all parse means the whole file parses the same', () => {
    const base = Buffer.from(generateProgram({ shape: 'loops', functions: 3, seed: 2 }).source);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.constantFrom(...'@%={}()[];"\\ \nxa1'.split('').map((c) => c.charCodeAt(0)))), { minLength: 1, maxLength: 3 }),
        (edits) => {
          const src = Buffer.from(base);
          for (const [at, byte] of edits) src[at] = byte;
          const split = spansIn(src);
          const whole = parseFile(src);
          if (whole.ok) {
            expect(split.suspect).toBe(false);
            expect(spansOf(split)).toEqual(whole.module.decls.map((d) => ({ name: d.name, start: d.start, end: d.end })));
            return;
          }
          if (split.suspect) return;
          // Not flagged: then some decl must fail on its own, so the error is not missed.
          const anyFails = split.spans.some((s, i) => {
            const end = i + 1 < split.spans.length ? split.spans[i + 1]!.start : src.length;
            return !parseDeclAt(src, s.start, end).ok;
          });
          expect(anyFails).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
