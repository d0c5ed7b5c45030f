//! Inline assembly (spec §6): parses AT&T-syntax source into instructions and encodes
//! them with the `Assembler`. `parseAsm` both parses and trial-encodes, so sema can
//! report an instruction zirc cannot encode at analysis time; the code generator then
//! calls `encodeAsmInstruction` for each parsed instruction.

import { Assembler, EncodeError, isMem, type AluOp, type Mem, type ShiftOp, type UnaryOp } from './encode.js';
import { parseRegName, RCX, type OperandSize, type Reg } from './registers.js';

export type AsmOperand =
  | { kind: 'reg'; reg: Reg; size: OperandSize }
  | { kind: 'imm'; value: bigint }
  | { kind: 'mem'; mem: Mem }
  /** `*%reg` or `*mem`: the target of an indirect call/jmp. */
  | { kind: 'indirect'; target: { kind: 'reg'; reg: Reg; size: OperandSize } | { kind: 'mem'; mem: Mem } };

export interface AsmInstruction {
  /** The instruction as written (trimmed), for messages. */
  text: string;
  mnemonic: string;
  /** Operands in AT&T order: sources first, destination last. */
  operands: AsmOperand[];
}

export type ParseAsmResult = { ok: true; instructions: AsmInstruction[] } | { ok: false; message: string };

function unsupported(text: string): ParseAsmResult {
  return { ok: false, message: `unsupported instruction in inline assembly: '${text}'` };
}

