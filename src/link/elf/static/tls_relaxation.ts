//! General- and local-dynamic TLS (what -fpic code uses) relaxed to local-exec, as a static
//! executable needs and as ld.lld does (x86-64 psABI, "Thread-Local Storage", the GD → LE
//! and LD → LE sequences, and the TLS descriptor ones). Pure: it only recognizes and patches
//! instruction bytes; the caller supplies the thread-pointer offset.
//!
//! - TLSGD: `data16 lea x@tlsgd(%rip),%rdi` then `data16 data16 rex64 call __tls_get_addr@PLT`
//!   (or `data16 rex64 call *__tls_get_addr@GOTPCREL(%rip)`), 16 bytes, become
//!   `mov %fs:0,%rax; lea x@tpoff(%rax),%rax`.
//! - TLSLD: `lea x@tlsld(%rip),%rdi` then `call __tls_get_addr@PLT` (12 bytes) or
//!   `call *__tls_get_addr@GOTPCREL(%rip)` (13) become `mov %fs:0,%rax` behind three or
//!   four `data16` prefixes; the DTPOFF32/DTPOFF64 offsets that follow become TP offsets.
//! - GOTPC32_TLSDESC: `lea x@tlsdesc(%rip),%reg` becomes `mov $x@tpoff,%reg`, and
//!   TLSDESC_CALL's `call *x@tlscall(%rax)` a two-byte nop (`xchg %ax,%ax`).
//! In both dynamic forms the relocation of the call to `__tls_get_addr` is consumed.
//! Any other byte sequence is not relaxed: the caller reports it, never guesses.

export const R_DTPOFF64 = 17, R_TLSGD = 19, R_TLSLD = 20, R_DTPOFF32 = 21, R_GOTPC32_TLSDESC = 34, R_TLSDESC_CALL = 35;

const R_PC32 = 2, R_PLT32 = 4, R_GOTPCREL = 9, R_GOTPCRELX = 41;

/** How the relocation after a TLSGD/TLSLD one (the call to `__tls_get_addr`) must look. */
export interface TlsCallRelocation {
  offset: number;
  type: number;
  symbolName: string;
}

/** A recognized dynamic-TLS sequence: its form, and whether the next relocation (the call) is consumed. */
export const enum TlsForm {
  GdDirect, GdIndirect, LdDirect, LdIndirect, Desc, DescCall,
}

const matches = (data: Uint8Array, at: number, bytes: readonly number[]): boolean =>
  at >= 0 && at + bytes.length <= data.length && bytes.every((b, i) => data[at + i] === b);

/**
 * The form of the sequence around a TLSGD, TLSLD, GOTPC32_TLSDESC or TLSDESC_CALL
 * relocation at `offset`, or a message saying what was found instead. `next` is the
 * relocation that follows in the section (for TLSGD/TLSLD it must be the call).
 */
export function recognizeTlsSequence(type: number, data: Uint8Array, offset: number, next: TlsCallRelocation | null): TlsForm | string {
  const callOk = (at: number, direct: boolean): boolean =>
    next !== null && next.offset === at && next.symbolName === '__tls_get_addr' &&
    (direct ? next.type === R_PLT32 || next.type === R_PC32 : next.type === R_GOTPCRELX || next.type === R_GOTPCREL);
  switch (type) {
    case R_TLSGD:
      if (!matches(data, offset - 4, [0x66, 0x48, 0x8d, 0x3d])) return 'expected `data16 lea x@tlsgd(%rip),%rdi`';
      if (matches(data, offset + 4, [0x66, 0x66, 0x48, 0xe8]) && callOk(offset + 8, true)) return TlsForm.GdDirect;
      if (matches(data, offset + 4, [0x66, 0x48, 0xff, 0x15]) && callOk(offset + 8, false)) return TlsForm.GdIndirect;
      return 'expected `call __tls_get_addr@PLT` or `call *__tls_get_addr@GOTPCREL(%rip)` after the lea';
    case R_TLSLD:
      if (!matches(data, offset - 3, [0x48, 0x8d, 0x3d])) return 'expected `lea x@tlsld(%rip),%rdi`';
      if (matches(data, offset + 4, [0xe8]) && callOk(offset + 5, true)) return TlsForm.LdDirect;
      if (matches(data, offset + 4, [0xff, 0x15]) && callOk(offset + 6, false)) return TlsForm.LdIndirect;
      return 'expected `call __tls_get_addr@PLT` or `call *__tls_get_addr@GOTPCREL(%rip)` after the lea';
    case R_GOTPC32_TLSDESC:
      if (offset >= 3 && (data[offset - 3] === 0x48 || data[offset - 3] === 0x4c) && data[offset - 2] === 0x8d && (data[offset - 1]! & 0xc7) === 0x05) return TlsForm.Desc;
      return 'expected `lea x@tlsdesc(%rip),%reg`';
    case R_TLSDESC_CALL:
      if (matches(data, offset, [0xff, 0x10])) return TlsForm.DescCall;
      return 'expected `call *x@tlscall(%rax)`';
  }
  return 'not a dynamic TLS relocation';
}

/** True when the form consumes the relocation after it (the call to `__tls_get_addr`). */
export function consumesNextRelocation(form: TlsForm): boolean {
  return form === TlsForm.GdDirect || form === TlsForm.GdIndirect || form === TlsForm.LdDirect || form === TlsForm.LdIndirect;
}

const MOV_FS0_RAX = [0x64, 0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x00];

/**
 * Rewrites the recognized sequence at `offset` of `data` to local-exec. `tpoff` is the
 * variable's offset from the thread pointer plus the relocation's addend plus 4 (the
 * addend is -4 for the RIP-relative field). Returns an error when it does not fit.
 */
export function relaxTlsToLocalExec(form: TlsForm, data: Uint8Array, offset: number, tpoff: number): string | null {
  if (tpoff < -0x80000000 || tpoff > 0x7fffffff) return `TLS offset ${tpoff} does not fit in a signed 32-bit field`;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  switch (form) {
    case TlsForm.GdDirect: case TlsForm.GdIndirect:
      data.set([...MOV_FS0_RAX, 0x48, 0x8d, 0x80], offset - 4);
      view.setInt32(offset + 8, tpoff, true);
      return null;
    case TlsForm.LdDirect:
      data.set([0x66, 0x66, 0x66, ...MOV_FS0_RAX], offset - 3);
      return null;
    case TlsForm.LdIndirect:
      data.set([0x66, 0x66, 0x66, 0x66, ...MOV_FS0_RAX], offset - 3);
      return null;
    case TlsForm.Desc:
      // REX.R (0x4c) names the register in ModRM.reg; in `mov $imm32` it moves to ModRM.rm (REX.B, 0x49).
      if (data[offset - 3] === 0x4c) data[offset - 3] = 0x49;
      data[offset - 2] = 0xc7;
      data[offset - 1] = 0xc0 | ((data[offset - 1]! >> 3) & 7);
      view.setInt32(offset, tpoff, true);
      return null;
    case TlsForm.DescCall:
      data[offset] = 0x66;
      data[offset + 1] = 0x90;
      return null;
  }
}
