//! Test helper shared by the code generator suites: builds AIR functions by hand, the
//! way sema would, for one target (its `usize` and word size), with nested bodies
//! (block/loop/condbr) built through callbacks, plus the WASI calls tests print and exit with.

import type { AirConst, AirFunction, AirInst, AirRef, CmpOp, DataAtom, SymbolTarget } from '../../src/sema/air.js';
import {
  BOOL, intType, NORETURN, usizeType, VOID,
  type FnType, type IntType, type PointerType, type TargetInfo, type Type,
} from '../../src/sema/types.js';

export const u8 = intType(false, 8);
export const i8 = intType(true, 8);
export const u16 = intType(false, 16);
export const i16 = intType(true, 16);
export const u32 = intType(false, 32);
export const i32 = intType(true, 32);
export const u64 = intType(false, 64);
export const i64 = intType(true, 64);
export { BOOL, NORETURN, VOID, intType };
export type { IntType };

export function fnType(params: Type[], ret: Type, cc: FnType['cc'] = 'Unspecified'): FnType {
  return { kind: 'fn', params, ret, cc };
}

export function ptrTo(elem: Type, size: 'one' | 'many' = 'one', mutable = true): PointerType {
  return { kind: 'pointer', size, mutable, elem };
}

export function manyPtr(elem: Type, mutable = true): PointerType {
  return ptrTo(elem, 'many', mutable);
}

export function onePtr(elem: Type, mutable = true): PointerType {
  return ptrTo(elem, 'one', mutable);
}

export function arrayOf(len: number, elem: Type): Type {
  return { kind: 'array', len, sentinel: null, elem };
}

export const WASI = 'wasi_snapshot_preview1';
export const fdWrite: SymbolTarget = { kind: 'extern', name: 'fd_write', lib: WASI };
export const procExit: SymbolTarget = { kind: 'extern', name: 'proc_exit', lib: WASI };

export function fdWriteType(target: TargetInfo): FnType {
  const usize = usizeType(target);
  return fnType([u32, usize, usize, usize], u32, 'C');
}

export function procExitType(): FnType {
  return fnType([u32], NORETURN, 'C');
}

export function stringAtom(name: string, text: string, section: DataAtom['section'] = 'rodata'): DataAtom {
  return { name, bytes: new TextEncoder().encode(text), align: 1, relocs: [], section };
}

export class FnBuilder {
  readonly insts: AirInst[] = [];
  readonly body: AirRef[] = [];
  private cur: AirRef[] = this.body;

  /** `usize` of the target the function is built for. */
  readonly usize: IntType;

  constructor(
    readonly name: string,
    readonly type: FnType,
    readonly target: TargetInfo,
  ) {
    this.usize = usizeType(target);
  }

  emit(inst: AirInst): AirRef {
    this.insts.push(inst);
    const ref = this.insts.length - 1;
    if (inst.op !== 'const') this.cur.push(ref);
    return ref;
  }

  private nested(body: AirRef[], fill: () => void): void {
    const saved = this.cur;
    this.cur = body;
    fill();
    this.cur = saved;
  }

