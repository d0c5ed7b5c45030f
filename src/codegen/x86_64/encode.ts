//! The x86-64 instruction encoder: an `Assembler` that appends machine code for each
//! instruction form the code generator and the inline-assembly parser emit, with
//! forward/backward labels (rel32 jumps, rip-relative references to local bytes),
//! relocations against symbols and the function's own read-only constants (`output.ts`). It knows prefixes, REX (including the
//! REX needed to reach spl/bpl/sil/dil), ModRM/SIB/displacement and immediates; it
//! knows nothing about AIR. Operands are Intel-ordered: destination first.

import type { SymbolTarget } from '../../sema/air.js';
import { keepCode } from '../code_slab.js';
import type { X86Constant, X86Function, X86Reloc, X86RelocKind, X86RelocTarget } from './output.js';
import { regName, type OperandSize, type Reg } from './registers.js';

/** A memory operand `[base + index*scale + disp]`, `[rip + disp]` or absolute `[disp]`. */
export interface Mem {
  base: Reg | 'rip' | null;
  index?: Reg;
  scale?: 1 | 2 | 4 | 8;
  disp: number;
  /** For `rip`: resolve the displacement as a relocation against a symbol or constant (disp is added to the addend)... */
  reloc?: { kind: X86RelocKind; target: X86RelocTarget };
  /** ...or against a label of this assembler (a local fixup; disp is added). */
  label?: Label;
}

export type RM = Reg | Mem;

/** A position in the code, bound once with `bind`. */
export type Label = number;

export type Imm = number | bigint;

/** Condition codes, by their 4-bit encoding. */
export const CC = {
  o: 0, no: 1, b: 2, ae: 3, e: 4, ne: 5, be: 6, a: 7,
  s: 8, ns: 9, p: 10, np: 11, l: 12, ge: 13, le: 14, g: 15,
} as const;
export type Cond = keyof typeof CC;

/** The condition that is true exactly when `cc` is false. */
export function invertCond(cc: Cond): Cond {
  const code = CC[cc] ^ 1;
  return (Object.keys(CC) as Cond[]).find((k) => CC[k] === code)!;
}

/** Group-1 arithmetic operations by their /digit. */
export const ALU = { add: 0, or: 1, adc: 2, sbb: 3, and: 4, sub: 5, xor: 6, cmp: 7 } as const;
export type AluOp = keyof typeof ALU;

/** Group-2 shift operations by their /digit. */
export const SHIFT = { rol: 0, ror: 1, shl: 4, shr: 5, sar: 7 } as const;
export type ShiftOp = keyof typeof SHIFT;

/** Group-3 unary operations by their /digit. */
export const UNARY = { not: 2, neg: 3, mul: 4, imul: 5, div: 6, idiv: 7 } as const;
export type UnaryOp = keyof typeof UNARY;

export class EncodeError extends Error {}

export function isMem(rm: RM): rm is Mem {
  return typeof rm !== 'number';
}

/** -2^(bits-1), 2^(bits-1) and 2^bits for the operand widths, made once: the checks run for every immediate. */
interface ImmRange {
  readonly signedMin: bigint;
  readonly signedEnd: bigint;
  readonly unsignedEnd: bigint;
}
const IMM_RANGES = new Map<number, ImmRange>([8, 16, 32, 64].map((bits) => [bits, immRange(bits)]));

function immRange(bits: number): ImmRange {
  const half = 1n << BigInt(bits - 1);
  return { signedMin: -half, signedEnd: half, unsignedEnd: 1n << BigInt(bits) };
}

function rangeOf(bits: number): ImmRange {
  return IMM_RANGES.get(bits) ?? immRange(bits);
}

/** A register operand used at 8-bit width that is spl, bpl, sil or dil: only a REX prefix reaches those (without one, 4-7 are ah, ch, dh, bh). */
function byteRex(rm: RM): boolean {
  return typeof rm === 'number' && rm >= 4 && rm <= 7;
}

function fitsSigned(v: bigint, bits: number): boolean {
  const r = rangeOf(bits);
  return v >= r.signedMin && v < r.signedEnd;
}

