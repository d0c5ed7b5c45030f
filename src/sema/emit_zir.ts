//! `zirc ir` (spec §12): the analyzed program back as canonical ZIR. Decls come in source
//! order with their names; each decl's comptime value is written as the instruction that
//! makes it, each function body is written from its AIR (so folded values appear as
//! constants), locals are renumbered `%0, %1, ...` per decl, and a constant no decl
//! holds gets a new decl `@unnamed$<n>` (strings made inside a body keep their atom name
//! `@<owner>__anon_<n>`). The result is a zir AST printed by the front end's printer.

import { hexString, latin1Bytes } from '../zir/bytes.js';
import type { ArgValue, Decl, Inst, Local, Module, RefValue } from '../zir/ast.js';
import { printModule } from '../zir/print.js';
import type { AirConst, AirFunction, AirInst, AirRef, DataAtom, SymbolTarget } from './air.js';
import { symbolKey } from './air.js';
import type { DeclAnalysis, FunctionAnalysis, SemaOptions } from './api.js';
import { printableAnonName } from './anon_names.js';
import { intWidens } from './coerce.js';
import { primitiveNameOfType } from './primitives.js';
import { BOOL, TYPE, typeEql, typeName, sizeOf, usizeType, type Type } from './types.js';
import type { TypedValue, Value } from './value.js';

export interface AnalyzedDecl {
  decl: Decl;
  analysis: DeclAnalysis;
  body: FunctionAnalysis | null;
}

export class EmitError extends Error {}

/** The analyzed program as canonical ZIR text. `decls`: the reachable decls in source order. */
export function emitZir(decls: AnalyzedDecl[], opts: SemaOptions): string {
  return printModule(emitModule(decls, opts));
}

/** The analyzed program as a zir AST (what `emitZir` prints). */
export function emitModule(decls: AnalyzedDecl[], opts: SemaOptions): Module {
  return new ZirEmitter(decls, opts).run();
}

function inst(tag: string, args: ArgValue[], kwargs: [string, ArgValue][] = []): Inst {
  return { tag, args, kwargs: new Map(kwargs), offset: 0, tagOffset: 0 };
}

function declRef(name: string): RefValue {
  return { kind: 'ref', scope: 'decl', name, id: -1, offset: 0 };
}

function localRef(name: string): RefValue {
  return { kind: 'ref', scope: 'local', name, id: -1, offset: 0 };
}

function str(bytes: Uint8Array | string): ArgValue {
  return { kind: 'string', bytes: typeof bytes === 'string' ? latin1Bytes(bytes) : bytes, offset: 0 };
}

function word(text: string): ArgValue {
  return { kind: 'word', text, offset: 0 };
}

function list(items: ArgValue[]): ArgValue {
  return { kind: 'list', items, offset: 0 };
}

class ZirEmitter {
  /** Constant key → name of a decl holding that value. */
  private readonly byValue = new Map<string, string>();
  /** Atom name → the value its bytes encode. */
  private readonly atoms = new Map<string, DataAtom>();
  private readonly newDecls: Decl[] = [];
  private unnamedCount = 0;
  private readonly usedNames = new Set<string>();
  /** Extern symbol key → the decl that declares it. */
  private readonly externs = new Map<string, string>();

  constructor(
    private readonly decls: AnalyzedDecl[],
    private readonly opts: SemaOptions,
  ) {}

  run(): Module {
    for (const d of this.decls) this.usedNames.add(d.decl.name);
    for (const d of this.decls) {
      for (const a of d.analysis.data) this.atoms.set(a.name, a);
      for (const a of d.body?.data ?? []) this.atoms.set(a.name, a);
    }
    for (const d of this.decls) {
      const tv = d.analysis.typedValue;
      if (tv === null || d.decl.inst.tag === 'export') continue;
      const key = this.key(tv);
      if (key !== null && !this.byValue.has(key)) this.byValue.set(key, d.decl.name);
      const v = tv.value;
      if (v.kind === 'extern_fn' && v.decl === d.decl.name) {
        const k = symbolKey({ kind: 'extern', name: v.name, lib: v.lib });
        if (!this.externs.has(k)) this.externs.set(k, d.decl.name);
      }
    }
    const out: Decl[] = [];
    for (const d of this.decls) out.push({ name: d.decl.name, start: 0, end: 0, inst: this.declInst(d) });
    return { decls: [...out, ...this.newDecls] };
  }

