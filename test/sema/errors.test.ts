import { describe, expect, it } from 'vitest';
import { analyzeProgram, WASM, X86 } from './harness.js';
import { entryProgram, positionOf, PRELUDE } from './programs.js';

/** The single error of `source`, as `line:col: message`. */
function errorsOf(source: string, opts = X86): string[] {
  return analyzeProgram(source, opts).errors.map((e) => e.line.replace(/^main\.zir:/, '').replace(': error: ', ': '));
}

/** Position just after the `(` of the instruction that starts with `prefix`. */
function after(source: string, prefix: string): string {
  return positionOf(source, prefix, prefix.indexOf('(') + 1);
}

describe('analysis errors of spec §10, at their positions', () => {
  it("decl 'x' not found points at the @ of the operand", () => {
    const src = entryProgram('  %x = as(@u32, @nowhere)');
    expect(errorsOf(src)).toEqual([`${positionOf(src, '@nowhere')}: decl 'nowhere' not found`]);
  });
  it("use of undeclared identifier for declval/declref with a string name, at the instruction", () => {
    const src = entryProgram('  %x = declval("nowhere")');
    expect(errorsOf(src)).toEqual([`${after(src, 'declval(')}: use of undeclared identifier 'nowhere'`]);
    const src2 = entryProgram('  %x = declref("missing")');
    expect(errorsOf(src2)).toEqual([`${after(src2, 'declref(')}: use of undeclared identifier 'missing'`]);
  });
  it("type 'T' not a function", () => {
    const src = entryProgram('  %x = call(@one, [])');
    expect(errorsOf(src)).toEqual([`${after(src, 'call(@one')}: type 'comptime_int' not a function`]);
  });
  it('expected N argument(s), found M', () => {
    const src = entryProgram('  %x = call(@proc_exit, [])');
    expect(errorsOf(src)).toEqual([`${after(src, 'call(@proc_exit, []')}: expected 1 argument(s), found 0`]);
  });
  it('instruction illegal outside function body', () => {
    for (const inst of ['alloc(@u8)', 'returnvoid()', 'unreachable()', 'block({})', 'breakvoid("x")', 'call(@proc_exit, [@zero])']) {
      const src = PRELUDE + `@bad = ${inst}\n@entry = fn(@start_ty, {\n  %t = typeof(@bad)\n  %u = unreachable()\n})\n`;
      expect(errorsOf(src)).toEqual([`${after(src, `@bad = ${inst}`)}: instruction illegal outside function body`]);
    }
  });
  it('unable to resolve comptime value for a decl that depends on itself, reported once', () => {
    const src = PRELUDE + '@a = add(@b, @one)\n@b = add(@a, @one)\n@entry = fn(@start_ty, {\n  %t = typeof(@a)\n  %u = unreachable()\n})\n';
    const errs = errorsOf(src);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/: unable to resolve comptime value$/);
  });
  it('unreachable code at the first instruction after a terminator', () => {
    const src = entryProgram('  %u = unreachable()\n  %after = as(@u32, @zero)');
    expect(errorsOf(src)).toEqual([`${after(src, 'as(@u32, @zero)\n')}: unreachable code`]);
  });
  it('a call of a noreturn function is a terminator', () => {
    const src = entryProgram('  %c = as(@u32, @one)\n  %e = call(@proc_exit, [%c])\n  %more = as(@u32, @one)');
    expect(errorsOf(src)).toEqual([`${after(src, '%more = as(')}: unreachable code`]);
  });
  it("expected type 'A', found 'B' in coercions", () => {
    const src = entryProgram('  %x = as(@u8, @true)');
    expect(errorsOf(src)).toEqual([`${after(src, '%x = as(')}: expected type 'u8', found 'bool'`]);
    const src2 = entryProgram('  %a = alloc_mut(@u16)\n  %v = deref(%a)\n  %n = as(@u8, %v)');
    expect(errorsOf(src2)).toEqual([`${after(src2, '%n = as(')}: expected type 'u8', found 'u16'`]);
    const src3 = entryProgram('  %a = alloc_mut(@u8)\n  %v = deref(%a)\n  %n = as(@i8, %v)');
    expect(errorsOf(src3)).toEqual([`${after(src3, '%n = as(')}: expected type 'i8', found 'u8'`]);
  });
  it("type 'T' cannot represent integer value V", () => {
    const src = entryProgram('  %x = as(@u8, @big)');
    expect(errorsOf(src)).toEqual([`${after(src, '%x = as(')}: type 'u8' cannot represent integer value 300`]);
    const src2 = entryProgram('  %x = as(@u32, @neg)');
    expect(errorsOf(src2)).toEqual([`${after(src2, '%x = as(')}: type 'u32' cannot represent integer value -1`]);
  });
  it("instruction 'tag' is not supported yet for Appendix A tags", () => {
    const src = entryProgram('  %x = optional_type(@u8)');
    expect(errorsOf(src)).toEqual([`${after(src, 'optional_type(')}: instruction 'optional_type' is not supported yet`]);
  });
  it('undefined symbol for an extern that x86-64 cannot define, but not on wasm32', () => {
    const extra = '@puts_ty = fntype([@usize], @void, cc=C)\n@puts = extern(@puts_ty, "puts")\n';
    const src = entryProgram('  %n = as(@usize, @zero)\n  %c = call(@puts, [%n])', extra);
    expect(errorsOf(src, X86)).toEqual([`${after(src, '@puts = extern(')}: undefined symbol: puts`]);
    expect(errorsOf(src, WASM)).toEqual([]);
  });
  it('the compileerror message as the error', () => {
    const src = entryProgram('  %e = compileerror("this is broken")');
    expect(errorsOf(src)).toEqual([`${after(src, 'compileerror(')}: this is broken`]);
  });
  it("value of type 'T' ignored, except for void", () => {
    const src = entryProgram('  %x = as(@u32, @one)\n  %y = ensure_result_used(%x)');
    expect(errorsOf(src)).toEqual([`${after(src, 'ensure_result_used(')}: value of type 'u32' ignored`]);
    expect(errorsOf(entryProgram('  %x = breakpoint()\n  %y = ensure_result_used(%x)'))).toEqual([]);
  });
  it("unable to export type 'T'", () => {
    const src = PRELUDE + '@not_fn = int(12)\n@other = str("other")\n@bad = export(@other, "not_fn")\n@entry = fn(@start_ty, {\n  %u = unreachable()\n})\n';
    expect(errorsOf(src)).toEqual([`${after(src, '@bad = export(')}: unable to export type 'comptime_int'`]);
  });
  it('a dependency that failed makes its dependants fail silently: one error', () => {
    const src = PRELUDE + '@bad = as(@u8, @big)\n@user1 = add(@bad, @one)\n@user2 = add(@user1, @one)\n@entry = fn(@start_ty, {\n  %t = typeof(@user2)\n  %u = unreachable()\n})\n';
    expect(errorsOf(src)).toEqual([`${after(src, '@bad = as(')}: type 'u8' cannot represent integer value 300`]);
  });
  it('a non-void function must not fall off its end; a void one may', () => {
    const extra = '@f_ty = fntype([], @u32)\n@f = fn(@f_ty, {\n  %x = as(@u32, @one)\n})\n';
    const src = entryProgram('  %r = call(@f, [])', extra);
    expect(errorsOf(src)).toEqual([`${after(src, '@f = fn(')}: function with non-void return type 'u32' implicitly returns`]);
  });
  it('returnvoid in a non-void function', () => {
    const extra = '@f_ty = fntype([], @u32)\n@f = fn(@f_ty, {\n  %r = returnvoid()\n})\n';
    const src = entryProgram('  %r = call(@f, [])', extra);
    expect(errorsOf(src)).toEqual([`${after(src, '%r = returnvoid(')}: expected type 'u32', found 'void'`]);
  });
  it('stops at the first error of a body', () => {
    const src = entryProgram('  %x = as(@u8, @big)\n  %y = as(@u8, @true)');
    expect(errorsOf(src)).toHaveLength(1);
  });
  it('reports an error in each failing function once, and nothing for unreachable ones', () => {
    const extra =
      '@f_ty = fntype([], @void)\n@f = fn(@f_ty, {\n  %e = compileerror("f fails")\n})\n@g = fn(@f_ty, {\n  %e = compileerror("g fails")\n})\n@h = fn(@f_ty, {\n  %e = compileerror("h is never called")\n})\n';
    const src = entryProgram('  %a = call(@f, [])\n  %b = call(@g, [])', extra);
    expect(errorsOf(src).map((e) => e.split(': ')[1])).toEqual(['f fails', 'g fails']);
  });
  it('naked callee error points at the callee operand', () => {
    const extra = '@naked_ty = fntype([], @void, cc=Naked)\n@naked = fn(@naked_ty, {\n  %u = unreachable()\n})\n';
    const src = entryProgram('  %c = call(  @naked, [])', extra);
    expect(errorsOf(src)).toEqual([`${positionOf(src, '@naked, [])')}: unable to call function with naked calling convention`]);
  });
});

describe('slices and arrays at runtime', () => {
  it('an extern cannot take or return them: zirc passes them through memory, which no C ABI does', () => {
    const src =
      PRELUDE +
      `@bytes = const_slice_type(@u8)
@ext_ty = fntype([@bytes], @void, cc=C)
@ext = extern(@ext_ty, "takes_bytes", lib="env")
@msg = str("hi")
@entry = fn(@start_ty, {
  %c = call(@ext, [@msg])
  %u = unreachable()
})
`;
    expect(errorsOf(src, WASM)).toEqual([`${after(src, '@ext = extern(')}: extern functions with values of type '[]const u8' are not supported yet`]);
  });

  it('a slice parameter given an array of another element type is a coercion error', () => {
    const src =
      PRELUDE +
      `@words = const_slice_type(@u32)
@f_ty = fntype([@words], @void)
@f = fn(@f_ty, {
  %s = arg("s")
  %r = returnvoid()
})
@msg = str("hi")
@entry = fn(@start_ty, {
  %c = call(@f, [@msg])
  %u = unreachable()
})
`;
    expect(errorsOf(src)).toEqual([`${after(src, '%c = call(')}: expected type '[]const u32', found '*const [2:0]u8'`]);
  });
});