/** Fits `bits` as a signed or an unsigned value. */
function fitsEither(v: bigint, bits: number): boolean {
  const r = rangeOf(bits);
  return v >= r.signedMin && v < r.unsignedEnd;
}

/** The SIB scale field for a scale of 1, 2, 4 or 8 (indexed by the scale; built once, not per operand). */
const SCALE_BITS: readonly number[] = [0, 0, 1, 0, 2, 0, 0, 0, 3];

interface Fixup {
  field: number;
  end: number;
  label: Label;
  addend: number;
}

interface PendingReloc {
  field: number;
  kind: X86RelocKind;
  target: X86RelocTarget;
}

export class Assembler {
  private buf = new Uint8Array(256);
  private len = 0;
  private readonly labels: number[] = [];
  private readonly fixups: Fixup[] = [];
  readonly relocs: X86Reloc[] = [];
  private readonly constants: X86Constant[] = [];
  /** Set while encoding one instruction that refers to a rip-relative field. */
  private pendingRip: { field: number; reloc?: PendingReloc; label?: Label; addend: number } | null = null;

  get offset(): number {
    return this.len;
  }

  /** Empties the assembler for the next function, keeping its grown buffer (so reuse allocates nothing). */
  reset(): void {
    this.len = 0;
    this.labels.length = 0;
    this.fixups.length = 0;
    this.relocs.length = 0;
    this.constants.length = 0;
    this.pendingRip = null;
  }

  byte(b: number): void {
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = b & 0xff;
  }

  bytes(bs: ArrayLike<number>): void {
    for (let i = 0; i < bs.length; i++) this.byte(bs[i]!);
  }

  /** Little-endian `n` bytes of a number that fits 32 bits (the common, fast case). */
  private leNum(value: number, n: number): void {
    for (let i = 0; i < n; i++) this.byte((value >> (8 * i)) & 0xff);
  }

  private le(value: bigint, n: number): void {
    if (n <= 4 && value >= -0x80000000n && value <= 0xffffffffn) return this.leNum(Number(BigInt.asIntN(32, value)), n);
    let v = BigInt.asUintN(n * 8, value);
    for (let i = 0; i < n; i++) {
      this.byte(Number(v & 0xffn));
      v >>= 8n;
    }
  }

  private patch32(at: number, value: number): void {
    const v = value | 0;
    this.buf[at] = v & 0xff;
    this.buf[at + 1] = (v >>> 8) & 0xff;
    this.buf[at + 2] = (v >>> 16) & 0xff;
    this.buf[at + 3] = (v >>> 24) & 0xff;
  }

  newLabel(): Label {
    this.labels.push(-1);
    return this.labels.length - 1;
  }

  bind(label: Label): void {
    if (this.labels[label] !== -1) throw new EncodeError(`label ${label} bound twice`);
    this.labels[label] = this.len;
  }

  isBound(label: Label): boolean {
    return this.labels[label] !== -1;
  }

  /**
   * Declares read-only bytes the function owns; returns the target a rip-relative operand
   * names to reach them. They go to .rodata with the function, never into its code.
   */
  constant(name: string, bytes: ArrayLike<number>, align = 1): X86RelocTarget {
    if (this.constants.some((c) => c.name === name)) throw new EncodeError(`constant ${name} declared twice`);
    this.constants.push({ name, bytes: Uint8Array.from(bytes), align });
    return { kind: 'constant', name };
  }

  /** Resolves label fixups and returns the code with its relocations. */
  finish(): X86Function {
    for (const f of this.fixups) {
      const at = this.labels[f.label];
      if (at === undefined || at < 0) throw new EncodeError(`label ${f.label} never bound`);
      this.patch32(f.field, at + f.addend - f.end);
    }
    const out: X86Function = { code: keepCode(this.buf, this.len), relocs: this.relocs.slice() };
    if (this.constants.length > 0) out.constants = this.constants.slice();
    return out;
  }

  // ---- the generic ModRM instruction -------------------------------------------------

