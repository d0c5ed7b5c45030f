//! AIR: the typed, target-independent IR that sema produces for each runtime function,
//! and the constant data atoms it produces for anonymous constants. This file is the
//! contract between sema and the code generators (`src/codegen/x86_64`, `src/codegen/wasm`).
//!
//! Shape (like the 2020 Zig IR): a function is a flat array `insts`; `AirRef` is an index
//! into it. Structured bodies (`block`, `loop`, `condbr`, the function body) are arrays of
//! refs in execution order. `const` instructions are never listed in a body: they are
//! materialized where they are used. Every instruction has a result `type` (`void` for
//! statements, `noreturn` for terminators).
//!
//! Guarantees sema gives the backends:
//! - Runtime values are scalars: integers of 1..64 bits, `bool`, pointers (`one`/`many`,
//!   never slices), and function values. Aggregates live in memory and are reached
//!   through pointers (`alloc`, `elemptr`, `offsetptr`), and copied with `memcpy`.
//! - Binary operands have the same type (already coerced), `shl`/`shr` included.
//! - Every body ends with a `noreturn` instruction (`br`, `ret`, `retvoid`, `condbr`,
//!   `loop`, `unreachable`, or a `call` whose type is `noreturn`), except `loop` bodies,
//!   which may fall off their end: that repeats the loop. A `void` function's body gets an
//!   explicit `retvoid` at its end; a `block` that falls off its end gets an explicit `br`.
//! - `safe: true` means "emit the safety check of spec §8"; sema sets it from the
//!   optimize mode (false in ReleaseFast).

import type { FnType, Type } from './types.js';
import type { TypedValue } from './value.js';

export type AirRef = number;

/** What a relocation or address points at. Names are symbol names in the output. */
export type SymbolTarget =
  /** A function decl's code or a data atom (anonymous constant), by symbol name. */
  | { kind: 'decl'; name: string }
  /** A function declared with `extern(...)`: an import on wasm, a built-in or undefined symbol on x86-64. */
  | { kind: 'extern'; name: string; lib: string }
  /** A routine the backend itself provides (see `RuntimeSymbol`). */
  | { kind: 'runtime'; name: RuntimeSymbol };

/** Backend-provided routines. Each panic routine prints `panic: <reason>\n` to stderr and exits 134. */
export type RuntimeSymbol =
  | 'panic_integer_overflow'
  | 'panic_division_by_zero'
  | 'panic_cast_truncated'
  | 'panic_shift_too_large'
  | 'panic_unreachable';

export const PANIC_MESSAGES: Record<RuntimeSymbol, string> = {
  panic_integer_overflow: 'integer overflow',
  panic_division_by_zero: 'division by zero',
  panic_cast_truncated: 'integer cast truncated bits',
  panic_shift_too_large: 'shift amount is too large',
  panic_unreachable: 'reached unreachable code',
};

/** A comptime value lowered to what a backend can materialize. */
export type AirConst =
  /** An integer or bool (0/1) bit pattern; for signed types, the signed value. */
  | { kind: 'imm'; value: bigint }
  /** The address of a symbol plus a byte offset (pointers, function values). */
  | { kind: 'addr'; target: SymbolTarget; offset: number }
  /** Any bit pattern will do. */
  | { kind: 'undef' }
  /** A value with no runtime bits (void). */
  | { kind: 'none' };

export type CmpOp = 'lt' | 'lte' | 'eq' | 'gte' | 'gt' | 'neq';

/**
 * How `zirc ir` writes back an instruction sema made while lowering a higher-level one
 * (slices and arrays go through memory, see types.ts `isAggregate`). Code generators
 * ignore it.
 */
export type ZirForm =
  /** Part of another instruction's lowering: not written. */
  | { kind: 'hidden' }
  /** Written as `tag(operands...)` (a call also gets `modifier=auto`). */
  | { kind: 'inst'; tag: string; operands: ZirOperand[] }
  /** A `const` holding the address of this value: written as the value. */
  | { kind: 'value'; tv: TypedValue };

export type ZirOperand = { ref: AirRef } | { refs: AirRef[] } | { type: Type };

export type AirInst = AirInstBody & { zir?: ZirForm };