  private declInst(d: AnalyzedDecl): Inst {
    const exp = d.analysis.export;
    if (exp !== null) {
      const sym = this.stringConstant(latin1Bytes(exp.symbolName));
      return inst('export', [sym, str(exp.declName)]);
    }
    const tv = d.analysis.typedValue;
    if (tv === null) throw new EmitError(`decl '${d.decl.name}' has errors`);
    if (tv.value.kind === 'function' && tv.value.decl === d.decl.name) {
      const air = d.body?.air;
      if (!air) throw new EmitError(`function '${d.decl.name}' has no analyzed body`);
      return inst('fn', [this.typeRef(tv.type), { kind: 'body', locals: new BodyEmitter(this, air).run(), offset: 0 }]);
    }
    if (tv.value.kind === 'extern_fn' && tv.value.decl === d.decl.name) {
      return inst('extern', [this.typeRef(tv.type), str(tv.value.name)], [['lib', str(tv.value.lib)]]);
    }
    return this.valueInst(tv);
  }

  // --- constants as decls ---------------------------------------------------------

  /** A stable key for "a decl with this value", or null when the value has no key. */
  private key(tv: TypedValue): string | null {
    const v = this.valueKey(tv.value);
    return v === null ? null : `${typeName(tv.type)}|${v}`;
  }

  private valueKey(v: Value): string | null {
    switch (v.kind) {
      case 'int':
        return `i${v.value}`;
      case 'bool':
        return `b${v.value}`;
      case 'void':
      case 'undef':
      case 'null':
        return v.kind;
      case 'type':
        return `t${typeName(v.type)}`;
      case 'function':
        return `f${v.decl}`;
      case 'extern_fn':
        return `e${v.lib}:${v.name}`;
      case 'bytes':
        return `y${hexString(v.bytes)}`;
      case 'aggregate': {
        const parts = v.elems.map((e) => this.valueKey(e));
        return parts.some((p) => p === null) ? null : `a[${parts.join(',')}]`;
      }
      case 'ptr': {
        // Pointers into anonymous constants are keyed by what they point at, not the atom's name.
        const fnTarget = v.target !== null && v.target.kind !== 'decl' ? symbolKey(v.target) : null;
        const inner = this.key(v.object);
        return inner === null ? null : `p${fnTarget ?? ''}@${v.index}:${inner}`;
      }
      case 'slice': {
        const p = this.valueKey(v.ptr);
        return p === null ? null : `s${v.len}:${p}`;
      }
    }
  }

  /** A decl reference whose value is `tv`, creating `@unnamed$<n>` if no decl has it. */
  constRef(tv: TypedValue, preferredName?: string): RefValue {
    const key = this.key(tv);
    if (key !== null) {
      const known = this.byValue.get(key);
      if (known !== undefined) return declRef(known);
    }
    if (tv.value.kind === 'function' || tv.value.kind === 'extern_fn') return declRef(tv.value.decl);
    const made = this.valueInst(tv);
    const name = this.freshName(preferredName);
    this.newDecls.push({ name, start: 0, end: 0, inst: made });
    if (key !== null) this.byValue.set(key, name);
    return declRef(name);
  }

  /** `preferred` if no decl has that name yet, else the next free `unnamed$<n>`. */
  private freshName(preferred: string | undefined): string {
    if (preferred !== undefined && !this.usedNames.has(preferred)) {
      this.usedNames.add(preferred);
      return preferred;
    }
    for (;;) {
      const name = `unnamed$${this.unnamedCount++}`;
      if (!this.usedNames.has(name)) {
        this.usedNames.add(name);
        return name;
      }
    }
  }

  typeRef(t: Type): RefValue {
    return this.constRef({ type: TYPE, value: { kind: 'type', type: t } });
  }

  private intRef(t: Type, n: bigint): RefValue {
    return this.constRef({ type: t, value: { kind: 'int', value: n } });
  }

  /** A decl holding `str(bytes)`. */
  stringConstant(bytes: Uint8Array, preferredName?: string): RefValue {
    const arrayType: Type = { kind: 'array', len: bytes.length, sentinel: 0n, elem: { kind: 'int', signed: false, bits: 8, name: 'u8' } };
    const ptrType: Type = { kind: 'pointer', size: 'one', mutable: false, elem: arrayType };
    return this.constRef(
      { type: ptrType, value: { kind: 'ptr', target: null, object: { type: arrayType, value: { kind: 'bytes', bytes } }, index: null } },
      preferredName,
    );
  }

