//! wasm32 code generation: one AIR function → a wasm function body plus relocations
//! (`WasmFunction`). Pure. Each runtime value lives in a wasm local (i32 for ints ≤ 32
//! bits, bools, pointers and function values; i64 for 33..64-bit ints), kept normalized
//! (see types.ts); a local is reused once its value is dead (liveness.ts), so the count
//! of locals follows what is live at once. Constants are materialized at their uses. Structured AIR
//! control flow maps onto wasm `block`/`loop`/`if`; `alloc` slots live in a 16-byte
//! aligned frame on the shadow stack addressed through the `__stack_pointer` global.

import type { AirFunction, AirInst, AirRef } from '../../sema/air.js';
import { hasRuntimeBits, sizeOf, WASM32_TARGET, type Type } from '../../sema/types.js';
import { IntLowering, type ValueEmitter } from './arith.js';
import { FunctionEmitter } from './emit.js';
import { computeLiveness, type Liveness } from './liveness.js';
import { Op } from './opcodes.js';
import { I32, I64, type WasmFunction, type WasmValType } from './output.js';
import { intRepr, wasmSigOf, wasmValType } from './types.js';

export { wasmSigOf, wasmValType };

const NO_LOCAL = -1;

/** Copies of at most this many bytes are unrolled into loads and stores; longer ones use `memory.copy`. */
export const UNROLLED_COPY_MAX = 64;

/** Generate the wasm body of one analyzed function. Throws only on AIR that sema never
 * produces for wasm32 (inline assembly). */
export function generateFunction(func: AirFunction): WasmFunction {
  const lowering = new FunctionLowering(func);
  return lowering.run();
}

/** Memory access width of a scalar type: size in bytes. */
function accessSize(t: Type): number {
  return sizeOf(t, WASM32_TARGET);
}

function isOddWidth(t: Type): boolean {
  return t.kind === 'int' && t.bits !== 8 && t.bits !== 16 && t.bits !== 32 && t.bits !== 64;
}

class FunctionLowering {
  private readonly e: FunctionEmitter;
  private readonly ints: IntLowering;
  /** Local holding each instruction's value (NO_LOCAL when none). */
  private readonly localOf: Int32Array;
  /** Label depth of each AIR block's wasm block. */
  private readonly labelOf: Int32Array;
  private readonly frameOffset: Int32Array;
  private frameSize = 0;
  private fp = NO_LOCAL;
  private readonly live: Liveness;
  /** 1 when the value's local came from the pool (and goes back to it when the value dies). */
  private readonly pooled: Uint8Array;
  /** Locals of dead values, free for the next definition of that type. */
  private readonly free: Record<WasmValType, number[]> = { [I32]: [], [I64]: [] };

  constructor(private readonly func: AirFunction) {
    this.e = new FunctionEmitter(wasmSigOf(func.type));
    this.ints = new IntLowering(this.e);
    this.localOf = new Int32Array(func.insts.length).fill(NO_LOCAL);
    this.labelOf = new Int32Array(func.insts.length).fill(NO_LOCAL);
    this.frameOffset = new Int32Array(func.insts.length).fill(NO_LOCAL);
    this.live = computeLiveness(func);
    this.pooled = new Uint8Array(func.insts.length);
  }

  run(): WasmFunction {
    this.assignParams();
    this.layoutFrame();
    this.prologue();
    this.lowerBody(this.func.body);
    const { body, relocs } = this.e.finish();
    return { name: this.func.name, sig: this.e.sig, body, relocs };
  }

  private assignParams(): void {
    const paramLocal: number[] = [];
    let next = 0;
    for (const p of this.func.type.params) paramLocal.push(hasRuntimeBits(p) && wasmValType(p) !== null ? next++ : NO_LOCAL);
    this.func.insts.forEach((inst, i) => {
      if (inst.op === 'arg') this.localOf[i] = paramLocal[inst.index] ?? NO_LOCAL;
    });
    // Callers outside zirc (the host) may pass unnormalized narrow integers.
    if (this.func.type.cc === 'C') {
      this.func.type.params.forEach((p, i) => {
        const local = paramLocal[i]!;
        if (local === NO_LOCAL || p.kind !== 'int' || p.bits === 32 || p.bits === 64) return;
        this.e.get(local);
        this.ints.normalize(intRepr(p));
        this.e.set(local);
      });
    }
  }

