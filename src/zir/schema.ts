//! The instruction table of ZIR text: every tag zirc knows (spec §5, Appendix A, and the
//! zirc additions such as `extern`), with the names and kinds of its positional and
//! keyword arguments. Positional names follow Zig 0.7.0's `zir.zig`.
//!
//! The parser and the printer are driven by this table; sema uses `supported` to answer
//! `instruction 'tag' is not supported yet` and `paramIndex` to find an argument by name.
//! Nothing here parses or prints: it is data.

/** How one argument is written and what it means. */
export type ArgKind =
  /** `@name` or `%name`. */
  | { readonly kind: 'ref' }
  /** `[ref, ...]`. */
  | { readonly kind: 'ref_list' }
  /** `{ %a = ..., ... }`. */
  | { readonly kind: 'body' }
  /** `"..."` with Zig escapes. Also used for a block named by its `%` name without `%`. */
  | { readonly kind: 'string' }
  /** `["...", ...]`. */
  | { readonly kind: 'string_list' }
  /** An integer literal of any size (BigIntConst). */
  | { readonly kind: 'int' }
  /** An integer literal that must fit an unsigned 64-bit integer. */
  | { readonly kind: 'usize' }
  /** `0` or `1`. */
  | { readonly kind: 'bool' }
  /** A bare word, one of `members`; `typeName` is the Zig type named in errors. */
  | { readonly kind: 'enum'; readonly typeName: string; readonly members: readonly string[] }
  /** `switchbr` prongs: `{ %item => { body }, ... }`. */
  | { readonly kind: 'switch_cases' }
  /** A string literal, or a reference (2020 `compileerror(@msg)` style). Kept as written. */
  | { readonly kind: 'string_or_ref' }
  /** `export`'s decl name: a string; the 2020 form `@decl` is rewritten to the string "decl". */
  | { readonly kind: 'decl_name' }
  /** No text form: parsing fails with `message`. */
  | { readonly kind: 'special'; readonly message: string };

export interface ParamSchema {
  readonly name: string;
  readonly kind: ArgKind;
}

export interface TagSchema {
  readonly tag: string;
  readonly positionals: readonly ParamSchema[];
  /** Optional keyword arguments, in canonical (printing) order. */
  readonly kwargs: readonly ParamSchema[];
  /** True when zirc analyzes the tag (spec §5); false for Appendix A tags. */
  readonly supported: boolean;
  /** True when a positional holds a body (or switch prongs): the instruction nests. */
  readonly nests: boolean;
}

// --- argument kinds -----------------------------------------------------------------

const REF: ArgKind = { kind: 'ref' };
const REF_LIST: ArgKind = { kind: 'ref_list' };
const BODY: ArgKind = { kind: 'body' };
const STRING: ArgKind = { kind: 'string' };
const STRING_LIST: ArgKind = { kind: 'string_list' };
const INT: ArgKind = { kind: 'int' };
const USIZE: ArgKind = { kind: 'usize' };
const BOOL: ArgKind = { kind: 'bool' };
const SWITCH_CASES: ArgKind = { kind: 'switch_cases' };
const STRING_OR_REF: ArgKind = { kind: 'string_or_ref' };
const DECL_NAME: ArgKind = { kind: 'decl_name' };

function enumKind(typeName: string, members: readonly string[]): ArgKind {
  return { kind: 'enum', typeName, members };
}

/** The members of `primitive(...)`: zir.Inst.Primitive.Builtin of Zig 0.7.0. */
export const PRIMITIVE_NAMES: readonly string[] = [
  'i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'isize', 'usize',
  'c_short', 'c_ushort', 'c_int', 'c_uint', 'c_long', 'c_ulong', 'c_longlong', 'c_ulonglong',
  'c_longdouble', 'c_void',
  'f16', 'f32', 'f64', 'f128',
  'bool', 'void', 'noreturn', 'type', 'anyerror', 'comptime_int', 'comptime_float',
  'true', 'false', 'null', 'undefined', 'void_value',
];

export const CALLING_CONVENTIONS: readonly string[] = [
  'Unspecified', 'C', 'Cold', 'Naked', 'Async', 'Interrupt', 'Signal', 'Stdcall', 'Fastcall',
  'Vectorcall', 'Thiscall', 'APCS', 'AAPCS', 'AAPCSVFP',
];

export const CALL_MODIFIERS: readonly string[] = [
  'auto', 'async_kw', 'never_tail', 'never_inline', 'no_async', 'always_tail', 'always_inline',
  'compile_time',
];

/** The operators of the 2020 spelling `cmp(lhs, op, rhs)`. */
export const COMPARE_OPERATORS: readonly string[] = ['lt', 'lte', 'eq', 'gte', 'gt', 'neq'];

