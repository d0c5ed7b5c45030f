//! Translates a ZIR program (the spec §5 subset the generated bench programs use) into
//! equivalent C, function by function, so the bench can compare zirc's edit loop with
//! "recompile one C translation unit and relink". Types follow spec §3 (comptime_int
//! operands are coerced to the other operand's type, comptime operations folded);
//! checked arithmetic becomes `__builtin_*_overflow` plus a panic call, as zirc's Debug
//! mode checks it. Top-level integer constants become macros of the shared constants
//! header, so editing one recompiles exactly the units that use it.
//!
//! Anything outside the subset throws `UnsupportedForC`; the bench then skips the C
//! comparison with that reason.

import type { ArgValue, BodyValue, Decl, Inst, Local, RefValue } from '../zir/ast.js';
import type { CType } from './c_types.js';
import { BOOL, COMPTIME_INT, CTypeNames, NORETURN, TYPE, UnsupportedForC, VOID, intType, storageBits, typeKey, typesEqual } from './c_types.js';

export type CArch = 'x86_64' | 'wasm32';

type FnCType = Extract<CType, { k: 'fn' }>;

/** What an operand evaluates to during translation. */
type CVal =
  | { k: 'type'; t: CType }
  | { k: 'int'; v: bigint; expr: string }
  | { k: 'bool'; v: boolean }
  | { k: 'void' }
  | { k: 'noreturn' }
  | { k: 'undef' }
  | { k: 'fn'; decl: string; cname: string; t: FnCType }
  | { k: 'str'; decl: string; sym: string; bytes: Uint8Array }
  | { k: 'rt'; t: CType; expr: string };

/** Names the runtime unit defines for the WASI functions of spec §7 and the panics of §8. */
export const WASI_C_NAMES: Record<string, string> = { fd_write: 'zrt_fd_write', proc_exit: 'zrt_proc_exit' };

/** A function's C symbol: `z_name`, or `zx_<hex>` when the ZIR name is not a C identifier. */
export function cFunctionName(declName: string): string {
  return /^[A-Za-z0-9_]+$/.test(declName) ? `z_${declName}` : `zx_${Buffer.from(declName, 'latin1').toString('hex')}`;
}

export function cConstName(declName: string): string {
  return /^[A-Za-z0-9_]+$/.test(declName) ? `K_${declName}` : `KX_${Buffer.from(declName, 'latin1').toString('hex')}`;
}

function cStringName(declName: string): string {
  return /^[A-Za-z0-9_]+$/.test(declName) ? `S_${declName}` : `SX_${Buffer.from(declName, 'latin1').toString('hex')}`;
}

/** A C integer literal for any 64-bit value. */
export function cIntLiteral(v: bigint): string {
  if (v === -(1n << 63n)) return '(-9223372036854775807LL-1)';
  if (v >= -(1n << 63n) && v < 1n << 63n) return `${v}LL`;
  if (v >= 0n && v < 1n << 64n) return `${v}ULL`;
  throw new UnsupportedForC(`integer ${v} does not fit 64 bits`);
}

/** The translated text of one function plus what it needs from other units. */
export interface TranslatedFunction {
  declName: string;
  text: string;
  /** Decl names of functions it calls (need prototypes). */
  calls: Set<string>;
  /** Decl names of top-level integer constants it reads. */
  consts: Set<string>;
  /** Decl names of `str` constants it uses (emitted as static data in its unit). */
  strings: Set<string>;
}

interface Block {
  id: number;
  resType: CType | null;
}

/** Per-function translation state. */
interface FnCtx {
  lines: string[];
  locals: Map<string, CVal>;
  blocks: Map<string, Block>;
  nextVar: number;
  params: CType[];
  argIndex: number;
  names: CTypeNames;
  out: TranslatedFunction;
}

/** Evaluates top-level decls and translates function bodies of one program. */
export class ZirToC {
  private readonly decls = new Map<string, Decl>();
  private readonly memo = new Map<string, CVal>();
  private readonly evaluating = new Set<string>();

  constructor(
    decls: Iterable<Decl>,
    readonly arch: CArch,
    readonly safety: boolean,
  ) {
    for (const d of decls) this.decls.set(d.name, d);
  }

  /** Replaces (or adds) decls after an edit; all top-level values are evaluated afresh. */
  replaceDecls(decls: Iterable<Decl>): void {
    for (const d of decls) this.decls.set(d.name, d);
    this.memo.clear();
  }

  decl(name: string): Decl | undefined {
    return this.decls.get(name);
  }

  get usizeBits(): number {
    return this.arch === 'x86_64' ? 64 : 32;
  }

