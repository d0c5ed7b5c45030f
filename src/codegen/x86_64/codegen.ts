//! AIR → x86-64 machine code for one function (`generateFunction`), pure: no addresses,
//! no I/O; references to other symbols become relocations (`output.ts`).
//!
//! The pipeline per function: allocate registers (`regalloc.ts`), lay out the frame
//! (`frame.ts`), then walk the structured body once, lowering each instruction. Operands
//! are brought into the scratch registers rax/rcx/rdx (r11 for indirect callees), the
//! result is computed in rax and written to the value's home. Values stay normalized
//! (`integers.ts`). Failed safety checks jump to out-of-line stubs at the end of the
//! function that call the runtime panic routines (`runtime.ts`). A long `memcpy` is a
//! `rep movsb`, which also takes rsi and rdi: the allocator keeps live values out of them.
//!
//! Calling convention: System V AMD64 for `C` and `Unspecified` (rdi, rsi, rdx, rcx, r8,
//! r9, then the stack; result in rax). Functions and externs are called through the
//! offset table (`call [rip+x]`, `got_rel32`); runtime routines by `call rel32`.

import { airOperandsInto } from '../../sema/air.js';
import type { AirFunction, AirInst, AirRef, RuntimeSymbol, SymbolTarget } from '../../sema/air.js';
import { hasRuntimeBits, sizeOf, X86_64_TARGET, type Type } from '../../sema/types.js';
import { encodeAsmInstruction, parseAsm, registersMentioned, type AsmInstruction } from './asm.js';
import { Assembler, invertCond, type Cond, type Label, type Mem } from './encode.js';
import { layoutFrame, type FrameLayout } from './frame.js';
import { intInfo, minInt, normalize, normalizedImm, type IntInfo } from './integers.js';
import type { X86Function } from './output.js';
import { allocateRegisters, type Allocation } from './regalloc.js';
import {
  ARG_REGS, CALLEE_SAVED, CALLER_SAVED, parseRegName, R11, RAX, RBP, RCX, RDI, RDX, RSI, RSP,
  type OperandSize, type Reg,
} from './registers.js';

export class CodegenError extends Error {}

/** Copies of at most this many bytes are unrolled into moves through rcx; longer ones use `rep movsb`. */
export const UNROLLED_COPY_MAX = 64;
/** What `rep movsb` destroys beyond the scratch registers (rcx is one). */
const BLOCK_MOVE_CLOBBERS: readonly Reg[] = [RSI, RDI];

/** Generates the machine code of one analyzed function. */
export function generateFunction(func: AirFunction): X86Function {
  // One assembler per thread, reset per function; a reentrant call (none today) gets a fresh one.
  const a = spareAssembler ?? new Assembler();
  spareAssembler = null;
  a.reset();
  try {
    return new FunctionLowering(func, a).run();
  } finally {
    spareAssembler = a;
  }
}

type Operand = Reg | Mem | { imm: bigint };

/** A register named by an asm constraint (`{rax}`, `={rdi}`) or clobber (`rcx`, `%r11`). */
function constraintReg(text: string): Reg | null {
  const name = text.replace(/^=/, '').replace(/^\{(.*)\}$/, '$1').replace(/^%/, '').trim();
  return parseRegName(name)?.reg ?? null;
}

/** The assembler `generateX86Function` reuses across functions (module state, so per worker thread). */
let spareAssembler: Assembler | null = null;

class FunctionLowering {
  private readonly insts: readonly AirInst[];
  private readonly naked: boolean;
  /** Parsed inline assembly, and the callee-saved registers it destroys: made for the few functions with `asm`. */
  private asmCode: Map<AirInst, AsmInstruction[]> | null = null;
  private asmClobberedCalleeSaved: Set<Reg> | null = null;
  private alloc!: Allocation;
  private frame!: FrameLayout;
  /** Frame base minus rsp: 0 after the prologue, -size in a naked function. */
  private baseFromRsp = 0;
  private readonly blockEnds = new Map<AirRef, Label>();
  private readonly panics = new Map<RuntimeSymbol, Label>();
  /** Blocks whose end immediately follows the instruction being lowered (a `br` to them needs no jump). */
  private tailFalls: readonly AirRef[] = [];
  /** How many instructions read each value: counted the first time a lowering asks (usesOf). */
  private useCount: Uint32Array | null = null;

  constructor(
    private readonly func: AirFunction,
    private readonly a: Assembler,
  ) {
    this.insts = func.insts;
    this.naked = func.type.cc === 'Naked';
  }

