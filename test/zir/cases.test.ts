import { describe, expect, test } from 'vitest';
import { formatDiagnosticLine, renderDiagnostic } from '../../src/zir/diagnostic.js';
import { parseFile } from '../../src/zir/parse.js';
import { casePrograms } from './case_programs.js';

const programs = casePrograms();

/** The parse errors of spec §10: an expected error matching one of these is the parser's. */
const PARSE_ERROR = [
  /^unexpected byte: '.+'$/, /^unexpected EOF$/, /^expected '.+'$/, /^unknown instruction '.+'$/,
  /^expected positional parameter '.+'$/, /^unrecognized keyword parameter: '.+'$/,
  /^redefinition of identifier '.+'$/, /^unrecognized identifier: %.+$/,
  /^referencing a % instruction in global scope$/, /^invalid digit in integer literal$/,
  /^invalid string literal$/, /^expected '0' or '1' for boolean value, found .$/,
  /^tag '.+' not a member of enum '.+'$/,
];

function isParseError(expected: string): boolean {
  const message = expected.replace(/^[^:]*:\d+:\d+: error: /, '');
  return PARSE_ERROR.some((re) => re.test(message));
}

describe('acceptance case programs', () => {
  test('the case files hold programs, three of them with parse errors', () => {
    expect(programs.length).toBeGreaterThanOrEqual(20);
    expect(programs.filter((p) => p.expectErrors.some(isParseError)).length).toBeGreaterThanOrEqual(3);
  });

  for (const p of programs) {
    const parseErrors = p.expectErrors.filter(isParseError);
    if (parseErrors.length > 0) {
      test(`${p.caseName} / ${p.update}: gives exactly the expected parse error`, () => {
        const r = parseFile(p.source);
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect([formatDiagnosticLine(p.fileName, p.source, r.error.offset, r.error.message)]).toEqual(parseErrors);
      });
    } else {
      test(`${p.caseName} / ${p.update}: parses`, () => {
        const r = parseFile(p.source);
        if (!r.ok) throw new Error(`${r.error.message} at ${r.error.offset}`);
        expect(r.module.decls.length).toBeGreaterThan(0);
        // Decl spans are exact: the text from start to end is the decl, ending in `)`.
        for (const d of r.module.decls) {
          expect(p.source[d.start]).toBe(0x40);
          expect(p.source[d.end - 1]).toBe(0x29);
          expect(p.source.subarray(d.start + 1, d.start + 1 + d.name.length).toString('latin1')).toBe(d.name);
        }
      });
    }
  }

  test('analysis error positions in the cases point at instructions the parser located', () => {
    // `main.zir:17:13` in analysis_errors.case is just after `call(`: inst.offset must land there.
    const p = programs.find((q) => q.update === 'wrong number of arguments')!;
    const r = parseFile(p.source);
    if (!r.ok) throw new Error(r.error.message);
    const entry = r.module.decls.find((d) => d.name === 'entry')!;
    const body = entry.inst.args[1]!;
    if (body.kind !== 'body') throw new Error('fn without body');
    const call = body.locals[0]!.inst;
    expect(call.tag).toBe('call');
    expect(formatDiagnosticLine('main.zir', p.source, entry.start + call.offset, 'x')).toBe('main.zir:17:13: error: x');
  });

  test('renders the unknown-instruction error with its source line and caret', () => {
    const p = programs.find((q) => q.update === 'an unknown instruction')!;
    const r = parseFile(p.source);
    if (r.ok) throw new Error('expected an error');
    expect(renderDiagnostic('main.zir', p.source, r.error.offset, r.error.message)).toBe(
      "main.zir:11:9: error: unknown instruction 'primitve'\n@typo = primitve(u8)\n        ^",
    );
  });
});