  /** The `#define` line of a top-level integer constant, or null when the decl is not one. */
  constantDefine(name: string): string | null {
    const d = this.decls.get(name);
    if (!d || d.inst.tag !== 'int') return null;
    const v = this.evalDecl(name);
    return v.k === 'int' ? `#define ${cConstName(name)} (${cIntLiteral(v.v)})` : null;
  }

  /** The function type of a `fn` decl (for its prototype). */
  functionType(name: string): FnCType {
    const v = this.evalDecl(name);
    if (v.k !== 'fn') throw new UnsupportedForC(`@${name} is not a function`);
    return v.t;
  }

  prototype(name: string, names: CTypeNames): string {
    const t = this.functionType(name);
    const params = t.params.length === 0 ? 'void' : t.params.map((p, i) => `${names.spell(p)} a${i}`).join(', ');
    return `${names.spell(t.ret)} ${cFunctionName(name)}(${params})`;
  }

  /** Static definition of a `str` constant for a unit that uses it. */
  stringDefinition(name: string): string {
    const v = this.evalDecl(name);
    if (v.k !== 'str') throw new UnsupportedForC(`@${name} is not a string`);
    return `static const u8 ${v.sym}[${v.bytes.length + 1}] = { ${[...v.bytes, 0].join(', ')} };`;
  }

  /** Exports of the program: symbol name → function decl name. */
  exports(): Array<{ symbol: string; declName: string }> {
    const out: Array<{ symbol: string; declName: string }> = [];
    for (const d of this.decls.values()) {
      if (d.inst.tag !== 'export') continue;
      const sym = this.operand(d.inst.args[0], null);
      const target = d.inst.args[1];
      const symName = sym.k === 'str' ? Buffer.from(sym.bytes).toString('latin1') : null;
      const declName = target.kind === 'string' ? Buffer.from(target.bytes).toString('latin1') : null;
      if (symName === null || declName === null) throw new UnsupportedForC('export with a computed symbol name');
      out.push({ symbol: symName, declName });
    }
    return out;
  }

  /** Translates the body of `fn` decl `name`; types it needs are added to `names`. */
  translateFunction(name: string, names: CTypeNames): TranslatedFunction {
    const d = this.decls.get(name);
    if (!d || d.inst.tag !== 'fn') throw new UnsupportedForC(`@${name} is not a fn decl`);
    const t = this.functionType(name);
    const out: TranslatedFunction = { declName: name, text: '', calls: new Set(), consts: new Set(), strings: new Set() };
    const ctx: FnCtx = { lines: [], locals: new Map(), blocks: new Map(), nextVar: 0, params: t.params, argIndex: 0, names, out };
    const body = d.inst.args[1];
    if (body.kind !== 'body') throw new UnsupportedForC(`@${name} has no body`);
    this.body(body, ctx);
    out.text = `${this.prototype(name, names)} {\n${ctx.lines.join('\n')}\n}\n`;
    return out;
  }

  // -------------------------------------------------------------------------------------
  // Top-level values

  evalDecl(name: string): CVal {
    const hit = this.memo.get(name);
    if (hit) return hit;
    const d = this.decls.get(name);
    if (!d) throw new UnsupportedForC(`decl '${name}' not found`);
    if (this.evaluating.has(name)) throw new UnsupportedForC(`decl '${name}' depends on itself`);
    this.evaluating.add(name);
    try {
      const v = this.evalTopLevel(d);
      this.memo.set(name, v);
      return v;
    } finally {
      this.evaluating.delete(name);
    }
  }

  private evalTopLevel(d: Decl): CVal {
    const inst = d.inst;
    switch (inst.tag) {
      case 'int': {
        const v = (inst.args[0] as { value: bigint }).value;
        return { k: 'int', v, expr: cConstName(d.name) };
      }
      case 'str':
        return { k: 'str', decl: d.name, sym: cStringName(d.name), bytes: (inst.args[0] as { bytes: Uint8Array }).bytes };
      case 'fn': {
        const t = this.typeOperand(inst.args[0], null);
        if (t.k !== 'fn') throw new UnsupportedForC(`fn @${d.name} has a non-function type`);
        return { k: 'fn', decl: d.name, cname: cFunctionName(d.name), t };
      }
      case 'extern': {
        const t = this.typeOperand(inst.args[0], null);
        if (t.k !== 'fn') throw new UnsupportedForC(`extern @${d.name} has a non-function type`);
        const symbol = Buffer.from((inst.args[1] as { bytes: Uint8Array }).bytes).toString('latin1');
        const cname = WASI_C_NAMES[symbol];
        if (!cname) throw new UnsupportedForC(`extern function '${symbol}' is not a WASI built-in`);
        return { k: 'fn', decl: d.name, cname, t };
      }
      default: {
        const v = this.inst(inst, null);
        return v;
      }
    }
  }