  private usesOf(ref: AirRef): number {
    if (this.useCount === null) {
      this.useCount = new Uint32Array(this.insts.length);
      const operands: AirRef[] = [];
      for (const inst of this.insts) {
        const count = airOperandsInto(inst, operands);
        for (let i = 0; i < count; i++) this.useCount[operands[i]!]!++;
      }
    }
    return this.useCount[ref]!;
  }

  run(): X86Function {
    this.alloc = allocateRegisters(this.func, (inst) => this.clobbers(inst));
    let outgoing = 0;
    let staging = 0;
    for (const inst of this.insts) {
      if (inst.op === 'call') {
        outgoing = Math.max(outgoing, inst.args.length - ARG_REGS.length);
        staging = Math.max(staging, Math.min(inst.args.length, ARG_REGS.length));
      } else if (inst.op === 'asm') staging = Math.max(staging, inst.args.length + 1); // +1: rbp, if the asm clobbers it
    }
    const asmSaved = this.asmClobberedCalleeSaved;
    const saved = this.naked ? [] : asmSaved === null ? this.alloc.usedCalleeSaved : [...new Set([...this.alloc.usedCalleeSaved, ...asmSaved])].sort((x, y) => x - y);
    this.frame = layoutFrame(this.func, {
      outgoingStackArgs: outgoing,
      stagingSlots: staging,
      spillSlots: this.alloc.spillSlots,
      calleeSaved: saved,
    });
    this.prologue();
    this.lowerBody(this.func.body, []);
    this.emitPanicStubs();
    return this.a.finish();
  }

  // ---- analysis helpers ----------------------------------------------------------------

  private clobbers(inst: AirInst): readonly Reg[] | null {
    if (inst.op === 'call') return CALLER_SAVED;
    if (inst.op === 'memcpy') return inst.len > UNROLLED_COPY_MAX ? BLOCK_MOVE_CLOBBERS : null;
    if (inst.op !== 'asm') return null;
    const regs = new Set<Reg>();
    for (const text of [...inst.inputs, ...(inst.output ? [inst.output] : []), ...inst.clobbers]) {
      const r = constraintReg(text);
      if (r !== null) regs.add(r);
    }
    for (const i of this.parsedAsm(inst)) for (const r of registersMentioned(i)) regs.add(r);
    for (const r of regs) if (CALLEE_SAVED.includes(r)) (this.asmClobberedCalleeSaved ??= new Set()).add(r);
    return [...regs];
  }

  private parsedAsm(inst: Extract<AirInst, { op: 'asm' }>): AsmInstruction[] {
    const cached = this.asmCode?.get(inst);
    if (cached) return cached;
    const parsed = parseAsm(inst.source);
    if (!parsed.ok) throw new CodegenError(parsed.message);
    (this.asmCode ??= new Map()).set(inst, parsed.instructions);
    return parsed.instructions;
  }

  // ---- frame, prologue, epilogue ---------------------------------------------------------

  private slot(offset: number): Mem {
    return { base: RSP, disp: offset + this.baseFromRsp };
  }

  private prologue(): void {
    const a = this.a;
    const f = this.frame;
    if (this.naked) {
      this.baseFromRsp = -f.size;
    } else {
      a.push(RBP);
      a.movRR(8, RBP, RSP);
      a.alu('and', 8, RSP, { imm: -16 });
      if (f.size > 0) a.alu('sub', 8, RSP, { imm: f.size });
      for (const { reg, offset } of f.calleeSaves) a.movMR(8, this.slot(offset), reg);
    }
    const nRegArgs = Math.min(this.func.type.params.length, ARG_REGS.length);
    for (let i = 0; i < nRegArgs; i++) a.movMR(8, this.slot(f.argSave + 8 * i), ARG_REGS[i]!);
  }

  private epilogue(): void {
    const a = this.a;
    if (!this.naked) {
      for (const { reg, offset } of this.frame.calleeSaves) a.movRM(8, reg, this.slot(offset));
      a.movRR(8, RSP, RBP);
      a.pop(RBP);
    }
    a.ret();
  }

  // ---- values ------------------------------------------------------------------------------

  private constOf(ref: AirRef): Extract<AirInst, { op: 'const' }> | null {
    const inst = this.insts[ref]!;
    return inst.op === 'const' ? inst : null;
  }

  /** The normalized immediate of an integer/bool constant (undef reads as 0), or null. */
  private immOf(ref: AirRef): bigint | null {
    const c = this.constOf(ref);
    if (!c) return null;
    if (c.value.kind === 'imm') return normalizedImm(c.value.value, intInfo(c.type));
    if (c.value.kind === 'undef') return 0n;
    return null;
  }