  private layoutFrame(): void {
    let size = 0;
    this.func.insts.forEach((inst, i) => {
      if (inst.op !== 'alloc') return;
      const elemSize = sizeOf(inst.elemType, WASM32_TARGET);
      const align = Math.max(1, Math.min(16, alignOfElem(inst.elemType)));
      size = Math.ceil(size / align) * align;
      this.frameOffset[i] = size;
      size += Math.max(elemSize, 0);
    });
    this.frameSize = Math.ceil(size / 16) * 16;
  }

  private prologue(): void {
    if (this.frameSize === 0) return;
    const e = this.e;
    this.fp = e.newLocal(I32);
    e.stackPointer(Op.global_get);
    e.i32Const(this.frameSize);
    e.op(Op.i32_sub);
    e.tee(this.fp);
    e.stackPointer(Op.global_set);
  }

  private epilogue(): void {
    if (this.frameSize === 0) return;
    const e = this.e;
    e.get(this.fp);
    e.i32Const(this.frameSize);
    e.op(Op.i32_add);
    e.stackPointer(Op.global_set);
  }

  private lowerBody(body: readonly AirRef[]): void {
    for (const ref of body) {
      this.lowerInst(ref);
      // After the whole instruction (nested bodies included): conservative for a condbr's condition.
      this.retire(this.live.pos[ref]!);
      const end = this.live.endPos[ref]!;
      if (end !== NO_LOCAL) this.retire(end);
    }
  }

  /** Gives the locals of the values that die at position `p` back to the pool. */
  private retire(p: number): void {
    for (const ref of this.live.diesAt(p)) {
      if (this.pooled[ref] === 0) continue;
      this.pooled[ref] = 0;
      this.free[wasmValType(this.typeOf(ref))!].push(this.localOf[ref]!);
    }
  }

  /** A local for instruction `ref`'s value (a free one if any), if its type has runtime bits. */
  private defineLocal(ref: AirRef, type: Type): number {
    const v = hasRuntimeBits(type) ? wasmValType(type) : null;
    if (v === null) return NO_LOCAL;
    const local = this.free[v].pop() ?? this.e.newLocal(v);
    this.localOf[ref] = local;
    this.pooled[ref] = 1;
    return local;
  }

  private typeOf(ref: AirRef): Type {
    return this.inst(ref).type;
  }

  private inst(ref: AirRef): AirInst {
    const inst = this.func.insts[ref];
    if (inst === undefined) throw new Error(`AIR of '${this.func.name}' refers to missing instruction %${ref}`);
    return inst;
  }

  /** Push the value of `ref` (nothing for values without runtime bits). */
  private push(ref: AirRef): void {
    const inst = this.inst(ref);
    if (inst.op === 'const') {
      const v = hasRuntimeBits(inst.type) ? wasmValType(inst.type) : null;
      if (v === null) return;
      const c = inst.value;
      switch (c.kind) {
        case 'imm':
          this.e.constOf(v, c.value);
          return;
        case 'undef':
        case 'none':
          this.e.constOf(v, 0n);
          return;
        case 'addr': {
          const sig = inst.type.kind === 'fn' ? wasmSigOf(inst.type) : null;
          this.e.addrConst(c.target, c.offset, sig);
          if (v === I64) this.e.op(Op.i64_extend_i32_u);
          return;
        }
      }
    }
    const local = this.localOf[ref]!;
    if (local === NO_LOCAL) {
      if (hasRuntimeBits(inst.type) && wasmValType(inst.type) !== null)
        throw new Error(`AIR of '${this.func.name}': %${ref} (${inst.op}) used before it is defined`);
      return;
    }
    this.e.get(local);
  }

  private pusher(ref: AirRef): ValueEmitter {
    return () => this.push(ref);
  }