  // values
  int(type: Type, value: bigint | number | boolean): AirRef {
    const imm = typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt(value);
    return this.emit({ op: 'const', type, value: { kind: 'imm', value: imm } });
  }
  constant(type: Type, value: AirConst): AirRef {
    return this.emit({ op: 'const', type, value });
  }
  addr(type: Type, target: SymbolTarget, offset = 0): AirRef {
    return this.emit({ op: 'const', type, value: { kind: 'addr', target, offset } });
  }
  fnRef(name: string, type: FnType): AirRef {
    return this.addr(type, { kind: 'decl', name });
  }
  arg(index: number): AirRef {
    return this.emit({ op: 'arg', type: this.type.params[index]!, index, name: `a${index}` });
  }
  alloc(elemType: Type): AirRef {
    return this.emit({ op: 'alloc', type: onePtr(elemType), elemType });
  }
  load(type: Type, ptr: AirRef): AirRef {
    return this.emit({ op: 'load', type, ptr });
  }
  store(ptr: AirRef, value: AirRef): AirRef {
    return this.emit({ op: 'store', type: VOID, ptr, value });
  }
  bin(op: 'add' | 'sub' | 'mul' | 'div' | 'rem' | 'shl' | 'shr', type: Type, lhs: AirRef, rhs: AirRef, safe = true): AirRef {
    return this.emit({ op, type, lhs, rhs, safe } as AirInst);
  }
  wrap(op: 'addwrap' | 'subwrap' | 'mulwrap' | 'bitand' | 'bitor' | 'xor' | 'booland' | 'boolor', type: Type, lhs: AirRef, rhs: AirRef): AirRef {
    return this.emit({ op, type, lhs, rhs } as AirInst);
  }
  unary(op: 'bitnot' | 'boolnot', type: Type, operand: AirRef): AirRef {
    return this.emit({ op, type, operand });
  }
  cmp(cmp: CmpOp, lhs: AirRef, rhs: AirRef): AirRef {
    return this.emit({ op: 'cmp', type: BOOL, cmp, lhs, rhs });
  }
  intcast(type: Type, operand: AirRef, safe = true): AirRef {
    return this.emit({ op: 'intcast', type, operand, safe });
  }
  bitcast(type: Type, operand: AirRef): AirRef {
    return this.emit({ op: 'bitcast', type, operand });
  }
  ptrtoint(operand: AirRef): AirRef {
    return this.emit({ op: 'ptrtoint', type: this.usize, operand });
  }
  elemptr(type: Type, ptr: AirRef, index: AirRef, elemSize: number): AirRef {
    return this.emit({ op: 'elemptr', type, ptr, index, elemSize });
  }
  offsetptr(type: Type, ptr: AirRef, offset: number): AirRef {
    return this.emit({ op: 'offsetptr', type, ptr, offset });
  }
  call(callee: AirRef, calleeType: FnType, args: AirRef[]): AirRef {
    return this.emit({ op: 'call', type: calleeType.ret, callee, args, calleeType });
  }
  callSym(target: SymbolTarget, calleeType: FnType, args: AirRef[]): AirRef {
    return this.call(this.addr(calleeType, target), calleeType, args);
  }
  callDecl(name: string, calleeType: FnType, args: AirRef[]): AirRef {
    return this.callSym({ kind: 'decl', name }, calleeType, args);
  }
  ret(operand: AirRef): AirRef {
    return this.emit({ op: 'ret', type: NORETURN, operand });
  }
  retvoid(): AirRef {
    return this.emit({ op: 'retvoid', type: NORETURN });
  }
  block(type: Type, fill: (self: AirRef) => void): AirRef {
    const inst: AirInst = { op: 'block', type, body: [] };
    const ref = this.emit(inst);
    this.nested(inst.body, () => fill(ref));
    return ref;
  }
  loop(fill: () => void): AirRef {
    const inst: AirInst = { op: 'loop', type: NORETURN, body: [] };
    const ref = this.emit(inst);
    this.nested(inst.body, fill);
    return ref;
  }
  br(block: AirRef, operand: AirRef | null = null): AirRef {
    return this.emit({ op: 'br', type: NORETURN, block, operand });
  }
  condbr(cond: AirRef, then: () => void, otherwise: () => void): AirRef {
    const inst: AirInst = { op: 'condbr', type: NORETURN, cond, then: [], else: [] };
    const ref = this.emit(inst);
    this.nested(inst.then, then);
    this.nested(inst.else, otherwise);
    return ref;
  }
  unreachable(safe = true): AirRef {
    return this.emit({ op: 'unreachable', type: NORETURN, safe });
  }
  breakpoint(): AirRef {
    return this.emit({ op: 'breakpoint', type: VOID });
  }
  asm(type: Type, source: string, opts: { output?: string; inputs?: string[]; clobbers?: string[]; args?: AirRef[] } = {}): AirRef {
    return this.emit({
      op: 'asm',
      type,
      source,
      isVolatile: true,
      output: opts.output ?? null,
      inputs: opts.inputs ?? [],
      clobbers: opts.clobbers ?? [],
      args: opts.args ?? [],
    });
  }

  // WASI helpers
  exit(status: AirRef): AirRef {
    return this.callSym(procExit, procExitType(), [status]);
  }
  exitWith(code: number): AirRef {
    return this.exit(this.int(u32, code));
  }
  /** fd_write(fd, [{addr, len}], 1, &written): returns the errno value. */
  write(fd: number, addr: AirRef, len: AirRef): AirRef {
    const usize = this.usize;
    const word = this.target.ptrBytes;
    const iov = this.alloc(arrayOf(2, usize));
    const p0 = this.elemptr(onePtr(usize), iov, this.int(usize, 0), word);
    this.store(p0, addr);
    const p1 = this.elemptr(onePtr(usize), iov, this.int(usize, 1), word);
    this.store(p1, len);
    const written = this.alloc(usize);
    const args = [this.int(u32, fd), this.ptrtoint(iov), this.int(usize, 1), this.ptrtoint(written)];
    return this.callSym(fdWrite, fdWriteType(this.target), args);
  }

  build(): AirFunction {
    return { name: this.name, type: this.type, insts: this.insts, body: this.body };
  }
}

export function isInt(t: Type): t is IntType {
  return t.kind === 'int';
}