  /** The instruction that makes the comptime value `tv`. */
  valueInst(tv: TypedValue): Inst {
    const t = tv.type;
    const v = tv.value;
    switch (v.kind) {
      case 'type':
        return this.typeInst(v.type);
      case 'int':
        if (t.kind === 'comptime_int') return inst('int', [{ kind: 'int', value: v.value, offset: 0 }]);
        return inst('as', [this.typeRef(t), this.intRef({ kind: 'comptime_int' }, v.value)]);
      case 'bool':
        if (t.kind === 'bool') return inst('primitive', [word(v.value ? 'true' : 'false')]);
        break;
      case 'void':
        return inst('primitive', [word('void_value')]);
      case 'null':
        return inst('primitive', [word('null')]);
      case 'undef':
        if (t.kind === 'undefined') return inst('primitive', [word('undefined')]);
        return inst('as', [this.typeRef(t), this.constRef({ type: { kind: 'undefined' }, value: { kind: 'undef' } })]);
      case 'ptr':
        return this.pointerInst(t, v);
      case 'slice':
        if (t.kind === 'pointer' && v.ptr.kind === 'ptr' && (v.ptr.index ?? 0) === 0) {
          const obj = v.ptr.object;
          if (obj.type.kind === 'array' && obj.type.len === v.len) {
            const base: Type = { kind: 'pointer', size: 'one', mutable: t.mutable, elem: obj.type };
            return inst('as', [this.typeRef(t), this.constRef({ type: base, value: { ...v.ptr, index: null } })]);
          }
        }
        break;
      case 'bytes':
      case 'aggregate': {
        const ptrType: Type = { kind: 'pointer', size: 'one', mutable: false, elem: t };
        const ptr = this.constRef({ type: ptrType, value: { kind: 'ptr', target: null, object: tv, index: null } });
        return inst('deref', [ptr]);
      }
      case 'function':
      case 'extern_fn':
        return inst('as', [this.typeRef(t), declRef(v.decl)]);
    }
    throw new EmitError(`cannot print a comptime value of type '${typeName(t)}'`);
  }

  private pointerInst(t: Type, v: Extract<Value, { kind: 'ptr' }>): Inst {
    if (t.kind !== 'pointer') throw new EmitError(`cannot print a pointer of type '${typeName(t)}'`);
    const obj = v.object;
    if (v.index === null) {
      const isStr =
        obj.value.kind === 'bytes' &&
        obj.type.kind === 'array' &&
        obj.type.sentinel === 0n &&
        obj.type.elem.kind === 'int' &&
        obj.type.elem.bits === 8 &&
        !obj.type.elem.signed;
      const natural: Type = { kind: 'pointer', size: 'one', mutable: false, elem: obj.type };
      if (isStr && obj.value.kind === 'bytes' && typeEql(natural, t)) return inst('str', [str(obj.value.bytes)]);
      if (typeEql(natural, t)) return inst('ref', [this.constRef(obj)]);
      return inst('as', [this.typeRef(t), this.constRef({ type: natural, value: v })]);
    }
    if (obj.type.kind !== 'array') throw new EmitError(`cannot print a pointer into '${typeName(obj.type)}'`);
    const whole: Type = { kind: 'pointer', size: 'one', mutable: false, elem: obj.type };
    const base = this.constRef({ type: whole, value: { ...v, index: null } });
    if (t.size === 'many' && v.index === 0) return inst('as', [this.typeRef(t), base]);
    if (t.size === 'one') {
      return inst('elemptr', [base, this.intRef(usizeType(this.opts.target), BigInt(v.index))]);
    }
    throw new EmitError(`cannot print a pointer of type '${typeName(t)}' into the middle of an array`);
  }