  /**
   * Emits `[66] [REX] opcode ModRM [SIB] [disp] [imm]`. `opcode` is one byte, or two as
   * 0x0fXX; `reg` is the ModRM.reg field (a register or an opcode extension); `byteRex`
   * says a register used at 8-bit width is spl/bpl/sil/dil, which needs a REX prefix
   * (see `byteRex`). Plain arguments, not an options object and an opcode array: this
   * runs for every instruction of every function.
   */
  private modrmInst(size: OperandSize | 0, opcode: number, reg: number, rm: RM, byteRex = false, imm = 0n, immBytes = 0): void {
    if (size === 2) this.byte(0x66);
    let rex = 0;
    if (size === 8) rex |= 0x48;
    if (reg & 8) rex |= 0x44;
    if (isMem(rm)) {
      if (rm.index !== undefined && rm.index & 8) rex |= 0x42;
      if (typeof rm.base === 'number' && rm.base & 8) rex |= 0x41;
    } else if (rm & 8) rex |= 0x41;
    if (byteRex) rex |= 0x40;
    if (rex) this.byte(rex);
    if (opcode > 0xff) this.byte(opcode >> 8);
    this.byte(opcode & 0xff);
    this.modrm(reg & 7, rm);
    if (immBytes) this.le(imm, immBytes);
    this.finishRip();
  }

  private modrm(reg: number, rm: RM): void {
    if (!isMem(rm)) {
      this.byte(0xc0 | (reg << 3) | (rm & 7));
      return;
    }
    const { base, index, disp } = rm;
    if (index !== undefined && (index & 15) === 4) throw new EncodeError('rsp cannot be an index register');
    if (!Number.isInteger(disp) || disp < -0x80000000 || disp > 0x7fffffff) throw new EncodeError(`displacement out of range: ${disp}`);
    const scaleBits = SCALE_BITS[rm.scale ?? 1]!;
    if (base === 'rip') {
      if (index !== undefined) throw new EncodeError('rip-relative addressing takes no index');
      this.byte((reg << 3) | 5);
      const field = this.len;
      this.leNum(disp, 4);
      this.pendingRip = {
        field,
        addend: disp,
        ...(rm.reloc ? { reloc: { field, kind: rm.reloc.kind, target: rm.reloc.target } } : {}),
        ...(rm.label !== undefined ? { label: rm.label } : {}),
      };
      return;
    }
    if (base === null) {
      // [index*scale + disp32] or absolute [disp32]: SIB with base=101, mod=00.
      this.byte((reg << 3) | 4);
      this.byte((scaleBits << 6) | ((index ?? 4) & 7) << 3 | 5);
      this.leNum(disp, 4);
      return;
    }
    const needsSib = index !== undefined || (base & 7) === 4;
    let mod: number;
    if (disp === 0 && (base & 7) !== 5) mod = 0;
    else if (disp >= -128 && disp <= 127) mod = 1;
    else mod = 2;
    this.byte((mod << 6) | (reg << 3) | (needsSib ? 4 : base & 7));
    if (needsSib) this.byte((scaleBits << 6) | (((index ?? 4) & 7) << 3) | (base & 7));
    if (mod === 1) this.leNum(disp, 1);
    else if (mod === 2) this.leNum(disp, 4);
  }

  private finishRip(): void {
    const p = this.pendingRip;
    if (!p) return;
    this.pendingRip = null;
    const end = this.len;
    if (p.reloc) this.relocs.push({ offset: p.field, kind: p.reloc.kind, target: p.reloc.target, addend: p.addend + p.field - end });
    if (p.label !== undefined) this.fixups.push({ field: p.field, end, label: p.label, addend: p.addend });
  }

  private checkImm(v: bigint, size: OperandSize): bigint {
    const ok = size === 8 ? fitsSigned(v, 32) : fitsEither(v, size * 8);
    if (!ok) throw new EncodeError(`immediate ${v} does not fit a ${size * 8}-bit operand`);
    return v;
  }

  // ---- moves -------------------------------------------------------------------------

  /** `mov dst, src` between registers. */
  movRR(size: OperandSize, dst: Reg, src: Reg): void {
    this.modrmInst(size, size === 1 ? 0x88 : 0x89, src, dst, size === 1 && (byteRex(dst) || byteRex(src)));
  }

