//! x86-64 relocations for a static, non-PIE executable: which types are handled, how
//! GOT-relative loads are relaxed (psABI §B.2 / what ld.lld does: `mov foo@GOTPCREL(%rip)`
//! → `lea foo(%rip)`, `call *foo@GOTPCREL(%rip)` → `addr32 call foo`, `jmp *…` → `jmp foo;
//! nop`, else a real GOT entry), how initial-exec TLS is relaxed to local-exec (`mov
//! x@GOTTPOFF(%rip), %reg` → `mov $tpoff, %reg`, `add` likewise, else a GOT entry holding
//! the offset), and the arithmetic of each type. General-/local-dynamic TLS (TLSGD,
//! TLSLD, TLSDESC, from -fpic code) is relaxed to local-exec by tls_relaxation.ts; its
//! DTPOFF32/DTPOFF64 offsets become offsets from the thread pointer. Every type not listed
//! is an error.

import { hex, relocationTypeName } from '../input/index.js';
import { R_DTPOFF32, R_DTPOFF64, R_GOTPC32_TLSDESC, R_TLSDESC_CALL, R_TLSGD, R_TLSLD } from './tls_relaxation.js';

export const R_NONE = 0, R_64 = 1, R_PC32 = 2, R_PLT32 = 4, R_GOTPCREL = 9, R_32 = 10, R_32S = 11, R_TPOFF64 = 18,
  R_GOTTPOFF = 22, R_TPOFF32 = 23, R_PC64 = 24, R_GOTPC32 = 26, R_SIZE32 = 32, R_SIZE64 = 33, R_GOTPCRELX = 41,
  R_REX_GOTPCRELX = 42;

const SUPPORTED = new Set([R_NONE, R_64, R_PC32, R_PLT32, R_GOTPCREL, R_32, R_32S, R_TPOFF64, R_GOTTPOFF, R_TPOFF32, R_PC64,
  R_GOTPC32, R_SIZE32, R_SIZE64, R_GOTPCRELX, R_REX_GOTPCRELX, R_DTPOFF32, R_DTPOFF64, R_TLSGD, R_TLSLD, R_GOTPC32_TLSDESC,
  R_TLSDESC_CALL]);

/** The relocations whose instruction sequence tls_relaxation.ts rewrites to local-exec. */
export function isDynamicTlsRelocation(type: number): boolean {
  return type === R_TLSGD || type === R_TLSLD || type === R_GOTPC32_TLSDESC || type === R_TLSDESC_CALL;
}

export function isSupportedRelocation(type: number): boolean {
  return SUPPORTED.has(type);
}

/** What to do with a GOT-using relocation at `offset` of `data`. */
export const enum GotAccess {
  /** Not a GOT relocation. */
  None,
  /** `mov` → `lea` (opcode byte before the ModRM turns 0x8b → 0x8d), then PC32 to the symbol. */
  Lea,
  /** `call *` → `addr32 call` to the symbol. */
  Call,
  /** `jmp *` → `jmp` to the symbol, then `nop`. */
  Jmp,
  /** A GOT entry holding the symbol's address. */
  GotAddress,
  /** GOTTPOFF `mov` → `mov $imm32` (local-exec). */
  TlsMov,
  /** GOTTPOFF `add` → `add $imm32` (local-exec). */
  TlsAdd,
  /** A GOT entry holding the thread-pointer offset. */
  GotTpoff,
}

/**
 * The access a relocation needs, from its type and the instruction bytes before it.
 * `directOk` says whether the symbol may be reached PC-relatively (false for an undefined
 * weak symbol, whose address 0 is out of ±2 GiB reach of the image).
 */
export function gotAccess(type: number, data: Uint8Array, offset: number, directOk: boolean): GotAccess {
  if (type === R_GOTPCRELX || type === R_REX_GOTPCRELX) {
    if (!directOk || offset < 2) return GotAccess.GotAddress;
    const op = data[offset - 2]!, modrm = data[offset - 1]!;
    if (op === 0x8b && (type === R_GOTPCRELX || offset >= 3)) return GotAccess.Lea;
    if (type === R_GOTPCRELX && op === 0xff && modrm === 0x15) return GotAccess.Call;
    if (type === R_GOTPCRELX && op === 0xff && modrm === 0x25) return GotAccess.Jmp;
    return GotAccess.GotAddress;
  }
  if (type === R_GOTPCREL) return GotAccess.GotAddress;
  if (type === R_GOTTPOFF) {
    if (offset >= 3) {
      const rex = data[offset - 3]!, op = data[offset - 2]!, modrm = data[offset - 1]!;
      // Only the RIP-relative form (mod 00, rm 101) with a REX.W prefix is relaxed.
      if ((rex === 0x48 || rex === 0x4c) && (modrm & 0xc7) === 0x05) {
        if (op === 0x8b) return GotAccess.TlsMov;
        if (op === 0x03) return GotAccess.TlsAdd;
      }
    }
    return GotAccess.GotTpoff;
  }
  return GotAccess.None;
}