  /** Where a value lives without loading it: a register, a memory slot, or null (const/alloc). */
  private placeOf(ref: AirRef): Reg | Mem | null {
    const home = this.alloc.homes[ref]!;
    if (home.kind === 'reg') return home.reg;
    if (home.kind === 'spill') return this.slot(this.frame.spill + 8 * home.slot);
    return null;
  }

  private symbolAddress(reg: Reg, type: Type, target: SymbolTarget, offset: number): void {
    if (type.kind === 'fn' && target.kind !== 'runtime') {
      this.a.movRM(8, reg, { base: 'rip', disp: 0, reloc: { kind: 'got_rel32', target } });
      if (offset !== 0) this.a.alu('add', 8, reg, { imm: offset });
    } else {
      this.a.lea(8, reg, { base: 'rip', disp: offset, reloc: { kind: 'rel32', target } });
    }
  }

  /** Materializes a value in `reg` (full 64 bits, normalized). */
  private loadInto(reg: Reg, ref: AirRef): void {
    const a = this.a;
    const inst = this.insts[ref]!;
    if (inst.op === 'const') {
      const v = inst.value;
      if (v.kind === 'imm') a.movRI(8, reg, normalizedImm(v.value, intInfo(inst.type)));
      else if (v.kind === 'undef') a.movRI(4, reg, 0);
      else if (v.kind === 'addr') this.symbolAddress(reg, inst.type, v.target, v.offset);
      return;
    }
    if (inst.op === 'alloc') return a.lea(8, reg, this.slot(this.frame.allocs.get(ref)!));
    const place = this.placeOf(ref);
    if (place === null) return;
    if (typeof place === 'number') {
      if (place !== reg) a.movRR(8, reg, place);
    } else a.movRM(8, reg, place);
  }

  /** Writes `reg` to the value's home (nothing when the result is unused). */
  private storeFrom(ref: AirRef, reg: Reg): void {
    const place = this.placeOf(ref);
    if (place === null) return;
    if (typeof place === 'number') {
      if (place !== reg) this.a.movRR(8, place, reg);
    } else this.a.movMR(8, place, reg);
  }

  /** The register to compute a result in: its home register unless an operand still to be read lives there; else rax. */
  private resultReg(ref: AirRef, ...laterOperands: AirRef[]): Reg {
    const home = this.alloc.homes[ref]!;
    if (home.kind !== 'reg') return RAX;
    for (const op of laterOperands) {
      const h = this.alloc.homes[op]!;
      if (h.kind === 'reg' && h.reg === home.reg) return RAX;
    }
    return home.reg;
  }

  /** A second operand for an instruction of `size` bytes: an immediate, the value's home, or `scratch` loaded. */
  private operand(ref: AirRef, size: OperandSize, scratch: Reg): Operand {
    const imm = this.immOf(ref);
    if (imm !== null) {
      const fits = size === 8 ? imm >= -0x80000000n && imm <= 0x7fffffffn : true;
      if (fits) return { imm: size === 8 ? imm : BigInt.asIntN(size * 8, imm) };
    }
    const place = this.placeOf(ref);
    if (place !== null) return place;
    this.loadInto(scratch, ref);
    return scratch;
  }

  /** A memory operand addressing what pointer `ref` points at (may load the pointer into rax, never into rcx). */
  private pointee(ref: AirRef): Mem {
    const inst = this.insts[ref]!;
    if (inst.op === 'alloc') return this.slot(this.frame.allocs.get(ref)!);
    if (inst.op === 'const' && inst.value.kind === 'addr' && inst.type.kind === 'pointer') {
      return { base: 'rip', disp: inst.value.offset, reloc: { kind: 'rel32', target: inst.value.target } };
    }
    const place = this.placeOf(ref);
    if (typeof place === 'number') return { base: place, disp: 0 };
    this.loadInto(RAX, ref);
    return { base: RAX, disp: 0 };
  }

  /** A memory operand at what pointer `ref` points at, loading the pointer into `scratch` only if it is in no register. */
  private addressOf(ref: AirRef, scratch: Reg): Mem {
    const inst = this.insts[ref]!;
    if (inst.op === 'alloc' || (inst.op === 'const' && inst.value.kind === 'addr' && inst.type.kind === 'pointer')) return this.pointee(ref);
    const place = this.placeOf(ref);
    if (typeof place === 'number') return { base: place, disp: 0 };
    this.loadInto(scratch, ref);
    return { base: scratch, disp: 0 };
  }

