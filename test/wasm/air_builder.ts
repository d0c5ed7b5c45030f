//! A small builder of hand-written AIR for the wasm backend tests: instructions are
//! appended to the function's flat array and listed in the body being built.

import type { AirConst, AirFunction, AirInst, AirRef, CmpOp, DataAtom, SymbolTarget } from '../../src/sema/air.js';
import { BOOL, intType, NORETURN, VOID, type FnType, type IntType, type PointerType, type Type } from '../../src/sema/types.js';

export const u8 = intType(false, 8);
export const i8 = intType(true, 8);
export const u16 = intType(false, 16);
export const i16 = intType(true, 16);
export const u32 = intType(false, 32);
export const i32 = intType(true, 32);
export const u64 = intType(false, 64);
export const i64 = intType(true, 64);
export const usize = intType(false, 32, 'usize');
export { BOOL, NORETURN, VOID, intType };

export function fnType(params: Type[], ret: Type, cc: FnType['cc'] = 'Unspecified'): FnType {
  return { kind: 'fn', params, ret, cc };
}
export function ptrTo(elem: Type, size: 'one' | 'many' = 'one', mutable = true): PointerType {
  return { kind: 'pointer', size, mutable, elem };
}
export function arrayOf(len: number, elem: Type): Type {
  return { kind: 'array', len, sentinel: null, elem };
}

export const WASI = 'wasi_snapshot_preview1';
export const FD_WRITE_TY = fnType([u32, usize, usize, usize], u32, 'C');
export const PROC_EXIT_TY = fnType([u32], NORETURN, 'C');
export const fdWrite: SymbolTarget = { kind: 'extern', name: 'fd_write', lib: WASI };
export const procExit: SymbolTarget = { kind: 'extern', name: 'proc_exit', lib: WASI };

export class FnBuilder {
  readonly insts: AirInst[] = [];
  private bodies: AirRef[][] = [[]];

  constructor(
    readonly name: string,
    readonly type: FnType,
  ) {}

  private push(inst: AirInst, listed = true): AirRef {
    this.insts.push(inst);
    const ref = this.insts.length - 1;
    if (listed) this.bodies[this.bodies.length - 1]!.push(ref);
    return ref;
  }

  emit(inst: AirInst): AirRef {
    return this.push(inst);
  }

  const(type: Type, value: bigint | number | boolean): AirRef {
    const v = typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt(value);
    return this.push({ op: 'const', type, value: { kind: 'imm', value: v } }, false);
  }
  constOf(type: Type, value: AirConst): AirRef {
    return this.push({ op: 'const', type, value }, false);
  }
  addr(type: Type, target: SymbolTarget, offset = 0): AirRef {
    return this.constOf(type, { kind: 'addr', target, offset });
  }
  fn(target: SymbolTarget, type: FnType): AirRef {
    return this.addr(type, target);
  }
  arg(index: number): AirRef {
    return this.push({ op: 'arg', type: this.type.params[index]!, index, name: `a${index}` });
  }
  bin(op: 'add' | 'sub' | 'mul' | 'div' | 'rem' | 'shl' | 'shr', type: Type, lhs: AirRef, rhs: AirRef, safe = true): AirRef {
    return this.push({ op, type, lhs, rhs, safe });
  }
  wrap(op: 'addwrap' | 'subwrap' | 'mulwrap' | 'bitand' | 'bitor' | 'xor' | 'booland' | 'boolor', type: Type, lhs: AirRef, rhs: AirRef): AirRef {
    return this.push({ op, type, lhs, rhs });
  }
  cmp(cmp: CmpOp, lhs: AirRef, rhs: AirRef): AirRef {
    return this.push({ op: 'cmp', type: BOOL, cmp, lhs, rhs });
  }
  alloc(elemType: Type): AirRef {
    return this.push({ op: 'alloc', type: ptrTo(elemType), elemType });
  }
  load(type: Type, ptr: AirRef): AirRef {
    return this.push({ op: 'load', type, ptr });
  }
  store(ptr: AirRef, value: AirRef): AirRef {
    return this.push({ op: 'store', type: VOID, ptr, value });
  }
  call(callee: AirRef, calleeType: FnType, args: AirRef[]): AirRef {
    return this.push({ op: 'call', type: calleeType.ret, callee, args, calleeType });
  }
  callSym(target: SymbolTarget, calleeType: FnType, args: AirRef[]): AirRef {
    return this.call(this.fn(target, calleeType), calleeType, args);
  }
  ret(operand: AirRef): AirRef {
    return this.push({ op: 'ret', type: NORETURN, operand });
  }
  retvoid(): AirRef {
    return this.push({ op: 'retvoid', type: NORETURN });
  }
  br(block: AirRef, operand: AirRef | null = null): AirRef {
    return this.push({ op: 'br', type: NORETURN, block, operand });
  }
  private nested(build: () => void): AirRef[] {
    this.bodies.push([]);
    build();
    return this.bodies.pop()!;
  }
  block(type: Type, build: (self: AirRef) => void): AirRef {
    const inst: Extract<AirInst, { op: 'block' }> = { op: 'block', type, body: [] };
    const ref = this.push(inst);
    inst.body = this.nested(() => build(ref));
    return ref;
  }
  loop(build: () => void): AirRef {
    const inst: Extract<AirInst, { op: 'loop' }> = { op: 'loop', type: NORETURN, body: [] };
    const ref = this.push(inst);
    inst.body = this.nested(build);
    return ref;
  }
  condbr(cond: AirRef, then: () => void, otherwise: () => void): AirRef {
    const inst: Extract<AirInst, { op: 'condbr' }> = { op: 'condbr', type: NORETURN, cond, then: [], else: [] };
    const ref = this.push(inst);
    inst.then = this.nested(then);
    inst.else = this.nested(otherwise);
    return ref;
  }
  finish(): AirFunction {
    return { name: this.name, type: this.type, insts: this.insts, body: this.bodies[0]! };
  }
}

/** A function `name(): void` built by `build`, which must end the body. */
export function buildFn(name: string, type: FnType, build: (b: FnBuilder) => void): AirFunction {
  const b = new FnBuilder(name, type);
  build(b);
  return b.finish();
}

export function stringAtom(name: string, text: string, section: DataAtom['section'] = 'rodata'): DataAtom {
  return { name, bytes: new TextEncoder().encode(text), align: 1, relocs: [], section };
}

/** Emit code that writes `len` bytes at `addr` to `fd` with fd_write (iovec on the stack). */
export function emitWrite(b: FnBuilder, fd: number, addr: AirRef, len: AirRef): AirRef {
  const iov = b.alloc(arrayOf(2, usize));
  const first = b.emit({ op: 'elemptr', type: ptrTo(usize), ptr: iov, index: b.const(usize, 0), elemSize: 4 });
  b.store(first, addr);
  const second = b.emit({ op: 'elemptr', type: ptrTo(usize), ptr: iov, index: b.const(usize, 1), elemSize: 4 });
  b.store(second, len);
  const nwritten = b.alloc(usize);
  const iovAddr = b.emit({ op: 'ptrtoint', type: usize, operand: iov });
  const nwAddr = b.emit({ op: 'ptrtoint', type: usize, operand: nwritten });
  return b.callSym(fdWrite, FD_WRITE_TY, [b.const(u32, fd), iovAddr, b.const(usize, 1), nwAddr]);
}

export type { IntType };
