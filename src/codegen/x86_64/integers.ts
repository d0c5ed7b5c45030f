//! How integer values are represented in registers: every value is kept normalized in
//! the full 64-bit register (unsigned zero-extended, signed sign-extended from its bit
//! width, bool as 0/1, pointers as is), so comparisons, and/or/xor and most arithmetic
//! can work on 64 bits and odd widths (u7, i13) come out right after one normalization.

import type { Type } from '../../sema/types.js';
import type { Assembler } from './encode.js';
import type { Reg } from './registers.js';

export interface IntInfo {
  bits: number;
  signed: boolean;
}

/** Bit width and signedness of a scalar type as the backend treats it. */
export function intInfo(t: Type): IntInfo {
  if (t.kind === 'int') return { bits: t.bits, signed: t.signed };
  if (t.kind === 'bool') return { bits: 1, signed: false };
  return { bits: 64, signed: false };
}

/** Re-establishes the normalized form of `reg` for an integer of `bits`/`signed`. */
export function normalize(a: Assembler, reg: Reg, info: IntInfo): void {
  const { bits, signed } = info;
  if (bits >= 64) return;
  if (bits === 32) return signed ? a.movsx(8, reg, 4, reg) : a.movRR(4, reg, reg);
  if (bits === 16 || bits === 8) {
    const from = bits === 8 ? 1 : 2;
    return signed ? a.movsx(8, reg, from, reg) : a.movzx(4, reg, from, reg);
  }
  a.shift('shl', 8, reg, 64 - bits);
  a.shift(signed ? 'sar' : 'shr', 8, reg, 64 - bits);
}

/** The normalized 64-bit pattern of a constant, as a signed 64-bit number. */
export function normalizedImm(value: bigint, info: IntInfo): bigint {
  const bits = BigInt(info.bits);
  const truncated = info.signed ? BigInt.asIntN(Number(bits), value) : BigInt.asUintN(Number(bits), value);
  return BigInt.asIntN(64, truncated);
}

/** The smallest value of a signed type, as a signed 64-bit number. */
export function minInt(info: IntInfo): bigint {
  return -(1n << BigInt(info.bits - 1));
}
