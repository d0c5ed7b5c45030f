import { describe, expect, it } from 'vitest';
import { typeName } from '../../src/sema/types.js';
import { analyzeProgram, WASM, X86 } from './harness.js';
import { probeProgram } from './programs.js';

function probe(inst: string, extra = '', opts = X86) {
  const p = analyzeProgram(probeProgram(inst, extra), opts);
  const a = p.values.get('probe');
  return { p, tv: a?.typedValue ?? null, errors: p.errors.map((e) => e.message), data: a?.data ?? [] };
}

function intOf(inst: string, extra = '') {
  const r = probe(inst, extra);
  expect(r.errors).toEqual([]);
  const v = r.tv!.value;
  if (v.kind !== 'int') throw new Error(`not an int: ${v.kind}`);
  return { type: typeName(r.tv!.type), value: v.value };
}

describe('comptime integer arithmetic', () => {
  it('keeps comptime_int arbitrary precision', () => {
    expect(intOf('mul(@a, @a)', '@a = int(18446744073709551616)\n')).toEqual({
      type: 'comptime_int',
      value: 18446744073709551616n * 18446744073709551616n,
    });
  });
  it('folds sized arithmetic with the result in the sized type', () => {
    expect(intOf('add(@x, @two)', '@x = as(@u8, @big_ok)\n@big_ok = int(250)\n')).toEqual({ type: 'u8', value: 252n });
  });
  it('reports overflow of a sized type at compile time', () => {
    expect(probe('add(@x, @one)', '@x = as(@u8, @v)\n@v = int(255)\n').errors).toEqual([
      "overflow of integer type 'u8' with value '256'",
    ]);
    expect(probe('sub(@x, @one)', '@x = as(@u8, @zero)\n').errors).toEqual(["overflow of integer type 'u8' with value '-1'"]);
  });
  it('reports comptime division by zero for div and mod_rem', () => {
    expect(probe('div(@three, @zero)').errors).toEqual(['division by zero']);
    expect(probe('mod_rem(@three, @zero)').errors).toEqual(['division by zero']);
  });
  it('truncates division toward zero and gives the remainder the sign of lhs', () => {
    expect(intOf('div(@m7, @two)', '@m7 = int(-7)\n').value).toBe(-3n);
    expect(intOf('mod_rem(@m7, @two)', '@m7 = int(-7)\n').value).toBe(-1n);
    expect(intOf('mod_rem(@seven, @neg2)', '@seven = int(7)\n@neg2 = int(-2)\n').value).toBe(1n);
  });
  it('wraps addwrap/subwrap/mulwrap in the sized type', () => {
    expect(intOf('addwrap(@x, @one)', '@x = as(@u8, @v)\n@v = int(255)\n')).toEqual({ type: 'u8', value: 0n });
    expect(intOf('subwrap(@x, @one)', '@x = as(@i8, @v)\n@v = int(-128)\n')).toEqual({ type: 'i8', value: 127n });
    expect(intOf('mulwrap(@x, @x)', '@x = as(@u8, @v)\n@v = int(16)\n')).toEqual({ type: 'u8', value: 0n });
  });
  it('folds shifts, discarding bits shifted out, and rejects oversized shift amounts', () => {
    expect(intOf('shl(@x, @s)', '@x = as(@u8, @v)\n@v = int(129)\n@s = as(@u8, @one)\n')).toEqual({ type: 'u8', value: 2n });
    expect(intOf('shr(@x, @s)', '@x = as(@i8, @v)\n@v = int(-128)\n@s = as(@i8, @one)\n')).toEqual({ type: 'i8', value: -64n });
    expect(probe('shl(@x, @s)', '@x = as(@u8, @one)\n@s = as(@u8, @v)\n@v = int(8)\n').errors).toEqual([
      "shift amount '8' is too large for type 'u8'",
    ]);
  });
  it('folds bitwise operators and bitnot', () => {
    expect(intOf('bitand(@a, @b)', '@a = int(12)\n@b = int(10)\n').value).toBe(8n);
    expect(intOf('bitor(@a, @b)', '@a = int(12)\n@b = int(10)\n').value).toBe(14n);
    expect(intOf('xor(@a, @b)', '@a = int(12)\n@b = int(10)\n').value).toBe(6n);
    expect(intOf('bitnot(@x)', '@x = as(@u8, @one)\n')).toEqual({ type: 'u8', value: 254n });
  });
  it('folds comparisons and boolean operators', () => {
    const r = probe('cmp_lt(@one, @two)');
    expect(r.tv).toMatchObject({ type: { kind: 'bool' }, value: { kind: 'bool', value: true } });
    expect(probe('booland(@true, @false)').tv?.value).toEqual({ kind: 'bool', value: false });
    expect(probe('boolor(@true, @false)').tv?.value).toEqual({ kind: 'bool', value: true });
    expect(probe('boolnot(@true)').tv?.value).toEqual({ kind: 'bool', value: false });
  });
  it('rejects operands of two different sized types', () => {
    expect(probe('add(@a, @b)', '@a = as(@u8, @one)\n@b = as(@u32, @one)\n').errors).toEqual(["expected type 'u8', found 'u32'"]);
  });
});

