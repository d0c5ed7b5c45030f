import { describe, expect, test } from 'vitest';
import { allTags, kwargSchema, lookupTag, paramIndex } from '../../src/zir/schema.js';

function positionals(tag: string): string[] {
  const s = lookupTag(tag);
  if (s === undefined) throw new Error(`no tag ${tag}`);
  return s.positionals.map((p) => `${p.name}:${p.kind.kind}`);
}

describe('instruction schema', () => {
  test('positional names and kinds follow Zig 0.7.0 zir.zig', () => {
    expect(positionals('alloc')).toEqual(['operand:ref']);
    expect(positionals('return')).toEqual(['operand:ref']);
    expect(positionals('single_mut_ptr_type')).toEqual(['operand:ref']);
    expect(positionals('const_slice_type')).toEqual(['operand:ref']);
    expect(positionals('isnull')).toEqual(['operand:ref']);
    for (const t of ['add', 'cmp_lte', 'booland', 'array_type', 'as', 'bitcast', 'intcast', 'store', 'floatcast']) {
      expect(positionals(t)).toEqual(['lhs:ref', 'rhs:ref']);
    }
    expect(positionals('int')).toEqual(['int:int']);
    expect(positionals('primitive')).toEqual(['tag:enum']);
    expect(positionals('str')).toEqual(['bytes:string']);
    expect(positionals('arg')).toEqual(['name:string']);
    expect(positionals('fn')).toEqual(['fn_type:ref', 'body:body']);
    expect(positionals('fntype')).toEqual(['param_types:ref_list', 'return_type:ref']);
    expect(positionals('call')).toEqual(['func:ref', 'args:ref_list']);
    expect(positionals('export')).toEqual(['symbol_name:ref', 'decl_name:decl_name']);
    expect(positionals('fieldptr')).toEqual(['object_ptr:ref', 'field_name:ref']);
    expect(positionals('elemptr')).toEqual(['array_ptr:ref', 'index:ref']);
    expect(positionals('condbr')).toEqual(['condition:ref', 'then_body:body', 'else_body:body']);
    for (const t of ['block', 'block_flat', 'loop', 'block_comptime', 'block_comptime_flat']) expect(positionals(t)).toEqual(['body:body']);
    expect(positionals('break')).toEqual(['block:string', 'operand:ref']);
    expect(positionals('breakvoid')).toEqual(['block:string']);
    expect(positionals('declref')).toEqual(['name:string']);
    expect(positionals('declval')).toEqual(['name:string']);
    expect(positionals('declref_str')).toEqual(['name:ref']);
    expect(positionals('compileerror')).toEqual(['msg:string_or_ref']);
    expect(positionals('inttype')).toEqual(['signed:ref', 'bits:ref']);
    expect(positionals('array_type_sentinel')).toEqual(['len:ref', 'sentinel:ref', 'elem_type:ref']);
    expect(positionals('asm')).toEqual(['asm_source:ref', 'return_type:ref']);
    expect(positionals('switchbr')).toEqual(['target_ptr:ref', 'items:ref_list', 'cases:switch_cases', 'else_body:body']);
    expect(positionals('param_type')).toEqual(['func:ref', 'arg_index:usize']);
    expect(positionals('error_set')).toEqual(['fields:string_list']);
    expect(positionals('coerce_result_block_ptr')).toEqual(['dest_type:ref', 'block:string']);
    expect(paramIndex('elemptr', 'index')).toBe(1);
  });

  test('keyword arguments with their kinds and enum types', () => {
    expect(kwargSchema('fntype', 'cc')?.kind).toMatchObject({ kind: 'enum', typeName: 'std.builtin.CallingConvention' });
    expect(kwargSchema('call', 'modifier')?.kind).toMatchObject({ kind: 'enum', typeName: 'std.builtin.CallOptions.Modifier' });
    expect(lookupTag('asm')!.kwargs.map((k) => `${k.name}:${k.kind.kind}`)).toEqual([
      'volatile:bool', 'output:ref', 'inputs:ref_list', 'clobbers:ref_list', 'args:ref_list',
    ]);
    expect(lookupTag('ptr_type')!.kwargs.map((k) => k.name)).toEqual([
      'allowzero', 'align', 'align_bit_start', 'align_bit_end', 'mutable', 'volatile', 'sentinel', 'size',
    ]);
    expect(kwargSchema('extern', 'lib')?.kind.kind).toBe('string');
    const cc = kwargSchema('fntype', 'cc')!.kind;
    if (cc.kind !== 'enum') throw new Error('cc is an enum');
    expect(cc.members).toEqual(['Unspecified', 'C', 'Cold', 'Naked', 'Async', 'Interrupt', 'Signal', 'Stdcall',
      'Fastcall', 'Vectorcall', 'Thiscall', 'APCS', 'AAPCS', 'AAPCSVFP']);
  });

  test('every Appendix A tag is known and not analyzed; the spec §5 tags are', () => {
    const appendixA = ['alloc_inferred', 'anyframe_type', 'array_cat', 'array_mul', 'bitcast_ref', 'bitcast_result_ptr',
      'block_comptime', 'block_comptime_flat', 'coerce_result_ptr', 'coerce_result_block_ptr', 'coerce_to_ptr_elem',
      'const', 'declval_in_module', 'ensure_result_non_error', 'ensure_indexable', 'error_union_type', 'error_set',
      'floatcast', 'import', 'isnonnull', 'isnull', 'iserr', 'merge_error_sets', 'param_type', 'ret_ptr', 'ret_type',
      'c_const_ptr_type', 'c_mut_ptr_type', 'ptr_type', 'slice', 'slice_start', 'optional_type', 'unwrap_optional_safe',
      'unwrap_optional_unsafe', 'unwrap_err_safe', 'unwrap_err_unsafe', 'unwrap_err_code', 'ensure_err_payload_void',
      'enum_literal', 'switchbr', 'switch_range', 'alloc_inferred_mut', 'compilelog', 'container_field_named',
      'container_field_typed', 'container_field', 'set_eval_branch_quota', 'resolve_inferred_alloc',
      'store_to_inferred_ptr', 'struct_type', 'typeof_peer', 'union_type', 'enum_type'];
    for (const t of appendixA) expect(lookupTag(t)?.supported, t).toBe(false);
    const section5 = ['primitive', 'int', 'str', 'as', 'inttype', 'single_const_ptr_type', 'many_mut_ptr_type',
      'mut_slice_type', 'array_type', 'array_type_sentinel', 'fntype', 'typeof', 'fn', 'extern', 'export', 'declref',
      'declval', 'declref_str', 'arg', 'call', 'return', 'returnvoid', 'alloc', 'alloc_mut', 'store', 'deref', 'ref',
      'elemptr', 'fieldptr', 'ptrtoint', 'intcast', 'bitcast', 'add', 'sub', 'mul', 'div', 'mod_rem', 'addwrap',
      'subwrap', 'mulwrap', 'bitand', 'bitor', 'xor', 'shl', 'shr', 'bitnot', 'cmp_lt', 'cmp_lte', 'cmp_eq', 'cmp_gte',
      'cmp_gt', 'cmp_neq', 'booland', 'boolor', 'boolnot', 'block', 'block_flat', 'break', 'breakvoid', 'loop',
      'condbr', 'unreachable', 'unreach_nocheck', 'breakpoint', 'asm', 'compileerror', 'ensure_result_used', 'dbg_stmt'];
    for (const t of section5) expect(lookupTag(t)?.supported, t).toBe(true);
    expect(allTags().length).toBe(appendixA.length + section5.length + 3); // + the other ptr/slice type tags
    expect(lookupTag('cmp')).toBeUndefined(); // 2020 spelling: rewritten by the parser, not a tag
    expect(lookupTag('frobnicate')).toBeUndefined();
  });
});
