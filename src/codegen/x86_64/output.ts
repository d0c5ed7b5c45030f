//! What the x86-64 code generator hands the ELF linker: position-independent machine
//! code for one function, the read-only constants it owns, and the relocations the
//! linker resolves in place. Code holds instructions only: every byte of it decodes.

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

/** What a relocation points at: a symbol, or one of the function's own constants by name. */
export type X86RelocTarget = SymbolTarget | { kind: 'constant'; name: string };

export interface X86Reloc {
  /** Byte offset of the field inside the function's code. */
  offset: number;
  kind: X86RelocKind;
  target: X86RelocTarget;
  addend: number;
}

/**
 * Read-only bytes a function reaches by address (a routine's message, a lookup table).
 * The linker places each in .rodata as a symbol `<function>.<name>` that comes and goes
 * with the function, as sema's string constants are placed: never inside the code.
 */
export interface X86Constant {
  /** Unique within the function. */
  name: string;
  bytes: Uint8Array;
  align: number;
}

export interface X86Function {
  code: Uint8Array;
  relocs: X86Reloc[];
  /** The function's own constants (absent or empty for most functions). */
  constants?: X86Constant[];
}