  private lowerInst(ref: AirRef): void {
    const inst = this.inst(ref);
    const e = this.e;
    switch (inst.op) {
      case 'const':
      case 'arg':
        return;
      case 'alloc': {
        const local = this.defineLocal(ref, inst.type);
        if (local === NO_LOCAL) return;
        e.get(this.fp === NO_LOCAL ? this.allocFallbackFp() : this.fp);
        e.i32Const(this.frameOffset[ref]!);
        e.op(Op.i32_add);
        e.set(local);
        return;
      }
      case 'load':
        return this.lowerLoad(ref, inst);
      case 'store':
        return this.lowerStore(inst);
      case 'memcpy':
        return this.lowerMemcpy(inst);
      case 'add':
      case 'sub':
      case 'mul': {
        const r = intRepr(inst.type);
        if (inst.safe) this.ints.checked(inst.op, r, this.pusher(inst.lhs), this.pusher(inst.rhs));
        else this.ints.wrapping(inst.op, r, this.pusher(inst.lhs), this.pusher(inst.rhs));
        return this.setResult(ref, inst.type);
      }
      case 'addwrap':
      case 'subwrap':
      case 'mulwrap': {
        const op = inst.op === 'addwrap' ? 'add' : inst.op === 'subwrap' ? 'sub' : 'mul';
        this.ints.wrapping(op, intRepr(inst.type), this.pusher(inst.lhs), this.pusher(inst.rhs));
        return this.setResult(ref, inst.type);
      }
      case 'div':
      case 'rem':
        this.ints.divRem(inst.op, intRepr(inst.type), inst.safe, this.pusher(inst.lhs), this.pusher(inst.rhs));
        return this.setResult(ref, inst.type);
      case 'bitand':
      case 'bitor':
      case 'xor':
        this.ints.bitwise(inst.op, intRepr(inst.type), this.pusher(inst.lhs), this.pusher(inst.rhs));
        return this.setResult(ref, inst.type);
      case 'shl':
      case 'shr':
        this.ints.shift(inst.op, intRepr(inst.type), inst.safe, this.pusher(inst.lhs), this.pusher(inst.rhs));
        return this.setResult(ref, inst.type);
      case 'bitnot':
        this.ints.bitnot(intRepr(inst.type), this.pusher(inst.operand));
        return this.setResult(ref, inst.type);
      case 'boolnot':
        this.push(inst.operand);
        e.op(Op.i32_eqz);
        return this.setResult(ref, inst.type);
      case 'booland':
      case 'boolor':
        this.push(inst.lhs);
        this.push(inst.rhs);
        e.op(inst.op === 'booland' ? Op.i32_and : Op.i32_or);
        return this.setResult(ref, inst.type);
      case 'cmp':
        return this.lowerCmp(ref, inst);
      case 'intcast':
        this.ints.intcast(intRepr(this.typeOf(inst.operand)), intRepr(inst.type), inst.safe, this.pusher(inst.operand));
        return this.setResult(ref, inst.type);
      case 'bitcast':
        return this.lowerBitcast(ref, inst);
      case 'ptrtoint':
        this.push(inst.operand);
        return this.setResult(ref, inst.type);
      case 'elemptr':
        this.push(inst.ptr);
        this.push(inst.index);
        if (wasmValType(this.typeOf(inst.index)) === I64) e.op(Op.i32_wrap_i64);
        if (inst.elemSize !== 1) {
          e.i32Const(inst.elemSize);
          e.op(Op.i32_mul);
        }
        e.op(Op.i32_add);
        return this.setResult(ref, inst.type);
      case 'offsetptr':
        this.push(inst.ptr);
        if (inst.offset !== 0) {
          e.i32Const(inst.offset);
          e.op(Op.i32_add);
        }
        return this.setResult(ref, inst.type);
      case 'call':
        return this.lowerCall(ref, inst);
      case 'ret':
        this.push(inst.operand);
        this.epilogue();
        e.op(Op.return);
        return;
      case 'retvoid':
        this.epilogue();
        e.op(Op.return);
        return;
      case 'block':
        this.defineLocal(ref, inst.type);
        e.open(Op.block);
        this.labelOf[ref] = e.depth;
        this.lowerBody(inst.body);
        e.close();
        if (inst.type.kind === 'noreturn') e.op(Op.unreachable);
        return;
      case 'loop': {
        e.open(Op.loop);
        const label = e.depth;
        this.lowerBody(inst.body);
        if (!this.endsInNoreturn(inst.body)) e.brTo(label);
        e.close();
        e.op(Op.unreachable);
        return;
      }
      case 'br': {
        const label = this.labelOf[inst.block]!;
        if (label === NO_LOCAL) throw new Error(`AIR of '${this.func.name}': br to %${inst.block}, which is not an enclosing block`);
        const target = this.localOf[inst.block]!;
        if (inst.operand !== null) {
          this.push(inst.operand);
          if (target !== NO_LOCAL) {
            if (this.producesValue(inst.operand)) e.set(target);
          } else if (this.producesValue(inst.operand)) e.op(Op.drop);
        }
        e.brTo(label);
        return;
      }
      case 'condbr':
        this.push(inst.cond);
        e.open(Op.if);
        this.lowerBody(inst.then);
        e.else();
        this.lowerBody(inst.else);
        e.close();
        e.op(Op.unreachable);
        return;
      case 'unreachable':
        if (inst.safe) e.call({ kind: 'runtime', name: 'panic_unreachable' }, { params: [], results: [] });
        e.op(Op.unreachable);
        return;
      case 'breakpoint':
        e.op(Op.unreachable);
        return;
      case 'asm':
        throw new Error(`inline assembly is not supported on wasm32 (in '${this.func.name}')`);
    }
  }