  /** Short copies: moves through rcx, widest first. Long ones: `rep movsb` (rsi, rdi and rcx; see `clobbers`). */
  private lowerMemcpy(inst: Extract<AirInst, { op: 'memcpy' }>): void {
    const a = this.a;
    if (inst.len > UNROLLED_COPY_MAX) {
      // Through rax and rdx: the pointers may live in rsi and rdi, either way round.
      this.loadInto(RAX, inst.src);
      this.loadInto(RDX, inst.dst);
      a.movRR(8, RSI, RAX);
      a.movRR(8, RDI, RDX);
      a.movRI(8, RCX, inst.len);
      a.repMovsb();
      return;
    }
    const src = this.addressOf(inst.src, RAX);
    const dst = this.addressOf(inst.dst, RDX);
    for (let at = 0; at < inst.len; ) {
      const width = ([8, 4, 2, 1] as const).find((w) => at % w === 0 && at + w <= inst.len)!;
      a.movRM(width, RCX, { ...src, disp: src.disp + at });
      a.movMR(width, { ...dst, disp: dst.disp + at }, RCX);
      at += width;
    }
  }

  /** Jumps to the panic stub of `sym` when `cc` holds (always when `cc` is null). */
  private panicIf(cc: Cond | null, sym: RuntimeSymbol): void {
    let label = this.panics.get(sym);
    if (label === undefined) {
      label = this.a.newLabel();
      this.panics.set(sym, label);
    }
    if (cc === null) this.a.jmp(label);
    else this.a.jcc(cc, label);
  }

  private emitPanicStubs(): void {
    for (const [sym, label] of this.panics) {
      this.a.bind(label);
      this.a.callRel32({ kind: 'runtime', name: sym });
      this.a.ud2();
    }
  }

  /** Panics with `sym` unless `reg` already holds a normalized value of `info` (uses rdx). */
  private checkNormalized(info: IntInfo, sym: RuntimeSymbol, reg: Reg = RAX): void {
    if (info.bits >= 64) return;
    this.a.movRR(8, RDX, reg);
    normalize(this.a, RDX, info);
    this.a.alu('cmp', 8, RDX, reg);
    this.panicIf('ne', sym);
  }

  // ---- bodies ------------------------------------------------------------------------------

  /** Lowers a body; `fallsTo` are the blocks whose end label directly follows the body's code. */
  private lowerBody(body: readonly AirRef[], fallsTo: readonly AirRef[]): void {
    for (let i = 0; i < body.length; i++) {
      const ref = body[i]!;
      const inst = this.insts[ref]!;
      const isLast = i === body.length - 1 || (i === body.length - 2 && inst.op === 'cmp' && this.insts[body[i + 1]!]!.op === 'condbr');
      this.tailFalls = isLast ? fallsTo : [];
      const next = body[i + 1] === undefined ? null : this.insts[body[i + 1]!]!;
      if (inst.op === 'cmp' && next?.op === 'condbr' && next.cond === ref && this.usesOf(ref) === 1) {
        // Compare and branch on the flags: no bool is materialized.
        const cc = this.emitCompare(inst);
        this.lowerBranch(invertCond(cc), next.then, next.else);
        i++;
        continue;
      }
      this.lowerInst(ref);
    }
  }

