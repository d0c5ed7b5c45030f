import { describe, expect, test } from 'vitest';
import { lineCol } from '../../src/zir/diagnostic.js';
import { NameTable } from '../../src/zir/intern.js';
import { declParser, parseDeclAt, parseFile } from '../../src/zir/parse.js';

/** `line:col: message` of the first parse error, or 'ok'. */
function firstError(text: string | Uint8Array): string {
  const src = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const r = parseFile(src);
  if (r.ok) return 'ok';
  const { line, col } = lineCol(src, r.error.offset);
  return `${line}:${col}: ${r.error.message}`;
}

const FN_HEAD = '@t = fntype([], @v)\n@f = fn(@t, {\n';

describe('each parse error of spec §10, at the position it names', () => {
  test('unexpected byte at top level points at the byte', () => {
    expect(firstError('@a = int(1)\n  x')).toBe("2:3: unexpected byte: 'x'");
  });
  test('unexpected byte shows non-printable bytes as \\xHH', () => {
    expect(firstError(Buffer.from([0x40, 0x61, 0x20, 0x3d, 0x20, 0x69, 0x6e, 0x74, 0x28, 0x01, 0x29])))
      .toBe("1:10: unexpected byte: '\\x01'");
  });
  test('unexpected EOF points at the end of the file', () => {
    expect(firstError('@a = int(1')).toBe('1:11: unexpected EOF');
    expect(firstError(FN_HEAD + '  %x = int(1)\n')).toBe('4:1: unexpected EOF');
    expect(firstError('@a')).toBe('1:3: unexpected EOF');
  });
  test("expected '=' points at the byte found instead", () => {
    expect(firstError('@a int(1)')).toBe("1:4: expected '='");
    expect(firstError(FN_HEAD + '  %x int(1)\n})')).toBe("3:6: expected '='");
  });
  test("expected ')' points at the extra byte", () => {
    expect(firstError('@a = int(1 2)')).toBe("1:12: expected ')'");
  });
  test('unknown instruction points at the first byte of the tag', () => {
    expect(firstError('@a = int(1)\n@b =   frobnicate(@a)')).toBe("2:8: unknown instruction 'frobnicate'");
  });
  test('expected positional parameter names the missing parameter, at the )', () => {
    expect(firstError('@a = as(@u8)')).toBe("1:12: expected positional parameter 'rhs'");
    expect(firstError('@a = int( )')).toBe("1:11: expected positional parameter 'int'");
    expect(firstError('@a = fn(@t)')).toBe("1:11: expected positional parameter 'body'");
    expect(firstError('@a = export(@s)')).toBe("1:15: expected positional parameter 'decl_name'");
  });
  test('unrecognized keyword parameter points at the keyword', () => {
    expect(firstError('@a = fntype([], @v, conv=C)')).toBe("1:21: unrecognized keyword parameter: 'conv'");
    expect(firstError('@a = primitive(u8, u16)')).toBe("1:20: unrecognized keyword parameter: 'u16'");
  });
  test('redefinition of a local points at the second %', () => {
    expect(firstError(FN_HEAD + '  %a = int(1)\n  %a = int(2)\n})')).toBe("4:3: redefinition of identifier 'a'");
  });
  test('redefinition of a decl points at the second @', () => {
    expect(firstError('@a = int(1)\n; c\n @a = int(2)')).toBe("3:2: redefinition of identifier 'a'");
  });
  test('redefinition across nested bodies of one function', () => {
    const src = FN_HEAD + '  %b = block({\n    %a = int(1)\n  })\n  %a = int(2)\n})';
    expect(firstError(src)).toBe("6:3: redefinition of identifier 'a'");
  });
  test('unrecognized identifier points at the %', () => {
    expect(firstError(FN_HEAD + '  %a = deref(%nope)\n})')).toBe('3:14: unrecognized identifier: %nope');
  });
  test('a local is not visible inside its own instruction', () => {
    expect(firstError(FN_HEAD + '  %a = block({\n    %b = deref(%a)\n  })\n})')).toBe('4:16: unrecognized identifier: %a');
  });
  test('locals of another function are not visible', () => {
    const src = FN_HEAD + '  %a = int(1)\n})\n@g = fn(@t, {\n  %b = deref(%a)\n})';
    expect(firstError(src)).toBe('6:14: unrecognized identifier: %a');
  });
  test('% outside any body is referencing in global scope', () => {
    expect(firstError('@a = as(@u8, %x)')).toBe('1:14: referencing a % instruction in global scope');
    expect(firstError('@a = fn(%t, {})')).toBe('1:9: referencing a % instruction in global scope');
  });
  test('invalid digit in integer literal points at the digit', () => {
    expect(firstError('@a = int(12a)')).toBe('1:12: invalid digit in integer literal');
    expect(firstError('@a = int(0b102)')).toBe('1:14: invalid digit in integer literal');
    expect(firstError('@a = int(1__0)')).toBe('1:12: invalid digit in integer literal');
    expect(firstError('@a = int(_1)')).toBe('1:10: invalid digit in integer literal');
    expect(firstError('@a = int(0x)')).toBe('1:12: invalid digit in integer literal');
    expect(firstError('@a = int(0x_)')).toBe('1:12: invalid digit in integer literal');
    expect(firstError('@a = int(1_)')).toBe('1:11: invalid digit in integer literal');
  });
  test('invalid string literal points at the bad escape or the raw newline', () => {
    expect(firstError('@a = str("ab\\q")')).toBe('1:14: invalid string literal');
    expect(firstError('@a = str("ab\ncd")')).toBe('1:13: invalid string literal');
    expect(firstError('@a = str("\\xg0")')).toBe('1:13: invalid string literal');
    expect(firstError('@a = str("\\u{110000}")')).toBe('1:19: invalid string literal');
    expect(firstError('@a = str("\\u{}")')).toBe('1:14: invalid string literal');
  });
  test('expected 0 or 1 for a boolean names the byte found', () => {
    expect(firstError('@a = asm(@s, @t, volatile=2)')).toBe("1:27: expected '0' or '1' for boolean value, found 2");
  });
  test('tag not a member of enum names the Zig enum type', () => {
    expect(firstError('@a = primitive(u7)')).toBe("1:16: tag 'u7' not a member of enum 'zir.Inst.Primitive.Builtin'");
    expect(firstError('@a = fntype([], @v, cc=Fast)'))
      .toBe("1:24: tag 'Fast' not a member of enum 'std.builtin.CallingConvention'");
    expect(firstError('@a = call(@f, [], modifier=sometimes)'))
      .toBe("1:28: tag 'sometimes' not a member of enum 'std.builtin.CallOptions.Modifier'");
  });
  test('cc is case-sensitive', () => {
    expect(firstError('@a = fntype([], @v, cc=c)')).toBe("1:24: tag 'c' not a member of enum 'std.builtin.CallingConvention'");
  });
  test('const and declval_in_module have no text form', () => {
    expect(firstError('@a = const(@x)')).toBe("1:6: 'const' is a special instruction; not legal in ZIR text");
    expect(firstError('@a = declval_in_module(@x)'))
      .toBe("1:6: 'declval_in_module' is a special instruction; not legal in ZIR text");
  });
  test('only the first error of a file is reported', () => {
    expect(firstError('@a = nope(1)\n@b = alsonope(2)')).toBe("1:6: unknown instruction 'nope'");
  });
});

