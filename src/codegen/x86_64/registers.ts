//! The x86-64 general-purpose registers: their hardware numbers, their names at every
//! width (for the inline-assembly parser and for tests), and the calling-convention
//! groups the code generator allocates from.

/** A register by its hardware number 0..15 (rax=0 ... r15=15). Width is given by the instruction. */
export type Reg = number;

export const RAX: Reg = 0;
export const RCX: Reg = 1;
export const RDX: Reg = 2;
export const RBX: Reg = 3;
export const RSP: Reg = 4;
export const RBP: Reg = 5;
export const RSI: Reg = 6;
export const RDI: Reg = 7;
export const R8: Reg = 8;
export const R9: Reg = 9;
export const R10: Reg = 10;
export const R11: Reg = 11;
export const R12: Reg = 12;
export const R13: Reg = 13;
export const R14: Reg = 14;
export const R15: Reg = 15;

export type OperandSize = 1 | 2 | 4 | 8;

const NAMES_64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const NAMES_32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
const NAMES_16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di', 'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w'];
const NAMES_8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil', 'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b'];

/** The register's name at a width, as objdump prints it in Intel syntax. */
export function regName(reg: Reg, size: OperandSize): string {
  const table = size === 8 ? NAMES_64 : size === 4 ? NAMES_32 : size === 2 ? NAMES_16 : NAMES_8;
  const name = table[reg];
  if (name === undefined) throw new Error(`no register ${reg}`);
  return name;
}

const BY_NAME = new Map<string, { reg: Reg; size: OperandSize }>();
for (let r = 0; r < 16; r++) {
  BY_NAME.set(NAMES_64[r]!, { reg: r, size: 8 });
  BY_NAME.set(NAMES_32[r]!, { reg: r, size: 4 });
  BY_NAME.set(NAMES_16[r]!, { reg: r, size: 2 });
  BY_NAME.set(NAMES_8[r]!, { reg: r, size: 1 });
}
// The spellings `r8l`..`r15l` are accepted by GNU as as well.
for (let r = 8; r < 16; r++) BY_NAME.set(`r${r}l`, { reg: r, size: 1 });

/** Looks up a register name (`rax`, `eax`, `ax`, `al`, `r8d`, ...); null when it is not one we encode. */
export function parseRegName(name: string): { reg: Reg; size: OperandSize } | null {
  return BY_NAME.get(name.toLowerCase()) ?? null;
}

/** System V AMD64 integer argument registers, in order. */
export const ARG_REGS: readonly Reg[] = [RDI, RSI, RDX, RCX, R8, R9];
/** Registers a System V callee must preserve (rbp and rsp aside). */
export const CALLEE_SAVED: readonly Reg[] = [RBX, R12, R13, R14, R15];
/** Registers a call may overwrite. */
export const CALLER_SAVED: readonly Reg[] = [RAX, RCX, RDX, RSI, RDI, R8, R9, R10, R11];