  private lowerInst(ref: AirRef): void {
    const a = this.a;
    const inst = this.insts[ref]!;
    switch (inst.op) {
      case 'const':
      case 'alloc':
        return;
      case 'arg':
        return this.lowerArg(ref, inst.index);
      case 'load': {
        const size = sizeOf(inst.type, X86_64_TARGET);
        if (size === 0) return;
        const mem = this.pointee(inst.ptr);
        const info = intInfo(inst.type);
        const dst = this.resultReg(ref);
        if (size === 8) a.movRM(8, dst, mem);
        else if (size === 4) info.signed ? a.movsx(8, dst, 4, mem) : a.movRM(4, dst, mem);
        else if (size === 2 || size === 1) info.signed ? a.movsx(8, dst, size, mem) : a.movzx(4, dst, size, mem);
        else throw new CodegenError(`cannot load a value of ${size} bytes`);
        return this.storeFrom(ref, dst);
      }
      case 'store': {
        const valueType = this.insts[inst.value]!.type;
        const size = sizeOf(valueType, X86_64_TARGET);
        if (size === 0 || !hasRuntimeBits(valueType)) return;
        if (size !== 1 && size !== 2 && size !== 4 && size !== 8) throw new CodegenError(`cannot store a value of ${size} bytes`);
        const mem = this.pointee(inst.ptr);
        const imm = this.immOf(inst.value);
        if (imm !== null && (size < 8 || (imm >= -0x80000000n && imm <= 0x7fffffffn))) {
          return a.movMI(size, mem, size === 8 ? imm : BigInt.asUintN(size * 8, imm));
        }
        const place = this.placeOf(inst.value);
        if (typeof place === 'number') return a.movMR(size, mem, place);
        this.loadInto(RCX, inst.value);
        return a.movMR(size, mem, RCX);
      }
      case 'memcpy':
        return this.lowerMemcpy(inst);
      case 'add':
      case 'sub':
      case 'addwrap':
      case 'subwrap':
        return this.lowerAddSub(ref, inst.op === 'add' || inst.op === 'addwrap' ? 'add' : 'sub', inst.lhs, inst.rhs, inst.op.endsWith('wrap') ? false : (inst as { safe: boolean }).safe);
      case 'mul':
      case 'mulwrap':
        return this.lowerMul(ref, inst.lhs, inst.rhs, inst.op === 'mul' && inst.safe);
      case 'div':
      case 'rem':
        return this.lowerDivRem(ref, inst.op, inst.lhs, inst.rhs, inst.safe);
      case 'bitand':
      case 'bitor':
      case 'xor':
      case 'booland':
      case 'boolor': {
        const op = inst.op === 'bitand' || inst.op === 'booland' ? 'and' : inst.op === 'xor' ? 'xor' : 'or';
        const [lhs, rhs] = this.commuted(ref, inst.lhs, inst.rhs);
        const dst = this.resultReg(ref, rhs);
        this.loadInto(dst, lhs);
        a.alu(op, 8, dst, this.operand(rhs, 8, RCX));
        return this.storeFrom(ref, dst);
      }
      case 'shl':
      case 'shr':
        return this.lowerShift(ref, inst.op, inst.lhs, inst.rhs, inst.safe);
      case 'bitnot': {
        const dst = this.resultReg(ref);
        this.loadInto(dst, inst.operand);
        a.unary('not', 8, dst);
        normalize(a, dst, intInfo(inst.type));
        return this.storeFrom(ref, dst);
      }
      case 'boolnot': {
        const dst = this.resultReg(ref);
        this.loadInto(dst, inst.operand);
        a.alu('xor', 4, dst, { imm: 1 });
        return this.storeFrom(ref, dst);
      }
      case 'cmp':
        return this.lowerCmp(ref, inst);
      case 'intcast':
        return this.lowerIntCast(ref, inst.operand, inst.type, inst.safe);
      case 'bitcast':
      case 'ptrtoint': {
        const dst = this.resultReg(ref);
        this.loadInto(dst, inst.operand);
        if (inst.type.kind === 'int') normalize(a, dst, intInfo(inst.type));
        return this.storeFrom(ref, dst);
      }
      case 'elemptr':
        return this.lowerElemPtr(ref, inst.ptr, inst.index, inst.elemSize);
      case 'offsetptr': {
        const dst = this.resultReg(ref);
        this.loadInto(dst, inst.ptr);
        if (inst.offset !== 0) a.lea(8, dst, { base: dst, disp: inst.offset });
        return this.storeFrom(ref, dst);
      }
      case 'call':
        return this.lowerCall(ref, inst);
      case 'ret':
        if (hasRuntimeBits(this.insts[inst.operand]!.type)) this.loadInto(RAX, inst.operand);
        return this.epilogue();
      case 'retvoid':
        return this.epilogue();
      case 'block': {
        const end = a.newLabel();
        this.blockEnds.set(ref, end);
        this.lowerBody(inst.body, [ref, ...this.tailFalls]);
        return a.bind(end);
      }
      case 'loop': {
        const top = a.newLabel();
        a.bind(top);
        this.lowerBody(inst.body, []);
        const last = inst.body[inst.body.length - 1];
        if (last === undefined || this.insts[last]!.type.kind !== 'noreturn') a.jmp(top);
        return;
      }
      case 'br': {
        if (inst.operand !== null && this.placeOf(inst.block) !== null) {
          this.loadInto(RAX, inst.operand);
          this.storeFrom(inst.block, RAX);
        }
        const end = this.blockEnds.get(inst.block);
        if (end === undefined) throw new CodegenError(`br to a block that does not enclose it (%${inst.block})`);
        if (this.tailFalls.includes(inst.block)) return; // the block's end comes next
        return a.jmp(end);
      }
      case 'condbr':
        return this.lowerCondBr(inst.cond, inst.then, inst.else);
      case 'unreachable':
        if (inst.safe) {
          a.callRel32({ kind: 'runtime', name: 'panic_unreachable' });
        }
        return a.ud2();
      case 'breakpoint':
        return a.int3();
      case 'asm':
        return this.lowerAsm(ref, inst);
    }
  }