describe('syntax details', () => {
  test('whitespace and comments may appear between any tokens', () => {
    const src = '@a\t;c\n=\r\n;c\n int ;c\n ( ;c\n 5 ;c\n ) ;c\n@b=as(@u8,@a);end';
    expect(firstError(src)).toBe('ok');
  });
  test('names may hold any byte but the delimiters', () => {
    const r = parseFile(Buffer.from('@9__anon_0 = int(1)\n@unnamed$4 = as(@a.b@c, @9__anon_0)\n@ü = int(2)', 'utf8'));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.module.decls.map((d) => d.name)).toEqual(['9__anon_0', 'unnamed$4', Buffer.from('ü', 'utf8').toString('latin1')]);
    expect(r.module.decls[1]!.inst.args[0]).toMatchObject({ kind: 'ref', scope: 'decl', name: 'a.b@c' });
  });
  test('integers: bases, separators, sign, arbitrary size', () => {
    const r = parseFile(Buffer.from('@a = int(-0x_ff)\n' +
      '@b = int(1_000_000)\n@c = int(0o17)\n@d = int(0b1010)\n@e = int(-123456789012345678901234567890)\n@f = int(007)'));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.module.decls.map((d) => (d.inst.args[0] as { value: bigint }).value)).toEqual([
      -255n, 1000000n, 15n, 10n, -123456789012345678901234567890n, 7n,
    ]);
  });
  test('strings decode every Zig escape, \\u{} as UTF-8', () => {
    const r = parseFile(Buffer.from('@s = str("a\\n\\r\\t\\\\\\\'\\"\\x00\\xFf\\u{e9}\\u{1F600}")'));
    if (!r.ok) throw new Error(r.error.message);
    const bytes = (r.module.decls[0]!.inst.args[0] as { bytes: Uint8Array }).bytes;
    expect(Array.from(bytes)).toEqual([0x61, 10, 13, 9, 0x5c, 0x27, 0x22, 0, 0xff, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]);
  });
  test('instruction offsets: just after ( and at the tag, relative to the decl', () => {
    const src = Buffer.from('; x\n@f = fn(@t, {\n  %a = int(1)\n})');
    const r = parseFile(src);
    if (!r.ok) throw new Error(r.error.message);
    const d = r.module.decls[0]!;
    expect(d.start).toBe(4);
    expect(d.end).toBe(src.length);
    expect(d.inst.tagOffset).toBe(5);
    expect(d.inst.offset).toBe(8);
    const body = d.inst.args[1]!;
    if (body.kind !== 'body') throw new Error('no body');
    expect(body.offset).toBe(12);
    const local = body.locals[0]!;
    expect(local.offset).toBe(16);
    expect(local.inst.tagOffset).toBe(21);
    expect(local.inst.offset).toBe(25);
    expect(local.inst.args[0]).toMatchObject({ kind: 'int', value: 1n, offset: 25 });
  });
  test('forward and unknown @ references parse; analysis checks them', () => {
    expect(firstError('@a = as(@later, @nowhere)\n@later = int(1)')).toBe('ok');
  });
  test('a local defined in a nested body stays visible after the body ends', () => {
    const src = FN_HEAD + '  %b = block({\n    %inner = int(1)\n  })\n  %c = deref(%inner)\n})';
    expect(firstError(src)).toBe('ok');
  });
  test('every Appendix A form parses: switchbr prongs, ptr_type kwargs, string lists, usize', () => {
    const src = FN_HEAD +
      '  %x = int(1)\n' +
      '  %s = switchbr(%x, [%x], { %x => { %u = unreachable() }, %x => {} }, { %e = unreachable() }, range=%x, special_prong=else)\n' +
      '  %p = ptr_type(%x, allowzero=1, size=Many, mutable=0, sentinel=%x)\n' +
      '  %es = error_set(["A", "B"])\n' +
      '  %q = param_type(%x, 18446744073709551615)\n' +
      '  %l = compilelog([%x, %x], seen=1)\n' +
      '  %st = struct_type([], layout=Packed)\n' +
      '})';
    expect(firstError(src)).toBe('ok');
    expect(firstError('@q = param_type(@f, 18446744073709551616)')).toBe('1:21: integer literal: TargetTooSmall');
  });
});