  // -------------------------------------------------------------------------------------
  // Operands

  private operand(arg: ArgValue | undefined, ctx: FnCtx | null): CVal {
    if (!arg) throw new UnsupportedForC('missing operand');
    if (arg.kind !== 'ref') throw new UnsupportedForC(`operand of kind ${arg.kind}`);
    return this.ref(arg, ctx);
  }

  private ref(r: RefValue, ctx: FnCtx | null): CVal {
    if (r.scope === 'local') {
      const v = ctx?.locals.get(r.name);
      if (!v) throw new UnsupportedForC(`unknown local %${r.name}`);
      return v;
    }
    return this.declUse(r.name, ctx);
  }

  /** The value of decl `name` used from a function body (recording what the unit needs). */
  private declUse(name: string, ctx: FnCtx | null): CVal {
    const v = this.evalDecl(name);
    if (ctx) {
      if (v.k === 'int' && v.expr === cConstName(name)) ctx.out.consts.add(name);
      if (v.k === 'str') ctx.out.strings.add(v.decl);
      if (v.k === 'fn' && this.decls.get(v.decl)?.inst.tag === 'fn') ctx.out.calls.add(v.decl);
    }
    return v;
  }

  private typeOperand(arg: ArgValue | undefined, ctx: FnCtx | null): CType {
    const v = this.operand(arg, ctx);
    if (v.k !== 'type') throw new UnsupportedForC(`expected a type, found ${v.k}`);
    return v.t;
  }

  private stringArg(arg: ArgValue | undefined): string {
    if (!arg || arg.kind !== 'string') throw new UnsupportedForC('expected a string argument');
    return Buffer.from(arg.bytes).toString('latin1');
  }

  private comptimeInt(v: CVal): bigint {
    if (v.k === 'int') return v.v;
    throw new UnsupportedForC(`expected a comptime integer, found ${v.k}`);
  }

  private typeOf(v: CVal): CType {
    switch (v.k) {
      case 'type':
        return TYPE;
      case 'int':
        return COMPTIME_INT;
      case 'bool':
        return BOOL;
      case 'void':
      case 'undef':
        return VOID;
      case 'noreturn':
        return NORETURN;
      case 'fn':
        return v.t;
      case 'str':
        return { k: 'ptr', size: 'one', mutable: false, elem: { k: 'array', len: v.bytes.length, elem: intType(false, 8), sentinel: 0n } };
      case 'rt':
        return v.t;
    }
  }

  // -------------------------------------------------------------------------------------
  // Bodies

  /** Translates a body; returns true when it ends in a terminator. */
  private body(b: BodyValue, ctx: FnCtx): boolean {
    let terminated = false;
    for (const local of b.locals) {
      const v = this.local(local, ctx);
      if (v.k === 'noreturn') terminated = true;
    }
    return terminated;
  }

  private local(local: Local, ctx: FnCtx): CVal {
    const v = this.inst(local.inst, ctx, local.name);
    ctx.locals.set(local.name, v);
    return v;
  }

  private fresh(ctx: FnCtx): string {
    return `v${ctx.nextVar++}`;
  }

  /** Declares a runtime local holding `expr` of type `t`. */
  private bind(ctx: FnCtx, t: CType, expr: string): Extract<CVal, { k: 'rt' }> {
    const name = this.fresh(ctx);
    ctx.lines.push(`${ctx.names.spell(t)} ${name} = ${expr};`);
    return { k: 'rt', t, expr: name };
  }

  private needFn(ctx: FnCtx | null, tag: string): FnCtx {
    if (!ctx) throw new UnsupportedForC(`instruction '${tag}' outside a function body`);
    return ctx;
  }

