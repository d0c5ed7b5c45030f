import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseFile } from '../../src/zir/parse.js';
import { printDecl, printModule, printModuleBytes } from '../../src/zir/print.js';
import { encodeStringLiteral } from '../../src/zir/string_literal.js';
import { plainModule } from './ast_util.js';
import { casePrograms } from './case_programs.js';
import { randomModule } from './random_module.js';

function parseOk(src: Uint8Array) {
  const r = parseFile(src);
  if (!r.ok) throw new Error(`${r.error.message} at ${r.error.offset}: ${Buffer.from(src).toString('latin1').slice(Math.max(0, r.error.offset - 40), r.error.offset + 20)}`);
  return r.module;
}

describe('printing', () => {
  test('print then parse gives the same tree for every case program, and printing is a fixed point', () => {
    for (const p of casePrograms()) {
      const r = parseFile(p.source);
      if (!r.ok) continue; // the parse_errors programs
      const printed = printModuleBytes(r.module);
      const again = parseOk(printed);
      expect(plainModule(again)).toEqual(plainModule(r.module));
      expect(Buffer.from(printModuleBytes(again)).equals(Buffer.from(printed))).toBe(true);
    }
  });

  test('print then parse gives the same tree for generated modules of every tag and argument kind', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x7fffffff }), (seed) => {
        const m = randomModule(seed);
        const again = parseOk(printModuleBytes(m));
        expect(plainModule(again)).toEqual(plainModule(m));
      }),
      { numRuns: 400 },
    );
  });

  test('canonical layout: one decl per line, two spaces per body level, kwargs in schema order', () => {
    const src = Buffer.from(
      '@t=fntype( [@u32 ,@u8] , @v ,cc=C)\n@f = fn(@t,{%a=block({%b=asm(@s,@u,clobbers=[@x],volatile=1)})\n%c=cmp(%a,eq,%a)})\n@e=export(@n,@f)',
    );
    expect(printModule(parseOk(src))).toBe(
      '@t = fntype([@u32, @u8], @v, cc=C)\n' +
      '@f = fn(@t, {\n' +
      '  %a = block({\n' +
      '    %b = asm(@s, @u, volatile=1, clobbers=[@x])\n' +
      '  })\n' +
      '  %c = cmp_eq(%a, %a)\n' +
      '})\n' +
      '@e = export(@n, "f")\n',
    );
  });

  test('empty bodies and lists print as {} and []', () => {
    const m = parseOk(Buffer.from('@f = fn(@t, {\n})\n@g = fntype([ ], @v)'));
    expect(printModule(m)).toBe('@f = fn(@t, {})\n@g = fntype([], @v)\n');
  });

  test('strings print with Zig escapes and \\xHH for other non-printable bytes', () => {
    expect(encodeStringLiteral(Uint8Array.from([0x41, 10, 13, 9, 0x22, 0x5c, 0, 0x7f, 0xc3, 0xa9, 0x27]))).toBe(
      '"A\\n\\r\\t\\"\\\\\\x00\\x7f\\xc3\\xa9\'"',
    );
  });

  test('names with UTF-8 bytes print as UTF-8 text; printModuleBytes is byte-exact', () => {
    const src = Buffer.from('@caf\u00e9 = int(1)\n', 'utf8');
    const m = parseOk(src);
    expect(printModule(m)).toBe('@caf\u00e9 = int(1)\n');
    expect(Buffer.from(printModuleBytes(m)).equals(src)).toBe(true);
    expect(printDecl(m.decls[0]!)).toBe('@caf\u00e9 = int(1)');
  });

  test('switchbr prongs print in braces and parse back', () => {
    const src = Buffer.from('@f = fn(@t, {\n  %x = int(1)\n  %s = switchbr(%x, [%x], { %x => {\n    %u = unreachable()\n  } }, {})\n})\n');
    const m = parseOk(src);
    expect(printModule(m)).toBe(src.toString());
  });

  test('parsed instructions without keyword arguments share a map that refuses writes', () => {
    const m = parseOk(Buffer.from('@a = int(1)'));
    expect(() => m.decls[0]!.inst.kwargs.set('x', { kind: 'bool', value: true, offset: 0 })).toThrow(TypeError);
  });
});