  private typeInst(t: Type): Inst {
    const prim = primitiveNameOfType(t, this.opts.target);
    if (prim !== null) return inst('primitive', [word(prim)]);
    switch (t.kind) {
      case 'int':
        return inst('inttype', [
          this.constRef({ type: BOOL, value: { kind: 'bool', value: t.signed } }),
          this.intRef({ kind: 'comptime_int' }, BigInt(t.bits)),
        ]);
      case 'pointer': {
        const tag =
          t.size === 'one'
            ? t.mutable ? 'single_mut_ptr_type' : 'single_const_ptr_type'
            : t.size === 'many'
              ? t.mutable ? 'many_mut_ptr_type' : 'many_const_ptr_type'
              : t.mutable ? 'mut_slice_type' : 'const_slice_type';
        return inst(tag, [this.typeRef(t.elem)]);
      }
      case 'array': {
        const len = this.intRef({ kind: 'comptime_int' }, BigInt(t.len));
        if (t.sentinel === null) return inst('array_type', [len, this.typeRef(t.elem)]);
        return inst('array_type_sentinel', [len, this.intRef({ kind: 'comptime_int' }, t.sentinel), this.typeRef(t.elem)]);
      }
      case 'fn':
        return inst('fntype', [list(t.params.map((p) => this.typeRef(p))), this.typeRef(t.ret)], [['cc', word(t.cc)]]);
      case 'null':
      case 'undefined':
        return inst('typeof', [this.constRef({ type: t, value: { kind: t.kind === 'null' ? 'null' : 'undef' } })]);
      default:
        throw new EmitError(`cannot print type '${typeName(t)}'`);
    }
  }

  /** A decl reference for an AIR constant of type `t`. */
  airConstRef(t: Type, c: AirConst): RefValue {
    switch (c.kind) {
      case 'imm':
        if (t.kind === 'bool') return this.constRef({ type: t, value: { kind: 'bool', value: c.value !== 0n } });
        return this.constRef({ type: t, value: { kind: 'int', value: c.value } });
      case 'undef':
        return this.constRef({ type: t, value: { kind: 'undef' } });
      case 'none':
        return this.constRef({ type: t, value: { kind: 'void' } });
      case 'addr':
        return this.addrRef(t, c.target, c.offset);
    }
  }

  private addrRef(t: Type, target: SymbolTarget, offset: number): RefValue {
    if (target.kind === 'extern') {
      const owner = this.externs.get(symbolKey(target));
      if (owner === undefined) throw new EmitError(`no decl declares extern '${target.name}'`);
      return declRef(owner);
    }
    if (target.kind === 'runtime') throw new EmitError('a runtime routine cannot be named in ZIR');
    const atom = this.atoms.get(target.name);
    if (atom === undefined) {
      // A function decl.
      if (offset !== 0) throw new EmitError(`cannot print an offset into function '${target.name}'`);
      return declRef(target.name);
    }
    if (atom.value === undefined) throw new EmitError(`anonymous constant '${target.name}' has no recorded value`);
    const object = atom.value;
    let index: number | null = null;
    if (t.kind === 'pointer' && (t.size === 'many' || (t.size === 'one' && !typeEql(t.elem, object.type)))) {
      const elem = object.type.kind === 'array' ? object.type.elem : object.type;
      index = offset / Math.max(1, sizeOf(elem, this.opts.target));
    }
    const isStrAtom = object.value.kind === 'bytes';
    const ptr: TypedValue = { type: t, value: { kind: 'ptr', target: null, object, index } };
    const preferred = isStrAtom && index === null && this.byValue.get(this.key(ptr) ?? '') === undefined ? printableAnonName(target.name) : undefined;
    return this.constRef(ptr, preferred);
  }
}

/** Writes one function body from its AIR. */
class BodyEmitter {
  private readonly names = new Map<AirRef, string>();
  private next = 0;

  constructor(
    private readonly e: ZirEmitter,
    private readonly f: AirFunction,
  ) {}

  run(): Local[] {
    return this.body(this.f.body);
  }

  private body(refs: AirRef[]): Local[] {
    const out: Local[] = [];
    for (const r of refs) if (this.f.insts[r]!.zir?.kind !== 'hidden') out.push(this.local(r));
    return out;
  }

  private operand(r: AirRef): RefValue {
    const i = this.f.insts[r]!;
    if (i.op === 'const') return i.zir?.kind === 'value' ? this.e.constRef(i.zir.tv) : this.e.airConstRef(i.type, i.value);
    const name = this.names.get(r);
    if (name === undefined) throw new EmitError(`AIR operand %${r} used before it is defined`);
    return localRef(name);
  }

  private typeOf(r: AirRef): Type {
    return this.f.insts[r]!.type;
  }

  private local(r: AirRef): Local {
    const name = `${this.next++}`;
    this.names.set(r, name);
    return { name, offset: 0, inst: this.instFor(this.f.insts[r]!) };
  }