describe('2020 spellings (spec §11)', () => {
  function onlyInst(text: string) {
    const r = parseFile(Buffer.from(text));
    if (!r.ok) throw new Error(r.error.message);
    return r.module.decls[r.module.decls.length - 1]!.inst;
  }
  test('return() is returnvoid()', () => {
    const r = parseFile(Buffer.from(FN_HEAD + '  %r = return( )\n})'));
    if (!r.ok) throw new Error(r.error.message);
    const body = r.module.decls[1]!.inst.args[1] as { locals: { inst: { tag: string; args: unknown[] } }[] };
    expect(body.locals[0]!.inst.tag).toBe('returnvoid');
    expect(body.locals[0]!.inst.args).toEqual([]);
  });
  test('cmp(a, op, b) is cmp_op(a, b)', () => {
    for (const op of ['lt', 'lte', 'eq', 'gte', 'gt', 'neq']) {
      const inst = onlyInst(`@c = cmp(@a, ${op}, @b)`);
      expect(inst.tag).toBe(`cmp_${op}`);
      expect(inst.args.map((a) => (a as { name: string }).name)).toEqual(['a', 'b']);
    }
    expect(firstError('@c = cmp(@a, same, @b)')).toBe("1:14: tag 'same' not a member of enum 'std.math.CompareOperator'");
  });
  test('export(@sym, @decl) names the decl with a string', () => {
    const inst = onlyInst('@e = export(@s, @entry)');
    expect(inst.args[1]).toMatchObject({ kind: 'string', offset: 16 });
    expect(Buffer.from((inst.args[1] as { bytes: Uint8Array }).bytes).toString()).toBe('entry');
  });
  test('compileerror takes a string literal or a reference', () => {
    expect(onlyInst('@e = compileerror("no")').args[0]).toMatchObject({ kind: 'string' });
    expect(onlyInst('@e = compileerror(@msg)').args[0]).toMatchObject({ kind: 'ref', name: 'msg' });
  });
});