  /** An alloc outside any frame cannot happen (layoutFrame saw every alloc); kept total. */
  private allocFallbackFp(): number {
    throw new Error(`AIR of '${this.func.name}': alloc without a frame`);
  }

  private producesValue(ref: AirRef): boolean {
    const t = this.typeOf(ref);
    return hasRuntimeBits(t) && wasmValType(t) !== null;
  }

  private endsInNoreturn(body: readonly AirRef[]): boolean {
    const last = body[body.length - 1];
    return last !== undefined && this.typeOf(last).kind === 'noreturn';
  }

  /** Pop the value just computed into `ref`'s local. */
  private setResult(ref: AirRef, type: Type): void {
    const local = this.defineLocal(ref, type);
    if (local !== NO_LOCAL) this.e.set(local);
    else if (wasmValType(type) !== null) this.e.op(Op.drop);
  }

  private lowerLoad(ref: AirRef, inst: Extract<AirInst, { op: 'load' }>): void {
    const t = inst.type;
    const v = hasRuntimeBits(t) ? wasmValType(t) : null;
    if (v === null) return;
    const size = accessSize(t);
    const signed = t.kind === 'int' && t.signed;
    this.push(inst.ptr);
    const e = this.e;
    if (v === I32) {
      if (size === 1) e.memOp(signed ? Op.i32_load8_s : Op.i32_load8_u, 0);
      else if (size === 2) e.memOp(signed ? Op.i32_load16_s : Op.i32_load16_u, 1);
      else e.memOp(Op.i32_load, 2);
    } else {
      e.memOp(Op.i64_load, 3);
    }
    if (isOddWidth(t)) this.ints.normalize(intRepr(t));
    if (t.kind === 'bool') {
      e.i32Const(1);
      e.op(Op.i32_and);
    }
    this.setResult(ref, t);
  }

  private lowerStore(inst: Extract<AirInst, { op: 'store' }>): void {
    const t = this.typeOf(inst.value);
    const v = hasRuntimeBits(t) ? wasmValType(t) : null;
    if (v === null) return;
    const size = accessSize(t);
    const e = this.e;
    this.push(inst.ptr);
    this.push(inst.value);
    if (v === I32) {
      if (size === 1) e.memOp(Op.i32_store8, 0);
      else if (size === 2) e.memOp(Op.i32_store16, 1);
      else e.memOp(Op.i32_store, 2);
    } else {
      e.memOp(Op.i64_store, 3);
    }
  }