export const PRIMITIVE_KIND = enumKind('zir.Inst.Primitive.Builtin', PRIMITIVE_NAMES);
export const CC_KIND = enumKind('std.builtin.CallingConvention', CALLING_CONVENTIONS);
export const MODIFIER_KIND = enumKind('std.builtin.CallOptions.Modifier', CALL_MODIFIERS);
export const COMPARE_KIND = enumKind('std.math.CompareOperator', COMPARE_OPERATORS);
const POINTER_SIZE_KIND = enumKind('std.builtin.TypeInfo.Pointer.Size', ['One', 'Many', 'Slice', 'C']);
const LAYOUT_KIND = enumKind('std.builtin.TypeInfo.ContainerLayout', ['Auto', 'Extern', 'Packed']);
const UNION_INIT_KIND = enumKind('zir.Inst.UnionType.InitKind', ['enum_type', 'tag_type', 'none']);
const SPECIAL_PRONG_KIND = enumKind('zir.Inst.SwitchBr.SpecialProng', ['none', 'else', 'underscore']);

// --- the table ------------------------------------------------------------------------

function p(name: string, kind: ArgKind): ParamSchema {
  return { name, kind };
}

const tags = new Map<string, TagSchema>();

function def(tag: string, supported: boolean, positionals: ParamSchema[], kwargs: ParamSchema[] = []): void {
  if (tags.has(tag)) throw new Error(`schema: duplicate tag ${tag}`);
  tags.set(tag, { tag, positionals, kwargs, supported, nests: nestsIn(positionals) });
}

function nestsIn(positionals: readonly ParamSchema[]): boolean {
  return positionals.some((q) => q.kind.kind === 'body' || q.kind.kind === 'switch_cases');
}

function nullary(supported: boolean, ...names: string[]): void {
  for (const n of names) def(n, supported, []);
}
function unary(supported: boolean, ...names: string[]): void {
  for (const n of names) def(n, supported, [p('operand', REF)]);
}
function binary(supported: boolean, ...names: string[]): void {
  for (const n of names) def(n, supported, [p('lhs', REF), p('rhs', REF)]);
}
function bodyOnly(supported: boolean, ...names: string[]): void {
  for (const n of names) def(n, supported, [p('body', BODY)]);
}

// Spec §5: the tags zirc analyzes.
def('primitive', true, [p('tag', PRIMITIVE_KIND)]);
def('int', true, [p('int', INT)]);
def('str', true, [p('bytes', STRING)]);
binary(true, 'as');
def('inttype', true, [p('signed', REF), p('bits', REF)]);
unary(true,
  'single_const_ptr_type', 'single_mut_ptr_type', 'many_const_ptr_type', 'many_mut_ptr_type',
  'const_slice_type', 'mut_slice_type');
binary(true, 'array_type');
def('array_type_sentinel', true, [p('len', REF), p('sentinel', REF), p('elem_type', REF)]);
def('fntype', true, [p('param_types', REF_LIST), p('return_type', REF)], [p('cc', CC_KIND)]);
unary(true, 'typeof');
def('fn', true, [p('fn_type', REF), p('body', BODY)]);
// zirc's own: a function defined outside the program (spec §7).
def('extern', true, [p('fn_type', REF), p('symbol_name', STRING)], [p('lib', STRING)]);
def('export', true, [p('symbol_name', REF), p('decl_name', DECL_NAME)]);
def('declref', true, [p('name', STRING)]);
def('declval', true, [p('name', STRING)]);
def('declref_str', true, [p('name', REF)]);
def('arg', true, [p('name', STRING)]);
def('call', true, [p('func', REF), p('args', REF_LIST)], [p('modifier', MODIFIER_KIND)]);
unary(true, 'return');
nullary(true, 'returnvoid');
unary(true, 'alloc', 'alloc_mut');
binary(true, 'store');
unary(true, 'deref', 'ref');
def('elemptr', true, [p('array_ptr', REF), p('index', REF)]);
def('fieldptr', true, [p('object_ptr', REF), p('field_name', REF)]);
unary(true, 'ptrtoint');
binary(true, 'intcast', 'bitcast');
binary(true, 'add', 'sub', 'mul', 'div', 'mod_rem', 'addwrap', 'subwrap', 'mulwrap');
binary(true, 'bitand', 'bitor', 'xor', 'shl', 'shr');
unary(true, 'bitnot');
binary(true, 'cmp_lt', 'cmp_lte', 'cmp_eq', 'cmp_gte', 'cmp_gt', 'cmp_neq');
binary(true, 'booland', 'boolor');
unary(true, 'boolnot');
bodyOnly(true, 'block', 'block_flat', 'loop');
def('break', true, [p('block', STRING), p('operand', REF)]);
def('breakvoid', true, [p('block', STRING)]);
def('condbr', true, [p('condition', REF), p('then_body', BODY), p('else_body', BODY)]);
nullary(true, 'unreachable', 'unreach_nocheck', 'breakpoint', 'dbg_stmt');
def('asm', true, [p('asm_source', REF), p('return_type', REF)], [
  p('volatile', BOOL), p('output', REF), p('inputs', REF_LIST), p('clobbers', REF_LIST), p('args', REF_LIST),
]);
def('compileerror', true, [p('msg', STRING_OR_REF)]);
unary(true, 'ensure_result_used');