  private lowerArg(ref: AirRef, index: number): void {
    if (this.placeOf(ref) === null) return;
    const dst = this.resultReg(ref);
    if (index < ARG_REGS.length) this.a.movRM(8, dst, this.slot(this.frame.argSave + 8 * index));
    else if (this.naked) this.a.movRM(8, dst, this.slot(this.frame.size + 8 + 8 * (index - ARG_REGS.length)));
    else this.a.movRM(8, dst, { base: RBP, disp: 16 + 8 * (index - ARG_REGS.length) });
    this.storeFrom(ref, dst);
  }

  private lowerAddSub(ref: AirRef, op: 'add' | 'sub', lhs: AirRef, rhs: AirRef, safe: boolean): void {
    const a = this.a;
    const info = intInfo(this.insts[ref]!.type);
    if (op === 'add') [lhs, rhs] = this.commuted(ref, lhs, rhs);
    const dst = this.resultReg(ref, rhs);
    this.loadInto(dst, lhs);
    if (safe && (info.bits === 8 || info.bits === 16 || info.bits === 32 || info.bits === 64)) {
      const size = (info.bits / 8) as OperandSize;
      a.alu(op, size, dst, this.operand(rhs, size, RCX));
      this.panicIf(info.signed ? 'o' : 'b', 'panic_integer_overflow');
      normalize(a, dst, info);
    } else {
      a.alu(op, 8, dst, this.operand(rhs, 8, RCX));
      if (safe) this.checkNormalized(info, 'panic_integer_overflow', dst);
      else normalize(a, dst, info);
    }
    this.storeFrom(ref, dst);
  }

  private lowerMul(ref: AirRef, lhs: AirRef, rhs: AirRef, safe: boolean): void {
    const a = this.a;
    const info = intInfo(this.insts[ref]!.type);
    this.loadInto(RAX, lhs);
    if (safe && info.bits > 32 && !info.signed) {
      this.loadInto(RCX, rhs);
      a.unary('mul', 8, RCX);
      this.panicIf('o', 'panic_integer_overflow');
    } else {
      const rhsOp = this.operand(rhs, 8, RCX);
      if (typeof rhsOp === 'object' && 'imm' in rhsOp) a.imulRRI(8, RAX, RAX, rhsOp.imm);
      else a.imulRR(8, RAX, rhsOp);
      if (safe && info.bits > 32) this.panicIf('o', 'panic_integer_overflow');
    }
    if (safe) this.checkNormalized(info, 'panic_integer_overflow');
    else normalize(a, RAX, info);
    this.storeFrom(ref, RAX);
  }

  private lowerDivRem(ref: AirRef, op: 'div' | 'rem', lhs: AirRef, rhs: AirRef, safe: boolean): void {
    const a = this.a;
    const info = intInfo(this.insts[ref]!.type);
    this.loadInto(RAX, lhs);
    this.loadInto(RCX, rhs);
    const divisor = this.immOf(rhs);
    if (safe && divisor === null) {
      a.test(8, RCX, RCX);
      this.panicIf('e', 'panic_division_by_zero');
    } else if (safe && divisor === 0n) {
      this.panicIf(null, 'panic_division_by_zero');
    }
    if (info.signed) {
      if (safe && (divisor === null || divisor === -1n)) {
        const ok = a.newLabel();
        a.alu('cmp', 8, RCX, { imm: -1 });
        a.jcc('ne', ok);
        a.movRI(8, RDX, minInt(info));
        a.alu('cmp', 8, RAX, RDX);
        this.panicIf('e', 'panic_integer_overflow');
        a.bind(ok);
      }
      a.cqo();
      a.unary('idiv', 8, RCX);
    } else {
      a.alu('xor', 4, RDX, RDX);
      a.unary('div', 8, RCX);
    }
    if (op === 'rem') a.movRR(8, RAX, RDX);
    normalize(a, RAX, info);
    this.storeFrom(ref, RAX);
  }

  private lowerShift(ref: AirRef, op: 'shl' | 'shr', lhs: AirRef, rhs: AirRef, safe: boolean): void {
    const a = this.a;
    const info = intInfo(this.insts[ref]!.type);
    this.loadInto(RAX, lhs);
    this.loadInto(RCX, rhs);
    if (safe) {
      a.alu('cmp', 8, RCX, { imm: info.bits });
      this.panicIf('ae', 'panic_shift_too_large');
    }
    if (op === 'shl') {
      a.shift('shl', 8, RAX, 'cl');
      normalize(a, RAX, info);
    } else a.shift(info.signed ? 'sar' : 'shr', 8, RAX, 'cl');
    this.storeFrom(ref, RAX);
  }