describe('types', () => {
  const typeOf = (inst: string, extra = '', opts = X86) => {
    const r = probe(inst, extra, opts);
    expect(r.errors).toEqual([]);
    const v = r.tv!.value;
    if (v.kind !== 'type') throw new Error('not a type');
    return typeName(v.type);
  };
  it('builds pointer, slice, array and fn types with Zig names', () => {
    expect(typeOf('single_const_ptr_type(@u8)')).toBe('*const u8');
    expect(typeOf('single_mut_ptr_type(@u8)')).toBe('*u8');
    expect(typeOf('many_const_ptr_type(@u8)')).toBe('[*]const u8');
    expect(typeOf('many_mut_ptr_type(@u8)')).toBe('[*]u8');
    expect(typeOf('const_slice_type(@u8)')).toBe('[]const u8');
    expect(typeOf('mut_slice_type(@u8)')).toBe('[]u8');
    expect(typeOf('array_type(@three, @u8)')).toBe('[3]u8');
    expect(typeOf('array_type_sentinel(@three, @zero, @u8)')).toBe('[3:0]u8');
    expect(typeOf('fntype([@u8, @u32], @noreturn, cc=Naked)')).toBe('fn(u8, u32) callconv(.Naked) noreturn');
    expect(typeOf('fntype([], @void)')).toBe('fn() void');
  });
  it('makes integer types of 1..64 bits with inttype', () => {
    expect(typeOf('inttype(@true, @seven)', '@seven = int(7)\n')).toBe('i7');
    expect(typeOf('inttype(@false, @sixty_four)', '@sixty_four = int(64)\n')).toBe('u64');
    expect(probe('inttype(@false, @n)', '@n = int(65)\n').errors[0]).toMatch(/u65/);
  });
  it('gives C integer types the sizes of the target', () => {
    const size = (name: string, opts = X86) => {
      const r = probe(`primitive(${name})`, '', opts);
      const v = r.tv!.value;
      return v.kind === 'type' && v.type.kind === 'int' ? v.type.bits : -1;
    };
    expect(size('c_long', X86)).toBe(64);
    expect(size('c_long', WASM)).toBe(32);
    expect(size('usize', X86)).toBe(64);
    expect(size('usize', WASM)).toBe(32);
    expect(size('c_int', WASM)).toBe(32);
    expect(size('c_ushort', X86)).toBe(16);
  });
  it('reports float types as not supported yet, naming the type', () => {
    expect(probe('primitive(f32)').errors).toEqual(["type 'f32' is not supported yet"]);
  });
  it('typeof gives the type of a value', () => {
    expect(typeOf('typeof(@start_name)')).toBe('*const [6:0]u8');
  });
});

describe('strings and pointers at comptime', () => {
  it('str makes a *const [N:0]u8 to an anonymous rodata constant named after the decl', () => {
    const r = probe('str("hi\\n")');
    expect(typeName(r.tv!.type)).toBe('*const [3:0]u8');
    expect(r.data).toHaveLength(1);
    expect(r.data[0]).toMatchObject({ name: 'probe(anon 0)', section: 'rodata', align: 1 });
    expect([...r.data[0]!.bytes]).toEqual([0x68, 0x69, 0x0a, 0]);
  });
  it('folds the len field of an array pointer and indexes constants', () => {
    expect(intOf('deref(@lp)', '@s = str("hello")\n@len = str("len")\n@lp = fieldptr(@s, @len)\n')).toEqual({
      type: 'usize',
      value: 5n,
    });
    expect(intOf('deref(@ep)', '@s = str("hello")\n@ep = elemptr(@s, @one)\n')).toEqual({ type: 'u8', value: 101n });
  });
  it('coerces a string to []const u8 and [*]const u8 at comptime', () => {
    const slice = probe('as(@sl, @s)', '@s = str("abc")\n@sl = const_slice_type(@u8)\n');
    expect(typeName(slice.tv!.type)).toBe('[]const u8');
    expect(slice.tv!.value).toMatchObject({ kind: 'slice', len: 3 });
    const many = probe('as(@mp, @s)', '@s = str("abc")\n@mp = many_const_ptr_type(@u8)\n');
    expect(typeName(many.tv!.type)).toBe('[*]const u8');
  });
  it('ref of a comptime value with runtime bits lays it out in a new constant', () => {
    const r = probe('ref(@x)', '@x = as(@u32, @v)\n@v = int(0x01020304)\n');
    expect(typeName(r.tv!.type)).toBe('*const u32');
    expect([...r.data[0]!.bytes]).toEqual([4, 3, 2, 1]);
    const ptrs = probe('ref(@s)', '@s = str("x")\n');
    expect(ptrs.data[0]!.relocs).toEqual([{ offset: 0, target: { kind: 'decl', name: 's(anon 0)' }, addend: 0 }]);
    expect(ptrs.data[0]!.bytes.length).toBe(8);
  });
  it('reads a symbol name through the 2020 ref(@s) wrapper', () => {
    const src = probeProgram('int(1)').replace('export(@start_name, "entry")', 'export(@wrapped, "entry")') + '@wrapped = ref(@start_name)\n';
    const p = analyzeProgram(src, X86);
    expect(p.errors).toEqual([]);
    expect(p.values.get('start_export')!.export).toMatchObject({ symbolName: '_start', declName: 'entry' });
  });
});
