import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { generateProgram } from '../../src/bench/generate.js';
import type { Inst } from '../../src/zir/ast.js';
import { parseFile } from '../../src/zir/parse.js';
import { splitDecls } from '../../src/zir/split.js';
import { casePrograms } from './case_programs.js';

function expectErrorOrResult(src: Uint8Array): void {
  const r = parseFile(src);
  if (!r.ok) {
    expect(r.error.offset).toBeGreaterThanOrEqual(0);
    expect(r.error.offset).toBeLessThanOrEqual(src.length);
    expect(r.error.message.length).toBeGreaterThan(0);
  }
  const s = splitDecls(src);
  if (r.ok) expect(s.suspect).toBe(false);
}

/** Depth of nested bodies, measured without recursion. */
function bodyDepth(inst: Inst): number {
  let max = 0;
  const stack: [Inst, number][] = [[inst, 0]];
  while (stack.length > 0) {
    const [i, d] = stack.pop()!;
    max = Math.max(max, d);
    for (const a of i.args) if (a.kind === 'body') for (const l of a.locals) stack.push([l.inst, d + 1]);
  }
  return max;
}

describe('no input crashes the parser or the splitter', () => {
  test('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => expectErrorOrResult(bytes)), { numRuns: 3000 });
  });

  test('random text made of ZIR tokens', () => {
    const token = fc.constantFrom('@a', '%b', ' = ', 'int', 'fn', 'block', 'as', '(', ')', '{', '}', '[', ']', ',', '"s"', '"\\', '1', '0x', '-', ';c\n', '\n', 'cc=C', '=>');
    fc.assert(fc.property(fc.array(token, { maxLength: 60 }), (ts) => expectErrorOrResult(Buffer.from(ts.join('')))), { numRuns: 3000 });
  });

  test('every truncation prefix of a case program', () => {
    const p = casePrograms().find((q) => q.caseName === 'print_numbers.case')!;
    let errors = 0;
    for (let n = 0; n <= p.source.length; n++) {
      const prefix = p.source.subarray(0, n);
      expectErrorOrResult(prefix);
      if (!parseFile(prefix).ok) errors++;
    }
    expect(errors).toBeGreaterThan(p.source.length / 2);
  });

  test('unterminated strings, bodies and lists end in unexpected EOF', () => {
    for (const src of ['@a = str("abc', '@a = str("abc\\', '@a = str("\\x4', '@a = str("\\u{41', '@f = fn(@t, {', '@t = fntype([@a, ']) {
      const r = parseFile(Buffer.from(src));
      expect(r).toEqual({ ok: false, error: { offset: src.length, message: 'unexpected EOF' } });
    }
  });

  test('1,000,000 nested unclosed bodies: an error, no stack overflow', () => {
    const open = '%b = block({\n';
    const src = Buffer.from('@t = fntype([], @v)\n@f = fn(@t, {\n' + open.repeat(1_000_000));
    const r = parseFile(src);
    expect(r).toEqual({ ok: false, error: { offset: src.length, message: 'unexpected EOF' } });
    expect(splitDecls(src).suspect).toBe(true);
  });

  test('1,000,000 nested lists: an error at the second [', () => {
    const src = Buffer.from('@t = fntype(' + '['.repeat(1_000_000));
    expect(parseFile(src)).toEqual({ ok: false, error: { offset: 13, message: "unexpected byte: '['" } });
    expect(splitDecls(src).suspect).toBe(true);
  });

  test('200,000 nested closed bodies parse, as deep as written', () => {
    const depth = 200_000;
    const parts = ['@f = fn(@t, {\n'];
    for (let i = 0; i < depth; i++) parts.push(`%b${i} = block({\n`);
    parts.push('}'.repeat(1));
    for (let i = 0; i < depth; i++) parts.push(')\n}');
    parts.push(')\n');
    const src = Buffer.from(parts.join(''));
    const r = parseFile(src);
    if (!r.ok) throw new Error(`${r.error.message} at ${r.error.offset}`);
    expect(bodyDepth(r.module.decls[0]!.inst)).toBe(depth);
    const s = splitDecls(src);
    expect(s).toEqual({ suspect: false, spans: [{ name: 'f', nameId: 0, start: 0, end: src.length - 1 }] });
  });

  test('a large generated file (tens of MB) parses and splits the same', () => {
    const src = Buffer.from(generateProgram({ shape: 'loops', functions: 15_000, seed: 3 }).source);
    expect(src.length).toBeGreaterThan(20_000_000);
    const r = parseFile(src);
    if (!r.ok) throw new Error(r.error.message);
    const s = splitDecls(src);
    expect(s.suspect).toBe(false);
    expect(s.spans.length).toBe(r.module.decls.length);
    for (let i = 0; i < s.spans.length; i += 997) {
      const d = r.module.decls[i]!;
      expect(s.spans[i]).toMatchObject({ name: d.name, start: d.start, end: d.end });
    }
  }, 60_000);
});
