//! Test helper: builds AIR functions by hand, the way sema would, with nested bodies
//! (block/loop/condbr) built through callbacks, plus the externs and type shorthands
//! the x86-64 tests share.

import type { AirConst, AirFunction, AirInst, AirRef, CmpOp, SymbolTarget } from '../../src/sema/air.js';
import { BOOL, intType, NORETURN, VOID, type FnType, type IntType, type Type } from '../../src/sema/types.js';

export const u8 = intType(false, 8);
export const i8 = intType(true, 8);
export const u16 = intType(false, 16);
export const i16 = intType(true, 16);
export const u32 = intType(false, 32);
export const i32 = intType(true, 32);
export const u64 = intType(false, 64);
export const i64 = intType(true, 64);
export const usize = intType(false, 64, 'usize');
export { BOOL, NORETURN, VOID };

export function fnType(params: Type[], ret: Type, cc: FnType['cc'] = 'Unspecified'): FnType {
  return { kind: 'fn', params, ret, cc };
}

export function manyPtr(elem: Type, mutable = true): Type {
  return { kind: 'pointer', size: 'many', mutable, elem };
}

export function onePtr(elem: Type, mutable = true): Type {
  return { kind: 'pointer', size: 'one', mutable, elem };
}

export function arrayOf(len: number, elem: Type): Type {
  return { kind: 'array', len, sentinel: null, elem };
}

export const FD_WRITE_TYPE = fnType([u32, usize, usize, usize], u32, 'C');
export const PROC_EXIT_TYPE = fnType([u32], NORETURN, 'C');
const WASI = 'wasi_snapshot_preview1';

export class FnBuilder {
  readonly insts: AirInst[] = [];
  readonly body: AirRef[] = [];
  private cur: AirRef[] = this.body;

  constructor(
    readonly name: string,
    readonly type: FnType,
  ) {}

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
  int(type: Type, value: bigint | number): AirRef {
    return this.emit({ op: 'const', type, value: { kind: 'imm', value: BigInt(value) } });
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
    return this.emit({ op: 'ptrtoint', type: usize, operand });
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
  callDecl(name: string, calleeType: FnType, args: AirRef[]): AirRef {
    return this.call(this.fnRef(name, calleeType), calleeType, args);
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
    const f = this.addr(PROC_EXIT_TYPE, { kind: 'extern', name: 'proc_exit', lib: WASI });
    return this.call(f, PROC_EXIT_TYPE, [status]);
  }
  exitWith(code: number): AirRef {
    return this.exit(this.int(u32, code));
  }
  /** fd_write(fd, [{addr, len}], 1, &written): returns the errno value. */
  write(fd: number, addr: AirRef, len: AirRef): AirRef {
    const iov = this.alloc(arrayOf(2, usize));
    const p0 = this.elemptr(onePtr(usize), iov, this.int(usize, 0), 8);
    this.store(p0, addr);
    const p1 = this.elemptr(onePtr(usize), iov, this.int(usize, 1), 8);
    this.store(p1, len);
    const written = this.alloc(usize);
    const f = this.addr(FD_WRITE_TYPE, { kind: 'extern', name: 'fd_write', lib: WASI });
    return this.call(f, FD_WRITE_TYPE, [this.int(u32, fd), this.ptrtoint(iov), this.int(usize, 1), this.ptrtoint(written)]);
  }

  build(): AirFunction {
    return { name: this.name, type: this.type, insts: this.insts, body: this.body };
  }
}

export function isInt(t: Type): t is IntType {
  return t.kind === 'int';
}