  /** `mov dst, [mem]` (load). */
  movRM(size: OperandSize, dst: Reg, src: Mem): void {
    this.modrmInst(size, size === 1 ? 0x8a : 0x8b, dst, src, size === 1 && byteRex(dst));
  }

  /** `mov [mem], src` (store). */
  movMR(size: OperandSize, dst: Mem, src: Reg): void {
    this.modrmInst(size, size === 1 ? 0x88 : 0x89, src, dst, size === 1 && byteRex(src));
  }

  /** `mov r/m, imm` in its ModRM form (C6/C7): imm32 sign-extended for 64 bits. */
  movMI(size: OperandSize, dst: RM, imm: Imm): void {
    const v = this.checkImm(BigInt(imm), size);
    this.modrmInst(size, size === 1 ? 0xc6 : 0xc7, 0, dst, size === 1 && byteRex(dst), v, size === 8 ? 4 : size);
  }

  /** `mov reg, imm` with the shortest encoding for the value (zero-extending mov r32, sign-extended imm32, or movabs). */
  movRI(size: OperandSize, dst: Reg, imm: Imm): void {
    let v = BigInt(imm);
    if (size === 8) {
      if (v >= 0n && v <= 0xffffffffn) return this.movRI(4, dst, v);
      if (fitsSigned(v, 32)) return this.movMI(8, dst, v);
      return this.movabs(dst, v);
    }
    if (!fitsEither(v, size * 8)) throw new EncodeError(`immediate ${v} does not fit a ${size * 8}-bit register`);
    v = BigInt.asUintN(size * 8, v);
    if (size === 2) this.byte(0x66);
    const rex = (dst & 8 ? 0x41 : 0) | (size === 1 && dst >= 4 && dst <= 7 ? 0x40 : 0);
    if (rex) this.byte(rex);
    this.byte((size === 1 ? 0xb0 : 0xb8) + (dst & 7));
    this.le(v, size);
  }

  /** `movabs reg, imm64` (REX.W B8+r). */
  movabs(dst: Reg, imm: Imm): void {
    const v = BigInt(imm);
    if (!fitsEither(v, 64)) throw new EncodeError(`immediate ${v} does not fit 64 bits`);
    this.byte(0x48 | (dst & 8 ? 1 : 0));
    this.byte(0xb8 + (dst & 7));
    this.le(v, 8);
  }

  /** `movabs reg, symbol+addend` with an `abs64` relocation. */
  movabsReloc(dst: Reg, target: SymbolTarget, addend: number): void {
    this.byte(0x48 | (dst & 8 ? 1 : 0));
    this.byte(0xb8 + (dst & 7));
    this.relocs.push({ offset: this.len, kind: 'abs64', target, addend });
    this.le(0n, 8);
  }

  /** `movzx dst, src` from 8 or 16 bits. */
  movzx(dstSize: 2 | 4 | 8, dst: Reg, srcSize: 1 | 2, src: RM): void {
    this.modrmInst(dstSize, srcSize === 1 ? 0x0fb6 : 0x0fb7, dst, src, srcSize === 1 && byteRex(src));
  }

  /** `movsx dst, src` from 8 or 16 bits, `movsxd dst, src` from 32. */
  movsx(dstSize: 2 | 4 | 8, dst: Reg, srcSize: 1 | 2 | 4, src: RM): void {
    if (srcSize === 4) {
      if (dstSize !== 8) throw new EncodeError('movsxd needs a 64-bit destination');
      return this.modrmInst(8, 0x63, dst, src);
    }
    this.modrmInst(dstSize, srcSize === 1 ? 0x0fbe : 0x0fbf, dst, src, srcSize === 1 && byteRex(src));
  }

  /** `lea dst, [mem]`. */
  lea(size: 2 | 4 | 8, dst: Reg, src: Mem): void {
    this.modrmInst(size, 0x8d, dst, src);
  }

  /** `cmovcc dst, src`. */
  cmov(cc: Cond, size: 2 | 4 | 8, dst: Reg, src: RM): void {
    this.modrmInst(size, 0x0f40 + CC[cc], dst, src);
  }

