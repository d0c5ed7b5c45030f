//! What the x86-64 code generator hands the ELF linker: position-independent machine
//! code for one function plus the relocations the linker resolves in place.

import type { SymbolTarget } from '../../sema/air.js';

/**
 * Relocation kinds (P = address of the patched field, S = target address, A = addend):
 * - `rel32`: 32-bit PC-relative, S + A - P (a `lea reg, [rip+x]`, or a direct `call`/`jmp rel32`
 *   to a runtime routine). The addend is usually -4.
 * - `got_rel32`: 32-bit PC-relative to the target's offset-table entry, GOT(S) + A - P, for
 *   `call qword ptr [rip+x]` and `mov reg, [rip+x]` (function addresses). Moving a function
 *   then rewrites only its 8-byte table entry.
 * - `abs64`: 64-bit absolute S + A (a `movabs`).
 */
export type X86RelocKind = 'rel32' | 'got_rel32' | 'abs64';

export interface X86Reloc {
  /** Byte offset of the field inside the function's code. */
  offset: number;
  kind: X86RelocKind;
  target: SymbolTarget;
  addend: number;
}

export interface X86Function {
  code: Uint8Array;
  relocs: X86Reloc[];
}