  private inst(inst: Inst, ctx: FnCtx | null, localName?: string): CVal {
    const a = inst.args;
    switch (inst.tag) {
      case 'primitive':
        return this.primitive((a[0] as { text: string }).text);
      case 'int':
        return { k: 'int', v: (a[0] as { value: bigint }).value, expr: cIntLiteral((a[0] as { value: bigint }).value) };
      case 'inttype': {
        const s = this.operand(a[0], ctx);
        const bits = Number(this.comptimeInt(this.operand(a[1], ctx)));
        if (s.k !== 'bool') throw new UnsupportedForC('inttype signedness must be a bool');
        if (bits < 1 || bits > 64) throw new UnsupportedForC('inttype wider than 64 bits');
        return { k: 'type', t: intType(s.v, bits) };
      }
      case 'single_const_ptr_type':
      case 'single_mut_ptr_type':
      case 'many_const_ptr_type':
      case 'many_mut_ptr_type':
        return {
          k: 'type',
          t: { k: 'ptr', size: inst.tag.startsWith('single') ? 'one' : 'many', mutable: inst.tag.includes('mut'), elem: this.typeOperand(a[0], ctx) },
        };
      case 'const_slice_type':
      case 'mut_slice_type':
        return { k: 'type', t: { k: 'slice', mutable: inst.tag === 'mut_slice_type', elem: this.typeOperand(a[0], ctx) } };
      case 'array_type':
        return { k: 'type', t: { k: 'array', len: Number(this.comptimeInt(this.operand(a[0], ctx))), elem: this.typeOperand(a[1], ctx), sentinel: null } };
      case 'array_type_sentinel':
        return {
          k: 'type',
          t: { k: 'array', len: Number(this.comptimeInt(this.operand(a[0], ctx))), elem: this.typeOperand(a[2], ctx), sentinel: this.comptimeInt(this.operand(a[1], ctx)) },
        };
      case 'fntype': {
        const list = a[0];
        if (!list || list.kind !== 'list') throw new UnsupportedForC('fntype without a parameter list');
        const params = list.items.map((p) => this.typeOperand(p, ctx));
        const cc = inst.kwargs.get('cc');
        return { k: 'type', t: { k: 'fn', params, ret: this.typeOperand(a[1], ctx), cc: cc && cc.kind === 'word' ? cc.text : 'Unspecified' } };
      }
      case 'typeof':
        return { k: 'type', t: this.typeOf(this.operand(a[0], ctx)) };
      case 'declval':
      case 'declref': {
        const name = this.stringArg(a[0]);
        if (inst.tag === 'declref') throw new UnsupportedForC('declref');
        return this.declUse(name, ctx);
      }
      case 'as':
        return this.as(this.typeOperand(a[0], ctx), this.operand(a[1], ctx), ctx);
      case 'str':
        throw new UnsupportedForC('str inside a function body');
      case 'dbg_stmt':
      case 'ensure_result_used':
        return { k: 'void' };
      case 'compileerror':
        throw new UnsupportedForC('compileerror');
      case 'add':
      case 'sub':
      case 'mul':
      case 'div':
      case 'mod_rem':
      case 'addwrap':
      case 'subwrap':
      case 'mulwrap':
      case 'bitand':
      case 'bitor':
      case 'xor':
      case 'shl':
      case 'shr':
        return this.arith(inst.tag, this.operand(a[0], ctx), this.operand(a[1], ctx), ctx);
      case 'cmp_lt':
      case 'cmp_lte':
      case 'cmp_eq':
      case 'cmp_gte':
      case 'cmp_gt':
      case 'cmp_neq':
        return this.cmp(inst.tag, this.operand(a[0], ctx), this.operand(a[1], ctx), ctx);
      case 'booland':
      case 'boolor': {
        const l = this.operand(a[0], ctx);
        const r = this.operand(a[1], ctx);
        if (l.k === 'bool' && r.k === 'bool') return { k: 'bool', v: inst.tag === 'booland' ? l.v && r.v : l.v || r.v };
        const f = this.needFn(ctx, inst.tag);
        return this.bind(f, BOOL, `${this.scalar(l, BOOL, f)} ${inst.tag === 'booland' ? '&' : '|'} ${this.scalar(r, BOOL, f)}`);
      }
      case 'boolnot': {
        const x = this.operand(a[0], ctx);
        if (x.k === 'bool') return { k: 'bool', v: !x.v };
        return this.bind(this.needFn(ctx, inst.tag), BOOL, `!${this.scalar(x, BOOL, ctx)}`);
      }
      case 'bitnot': {
        const x = this.operand(a[0], ctx);
        if (x.k !== 'rt' || x.t.k !== 'int') throw new UnsupportedForC('bitnot of a comptime value');
        return this.bind(this.needFn(ctx, inst.tag), x.t, `(${ctx!.names.spell(x.t)})~${x.expr}`);
      }
      default:
        return this.runtimeInst(inst, this.needFn(ctx, inst.tag), localName);
    }
  }