  /** Emits the comparison and returns the condition code that is true when the comparison holds. */
  private emitCompare(inst: Extract<AirInst, { op: 'cmp' }>): Cond {
    const signed = intInfo(this.insts[inst.lhs]!.type).signed;
    const cc: Record<typeof inst.cmp, Cond> = signed
      ? { lt: 'l', lte: 'le', eq: 'e', gte: 'ge', gt: 'g', neq: 'ne' }
      : { lt: 'b', lte: 'be', eq: 'e', gte: 'ae', gt: 'a', neq: 'ne' };
    const lhsPlace = this.placeOf(inst.lhs);
    let lhs: Reg;
    if (typeof lhsPlace === 'number') lhs = lhsPlace;
    else {
      this.loadInto(RAX, inst.lhs);
      lhs = RAX;
    }
    this.a.alu('cmp', 8, lhs, this.operand(inst.rhs, 8, RCX));
    return cc[inst.cmp];
  }

  private lowerCmp(ref: AirRef, inst: Extract<AirInst, { op: 'cmp' }>): void {
    const cc = this.emitCompare(inst);
    const dst = this.resultReg(ref);
    this.a.setcc(cc, dst);
    this.a.movzx(4, dst, 1, dst);
    this.storeFrom(ref, dst);
  }

  /** For a commutative operation: operands ordered so the result's home register is not the second operand's. */
  private commuted(ref: AirRef, lhs: AirRef, rhs: AirRef): [AirRef, AirRef] {
    const home = this.alloc.homes[ref]!;
    const rh = this.alloc.homes[rhs]!;
    return home.kind === 'reg' && rh.kind === 'reg' && rh.reg === home.reg ? [rhs, lhs] : [lhs, rhs];
  }

  private lowerIntCast(ref: AirRef, operand: AirRef, type: Type, safe: boolean): void {
    const a = this.a;
    const src = intInfo(this.insts[operand]!.type);
    const dst = intInfo(type);
    const reg = this.resultReg(ref);
    this.loadInto(reg, operand);
    const widening = (src.signed === dst.signed && dst.bits >= src.bits) || (!src.signed && dst.signed && dst.bits > src.bits);
    if (!widening) {
      if (safe) {
        this.checkNormalized(dst, 'panic_cast_truncated', reg);
        if (src.signed !== dst.signed) {
          a.test(8, reg, reg);
          this.panicIf('s', 'panic_cast_truncated');
        }
      } else normalize(a, reg, dst);
    }
    this.storeFrom(ref, reg);
  }

  private lowerElemPtr(ref: AirRef, ptr: AirRef, index: AirRef, elemSize: number): void {
    const a = this.a;
    const dst = this.resultReg(ref, index);
    const imm = this.immOf(index);
    const byteOffset = imm === null ? null : imm * BigInt(elemSize);
    const base = this.insts[ptr]!.op === 'alloc' ? this.slot(this.frame.allocs.get(ptr)!) : null;
    if (byteOffset !== null && byteOffset >= -0x80000000n && byteOffset <= 0x7fffffffn) {
      if (base !== null) a.lea(8, dst, { ...base, disp: base.disp + Number(byteOffset) });
      else {
        this.loadInto(dst, ptr);
        if (byteOffset !== 0n) a.lea(8, dst, { base: dst, disp: Number(byteOffset) });
      }
    } else {
      const indexPlace = this.placeOf(index);
      let indexReg: Reg = RCX;
      if (typeof indexPlace === 'number' && indexPlace !== dst) indexReg = indexPlace;
      else this.loadInto(RCX, index);
      if (elemSize === 1 || elemSize === 2 || elemSize === 4 || elemSize === 8) {
        if (base !== null) a.lea(8, dst, { ...base, index: indexReg, scale: elemSize });
        else {
          this.loadInto(dst, ptr);
          a.lea(8, dst, { base: dst, index: indexReg, scale: elemSize, disp: 0 });
        }
      } else {
        this.loadInto(dst, ptr);
        if (indexReg !== RCX) a.movRR(8, RCX, indexReg);
        a.imulRRI(8, RCX, RCX, elemSize);
        a.alu('add', 8, dst, RCX);
      }
    }
    this.storeFrom(ref, dst);
  }

  private lowerCondBr(cond: AirRef, then: readonly AirRef[], otherwise: readonly AirRef[]): void {
    const a = this.a;
    const imm = this.immOf(cond);
    if (imm !== null) return this.lowerBody(imm !== 0n ? then : otherwise, this.tailFalls);
    const place = this.placeOf(cond);
    if (typeof place === 'number') a.test(4, place, place);
    else if (place !== null) a.alu('cmp', 1, place, { imm: 0 });
    else {
      this.loadInto(RAX, cond);
      a.test(4, RAX, RAX);
    }
    this.lowerBranch('e', then, otherwise);
  }