/** Parses AT&T assembly (instructions separated by newlines or `;`, `#` comments) and checks that every instruction encodes. */
export function parseAsm(source: string): ParseAsmResult {
  const instructions: AsmInstruction[] = [];
  for (const line of source.split('\n')) {
    const code = line.replace(/#.*$/, '');
    for (const piece of code.split(';')) {
      const text = piece.trim();
      if (text === '') continue;
      const inst = parseInstruction(text);
      if (inst === null) return unsupported(text);
      try {
        encodeAsmInstruction(new Assembler(), inst);
      } catch (e) {
        if (e instanceof EncodeError) return unsupported(text);
        throw e;
      }
      instructions.push(inst);
    }
  }
  return { ok: true, instructions };
}

/** The register an input (`{rdi}`) or output (`={rax}`) constraint names, or null when it names none we know. */
export function constraintRegister(constraint: string, kind: 'input' | 'output'): Reg | null {
  const m = (kind === 'output' ? /^=\{([a-z0-9]+)\}$/i : /^\{([a-z0-9]+)\}$/i).exec(constraint.trim());
  return m ? (parseRegName(m[1]!)?.reg ?? null) : null;
}

/**
 * Checks the constraints of an `asm` instruction (spec §6): the output `={reg}`, inputs
 * `{reg}` (each register once) and clobbers (register names, optionally `%`-prefixed or
 * braced, `memory`, `cc`). Returns an error message, or null when they are all usable.
 */
/** Sema's check of an `asm` instruction (SemaOptions.checkInlineAsm): what this assembler cannot take, or null. */
export function checkInlineAsm(source: string, output: string | null, inputs: readonly string[], clobbers: readonly string[]): string | null {
  const parsed = parseAsm(source);
  if (!parsed.ok) return parsed.message;
  return checkAsmConstraints(output, inputs, clobbers);
}

export function checkAsmConstraints(output: string | null, inputs: readonly string[], clobbers: readonly string[]): string | null {
  if (output !== null && constraintRegister(output, 'output') === null) return `invalid output constraint in inline assembly: '${output}'`;
  const seen = new Set<Reg>();
  for (const input of inputs) {
    const reg = constraintRegister(input, 'input');
    if (reg === null) return `invalid input constraint in inline assembly: '${input}'`;
    if (seen.has(reg)) return `register used by two inputs in inline assembly: '${input}'`;
    seen.add(reg);
  }
  for (const clobber of clobbers) {
    const name = clobber.trim().replace(/^\{(.*)\}$/, '$1').replace(/^%/, '');
    if (name !== 'memory' && name !== 'cc' && parseRegName(name) === null) return `invalid clobber in inline assembly: '${clobber}'`;
  }
  return null;
}

/** Every register an instruction names, in any operand (to treat them as clobbered). */
export function registersMentioned(inst: AsmInstruction): Reg[] {
  const regs: Reg[] = [];
  const fromMem = (m: Mem): void => {
    if (typeof m.base === 'number') regs.push(m.base);
    if (m.index !== undefined) regs.push(m.index);
  };
  for (const op of inst.operands) {
    if (op.kind === 'reg') regs.push(op.reg);
    else if (op.kind === 'mem') fromMem(op.mem);
    else if (op.kind === 'indirect') {
      if (op.target.kind === 'reg') regs.push(op.target.reg);
      else fromMem(op.target.mem);
    }
  }
  // Instructions with implicit register operands.
  const implicit: Record<string, Reg[]> = {
    syscall: [0, 1, 11], cpuid: [0, 1, 2, 3], rdtsc: [0, 2], cqto: [2], cqo: [2], cltd: [2], cdq: [2],
    mul: [0, 2], div: [0, 2], idiv: [0, 2], imul: [0, 2],
  };
  regs.push(...(implicit[inst.mnemonic.replace(/[bwlq]$/, '')] ?? implicit[inst.mnemonic] ?? []));
  return [...new Set(regs)];
}

// ---- parsing ---------------------------------------------------------------------------

function parseInteger(text: string): bigint | null {
  const t = text.trim().replace(/_/g, '');
  const m = /^([-+]?)(0x[0-9a-f]+|0b[01]+|0o?[0-7]+|[1-9][0-9]*|0)$/i.exec(t);
  if (!m) return null;
  let body = m[2]!.toLowerCase();
  if (/^0[0-7]+$/.test(body)) body = '0o' + body.slice(1);
  const v = BigInt(body);
  return m[1] === '-' ? -v : v;
}

function parseReg(text: string): { kind: 'reg'; reg: Reg; size: OperandSize } | null {
  if (!text.startsWith('%')) return null;
  const r = parseRegName(text.slice(1));
  return r ? { kind: 'reg', reg: r.reg, size: r.size } : null;
}

function parseMem(text: string): Mem | null {
  const m = /^([^(]*)\(([^)]*)\)$/.exec(text);
  if (!m) {
    const abs = parseInteger(text);
    if (abs === null || abs < -0x80000000n || abs > 0x7fffffffn) return null;
    return { base: null, disp: Number(abs) };
  }
  const dispText = m[1]!.trim();
  const disp = dispText === '' ? 0n : parseInteger(dispText);
  if (disp === null || disp < -0x80000000n || disp > 0x7fffffffn) return null;
  const parts = m[2]!.split(',').map((p) => p.trim());
  if (parts.length > 3) return null;
  let base: Reg | 'rip' | null = null;
  if (parts[0] !== '') {
    if (parts[0]!.toLowerCase() === '%rip') base = 'rip';
    else {
      const r = parseReg(parts[0]!);
      if (!r || r.size !== 8) return null;
      base = r.reg;
    }
  }
  const mem: Mem = { base, disp: Number(disp) };
  if (parts.length >= 2) {
    const idx = parseReg(parts[1]!);
    if (!idx || idx.size !== 8 || base === 'rip') return null;
    mem.index = idx.reg;
    const scale = parts.length === 3 ? parseInteger(parts[2]!) : 1n;
    if (scale !== 1n && scale !== 2n && scale !== 4n && scale !== 8n) return null;
    mem.scale = Number(scale) as 1 | 2 | 4 | 8;
  }
  return mem;
}

function parseOperand(text: string): AsmOperand | null {
  const t = text.trim();
  if (t.startsWith('$')) {
    const v = parseInteger(t.slice(1));
    return v === null ? null : { kind: 'imm', value: v };
  }
  if (t.startsWith('*')) {
    const inner = t.slice(1).trim();
    const r = parseReg(inner);
    if (r) return { kind: 'indirect', target: r };
    const mem = parseMem(inner);
    return mem ? { kind: 'indirect', target: { kind: 'mem', mem } } : null;
  }
  if (t.startsWith('%')) return parseReg(t);
  const mem = parseMem(t);
  return mem ? { kind: 'mem', mem } : null;
}

/** Splits operands at commas outside parentheses. */
function splitOperands(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

function parseInstruction(text: string): AsmInstruction | null {
  const m = /^([a-z][a-z0-9]*)(?:\s+(.*))?$/i.exec(text);
  if (!m) return null;
  const mnemonic = m[1]!.toLowerCase();
  const rest = (m[2] ?? '').trim();
  const operands: AsmOperand[] = [];
  if (rest !== '') {
    for (const part of splitOperands(rest)) {
      const op = parseOperand(part);
      if (op === null) return null;
      operands.push(op);
    }
  }
  return { text, mnemonic, operands };
}

// ---- encoding --------------------------------------------------------------------------

const NO_OPERANDS: Record<string, (a: Assembler) => void> = {
  syscall: (a) => a.syscall(),
  nop: (a) => a.nop(),
  hlt: (a) => a.hlt(),
  int3: (a) => a.int3(),
  ud2: (a) => a.ud2(),
  ret: (a) => a.ret(),
  retq: (a) => a.ret(),
  leave: (a) => a.leave(),
  leaveq: (a) => a.leave(),
  cqto: (a) => a.cqo(),
  cqo: (a) => a.cqo(),
  cltd: (a) => a.cdq(),
  cdq: (a) => a.cdq(),
  pause: (a) => a.bytes([0xf3, 0x90]),
  cpuid: (a) => a.bytes([0x0f, 0xa2]),
  rdtsc: (a) => a.bytes([0x0f, 0x31]),
  mfence: (a) => a.bytes([0x0f, 0xae, 0xf0]),
  lfence: (a) => a.bytes([0x0f, 0xae, 0xe8]),
  sfence: (a) => a.bytes([0x0f, 0xae, 0xf8]),
  cld: (a) => a.bytes([0xfc]),
  std: (a) => a.bytes([0xfd]),
  clc: (a) => a.bytes([0xf8]),
  stc: (a) => a.bytes([0xf9]),
};

const ALU_OPS = new Set<string>(['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp']);
const SHIFT_OPS: Record<string, ShiftOp> = { shl: 'shl', sal: 'shl', shr: 'shr', sar: 'sar', rol: 'rol', ror: 'ror' };
const UNARY_OPS = new Set<string>(['not', 'neg', 'mul', 'div', 'idiv']);
const SUFFIX_SIZE: Record<string, OperandSize> = { b: 1, w: 2, l: 4, q: 8 };
const BASES = new Set<string>([
  'mov', 'lea', 'test', 'push', 'pop', 'inc', 'dec', 'imul', 'xchg', 'call', 'jmp', 'int', 'movabs',
  ...ALU_OPS, ...Object.keys(SHIFT_OPS), ...UNARY_OPS,
]);

/** Splits `movq` into `mov` + 8; a mnemonic that is itself known keeps no suffix (`shl`, not `sh`+l). */
function splitSuffix(mnemonic: string): { base: string; size: OperandSize | null } {
  if (BASES.has(mnemonic)) return { base: mnemonic, size: null };
  const last = mnemonic.slice(-1);
  const base = mnemonic.slice(0, -1);
  if (SUFFIX_SIZE[last] !== undefined && BASES.has(base)) return { base, size: SUFFIX_SIZE[last]! };
  return { base: mnemonic, size: null };
}

function fail(inst: AsmInstruction): never {
  throw new EncodeError(`unsupported instruction in inline assembly: '${inst.text}'`);
}

function operandSize(inst: AsmInstruction, suffix: OperandSize | null, ops: readonly AsmOperand[]): OperandSize {
  let size: OperandSize | null = suffix;
  for (const op of ops) {
    if (op.kind !== 'reg') continue;
    if (size !== null && size !== op.size) fail(inst);
    size = op.size;
  }
  if (size === null) fail(inst);
  return size;
}

type RegOp = { kind: 'reg'; reg: Reg; size: OperandSize };
type RmOp = RegOp | { kind: 'mem'; mem: Mem };

function rm(op: RmOp): Reg | Mem {
  return op.kind === 'reg' ? op.reg : op.mem;
}

function isRm(op: AsmOperand | undefined): op is RmOp {
  return op !== undefined && (op.kind === 'reg' || op.kind === 'mem');
}

/** Zero- and sign-extending moves in AT&T spelling: movzbl, movsbq, movslq, movzx/movsx with sizes from operands. */
const EXTEND = /^mov([sz])(b|w|l)(w|l|q)$/;

/** Appends the machine code of one parsed instruction. Throws `EncodeError` naming it when it cannot be encoded. */
export function encodeAsmInstruction(a: Assembler, inst: AsmInstruction): void {
  const ops = inst.operands;
  const noOps = NO_OPERANDS[inst.mnemonic];
  if (noOps) {
    if (ops.length !== 0) fail(inst);
    return noOps(a);
  }
  const ext = EXTEND.exec(inst.mnemonic);
  if (ext) {
    const [src, dst] = ops;
    if (ops.length !== 2 || !isRm(src) || dst?.kind !== 'reg') fail(inst);
    const from = SUFFIX_SIZE[ext[2]!]!;
    const to = SUFFIX_SIZE[ext[3]!]!;
    if (to <= from || dst.size !== to || (src.kind === 'reg' && src.size !== from)) fail(inst);
    if (ext[1] === 'z') {
      if (from === 4) fail(inst);
      return a.movzx(to as 2 | 4 | 8, dst.reg, from as 1 | 2, rm(src));
    }
    return a.movsx(to as 2 | 4 | 8, dst.reg, from as 1 | 2 | 4, rm(src));
  }
  const { base, size: suffix } = splitSuffix(inst.mnemonic);
  const [o0, o1, o2] = ops;
  switch (base) {
    case 'mov':
    case 'movabs': {
      if (ops.length !== 2 || !isRm(o1)) fail(inst);
      const size = operandSize(inst, suffix ?? (base === 'movabs' && o1.kind === 'reg' ? 8 : null), ops);
      if (o0?.kind === 'imm') {
        if (o1.kind === 'reg') return base === 'movabs' ? a.movabs(o1.reg, o0.value) : a.movRI(size, o1.reg, o0.value);
        return a.movMI(size, o1.mem, o0.value);
      }
      if (o0?.kind === 'reg' && o1.kind === 'reg') return a.movRR(size, o1.reg, o0.reg);
      if (o0?.kind === 'mem' && o1.kind === 'reg') return a.movRM(size, o1.reg, o0.mem);
      if (o0?.kind === 'reg' && o1.kind === 'mem') return a.movMR(size, o1.mem, o0.reg);
      return fail(inst);
    }
    case 'lea': {
      if (ops.length !== 2 || o0?.kind !== 'mem' || o1?.kind !== 'reg' || o1.size === 1) fail(inst);
      if (suffix !== null && suffix !== o1.size) fail(inst);
      return a.lea(o1.size as 2 | 4 | 8, o1.reg, o0.mem);
    }
    case 'test': {
      if (ops.length !== 2 || !isRm(o1)) fail(inst);
      const size = operandSize(inst, suffix, ops);
      if (o0?.kind === 'imm') return a.test(size, rm(o1), { imm: o0.value });
      if (o0?.kind === 'reg') return a.test(size, rm(o1), o0.reg);
      if (o0?.kind === 'mem' && o1.kind === 'reg') return a.test(size, o0.mem, o1.reg);
      return fail(inst);
    }
    case 'push':
    case 'pop': {
      if (ops.length !== 1) fail(inst);
      if (o0?.kind === 'imm' && base === 'push' && (suffix === null || suffix === 8)) return a.pushImm(o0.value);
      if (!isRm(o0)) fail(inst);
      if (o0.kind === 'reg') {
        if (o0.size !== 8 || (suffix !== null && suffix !== 8)) fail(inst);
        return base === 'push' ? a.push(o0.reg) : a.pop(o0.reg);
      }
      if (suffix !== 8) fail(inst);
      return base === 'push' ? a.pushMem(o0.mem) : a.popMem(o0.mem);
    }
    case 'inc':
    case 'dec': {
      if (ops.length !== 1 || !isRm(o0)) fail(inst);
      return a.incDec(base, operandSize(inst, suffix, ops), rm(o0));
    }
    case 'imul': {
      if (ops.length === 1 && isRm(o0)) return a.unary('imul', operandSize(inst, suffix, ops), rm(o0));
      if (ops.length === 2 && isRm(o0) && o1?.kind === 'reg') {
        const size = operandSize(inst, suffix, ops);
        if (size === 1) fail(inst);
        return a.imulRR(size, o1.reg, rm(o0));
      }
      if (ops.length === 3 && o0?.kind === 'imm' && isRm(o1) && o2?.kind === 'reg') {
        const size = operandSize(inst, suffix, ops);
        if (size === 1) fail(inst);
        return a.imulRRI(size, o2.reg, rm(o1), o0.value);
      }
      return fail(inst);
    }
    case 'xchg': {
      if (ops.length !== 2 || o0?.kind !== 'reg' || o1?.kind !== 'reg') fail(inst);
      return a.xchgRR(operandSize(inst, suffix, ops), o1.reg, o0.reg);
    }
    case 'call':
    case 'jmp': {
      if (ops.length !== 1 || o0?.kind !== 'indirect') fail(inst);
      const t = o0.target;
      if (t.kind === 'reg' && t.size !== 8) fail(inst);
      const target = t.kind === 'reg' ? t.reg : t.mem;
      return base === 'call' ? a.callIndirect(target) : a.jmpIndirect(target);
    }
    case 'int': {
      if (ops.length !== 1 || o0?.kind !== 'imm') fail(inst);
      if (o0.value < 0n || o0.value > 255n) fail(inst);
      return a.int(Number(o0.value));
    }
  }
  if (ALU_OPS.has(base)) {
    if (ops.length !== 2 || !isRm(o1)) fail(inst);
    const size = operandSize(inst, suffix, ops);
    if (o0?.kind === 'imm') return a.alu(base as AluOp, size, rm(o1), { imm: o0.value });
    if (!isRm(o0)) fail(inst);
    return a.alu(base as AluOp, size, rm(o1), rm(o0));
  }
  const shift = SHIFT_OPS[base];
  if (shift) {
    if (ops.length === 1 && isRm(o0)) return a.shift(shift, operandSize(inst, suffix, ops), rm(o0), 1);
    if (ops.length !== 2 || !isRm(o1)) fail(inst);
    const size = operandSize(inst, suffix, [o1]);
    if (o0?.kind === 'imm') {
      if (o0.value < 0n || o0.value > 255n) fail(inst);
      return a.shift(shift, size, rm(o1), Number(o0.value));
    }
    if (o0?.kind === 'reg' && o0.reg === RCX && o0.size === 1) return a.shift(shift, size, rm(o1), 'cl');
    return fail(inst);
  }
  if (UNARY_OPS.has(base)) {
    if (ops.length !== 1 || !isRm(o0)) fail(inst);
    return a.unary(base as UnaryOp, operandSize(inst, suffix, ops), rm(o0));
  }
  fail(inst);
}

export { isMem };
