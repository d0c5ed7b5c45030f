//! The state of one analysis (a decl's value, or a function body) and the services every
//! instruction handler uses: failing with an error, resolving operands (decl refs through
//! the resolver, locals by name), reading comptime operands, emitting AIR, turning
//! comptime values into AIR constants, and creating anonymous data atoms.
//!
//! Operands are `SVal`s: a comptime `TypedValue`, or a runtime AIR ref with its type.
//! Errors are thrown as `SemaFailure` and caught by the entry points (analyze.ts): one
//! error per decl or body. A failure with no error means "a dependency failed; stay silent".

import type { ArgValue, Decl, RefValue } from '../zir/ast.js';
import type { AirConst, AirInst, AirRef, DataAtom, SymbolTarget, ZirForm, ZirOperand } from './air.js';
import type { DeclResolver, SemaError, SemaOptions } from './api.js';
import { layoutValue, LayoutError, pointerByteOffset } from './layout.js';
import { airType, alignOf, hasRuntimeBits, isAggregate, typeName, type FnType, type Type } from './types.js';
import type { TypedValue } from './value.js';
import { anonSymbolName } from './anon_names.js';

export type SVal =
  | { rt: false; tv: TypedValue }
  | { rt: true; type: Type; ref: AirRef };

export class SemaFailure extends Error {
  constructor(readonly error: SemaError | null) {
    super(error?.message ?? 'dependency failed');
  }
}

/** A block or loop that `break` can name, innermost last. */
export interface Label {
  name: string;
  kind: 'block' | 'loop';
  ref: AirRef;
  breaks: { br: AirRef; value: SVal | null; offset: number }[];
}

/** The per-function part of the state: present only while analyzing a body. */
export interface FnState {
  fnType: FnType;
  insts: AirInst[];
  locals: Map<string, SVal>;
  labels: Label[];
  argCount: number;
  sawNonArg: boolean;
  /** Functions returning an aggregate: the hidden first parameter, where the result goes. */
  resultPtr: AirRef | null;
}

export function comptime(tv: TypedValue): SVal {
  return { rt: false, tv };
}

export function typeOfSVal(v: SVal): Type {
  return v.rt ? v.type : v.tv.type;
}

export class Sema {
  readonly data: DataAtom[] = [];
  fn: FnState | null = null;
  private anonCount = 0;

  constructor(
    readonly decl: Decl,
    readonly resolver: DeclResolver,
    readonly opts: SemaOptions,
  ) {}

  fail(offset: number, message: string): never {
    throw new SemaFailure({ offset, message });
  }

  failSilently(): never {
    throw new SemaFailure(null);
  }

  /** The value of the decl `name`, reporting errors at `offset` (`byString`: named by a string, not an `@` operand). */
  resolveDeclByName(name: string, offset: number, byString: boolean): TypedValue {
    const r = this.resolver.resolveDecl(name, -1);
    if (typeof r !== 'string') return r;
    switch (r) {
      case 'not_found':
        return this.fail(offset, byString ? `use of undeclared identifier '${name}'` : `decl '${name}' not found`);
      case 'failed':
        return this.failSilently();
      case 'cycle':
        return this.fail(offset, 'unable to resolve comptime value');
    }
  }

  /** Resolves an operand: `@x` (value of a decl), `%x` (a local), or a literal. `instOffset` is where errors go. */
  resolveArg(arg: ArgValue | undefined, instOffset: number): SVal {
    if (arg === undefined) return this.fail(instOffset, 'missing operand');
    switch (arg.kind) {
      case 'ref':
        return this.resolveRef(arg, instOffset);
      case 'int':
        return comptime({ type: { kind: 'comptime_int' }, value: { kind: 'int', value: arg.value } });
      case 'bool':
        return comptime({ type: { kind: 'bool' }, value: { kind: 'bool', value: arg.value } });
      default:
        return this.fail(arg.offset, `expected an operand, found a ${arg.kind}`);
    }
  }

