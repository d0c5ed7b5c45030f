import { describe, expect, it } from 'vitest';
import { functionOwner, typedValueEql } from '../../src/sema/index.js';
import type { TypedValue } from '../../src/sema/value.js';
import { analyzeProgram, WASM, X86 } from './harness.js';
import { entryProgram, positionOf, PRELUDE } from './programs.js';

function valueOf(decls: string, name: string, opts = X86): TypedValue {
  const src = PRELUDE + decls + `@entry = fn(@start_ty, {\n  %t = typeof(@${name})\n  %u = unreachable()\n})\n`;
  const p = analyzeProgram(src, opts);
  expect(p.errors).toEqual([]);
  return p.values.get(name)!.typedValue!;
}

describe('typedValueEql decides whether dependants must be re-analyzed', () => {
  it('equal for the same source analyzed twice, including strings and their atoms', () => {
    expect(typedValueEql(valueOf('@s = str("abc")\n', 's'), valueOf('@s = str("abc")\n', 's'))).toBe(true);
    expect(typedValueEql(valueOf('@x = as(@u8, @three)\n', 'x'), valueOf('@x = as(@u8, @three)\n', 'x'))).toBe(true);
  });
  it('different when the bytes, the integer, or the type change', () => {
    expect(typedValueEql(valueOf('@s = str("abc")\n', 's'), valueOf('@s = str("abd")\n', 's'))).toBe(false);
    expect(typedValueEql(valueOf('@x = as(@u8, @three)\n', 'x'), valueOf('@x = as(@u8, @two)\n', 'x'))).toBe(false);
    expect(typedValueEql(valueOf('@x = as(@u8, @three)\n', 'x'), valueOf('@x = as(@u16, @three)\n', 'x'))).toBe(false);
    expect(typedValueEql(valueOf('@t = array_type(@two, @u8)\n', 't'), valueOf('@t = array_type(@three, @u8)\n', 't'))).toBe(false);
  });
  it('a function value depends on its type, not its body', () => {
    const a = valueOf('@f_ty = fntype([], @void)\n@f = fn(@f_ty, {\n  %r = returnvoid()\n})\n', 'f');
    const b = valueOf('@f_ty = fntype([], @void)\n@f = fn(@f_ty, {\n  %b = breakpoint()\n  %r = returnvoid()\n})\n', 'f');
    const c = valueOf('@f_ty = fntype([], @void, cc=C)\n@f = fn(@f_ty, {\n  %r = returnvoid()\n})\n', 'f');
    expect(typedValueEql(a, b)).toBe(true);
    expect(typedValueEql(a, c)).toBe(false);
  });
  it('functionOwner names the decl of a function value, and nothing else', () => {
    expect(functionOwner(valueOf('@f_ty = fntype([], @void)\n@f = fn(@f_ty, {\n  %r = returnvoid()\n})\n@g = declval("f")\n', 'g'))).toBe('f');
    expect(functionOwner(valueOf('', 'proc_exit'))).toBeNull();
    expect(functionOwner(valueOf('', 'one'))).toBeNull();
  });
});

describe('inline assembly checks', () => {
  const asm = (source: string) =>
    entryProgram(
      `  %a = as(@usize, @one)\n  %r = asm(@src, @usize, volatile=1, output=@out, inputs=[@rax], clobbers=[], args=[%a])`,
      `@src = str("${source}")\n@out = str("={rax}")\n@rax = str("{rax}")\n`,
    );
  it('accepts what the x86-64 assembler can encode', () => {
    expect(analyzeProgram(asm('nop; syscall'), X86).errors).toEqual([]);
  });
  it('reports an instruction the assembler cannot encode, at the asm instruction', () => {
    const src = asm('frobnicate %rax');
    const errors = analyzeProgram(src, X86).errors.map((e) => e.line);
    expect(errors).toEqual([
      `main.zir:${positionOf(src, '%r = asm(', 9)}: error: unsupported instruction in inline assembly: 'frobnicate %rax'`,
    ]);
  });
  it('is an error on wasm32', () => {
    expect(analyzeProgram(asm('syscall'), WASM).errors.map((e) => e.message)).toEqual(['inline assembly is not supported on wasm32']);
  });
  it('needs as many args as inputs', () => {
    const src = entryProgram('  %r = asm(@src, @usize, volatile=1, output=@out, inputs=[@rax], args=[])', '@src = str("syscall")\n@out = str("={rax}")\n@rax = str("{rax}")\n');
    expect(analyzeProgram(src, X86).errors.map((e) => e.message)).toEqual(['expected 1 asm argument(s), found 0']);
  });
});