  private runtimeInst(inst: Inst, ctx: FnCtx, localName: string | undefined): CVal {
    const a = inst.args;
    const spell = (t: CType): string => ctx.names.spell(t);
    switch (inst.tag) {
      case 'arg': {
        const i = ctx.argIndex++;
        if (i >= ctx.params.length) throw new UnsupportedForC('more args than parameters');
        return { k: 'rt', t: ctx.params[i], expr: `a${i}` };
      }
      case 'alloc':
      case 'alloc_mut': {
        const t = this.typeOperand(a[0], ctx);
        const slot = `s${ctx.nextVar++}`;
        ctx.lines.push(`${spell(t)} ${slot};`);
        return { k: 'rt', t: { k: 'ptr', size: 'one', mutable: inst.tag === 'alloc_mut', elem: t }, expr: `(&${slot})` };
      }
      case 'store': {
        const p = this.operand(a[0], ctx);
        if (p.k !== 'rt' || p.t.k !== 'ptr') throw new UnsupportedForC('store through a comptime pointer');
        const x = this.operand(a[1], ctx);
        if (x.k === 'undef') return { k: 'void' };
        ctx.lines.push(`*${p.expr} = ${this.scalar(x, p.t.elem, ctx)};`);
        return { k: 'void' };
      }
      case 'deref': {
        const p = this.operand(a[0], ctx);
        if (p.k !== 'rt' || p.t.k !== 'ptr') throw new UnsupportedForC('deref of a comptime pointer');
        return this.bind(ctx, p.t.elem, `*${p.expr}`);
      }
      case 'elemptr': {
        const p = this.operand(a[0], ctx);
        const idx = this.scalar(this.operand(a[1], ctx), intType(false, this.usizeBits), ctx);
        if (p.k === 'str') {
          ctx.out.strings.add(p.decl);
          return this.bind(ctx, { k: 'ptr', size: 'one', mutable: false, elem: intType(false, 8) }, `&${p.sym}[${idx}]`);
        }
        if (p.k !== 'rt' || p.t.k !== 'ptr') throw new UnsupportedForC('elemptr of a non-pointer');
        const pt = p.t;
        if (pt.size === 'one' && pt.elem.k === 'array') {
          return this.bind(ctx, { k: 'ptr', size: 'one', mutable: pt.mutable, elem: pt.elem.elem }, `&(*${p.expr})[${idx}]`);
        }
        if (pt.size === 'many') return this.bind(ctx, { k: 'ptr', size: 'one', mutable: pt.mutable, elem: pt.elem }, `&${p.expr}[${idx}]`);
        if (pt.size === 'one' && pt.elem.k === 'slice') {
          return this.bind(ctx, { k: 'ptr', size: 'one', mutable: pt.elem.mutable, elem: pt.elem.elem }, `&(*${p.expr}).ptr[${idx}]`);
        }
        throw new UnsupportedForC('elemptr of this pointer type');
      }
      case 'fieldptr': {
        const p = this.operand(a[0], ctx);
        const field = this.operand(a[1], ctx);
        const fname = field.k === 'str' ? Buffer.from(field.bytes).toString('latin1') : null;
        if (fname === 'len' && p.k === 'rt' && p.t.k === 'ptr' && p.t.elem.k === 'array') {
          return { k: 'int', v: BigInt(p.t.elem.len), expr: cIntLiteral(BigInt(p.t.elem.len)) };
        }
        if (fname === 'len' && p.k === 'str') return { k: 'int', v: BigInt(p.bytes.length), expr: cIntLiteral(BigInt(p.bytes.length)) };
        throw new UnsupportedForC('fieldptr other than the len of an array');
      }
      case 'ptrtoint': {
        const p = this.operand(a[0], ctx);
        const usize = intType(false, this.usizeBits);
        if (p.k === 'str') {
          ctx.out.strings.add(p.decl);
          return this.bind(ctx, usize, `(${spell(usize)})(${p.sym})`);
        }
        if (p.k !== 'rt' || p.t.k !== 'ptr') throw new UnsupportedForC('ptrtoint of a non-pointer');
        return this.bind(ctx, usize, `(${spell(usize)})${p.expr}`);
      }
      case 'ref': {
        const x = this.operand(a[0], ctx);
        if (x.k !== 'rt') throw new UnsupportedForC('ref of a comptime value');
        const slot = `s${ctx.nextVar++}`;
        ctx.lines.push(`${spell(x.t)} ${slot} = ${x.expr};`);
        return { k: 'rt', t: { k: 'ptr', size: 'one', mutable: false, elem: x.t }, expr: `(&${slot})` };
      }
      case 'intcast': {
        const t = this.typeOperand(a[0], ctx);
        const x = this.operand(a[1], ctx);
        if (t.k !== 'int') throw new UnsupportedForC('intcast to a non-integer');
        if (x.k === 'int') return this.as(t, x, ctx);
        if (x.k !== 'rt' || x.t.k !== 'int') throw new UnsupportedForC('intcast of a non-integer');
        const v = this.bind(ctx, t, `(${spell(t)})${x.expr}`);
        if (this.safety) ctx.lines.push(`if ((${spell(x.t)})${v.expr} != ${x.expr} || (${v.expr} < 0) != (${x.expr} < 0)) zrt_panic_cast();`);
        return v;
      }
      case 'bitcast': {
        const t = this.typeOperand(a[0], ctx);
        const x = this.operand(a[1], ctx);
        if (x.k !== 'rt') throw new UnsupportedForC('bitcast of a comptime value');
        return this.bind(ctx, t, `(${spell(t)})${x.expr}`);
      }
      case 'call':
        return this.call(inst, ctx);
      case 'return': {
        const x = this.operand(a[0], ctx);
        const fnRet = this.functionType(ctx.out.declName).ret;
        ctx.lines.push(fnRet.k === 'void' ? 'return;' : `return ${this.scalar(x, fnRet, ctx)};`);
        return { k: 'noreturn' };
      }
      case 'returnvoid':
        ctx.lines.push('return;');
        return { k: 'noreturn' };
      case 'block':
      case 'block_flat':
        return this.block(inst, ctx, localName);
      case 'loop': {
        const b = a[0] as BodyValue;
        ctx.lines.push('for (;;) {');
        this.body(b, ctx);
        ctx.lines.push('}');
        return { k: 'noreturn' };
      }
      case 'break':
      case 'breakvoid': {
        const name = this.stringArg(a[0]);
        const blk = ctx.blocks.get(name);
        if (!blk) throw new UnsupportedForC(`break to unknown block ${name}`);
        if (inst.tag === 'break') {
          const x = this.operand(a[1], ctx);
          if (x.k !== 'void') {
            if (!blk.resType) blk.resType = x.k === 'rt' ? x.t : x.k === 'bool' ? BOOL : null;
            if (!blk.resType) throw new UnsupportedForC('a runtime block yielding a comptime value');
            ctx.lines.push(`b${blk.id}_r = ${this.scalar(x, blk.resType, ctx)};`);
          }
        }
        ctx.lines.push(`goto b${blk.id}_end;`);
        return { k: 'noreturn' };
      }
      case 'condbr': {
        const c = this.operand(a[0], ctx);
        if (c.k === 'bool') {
          ctx.lines.push('{');
          const t = this.body((c.v ? a[1] : a[2]) as BodyValue, ctx);
          ctx.lines.push('}');
          return t ? { k: 'noreturn' } : { k: 'void' };
        }
        ctx.lines.push(`if (${this.scalar(c, BOOL, ctx)}) {`);
        const t1 = this.body(a[1] as BodyValue, ctx);
        ctx.lines.push('} else {');
        const t2 = this.body(a[2] as BodyValue, ctx);
        ctx.lines.push('}');
        return t1 && t2 ? { k: 'noreturn' } : { k: 'void' };
      }
      case 'unreachable':
        ctx.lines.push(this.safety ? 'zrt_panic_unreachable();' : '__builtin_unreachable();');
        return { k: 'noreturn' };
      case 'unreach_nocheck':
        ctx.lines.push('__builtin_unreachable();');
        return { k: 'noreturn' };
      case 'breakpoint':
        ctx.lines.push('__builtin_trap();');
        return { k: 'void' };
      default:
        throw new UnsupportedForC(`instruction '${inst.tag}'`);
    }
  }