  /** Jumps to the else body when `toElse` holds, else runs the then body. */
  private lowerBranch(toElse: Cond, then: readonly AirRef[], otherwise: readonly AirRef[]): void {
    const a = this.a;
    const tail = this.tailFalls;
    const elseLabel = a.newLabel();
    a.jcc(toElse, elseLabel);
    this.lowerBody(then, []);
    const last = then[then.length - 1];
    const join = last === undefined || this.insts[last]!.type.kind !== 'noreturn' ? a.newLabel() : null;
    if (join !== null) a.jmp(join);
    a.bind(elseLabel);
    this.lowerBody(otherwise, tail);
    if (join !== null) a.bind(join);
  }

  /**
   * Moves values into fixed registers (call arguments, asm inputs) without one move
   * destroying another's source: values whose home is one of the destination registers
   * go through staging slots first.
   */
  private moveIntoRegisters(moves: readonly { reg: Reg; ref: AirRef }[]): void {
    const targets = new Set(moves.map((m) => m.reg));
    const staged: { reg: Reg; offset: number }[] = [];
    moves.forEach(({ reg, ref }, i) => {
      const place = this.placeOf(ref);
      if (typeof place === 'number' && targets.has(place) && place !== reg) {
        const offset = this.frame.staging + 8 * i;
        this.a.movMR(8, this.slot(offset), place);
        staged.push({ reg, offset });
      }
    });
    const stagedRegs = new Set(staged.map((s) => s.reg));
    for (const { reg, ref } of moves) if (!stagedRegs.has(reg)) this.loadInto(reg, ref);
    for (const { reg, offset } of staged) this.a.movRM(8, reg, this.slot(offset));
  }

  private lowerCall(ref: AirRef, inst: Extract<AirInst, { op: 'call' }>): void {
    const a = this.a;
    const callee = this.constOf(inst.callee);
    const direct = callee && callee.value.kind === 'addr' && callee.value.offset === 0 ? callee.value.target : null;
    const shift = this.naked ? this.frame.size : 0;
    if (shift > 0) {
      a.alu('sub', 8, RSP, { imm: shift });
      this.baseFromRsp += shift;
    }
    for (let i = ARG_REGS.length; i < inst.args.length; i++) {
      this.loadInto(RAX, inst.args[i]!);
      a.movMR(8, this.slot(8 * (i - ARG_REGS.length)), RAX);
    }
    if (direct === null) this.loadInto(R11, inst.callee);
    this.moveIntoRegisters(inst.args.slice(0, ARG_REGS.length).map((arg, i) => ({ reg: ARG_REGS[i]!, ref: arg })));
    if (direct === null) a.callIndirect(R11);
    else if (direct.kind === 'runtime') a.callRel32(direct);
    else a.callIndirect({ base: 'rip', disp: 0, reloc: { kind: 'got_rel32', target: direct } });
    if (shift > 0) {
      a.alu('add', 8, RSP, { imm: shift });
      this.baseFromRsp -= shift;
    }
    if (inst.calleeType.ret.kind === 'noreturn') return a.ud2();
    if (hasRuntimeBits(inst.type) && this.placeOf(ref) !== null) {
      normalize(a, RAX, intInfo(inst.type));
      this.storeFrom(ref, RAX);
    }
  }

  private lowerAsm(ref: AirRef, inst: Extract<AirInst, { op: 'asm' }>): void {
    const moves = inst.args.map((arg, i) => {
      const reg = constraintReg(inst.inputs[i] ?? '');
      if (reg === null) throw new CodegenError(`unsupported inline assembly input constraint '${inst.inputs[i]}'`);
      return { reg, ref: arg };
    });
    this.moveIntoRegisters(moves);
    // rbp is this function's frame pointer: keep it if the assembly may change it.
    const rbpSave = this.frame.staging + 8 * inst.args.length;
    const savesRbp = !this.naked && (this.clobbers(inst) ?? []).includes(RBP);
    if (savesRbp) this.a.movMR(8, this.slot(rbpSave), RBP);
    for (const i of this.parsedAsm(inst)) encodeAsmInstruction(this.a, i);
    if (savesRbp) this.a.movRM(8, RBP, this.slot(rbpSave));
    if (inst.type.kind === 'noreturn') return this.a.ud2(); // the assembly promised not to come back
    if (inst.output !== null && this.placeOf(ref) !== null) {
      const reg = constraintReg(inst.output);
      if (reg === null) throw new CodegenError(`unsupported inline assembly output constraint '${inst.output}'`);
      this.a.movRR(8, RAX, reg);
      normalize(this.a, RAX, intInfo(inst.type));
      this.storeFrom(ref, RAX);
    }
  }
}
