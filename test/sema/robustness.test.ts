import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCaseFile } from '../../src/compile/case_file.js';
import { analyzeProgram, emitProgram, normalizedProgram, WASM, X86 } from './harness.js';

const sources = ['print_numbers.case', 'hello_asm.case', 'safety.case', 'analysis_errors.case'].flatMap((f) =>
  parseCaseFile(readFileSync(new URL(`../cases/${f}`, import.meta.url), 'utf8')).updates.map((u) => u.source),
);

/** Replaces the `n`th operand reference (`@x` or `%x` after `(`, `,` or `[`) by another of the same sigil. */
function mutate(source: string, n: number, m: number): string {
  const re = /([(,[]\s*)([@%])([A-Za-z0-9_$]+)/g;
  const hits = [...source.matchAll(re)];
  if (hits.length === 0) return source;
  const hit = hits[n % hits.length]!;
  const same = hits.filter((h) => h[2] === hit[2]);
  const other = same[m % same.length]!;
  const at = hit.index! + hit[1]!.length;
  return source.slice(0, at) + other[2] + other[3] + source.slice(at + 1 + hit[3]!.length);
}

describe('analysis of mutated programs', () => {
  it('never throws, reports errors inside the file, and round-trips whatever it accepts', () => {
    fc.assert(
      fc.property(
        fc.nat(sources.length - 1),
        fc.array(fc.tuple(fc.nat(500), fc.nat(500)), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (which, edits, wasm) => {
          let src = sources[which]!;
          for (const [n, m] of edits) src = mutate(src, n, m);
          const opts = wasm ? WASM : X86;
          const p = analyzeProgram(src, opts);
          for (const e of p.errors) {
            expect(e.offset).toBeGreaterThanOrEqual(0);
            expect(e.offset).toBeLessThanOrEqual(src.length);
            expect(e.message).not.toMatch(/internal error/);
          }
          if (p.errors.length === 0) {
            const again = analyzeProgram(emitProgram(p, opts), opts);
            expect(again.errors.map((e) => e.line)).toEqual([]);
            expect(normalizedProgram(again)).toEqual(normalizedProgram(p));
          }
        },
      ),
      { numRuns: 400, seed: 20201116 },
    );
  });

  it('deeply nested blocks give a result, not a crash', () => {
    const depth = 20000;
    let body = '%x = unreachable()';
    for (let i = 0; i < depth; i++) body = `%b${i} = block({\n${body}\n})`;
    const src = `@noreturn = primitive(noreturn)\n@t = fntype([], @noreturn, cc=C)\n@s = str("_start")\n@e = export(@s, "f")\n@f = fn(@t, {\n${body}\n})\n`;
    const p = analyzeProgram(src, X86);
    expect(p.errors.length === 0 || p.errors[0]!.message === 'nesting too deep to analyze').toBe(true);
  });
});