type AirInstBody =
  | { op: 'const'; type: Type; value: AirConst }
  /** The `index`th parameter of the function. */
  | { op: 'arg'; type: Type; index: number; name: string }
  /** A stack slot for `elemType`; the result is a pointer to it. */
  | { op: 'alloc'; type: Type; elemType: Type }
  | { op: 'load'; type: Type; ptr: AirRef }
  | { op: 'store'; type: Type; ptr: AirRef; value: AirRef }
  /** Checked when `safe`: overflow → panic_integer_overflow. */
  | { op: 'add' | 'sub' | 'mul'; type: Type; lhs: AirRef; rhs: AirRef; safe: boolean }
  /** Truncating division / remainder with the sign of lhs (C semantics). Checked when `safe`:
   * rhs == 0 → panic_division_by_zero; minInt / -1 → panic_integer_overflow. */
  | { op: 'div' | 'rem'; type: Type; lhs: AirRef; rhs: AirRef; safe: boolean }
  | { op: 'addwrap' | 'subwrap' | 'mulwrap'; type: Type; lhs: AirRef; rhs: AirRef }
  | { op: 'bitand' | 'bitor' | 'xor'; type: Type; lhs: AirRef; rhs: AirRef }
  /** Operands of one integer type. `shl` drops bits shifted out (result truncated to the
   * type's bits); `shr` is arithmetic for signed types. Checked when `safe`: rhs >= bits →
   * panic_shift_too_large (an unchecked out-of-range shift gives an unspecified value). */
  | { op: 'shl' | 'shr'; type: Type; lhs: AirRef; rhs: AirRef; safe: boolean }
  | { op: 'bitnot'; type: Type; operand: AirRef }
  | { op: 'boolnot'; type: Type; operand: AirRef }
  | { op: 'booland' | 'boolor'; type: Type; lhs: AirRef; rhs: AirRef }
  /** Operands of one type: integer (signedness from the type), bool or pointer. Result bool. */
  | { op: 'cmp'; type: Type; cmp: CmpOp; lhs: AirRef; rhs: AirRef }
  /** Integer to integer of another width/signedness. Checked when `safe`: the value must fit
   * the result type → else panic_cast_truncated. */
  | { op: 'intcast'; type: Type; operand: AirRef; safe: boolean }
  /** Same-size reinterpretation between integers and pointers. */
  | { op: 'bitcast'; type: Type; operand: AirRef }
  /** Pointer to `usize`. */
  | { op: 'ptrtoint'; type: Type; operand: AirRef }
  /** `ptr + index * sizeOf(elem)`: `ptr` is a pointer to an array or a many-pointer;
   * `index` is a `usize`; the result is a pointer to the element. */
  | { op: 'elemptr'; type: Type; ptr: AirRef; index: AirRef; elemSize: number }
  /** `ptr + offset` bytes (fields of a slice in memory: `ptr` at 0, `len` at ptrBytes). */
  | { op: 'offsetptr'; type: Type; ptr: AirRef; offset: number }
  /** Copies `len` bytes (comptime-known, any size) from `src` to `dst`, two pointers to
   * memory that is either disjoint or the same. Copying an aggregate by value. Type void. */
  | { op: 'memcpy'; type: Type; dst: AirRef; src: AirRef; len: number }
  /** A call. When `callee` is a `const` with an `addr` value it is a direct call to that
   * symbol; otherwise an indirect call through a function value. Type = return type. */
  | { op: 'call'; type: Type; callee: AirRef; args: AirRef[]; calleeType: FnType }
  | { op: 'ret'; type: Type; operand: AirRef }
  | { op: 'retvoid'; type: Type }
  /** A block: its body runs; a `br` to it leaves it with the br's operand as the block's value. */
  | { op: 'block'; type: Type; body: AirRef[] }
  /** Repeats its body forever; left only by `br` to an outer block (or ret). Type noreturn. */
  | { op: 'loop'; type: Type; body: AirRef[] }
  /** Leave `block` with `operand` (null for a void block). Type noreturn. */
  | { op: 'br'; type: Type; block: AirRef; operand: AirRef | null }
  | { op: 'condbr'; type: Type; cond: AirRef; then: AirRef[]; else: AirRef[] }
  /** Checked when `safe`: panic_unreachable. Otherwise undefined behaviour (a trap is fine). */
  | { op: 'unreachable'; type: Type; safe: boolean }
  | { op: 'breakpoint'; type: Type }
  /** Inline assembly (x86-64 only; sema rejects it on wasm32). `source` is the text,
   * `output` a constraint like `={rax}` or null, `inputs` constraints like `{rdi}` paired
   * with `args`, `clobbers` register names or `memory`. */
  | {
      op: 'asm';
      type: Type;
      source: string;
      isVolatile: boolean;
      output: string | null;
      inputs: string[];
      clobbers: string[];
      args: AirRef[];
    };

export type AirOp = AirInst['op'];

/** One analyzed runtime function: what a code generator turns into machine code. */
export interface AirFunction {
  /** Symbol name: the decl's fully qualified name. */
  name: string;
  type: FnType;
  insts: AirInst[];
  body: AirRef[];
}

/** A pointer-sized absolute address stored in data. */
export interface DataReloc {
  offset: number;
  target: SymbolTarget;
  addend: number;
}

/** Constant bytes with a symbol name: string literals and other anonymous constants. */
export interface DataAtom {
  name: string;
  bytes: Uint8Array;
  align: number;
  relocs: DataReloc[];
  /** `rodata` for constants; `data` and `bss` (bytes all zero) for mutable memory. */
  section: 'rodata' | 'data' | 'bss';
  /** The comptime value the bytes encode (set by sema; `zirc ir` prints it back). Optional, additive. */
  value?: TypedValue;
}