  private block(inst: Inst, ctx: FnCtx, localName: string | undefined): CVal {
    const b = inst.args[0] as BodyValue;
    if (inst.tag === 'block_flat') {
      const terminated = this.body(b, ctx);
      const last = b.locals[b.locals.length - 1];
      if (terminated) return { k: 'noreturn' };
      return last ? (ctx.locals.get(last.name) ?? { k: 'void' }) : { k: 'void' };
    }
    const blk: Block = { id: ctx.nextVar++, resType: null };
    if (localName !== undefined) ctx.blocks.set(localName, blk);
    const declAt = ctx.lines.length;
    ctx.lines.push('');
    ctx.lines.push('{');
    this.body(b, ctx);
    ctx.lines.push('}');
    ctx.lines.push(`b${blk.id}_end:;`);
    if (blk.resType) ctx.lines[declAt] = `${ctx.names.spell(blk.resType)} b${blk.id}_r;`;
    return blk.resType ? { k: 'rt', t: blk.resType, expr: `b${blk.id}_r` } : { k: 'void' };
  }

  private call(inst: Inst, ctx: FnCtx): CVal {
    const f = this.operand(inst.args[0], ctx);
    if (f.k !== 'fn') throw new UnsupportedForC('call of a runtime function value');
    const list = inst.args[1];
    if (!list || list.kind !== 'list') throw new UnsupportedForC('call without an argument list');
    if (list.items.length !== f.t.params.length) throw new UnsupportedForC('argument count mismatch');
    const args = list.items.map((item, i) => this.scalar(this.operand(item, ctx), f.t.params[i], ctx));
    const text = `${f.cname}(${args.join(', ')})`;
    if (f.t.ret.k === 'noreturn') {
      ctx.lines.push(`${text};`, '__builtin_unreachable();');
      return { k: 'noreturn' };
    }
    if (f.t.ret.k === 'void') {
      ctx.lines.push(`${text};`);
      return { k: 'void' };
    }
    return this.bind(ctx, f.t.ret, text);
  }

