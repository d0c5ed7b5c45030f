//! Types of spec §3: their shapes, their Zig-style names, equality and memory layout.
//!
//! A type is a plain immutable object. Two types are the same type exactly when their
//! names (`typeName`) are equal, so names double as keys. Layout depends on the target's
//! pointer width, which is why `usize` is its own integer type (bits come from `Target`).

export type CallingConvention = 'Unspecified' | 'C' | 'Naked';

export type Type =
  | IntType
  | { kind: 'comptime_int' }
  | { kind: 'bool' }
  | { kind: 'void' }
  | { kind: 'noreturn' }
  | { kind: 'type' }
  | { kind: 'anyerror' }
  | { kind: 'null' }
  | { kind: 'undefined' }
  | PointerType
  | ArrayType
  | FnType;

/** A runtime integer of 1..64 bits. `name` is how Zig spells it: `u8`, `i7`, `usize`, `c_int`. */
export interface IntType {
  kind: 'int';
  signed: boolean;
  bits: number;
  name: string;
}

/** `*T` / `*const T` (one), `[*]T` (many), `[]T` (slice). */
export interface PointerType {
  kind: 'pointer';
  size: 'one' | 'many' | 'slice';
  mutable: boolean;
  elem: Type;
}

/** `[len]T` or `[len:sentinel]T`. */
export interface ArrayType {
  kind: 'array';
  len: number;
  sentinel: bigint | null;
  elem: Type;
}

export interface FnType {
  kind: 'fn';
  params: Type[];
  ret: Type;
  cc: CallingConvention;
}

/** What the target contributes to types: the width of pointers and `usize`. */
export interface TargetInfo {
  arch: 'x86_64' | 'wasm32';
  ptrBytes: 8 | 4;
}

export const X86_64_TARGET: TargetInfo = { arch: 'x86_64', ptrBytes: 8 };
export const WASM32_TARGET: TargetInfo = { arch: 'wasm32', ptrBytes: 4 };

const nameCache = new WeakMap<Type, string>();

/** The type as Zig prints it: `u8`, `*const [3:0]u8`, `[]const u8`, `fn() callconv(.Naked) noreturn`. */
export function typeName(t: Type): string {
  switch (t.kind) {
    case 'int':
      return t.name;
    case 'null':
      return '@Type(.Null)';
    case 'undefined':
      return '@Type(.Undefined)';
    case 'pointer':
    case 'array':
    case 'fn': {
      // Only composite names are worth the cache's lookup: the others are a field away.
      const cached = nameCache.get(t);
      if (cached !== undefined) return cached;
      const name = compositeTypeName(t);
      nameCache.set(t, name);
      return name;
    }
    default:
      return t.kind;
  }
}

function compositeTypeName(t: PointerType | ArrayType | FnType): string {
  switch (t.kind) {
    case 'pointer': {
      const prefix = t.size === 'one' ? '*' : t.size === 'many' ? '[*]' : '[]';
      return `${prefix}${t.mutable ? '' : 'const '}${typeName(t.elem)}`;
    }
    case 'array':
      return t.sentinel === null
        ? `[${t.len}]${typeName(t.elem)}`
        : `[${t.len}:${t.sentinel}]${typeName(t.elem)}`;
    case 'fn': {
      const cc = t.cc === 'Unspecified' ? '' : ` callconv(.${t.cc})`;
      return `fn(${t.params.map(typeName).join(', ')})${cc} ${typeName(t.ret)}`;
    }
  }
}

export function typeEql(a: Type, b: Type): boolean {
  return a === b || typeName(a) === typeName(b);
}

export const COMPTIME_INT: Type = { kind: 'comptime_int' };
export const BOOL: Type = { kind: 'bool' };
export const VOID: Type = { kind: 'void' };
export const NORETURN: Type = { kind: 'noreturn' };
export const TYPE: Type = { kind: 'type' };

export function intType(signed: boolean, bits: number, name?: string): IntType {
  return { kind: 'int', signed, bits, name: name ?? `${signed ? 'i' : 'u'}${bits}` };
}

export function usizeType(target: TargetInfo): IntType {
  return intType(false, target.ptrBytes * 8, 'usize');
}

/** Size in bytes of a value of type `t` in memory; 0 for types without runtime bits. */
export function sizeOf(t: Type, target: TargetInfo): number {
  switch (t.kind) {
    case 'int':
      return t.bits <= 8 ? 1 : t.bits <= 16 ? 2 : t.bits <= 32 ? 4 : 8;
    case 'bool':
      return 1;
    case 'pointer':
      return t.size === 'slice' ? 2 * target.ptrBytes : target.ptrBytes;
    case 'fn':
      return target.ptrBytes;
    case 'array':
      return (t.len + (t.sentinel === null ? 0 : 1)) * sizeOf(t.elem, target);
    default:
      return 0;
  }
}

export function alignOf(t: Type, target: TargetInfo): number {
  switch (t.kind) {
    case 'int':
      return sizeOf(t, target);
    case 'bool':
      return 1;
    case 'pointer':
    case 'fn':
      return target.ptrBytes;
    case 'array':
      return alignOf(t.elem, target);
    default:
      return 1;
  }
}

/** True when values of this type exist at runtime (and so can live in registers or memory). */
export function hasRuntimeBits(t: Type): boolean {
  switch (t.kind) {
    case 'int':
    case 'bool':
    case 'pointer':
    case 'fn':
      return true;
    case 'array':
      return t.len > 0 && hasRuntimeBits(t.elem);
    default:
      return false;
  }
}

/**
 * Slices and arrays: values made of several words. At runtime sema keeps such a value in
 * memory that nothing writes once it is made, and handles it by that memory's address,
 * so the backends only ever see scalars and pointers.
 */
export function isAggregate(t: Type): boolean {
  return (t.kind === 'pointer' && t.size === 'slice') || (t.kind === 'array' && hasRuntimeBits(t));
}

/** The type the backends see for a runtime value of type `t` (spec types in sema, lowered types in AIR). */
export function airType(t: Type): Type {
  if (isAggregate(t)) return { kind: 'pointer', size: 'one', mutable: false, elem: t };
  if (t.kind === 'fn') return lowerFnType(t);
  return t;
}

/** Whether calls return `t` through memory the caller passes as a hidden first argument. */
export function returnsThroughMemory(t: FnType): boolean {
  return isAggregate(t.ret);
}

/**
 * A function type as the backends see it: an aggregate parameter becomes a pointer to the
 * (unchanging) memory that holds it, and an aggregate result a pointer parameter in front
 * through which the callee writes it.
 */
export function lowerFnType(t: FnType): FnType {
  const params = t.params.map(airType);
  if (!returnsThroughMemory(t)) return { kind: 'fn', params, ret: airType(t.ret), cc: t.cc };
  const out: Type = { kind: 'pointer', size: 'one', mutable: true, elem: t.ret };
  return { kind: 'fn', params: [out, ...params], ret: VOID, cc: t.cc };
}