  /** `xchg a, b` between registers. */
  xchgRR(size: OperandSize, a: Reg, b: Reg): void {
    this.modrmInst(size, size === 1 ? 0x86 : 0x87, b, a, size === 1 && (byteRex(a) || byteRex(b)));
  }

  // ---- arithmetic --------------------------------------------------------------------

  /** `op dst, src` for add/or/adc/sbb/and/sub/xor/cmp; at most one memory operand. */
  alu(op: AluOp, size: OperandSize, dst: RM, src: RM | { imm: Imm }): void {
    const n = ALU[op];
    if (typeof src === 'object' && 'imm' in src) {
      const v = this.checkImm(BigInt(src.imm), size);
      if (size === 1) return this.modrmInst(1, 0x80, n, dst, byteRex(dst), v, 1);
      if (fitsSigned(v, 8)) return this.modrmInst(size, 0x83, n, dst, false, v, 1);
      // For 16/32-bit operands an unsigned immediate that does not fit imm8 as signed still fits the field.
      if (size !== 8 && fitsSigned(BigInt.asIntN(size * 8, v), 8)) {
        return this.modrmInst(size, 0x83, n, dst, false, BigInt.asIntN(size * 8, v), 1);
      }
      return this.modrmInst(size, 0x81, n, dst, false, v, size === 8 ? 4 : size);
    }
    if (isMem(dst) && isMem(src)) throw new EncodeError('two memory operands');
    const base = n * 8;
    if (isMem(src)) {
      return this.modrmInst(size, base + (size === 1 ? 2 : 3), dst as Reg, src, size === 1 && byteRex(dst));
    }
    this.modrmInst(size, base + (size === 1 ? 0 : 1), src, dst, size === 1 && (byteRex(src) || byteRex(dst)));
  }

  /** `test a, b` or `test a, imm`. */
  test(size: OperandSize, a: RM, b: Reg | { imm: Imm }): void {
    if (typeof b === 'object') {
      const v = this.checkImm(BigInt(b.imm), size);
      return this.modrmInst(size, size === 1 ? 0xf6 : 0xf7, 0, a, size === 1 && byteRex(a), v, size === 8 ? 4 : size);
    }
    this.modrmInst(size, size === 1 ? 0x84 : 0x85, b, a, size === 1 && (byteRex(a) || byteRex(b)));
  }

  /** `not/neg/mul/imul/div/idiv r/m` (one operand; mul and div use rdx:rax). */
  unary(op: UnaryOp, size: OperandSize, rm: RM): void {
    this.modrmInst(size, size === 1 ? 0xf6 : 0xf7, UNARY[op], rm, size === 1 && byteRex(rm));
  }

  /** `inc r/m` / `dec r/m`. */
  incDec(op: 'inc' | 'dec', size: OperandSize, rm: RM): void {
    this.modrmInst(size, size === 1 ? 0xfe : 0xff, op === 'inc' ? 0 : 1, rm, size === 1 && byteRex(rm));
  }

  /** Two-operand `imul dst, src`. */
  imulRR(size: 2 | 4 | 8, dst: Reg, src: RM): void {
    this.modrmInst(size, 0x0faf, dst, src);
  }

  /** Three-operand `imul dst, src, imm`. */
  imulRRI(size: 2 | 4 | 8, dst: Reg, src: RM, imm: Imm): void {
    const v = this.checkImm(BigInt(imm), size);
    if (fitsSigned(v, 8)) return this.modrmInst(size, 0x6b, dst, src, false, v, 1);
    this.modrmInst(size, 0x69, dst, src, false, v, size === 8 ? 4 : size);
  }

  /** `shl/shr/sar/rol/ror r/m, cl` or `..., imm8`. */
  shift(op: ShiftOp, size: OperandSize, rm: RM, amount: 'cl' | number): void {
    const rex8 = size === 1 && byteRex(rm);
    if (amount === 'cl') return this.modrmInst(size, size === 1 ? 0xd2 : 0xd3, SHIFT[op], rm, rex8);
    if (!Number.isInteger(amount) || amount < 0 || amount > 255) throw new EncodeError(`shift amount ${amount} out of range`);
    this.modrmInst(size, size === 1 ? 0xc0 : 0xc1, SHIFT[op], rm, rex8, BigInt(amount), 1);
  }