  resolveRef(ref: RefValue, instOffset: number): SVal {
    if (ref.scope === 'decl') {
      const r = this.resolver.resolveDecl(ref.name, ref.id);
      if (typeof r !== 'string') return comptime(r);
      switch (r) {
        case 'not_found':
          return this.fail(ref.offset, `decl '${ref.name}' not found`);
        case 'failed':
          return this.failSilently();
        case 'cycle':
          return this.fail(instOffset, 'unable to resolve comptime value');
      }
    }
    const local = this.fn?.locals.get(ref.name);
    if (local === undefined) return this.fail(ref.offset, `unrecognized identifier: %${ref.name}`);
    return local;
  }

  /** A comptime operand, or the error `unable to resolve comptime value`. */
  comptimeArg(arg: ArgValue | undefined, instOffset: number): TypedValue {
    const v = this.resolveArg(arg, instOffset);
    if (v.rt) return this.fail(instOffset, 'unable to resolve comptime value');
    return v.tv;
  }

  typeArg(arg: ArgValue | undefined, instOffset: number): Type {
    const tv = this.comptimeArg(arg, instOffset);
    if (tv.value.kind !== 'type') return this.fail(instOffset, `expected type 'type', found '${typeName(tv.type)}'`);
    return tv.value.type;
  }

  intArg(arg: ArgValue | undefined, instOffset: number): bigint {
    if (arg?.kind === 'int') return arg.value;
    const tv = this.comptimeArg(arg, instOffset);
    if (tv.value.kind !== 'int') return this.fail(instOffset, `expected an integer, found '${typeName(tv.type)}'`);
    return tv.value.value;
  }

  boolArg(arg: ArgValue | undefined, instOffset: number): boolean {
    if (arg?.kind === 'bool') return arg.value;
    if (arg?.kind === 'int' && (arg.value === 0n || arg.value === 1n)) return arg.value === 1n;
    const tv = this.comptimeArg(arg, instOffset);
    if (tv.value.kind !== 'bool') return this.fail(instOffset, `expected type 'bool', found '${typeName(tv.type)}'`);
    return tv.value.value;
  }

  /** A string literal, or a comptime string value (pointer to u8 array, slice, or a pointer to one of those: the 2020 `ref(@s)`). */
  stringArg(arg: ArgValue | undefined, instOffset: number): Uint8Array {
    if (arg?.kind === 'string') return arg.bytes;
    const tv = this.comptimeArg(arg, instOffset);
    const bytes = comptimeStringBytes(tv);
    if (bytes === null) return this.fail(instOffset, `expected a comptime string, found '${typeName(tv.type)}'`);
    return bytes;
  }

  /** Appends a runtime instruction to `body` and returns its value. */
  emit(inst: AirInst, body: AirRef[]): SVal {
    const fn = this.requireFn();
    const ref = fn.insts.length;
    fn.insts.push(inst);
    body.push(ref);
    return { rt: true, type: inst.type, ref };
  }

  /** Like `emit`, returning the new instruction's ref. */
  emitRef(inst: AirInst, body: AirRef[]): AirRef {
    const fn = this.requireFn();
    fn.insts.push(inst);
    const ref = fn.insts.length - 1;
    body.push(ref);
    return ref;
  }

  /** Adds an instruction that is not listed in a body (a `const`). */
  addUnlisted(inst: AirInst): AirRef {
    const fn = this.requireFn();
    fn.insts.push(inst);
    return fn.insts.length - 1;
  }

  requireFn(): FnState {
    if (this.fn === null) throw new Error('sema: runtime instruction outside a function body');
    return this.fn;
  }

  /**
   * The AIR ref of an operand, materializing comptime values as `const`s. For an aggregate
   * (isAggregate) it is the address of memory holding the value: a comptime one is placed
   * in a new anonymous constant.
   */
  toRef(v: SVal, offset: number): AirRef {
    if (v.rt) return v.ref;
    if (isAggregate(v.tv.type)) {
      const address = this.pointerToNewConstant(v.tv, airType(v.tv.type), offset);
      return this.addUnlisted({ op: 'const', type: address.type, value: this.airConst(address, offset), zir: { kind: 'value', tv: v.tv } });
    }
    return this.addUnlisted({ op: 'const', type: airType(v.tv.type), value: this.airConst(v.tv, offset) });
  }