/** The values a relocation's arithmetic needs. */
export interface RelocationValues {
  /** S: the symbol's address. */
  S: number;
  /** A: the addend. */
  A: number;
  /** P: the address patched. */
  P: number;
  /** The symbol's size (SIZE32/64). */
  Z: number;
  /** The symbol's offset from the thread pointer (TLS types). */
  TP: number;
  /** The address of the symbol's GOT entry, and of the GOT (for GOTPC32). */
  G: number;
  GOT: number;
}

/**
 * Patches `data` (the output copy of the section) at `offset`; returns an error message
 * tail when the type is unsupported or the value does not fit, else null.
 */
export function applyRelocation(type: number, access: GotAccess, data: Uint8Array, offset: number, v: RelocationValues): string | null {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const w32s = (x: number): string | null => {
    if (x < -0x80000000 || x > 0x7fffffff) return `${relocationTypeName(type)} value ${hex(BigInt(x))} does not fit in a signed 32-bit field`;
    view.setInt32(offset, x, true);
    return null;
  };
  const w64 = (x: number): null => {
    view.setBigUint64(offset, BigInt.asUintN(64, BigInt(x)), true);
    return null;
  };
  switch (type) {
    case R_NONE: return null;
    case R_64: return w64(v.S + v.A);
    case R_PC64: return w64(v.S + v.A - v.P);
    case R_PC32: case R_PLT32: return w32s(v.S + v.A - v.P);
    case R_32: {
      const x = v.S + v.A;
      if (x < 0 || x > 0xffffffff) return `R_X86_64_32 value ${hex(BigInt(x))} does not fit in an unsigned 32-bit field`;
      view.setUint32(offset, x, true);
      return null;
    }
    case R_32S: return w32s(v.S + v.A);
    case R_SIZE32: return w32s(v.Z + v.A);
    case R_SIZE64: return w64(v.Z + v.A);
    case R_TPOFF32: return w32s(v.TP + v.A);
    case R_TPOFF64: return w64(v.TP + v.A);
    // Local-dynamic code was relaxed to local-exec: its base is the thread pointer, not the module's block.
    case R_DTPOFF32: return w32s(v.TP + v.A);
    case R_DTPOFF64: return w64(v.TP + v.A);
    case R_GOTPC32: return w32s(v.GOT + v.A - v.P);
    case R_GOTPCREL: case R_GOTPCRELX: case R_REX_GOTPCRELX:
      switch (access) {
        case GotAccess.Lea:
          data[offset - 2] = 0x8d;
          return w32s(v.S + v.A - v.P);
        case GotAccess.Call:
          data[offset - 2] = 0x67;
          data[offset - 1] = 0xe8;
          return w32s(v.S + v.A - v.P);
        case GotAccess.Jmp: {
          data[offset - 2] = 0xe9;
          data[offset + 3] = 0x90;
          const x = v.S + v.A - v.P + 1;
          if (x < -0x80000000 || x > 0x7fffffff) return `${relocationTypeName(type)} jump does not fit in 32 bits`;
          view.setInt32(offset - 1, x, true);
          return null;
        }
        default:
          return w32s(v.G + v.A - v.P);
      }
    case R_GOTTPOFF:
      if (access === GotAccess.TlsMov || access === GotAccess.TlsAdd) {
        // REX.R (0x4c) names the register in ModRM.reg; in the immediate form it moves to ModRM.rm (REX.B, 0x49).
        if (data[offset - 3] === 0x4c) data[offset - 3] = 0x49;
        data[offset - 2] = access === GotAccess.TlsMov ? 0xc7 : 0x81;
        data[offset - 1] = 0xc0 | ((data[offset - 1]! >> 3) & 7);
        return w32s(v.TP + v.A + 4);
      }
      return w32s(v.G + v.A - v.P);
  }
  return `unsupported relocation type ${relocationTypeName(type)}`;
}