  private instFor(i: AirInst): Inst {
    const op = (r: AirRef) => this.operand(r);
    if (i.zir?.kind === 'inst') {
      // Sema lowered a higher-level instruction here (slices and arrays through memory).
      const args = i.zir.operands.map((o): ArgValue => ('ref' in o ? op(o.ref) : 'refs' in o ? list(o.refs.map(op)) : this.e.typeRef(o.type)));
      return inst(i.zir.tag, args, i.zir.tag === 'call' ? [['modifier', word('auto')]] : []);
    }
    switch (i.op) {
      case 'const':
        throw new EmitError('a const is never listed in a body');
      case 'arg':
        return inst('arg', [str(i.name)]);
      case 'alloc':
        return inst(i.type.kind === 'pointer' && i.type.mutable ? 'alloc_mut' : 'alloc', [this.e.typeRef(i.elemType)]);
      case 'load':
        return inst('deref', [op(i.ptr)]);
      case 'store':
        return inst('store', [op(i.ptr), op(i.value)]);
      case 'memcpy':
        throw new EmitError('a memcpy is always part of the lowering of a deref, store or return');
      case 'add':
      case 'sub':
      case 'mul':
      case 'div':
      case 'addwrap':
      case 'subwrap':
      case 'mulwrap':
      case 'bitand':
      case 'bitor':
      case 'xor':
      case 'shl':
      case 'shr':
      case 'booland':
      case 'boolor':
        return inst(i.op, [op(i.lhs), op(i.rhs)]);
      case 'rem':
        return inst('mod_rem', [op(i.lhs), op(i.rhs)]);
      case 'cmp':
        return inst(`cmp_${i.cmp}`, [op(i.lhs), op(i.rhs)]);
      case 'bitnot':
      case 'boolnot':
        return inst(i.op, [op(i.operand)]);
      case 'intcast': {
        const src = this.typeOf(i.operand);
        const widening = !i.safe && src.kind === 'int' && i.type.kind === 'int' && intWidens(src, i.type);
        return inst(widening ? 'as' : 'intcast', [this.e.typeRef(i.type), op(i.operand)]);
      }
      case 'bitcast':
        return inst('bitcast', [this.e.typeRef(i.type), op(i.operand)]);
      case 'ptrtoint':
        return inst('ptrtoint', [op(i.operand)]);
      case 'elemptr':
        return inst('elemptr', [op(i.ptr), op(i.index)]);
      case 'offsetptr': {
        const field = i.offset === 0 ? 'ptr' : 'len';
        return inst('fieldptr', [op(i.ptr), this.e.stringConstant(latin1Bytes(field))]);
      }
      case 'call':
        return inst('call', [op(i.callee), list(i.args.map(op))], [['modifier', word('auto')]]);
      case 'ret':
        return inst('return', [op(i.operand)]);
      case 'retvoid':
        return inst('returnvoid', []);
      case 'block':
      case 'loop':
        return inst(i.op, [{ kind: 'body', locals: this.body(i.body), offset: 0 }]);
      case 'br': {
        const label = this.names.get(i.block);
        if (label === undefined) throw new EmitError('break to a block that is not open');
        return i.operand === null ? inst('breakvoid', [str(label)]) : inst('break', [str(label), op(i.operand)]);
      }
      case 'condbr':
        return inst('condbr', [
          op(i.cond),
          { kind: 'body', locals: this.body(i.then), offset: 0 },
          { kind: 'body', locals: this.body(i.else), offset: 0 },
        ]);
      case 'unreachable':
        return inst(i.safe ? 'unreachable' : 'unreach_nocheck', []);
      case 'breakpoint':
        return inst('breakpoint', []);
      case 'asm': {
        const s = (text: string) => this.e.stringConstant(latin1Bytes(text));
        const kwargs: [string, ArgValue][] = [['volatile', { kind: 'bool', value: i.isVolatile, offset: 0 }]];
        if (i.output !== null) kwargs.push(['output', s(i.output)]);
        kwargs.push(['inputs', list(i.inputs.map(s))]);
        kwargs.push(['clobbers', list(i.clobbers.map(s))]);
        kwargs.push(['args', list(i.args.map(op))]);
        return inst('asm', [s(i.source), this.e.typeRef(i.type)], kwargs);
      }
    }
  }
}