// Appendix A: parsed, not analyzed.
nullary(false, 'alloc_inferred', 'alloc_inferred_mut', 'ret_ptr', 'ret_type');
unary(false,
  'anyframe_type', 'bitcast_ref', 'bitcast_result_ptr', 'ensure_result_non_error', 'ensure_indexable',
  'import', 'isnonnull', 'isnull', 'iserr', 'c_const_ptr_type', 'c_mut_ptr_type', 'optional_type',
  'unwrap_optional_safe', 'unwrap_optional_unsafe', 'unwrap_err_safe', 'unwrap_err_unsafe',
  'unwrap_err_code', 'ensure_err_payload_void', 'set_eval_branch_quota', 'resolve_inferred_alloc');
binary(false,
  'array_cat', 'array_mul', 'coerce_result_ptr', 'error_union_type', 'floatcast', 'merge_error_sets',
  'slice_start', 'switch_range', 'store_to_inferred_ptr');
bodyOnly(false, 'block_comptime', 'block_comptime_flat');
def('coerce_result_block_ptr', false, [p('dest_type', REF), p('block', STRING)]);
def('coerce_to_ptr_elem', false, [p('ptr', REF), p('value', REF)]);
def('const', false, [p('typed_value', {
  kind: 'special', message: "'const' is a special instruction; not legal in ZIR text",
})]);
def('declval_in_module', false, [p('decl', {
  kind: 'special', message: "'declval_in_module' is a special instruction; not legal in ZIR text",
})]);
def('error_set', false, [p('fields', STRING_LIST)]);
def('param_type', false, [p('func', REF), p('arg_index', USIZE)]);
def('ptr_type', false, [p('child_type', REF)], [
  p('allowzero', BOOL), p('align', REF), p('align_bit_start', REF), p('align_bit_end', REF),
  p('mutable', BOOL), p('volatile', BOOL), p('sentinel', REF), p('size', POINTER_SIZE_KIND),
]);
def('slice', false, [p('array_ptr', REF), p('start', REF)], [p('end', REF), p('sentinel', REF)]);
def('enum_literal', false, [p('name', STRING)]);
def('switchbr', false,
  [p('target_ptr', REF), p('items', REF_LIST), p('cases', SWITCH_CASES), p('else_body', BODY)],
  [p('range', REF), p('special_prong', SPECIAL_PRONG_KIND)]);
def('compilelog', false, [p('to_log', REF_LIST)], [p('seen', BOOL)]);
def('container_field_named', false, [p('bytes', STRING)]);
def('container_field_typed', false, [p('bytes', STRING), p('ty', REF)]);
def('container_field', false, [p('bytes', STRING)], [
  p('ty', REF), p('init', REF), p('alignment', REF), p('is_comptime', BOOL),
]);
def('struct_type', false, [p('fields', REF_LIST)], [p('layout', LAYOUT_KIND)]);
def('typeof_peer', false, [p('items', REF_LIST)]);
def('union_type', false, [p('fields', REF_LIST)], [
  p('init_inst', REF), p('init_kind', UNION_INIT_KIND), p('layout', LAYOUT_KIND),
]);
def('enum_type', false, [p('fields', REF_LIST)], [p('tag_type', REF), p('layout', LAYOUT_KIND)]);

/**
 * The 2020 spelling `cmp(lhs, op, rhs)`: not a tag of its own, the parser rewrites it to
 * `cmp_<op>(lhs, rhs)`. Kept out of `allTags()`.
 */
export const LEGACY_CMP_SCHEMA: TagSchema = {
  tag: 'cmp',
  positionals: [p('lhs', REF), p('op', COMPARE_KIND), p('rhs', REF)],
  kwargs: [],
  supported: true,
  nests: false,
};

/** The schema of a canonical tag, or undefined when `tag` is not ZIR. */
export function lookupTag(tag: string): TagSchema | undefined {
  return tags.get(tag);
}

/** Every canonical tag, in table order. */
export function allTags(): readonly TagSchema[] {
  return [...tags.values()];
}

/** The position of the positional argument `name` of `tag`, or -1. */
export function paramIndex(tag: string, name: string): number {
  const s = tags.get(tag);
  if (s === undefined) return -1;
  return s.positionals.findIndex((q) => q.name === name);
}

/** The keyword argument `name` of `tag`, or undefined. */
export function kwargSchema(tag: string, name: string): ParamSchema | undefined {
  return tags.get(tag)?.kwargs.find((q) => q.name === name);
}