export function symbolKey(t: SymbolTarget): string {
  return t.kind === 'decl' ? `d:${t.name}` : t.kind === 'extern' ? `e:${t.lib}:${t.name}` : `r:${t.name}`;
}

/**
 * The values an instruction reads, in order (consts included; nested bodies and a `br`'s
 * block are not values), written into `out` from index 0; returns how many. The walks
 * that visit every instruction of every function (liveness) then allocate nothing.
 */
export function airOperandsInto(inst: AirInst, out: AirRef[]): number {
  switch (inst.op) {
    case 'load':
    case 'offsetptr':
      out[0] = inst.ptr;
      return 1;
    case 'store':
      out[0] = inst.ptr;
      out[1] = inst.value;
      return 2;
    case 'memcpy':
      out[0] = inst.dst;
      out[1] = inst.src;
      return 2;
    case 'add': case 'sub': case 'mul': case 'div': case 'rem':
    case 'addwrap': case 'subwrap': case 'mulwrap':
    case 'bitand': case 'bitor': case 'xor': case 'shl': case 'shr':
    case 'booland': case 'boolor': case 'cmp':
      out[0] = inst.lhs;
      out[1] = inst.rhs;
      return 2;
    case 'bitnot': case 'boolnot': case 'intcast': case 'bitcast': case 'ptrtoint': case 'ret':
      out[0] = inst.operand;
      return 1;
    case 'elemptr':
      out[0] = inst.ptr;
      out[1] = inst.index;
      return 2;
    case 'call':
      out[0] = inst.callee;
      for (let i = 0; i < inst.args.length; i++) out[i + 1] = inst.args[i]!;
      return inst.args.length + 1;
    case 'br':
      if (inst.operand === null) return 0;
      out[0] = inst.operand;
      return 1;
    case 'condbr':
      out[0] = inst.cond;
      return 1;
    case 'asm':
      for (let i = 0; i < inst.args.length; i++) out[i] = inst.args[i]!;
      return inst.args.length;
    case 'const': case 'arg': case 'alloc': case 'retvoid': case 'block': case 'loop': case 'unreachable': case 'breakpoint':
      return 0;
  }
}

/** A copy of `inst` with every ref it holds (operands, nested bodies, a `br`'s block, its ZirForm) passed through `f`. */
export function mapAirRefs(inst: AirInst, f: (r: AirRef) => AirRef): AirInst {
  const out = mapInstRefs(inst, f);
  const form = inst.zir;
  if (form?.kind !== 'inst') return out;
  const operands = form.operands.map((o) => ('ref' in o ? { ref: f(o.ref) } : 'refs' in o ? { refs: o.refs.map(f) } : o));
  return { ...out, zir: { ...form, operands } };
}

function mapInstRefs(inst: AirInst, f: (r: AirRef) => AirRef): AirInst {
  switch (inst.op) {
    case 'const': case 'arg': case 'alloc': case 'retvoid': case 'unreachable': case 'breakpoint':
      return inst;
    case 'load':
    case 'offsetptr':
      return { ...inst, ptr: f(inst.ptr) };
    case 'store': {
      const ptr = f(inst.ptr);
      return { ...inst, ptr, value: f(inst.value) };
    }
    case 'memcpy': {
      const dst = f(inst.dst);
      return { ...inst, dst, src: f(inst.src) };
    }
    case 'add': case 'sub': case 'mul': case 'div': case 'rem':
    case 'addwrap': case 'subwrap': case 'mulwrap':
    case 'bitand': case 'bitor': case 'xor': case 'shl': case 'shr':
    case 'booland': case 'boolor': case 'cmp': {
      const lhs = f(inst.lhs);
      return { ...inst, lhs, rhs: f(inst.rhs) } as AirInst;
    }
    case 'bitnot': case 'boolnot': case 'intcast': case 'bitcast': case 'ptrtoint': case 'ret':
      return { ...inst, operand: f(inst.operand) } as AirInst;
    case 'elemptr': {
      const ptr = f(inst.ptr);
      return { ...inst, ptr, index: f(inst.index) };
    }
    case 'call': {
      const callee = f(inst.callee);
      return { ...inst, callee, args: inst.args.map(f) };
    }
    case 'br':
      return { ...inst, block: f(inst.block), operand: inst.operand === null ? null : f(inst.operand) };
    case 'condbr': {
      const cond = f(inst.cond);
      const then = inst.then.map(f);
      return { ...inst, cond, then, else: inst.else.map(f) };
    }
    case 'asm':
      return { ...inst, args: inst.args.map(f) };
    case 'block':
    case 'loop':
      return { ...inst, body: inst.body.map(f) };
  }
}