  /** Says how `zirc ir` writes instruction `ref` (see air.ts ZirForm). */
  writeAs(ref: AirRef, form: ZirForm): void {
    const fn = this.requireFn();
    fn.insts[ref] = { ...fn.insts[ref]!, zir: form };
  }

  /** Instructions `zirc ir` does not write: they are part of another one's lowering. */
  hideInZir(refs: readonly AirRef[]): void {
    for (const r of refs) this.writeAs(r, { kind: 'hidden' });
  }

  /**
   * A lowering made of several instructions: `zirc ir` writes `leader` as the instruction
   * the user wrote, `tag(operands...)`, and none of `parts`.
   */
  lowered(leader: AirRef, tag: string, operands: ZirOperand[], parts: readonly AirRef[]): void {
    this.hideInZir(parts);
    this.writeAs(leader, { kind: 'inst', tag, operands });
  }

  /** A runtime aggregate value held at `address` (a pointer to memory nothing writes any more). */
  aggregateAt(type: Type, address: AirRef): SVal {
    return { rt: true, type, ref: address };
  }

  airConst(tv: TypedValue, offset: number): AirConst {
    const v = tv.value;
    switch (v.kind) {
      case 'int':
        if (tv.type.kind === 'int') return { kind: 'imm', value: v.value };
        break;
      case 'bool':
        return { kind: 'imm', value: v.value ? 1n : 0n };
      case 'undef':
        if (hasRuntimeBits(tv.type)) return { kind: 'undef' };
        return { kind: 'none' };
      case 'void':
        return { kind: 'none' };
      case 'function':
        return { kind: 'addr', target: { kind: 'decl', name: v.decl }, offset: 0 };
      case 'extern_fn':
        return { kind: 'addr', target: { kind: 'extern', name: v.name, lib: v.lib }, offset: 0 };
      case 'ptr': {
        const target = v.target ?? this.placeObject(v.object, offset);
        return { kind: 'addr', target, offset: pointerByteOffset(v.object, v.index, this.opts.target) };
      }
      default:
        break;
    }
    return this.fail(offset, `unable to use a comptime value of type '${typeName(tv.type)}' at runtime`);
  }

  /** Creates the anonymous constant `anonSymbolName(decl, n)` holding `object`, and returns its symbol. */
  placeObject(object: TypedValue, offset: number): SymbolTarget {
    const name = anonSymbolName(this.decl.name, this.anonCount++);
    let laid;
    try {
      laid = layoutValue(object, this.opts.target, (inner) => this.placeObject(inner, offset));
    } catch (e) {
      if (e instanceof LayoutError) return this.fail(offset, e.message);
      throw e;
    }
    this.data.push({
      name,
      bytes: laid.bytes,
      align: alignOf(object.type, this.opts.target),
      relocs: laid.relocs,
      section: 'rodata',
      value: object,
    });
    return { kind: 'decl', name };
  }

  /** A comptime pointer to a new anonymous constant holding `object` (`str`, `ref` of a comptime value). */
  pointerToNewConstant(object: TypedValue, ptrType: Type, offset: number): TypedValue {
    const target = hasRuntimeBits(object.type) ? this.placeObject(object, offset) : null;
    return { type: ptrType, value: { kind: 'ptr', target, object, index: null } };
  }
}

/** The bytes of a comptime string: a pointer to a u8 array (possibly through more pointers) or a u8 slice. */
export function comptimeStringBytes(tv: TypedValue): Uint8Array | null {
  let cur = tv;
  for (let depth = 0; depth < 16; depth++) {
    const v = cur.value;
    if (v.kind === 'bytes') return v.bytes;
    if (v.kind === 'slice' && v.ptr.kind === 'ptr') {
      const inner = comptimeStringBytes(v.ptr.object);
      if (inner === null) return null;
      const start = v.ptr.index ?? 0;
      return inner.subarray(start, start + v.len);
    }
    if (v.kind === 'ptr') {
      if (v.index !== null && v.index !== 0) {
        const inner = comptimeStringBytes(v.object);
        return inner === null ? null : inner.subarray(v.index);
      }
      cur = v.object;
      continue;
    }
    return null;
  }
  return null;
}