  private primitive(word: string): CVal {
    const usize = this.usizeBits;
    const ints: Record<string, [boolean, number]> = {
      u8: [false, 8], i8: [true, 8], u16: [false, 16], i16: [true, 16], u32: [false, 32], i32: [true, 32],
      u64: [false, 64], i64: [true, 64], usize: [false, usize], isize: [true, usize],
      c_short: [true, 16], c_ushort: [false, 16], c_int: [true, 32], c_uint: [false, 32],
      c_long: [true, usize], c_ulong: [false, usize], c_longlong: [true, 64], c_ulonglong: [false, 64],
    };
    const it = ints[word];
    if (it) return { k: 'type', t: intType(it[0], it[1]) };
    switch (word) {
      case 'bool':
        return { k: 'type', t: BOOL };
      case 'void':
        return { k: 'type', t: VOID };
      case 'noreturn':
        return { k: 'type', t: NORETURN };
      case 'type':
        return { k: 'type', t: TYPE };
      case 'comptime_int':
        return { k: 'type', t: COMPTIME_INT };
      case 'true':
        return { k: 'bool', v: true };
      case 'false':
        return { k: 'bool', v: false };
      case 'void_value':
        return { k: 'void' };
      case 'undefined':
        return { k: 'undef' };
      default:
        throw new UnsupportedForC(`primitive(${word})`);
    }
  }

  // -------------------------------------------------------------------------------------
  // Coercion and arithmetic

  /** `as(T, x)`: a comptime integer stays comptime (typed by a cast); runtime values convert. */
  private as(t: CType, x: CVal, ctx: FnCtx | null): CVal {
    if (t.k === 'comptime_int' && x.k === 'int') return x;
    if (x.k === 'rt' && typesEqual(x.t, t)) return x;
    if (!ctx) {
      if (x.k === 'int' && t.k === 'int') return { k: 'rt', t, expr: `((${cIntSpell(t)})${x.expr})` };
      throw new UnsupportedForC('a runtime coercion at top level');
    }
    return { k: 'rt', t, expr: `(${this.scalar(x, t, ctx)})` };
  }

  /** `x` coerced to `t`, as a C expression. */
  private scalar(x: CVal, t: CType, ctx: FnCtx | null): string {
    const spell = (ty: CType): string => (ctx ? ctx.names.spell(ty) : cIntSpell(ty));
    switch (x.k) {
      case 'int':
        if (t.k === 'int') return `(${spell(t)})${x.expr}`;
        if (t.k === 'comptime_int') return x.expr;
        break;
      case 'bool':
        if (t.k === 'bool') return x.v ? '1' : '0';
        break;
      case 'undef':
        return '0';
      case 'str':
        if (!ctx) break;
        ctx.out.strings.add(x.decl);
        if (t.k === 'slice') return `(${spell(t)}){ (const u8 *)${x.sym}, ${x.bytes.length} }`;
        if (t.k === 'ptr') return `(${spell(t)})${t.size === 'one' && t.elem.k === 'array' ? `&${x.sym}` : x.sym}`;
        break;
      case 'rt':
        if (typesEqual(x.t, t)) return x.expr;
        if ((t.k === 'int' || t.k === 'ptr') && (x.t.k === 'int' || x.t.k === 'ptr')) return `(${spell(t)})${x.expr}`;
        if (t.k === 'slice' && x.t.k === 'ptr' && x.t.elem.k === 'array') {
          return `(${spell(t)}){ (${spell(t.elem)} *)*${x.expr}, ${x.t.elem.len} }`;
        }
        break;
      default:
        break;
    }
    throw new UnsupportedForC(`coercion of ${x.k} to ${typeKey(t)}`);
  }