  private lowerMemcpy(inst: Extract<AirInst, { op: 'memcpy' }>): void {
    const e = this.e;
    if (inst.len > UNROLLED_COPY_MAX) {
      this.push(inst.dst);
      this.push(inst.src);
      e.i32Const(inst.len);
      e.memoryCopy();
      return;
    }
    // The widest pieces that fit (8, 4, 2, then 1 bytes), at offsets from the two pointers.
    for (let at = 0; at < inst.len; ) {
      const width = [8, 4, 2, 1].find((w) => at % w === 0 && at + w <= inst.len)!;
      const [load, store] =
        width === 8 ? [Op.i64_load, Op.i64_store] : width === 4 ? [Op.i32_load, Op.i32_store] : width === 2 ? [Op.i32_load16_u, Op.i32_store16] : [Op.i32_load8_u, Op.i32_store8];
      this.push(inst.dst);
      this.push(inst.src);
      e.memOp(load, 0, at);
      e.memOp(store, 0, at);
      at += width;
    }
  }

  private lowerCmp(ref: AirRef, inst: Extract<AirInst, { op: 'cmp' }>): void {
    const t = this.typeOf(inst.lhs);
    const r = intRepr(t);
    const signed = t.kind === 'int' && t.signed;
    this.push(inst.lhs);
    this.push(inst.rhs);
    const w64 = r.width === 64;
    const table = w64
      ? { eq: Op.i64_eq, neq: Op.i64_ne, lt: signed ? Op.i64_lt_s : Op.i64_lt_u, lte: signed ? Op.i64_le_s : Op.i64_le_u, gt: signed ? Op.i64_gt_s : Op.i64_gt_u, gte: signed ? Op.i64_ge_s : Op.i64_ge_u }
      : { eq: Op.i32_eq, neq: Op.i32_ne, lt: signed ? Op.i32_lt_s : Op.i32_lt_u, lte: signed ? Op.i32_le_s : Op.i32_le_u, gt: signed ? Op.i32_gt_s : Op.i32_gt_u, gte: signed ? Op.i32_ge_s : Op.i32_ge_u };
    if (hasRuntimeBits(t) && wasmValType(t) !== null) this.e.op(table[inst.cmp]);
    else this.e.i32Const(inst.cmp === 'eq' || inst.cmp === 'lte' || inst.cmp === 'gte' ? 1 : 0);
    this.setResult(ref, inst.type);
  }

  private lowerBitcast(ref: AirRef, inst: Extract<AirInst, { op: 'bitcast' }>): void {
    const from = this.typeOf(inst.operand);
    const fv = wasmValType(from);
    const tv = wasmValType(inst.type);
    this.push(inst.operand);
    if (fv === I32 && tv === I64) this.e.op(Op.i64_extend_i32_u);
    else if (fv === I64 && tv === I32) this.e.op(Op.i32_wrap_i64);
    if (inst.type.kind === 'int') this.ints.normalize(intRepr(inst.type));
    this.setResult(ref, inst.type);
  }

  private lowerCall(ref: AirRef, inst: Extract<AirInst, { op: 'call' }>): void {
    const e = this.e;
    const sig = wasmSigOf(inst.calleeType);
    for (const arg of inst.args) this.push(arg);
    const callee = this.inst(inst.callee);
    if (callee.op === 'const' && callee.value.kind === 'addr') {
      e.call(callee.value.target, sig);
    } else {
      this.push(inst.callee);
      e.callIndirect(sig);
    }
    if (inst.type.kind === 'noreturn') {
      e.op(Op.unreachable);
      return;
    }
    // The callee (maybe the host) might hand back an unnormalized narrow integer.
    if (isOddWidth(inst.type) || (inst.type.kind === 'int' && inst.type.bits < 32)) this.ints.normalize(intRepr(inst.type));
    this.setResult(ref, inst.type);
  }
}

function alignOfElem(t: Type): number {
  switch (t.kind) {
    case 'int':
    case 'bool':
    case 'pointer':
    case 'fn':
      return Math.max(1, sizeOf(t, WASM32_TARGET));
    case 'array':
      return alignOfElem(t.elem);
    default:
      return 1;
  }
}

export { I32, I64 };
export type { WasmValType };