describe('parseDeclAt', () => {
  const src = Buffer.from('@a = int(1) ; one\n@b = as(@u8, @a)\n\n@c = int(2x)\n');
  test('parses one decl with the same tree and span as parseFile (names from one table)', () => {
    const names = new NameTable();
    const whole = parseFile(src.subarray(0, 35), names);
    if (!whole.ok) throw new Error(whole.error.message);
    const b = whole.module.decls[1]!;
    const r = declParser(src, names)(b.start, 36);
    expect(r).toEqual({ ok: true, decl: b });
  });
  test("a reference carries its name's id in the parse's table, the same in every parse sharing it", () => {
    const names = new NameTable();
    const first = declParser(src, names)(18, 36);
    const again = declParser(Buffer.from('@z = as(@a, @u8)\n'), names)(0, 17);
    if (!first.ok || !again.ok) throw new Error('did not parse');
    const [u8, a] = first.decl.inst.args as Array<{ name: string; id: number }>;
    const [a2, u82] = again.decl.inst.args as Array<{ name: string; id: number }>;
    expect(names.names[a!.id]).toBe('a');
    expect(names.names[u8!.id]).toBe('u8');
    expect([a2!.id, u82!.id]).toEqual([a!.id, u8!.id]);
    expect(names.idOf('a')).toBe(a!.id);
    expect(names.names[names.idOf('never_parsed')]).toBe('never_parsed');
  });
  test("parsers sharing a table, made one after another or alternating, never take one decl's locals for another's", () => {
    const names = new NameTable();
    for (let i = 0; i < 5000; i++) names.idOf(`d${i}`); // locals with high ids, as after a split
    const defines = Buffer.from('@f = fn(@t, {\n  %x = arg("x")\n  %r = return(%x)\n})\n');
    const uses = Buffer.from('@g = fn(@t, {\n  %r = return(%x)\n})\n');
    const p1 = declParser(defines, names);
    expect(p1(0, defines.length).ok).toBe(true);
    const p2 = declParser(uses, names);
    expect(p2(0, uses.length)).toEqual({ ok: false, error: { offset: 28, message: 'unrecognized identifier: %x' } });
    expect(p1(0, defines.length).ok).toBe(true);
    expect(p2(0, uses.length).ok).toBe(false);
    expect(declParser(uses, new NameTable())(0, uses.length).ok).toBe(false);
  });
  test('allows trailing comments and whitespace up to end, nothing else', () => {
    expect(parseDeclAt(src, 0, 18).ok).toBe(true);
    const r = parseDeclAt(src, 0, 20);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual({ offset: 18, message: "unexpected byte: '@'" });
  });
  test('reports errors at absolute offsets and does not read past end', () => {
    const r = parseDeclAt(src, 36, src.length);
    expect(r).toEqual({ ok: false, error: { offset: 46, message: 'invalid digit in integer literal' } });
    const cut = parseDeclAt(src, 36, 44);
    expect(cut).toEqual({ ok: false, error: { offset: 44, message: 'unexpected EOF' } });
  });
});