  private arith(tag: string, l: CVal, r: CVal, ctx: FnCtx | null): CVal {
    if (l.k === 'int' && r.k === 'int') return intVal(foldInt(tag, l.v, r.v));
    const f = this.needFn(ctx, tag);
    const t = l.k === 'rt' ? l.t : r.k === 'rt' ? r.t : null;
    if (!t || t.k !== 'int') throw new UnsupportedForC(`${tag} of non-integer operands`);
    const le = this.scalar(l, t, f);
    const re = this.scalar(r, t, f);
    const ct = f.names.spell(t);
    const ut = `u${storageBits(t.bits)}`;
    const checked = this.safety && (tag === 'add' || tag === 'sub' || tag === 'mul');
    if (checked) {
      const v = this.fresh(f);
      const builtin = tag === 'add' ? 'add' : tag === 'sub' ? 'sub' : 'mul';
      f.lines.push(`${ct} ${v};`, `if (__builtin_${builtin}_overflow(${le}, ${re}, &${v})) zrt_panic_overflow();`);
      return { k: 'rt', t, expr: v };
    }
    switch (tag) {
      case 'add':
      case 'addwrap':
        return this.bind(f, t, `(${ct})((${ut})${le} + (${ut})${re})`);
      case 'sub':
      case 'subwrap':
        return this.bind(f, t, `(${ct})((${ut})${le} - (${ut})${re})`);
      case 'mul':
      case 'mulwrap':
        return this.bind(f, t, `(${ct})((${ut})${le} * (${ut})${re})`);
      case 'div':
      case 'mod_rem': {
        const rv = this.bind(f, t, re);
        if (this.safety) f.lines.push(`if (${rv.expr} == 0) zrt_panic_div_zero();`);
        return this.bind(f, t, `${le} ${tag === 'div' ? '/' : '%'} ${rv.expr}`);
      }
      case 'bitand':
        return this.bind(f, t, `${le} & ${re}`);
      case 'bitor':
        return this.bind(f, t, `${le} | ${re}`);
      case 'xor':
        return this.bind(f, t, `${le} ^ ${re}`);
      case 'shl':
      case 'shr': {
        const rv = this.bind(f, t, re);
        if (this.safety) f.lines.push(`if ((u64)${rv.expr} >= ${t.bits}) zrt_panic_shift();`);
        return this.bind(f, t, tag === 'shl' ? `(${ct})((${ut})${le} << ${rv.expr})` : `${le} >> ${rv.expr}`);
      }
      default:
        throw new UnsupportedForC(tag);
    }
  }

  private cmp(tag: string, l: CVal, r: CVal, ctx: FnCtx | null): CVal {
    const op = { cmp_lt: '<', cmp_lte: '<=', cmp_eq: '==', cmp_gte: '>=', cmp_gt: '>', cmp_neq: '!=' }[tag]!;
    if (l.k === 'int' && r.k === 'int') {
      const c = l.v < r.v ? -1 : l.v > r.v ? 1 : 0;
      const v = op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '==' ? c === 0 : op === '>=' ? c >= 0 : op === '>' ? c > 0 : c !== 0;
      return { k: 'bool', v };
    }
    const f = this.needFn(ctx, tag);
    const t = l.k === 'rt' ? l.t : r.k === 'rt' ? r.t : BOOL;
    return this.bind(f, BOOL, `${this.scalar(l, t, f)} ${op} ${this.scalar(r, t, f)}`);
  }
}

function intVal(v: bigint): CVal {
  return { k: 'int', v, expr: v >= -(1n << 63n) && v < 1n << 64n ? cIntLiteral(v) : '0' };
}

function cIntSpell(t: CType): string {
  if (t.k !== 'int') throw new UnsupportedForC(`type ${t.k} at top level`);
  return `${t.signed ? 'i' : 'u'}${storageBits(t.bits)}`;
}

/** Comptime integer arithmetic (spec §3: arbitrary precision; div truncates). */
export function foldInt(tag: string, a: bigint, b: bigint): bigint {
  switch (tag) {
    case 'add':
    case 'addwrap':
      return a + b;
    case 'sub':
    case 'subwrap':
      return a - b;
    case 'mul':
    case 'mulwrap':
      return a * b;
    case 'div':
      if (b === 0n) throw new UnsupportedForC('comptime division by zero');
      return a / b;
    case 'mod_rem':
      if (b === 0n) throw new UnsupportedForC('comptime division by zero');
      return a % b;
    case 'bitand':
      return a & b;
    case 'bitor':
      return a | b;
    case 'xor':
      return a ^ b;
    case 'shl':
      return a << b;
    case 'shr':
      return a >> b;
    default:
      throw new UnsupportedForC(tag);
  }
}