  /** Sign-extends rax into rdx (cqo), eax into edx (cdq) or ax into dx (cwd). */
  signExtendAccumulator(size: 2 | 4 | 8): void {
    if (size === 2) this.byte(0x66);
    if (size === 8) this.byte(0x48);
    this.byte(0x99);
  }

  cqo(): void {
    this.signExtendAccumulator(8);
  }

  cdq(): void {
    this.signExtendAccumulator(4);
  }

  /** `setcc r/m8`. */
  setcc(cc: Cond, rm: RM): void {
    this.modrmInst(0, 0x0f90 + CC[cc], 0, rm, byteRex(rm));
  }

  // ---- control flow ------------------------------------------------------------------

  private rel32ToLabel(label: Label): void {
    const field = this.len;
    this.leNum(0, 4);
    this.fixups.push({ field, end: this.len, label, addend: 0 });
  }

  /** `jcc rel32` to a label. */
  jcc(cc: Cond, label: Label): void {
    this.byte(0x0f);
    this.byte(0x80 + CC[cc]);
    this.rel32ToLabel(label);
  }

  /** `jmp rel32` to a label. */
  jmp(label: Label): void {
    this.byte(0xe9);
    this.rel32ToLabel(label);
  }

  /** `jmp r/m64`. */
  jmpIndirect(rm: RM): void {
    this.modrmInst(0, 0xff, 4, rm);
  }

  /** `call rel32` to a symbol (a `rel32` relocation, addend -4). */
  callRel32(target: SymbolTarget): void {
    this.byte(0xe8);
    this.relocs.push({ offset: this.len, kind: 'rel32', target, addend: -4 });
    this.le(0n, 4);
  }

  /** `call rel32` to a label of this assembler. */
  callLabel(label: Label): void {
    this.byte(0xe8);
    this.rel32ToLabel(label);
  }

  /** `call r/m64`: `call reg` or `call qword ptr [mem]`. */
  callIndirect(rm: RM): void {
    this.modrmInst(0, 0xff, 2, rm);
  }

  ret(): void {
    this.byte(0xc3);
  }

  push(reg: Reg): void {
    if (reg & 8) this.byte(0x41);
    this.byte(0x50 + (reg & 7));
  }

  pop(reg: Reg): void {
    if (reg & 8) this.byte(0x41);
    this.byte(0x58 + (reg & 7));
  }

  pushMem(m: Mem): void {
    this.modrmInst(0, 0xff, 6, m);
  }

  popMem(m: Mem): void {
    this.modrmInst(0, 0x8f, 0, m);
  }

  /** `push imm` (imm8 or imm32, sign-extended to 64 bits). */
  pushImm(imm: Imm): void {
    const v = BigInt(imm);
    if (fitsSigned(v, 8)) {
      this.byte(0x6a);
      this.le(v, 1);
    } else if (fitsSigned(v, 32)) {
      this.byte(0x68);
      this.le(v, 4);
    } else throw new EncodeError(`push immediate ${v} does not fit 32 bits`);
  }

  // ---- no-operand instructions -------------------------------------------------------

  int3(): void {
    this.byte(0xcc);
  }
  ud2(): void {
    this.bytes([0x0f, 0x0b]);
  }
  syscall(): void {
    this.bytes([0x0f, 0x05]);
  }
  nop(): void {
    this.byte(0x90);
  }
  hlt(): void {
    this.byte(0xf4);
  }
  leave(): void {
    this.byte(0xc9);
  }
  /** `rep movsb`: copies rcx bytes from [rsi] to [rdi], forward (the ABI keeps DF clear). */
  repMovsb(): void {
    this.bytes([0xf3, 0xa4]);
  }
  /** `int imm8`. */
  int(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > 255) throw new EncodeError(`interrupt vector ${n} out of range`);
    this.bytes([0xcd, n]);
  }
}

/** Intel-syntax text of a register operand, for diagnostics. */
export function formatReg(reg: Reg, size: OperandSize): string {
  return regName(reg, size);
}
