//! The types of the ZIR→C translation (`c_translate.ts`) and how each is spelled in C.
//! Integer types map to the fixed-width typedefs of the generated `common.h`; array and
//! slice types get a typedef named after their structure, declared in each translation
//! unit that uses them, so that a declarator is always `Name var`.

export type CType =
  | { k: 'int'; signed: boolean; bits: number }
  | { k: 'bool' }
  | { k: 'void' }
  | { k: 'noreturn' }
  | { k: 'comptime_int' }
  | { k: 'type' }
  | { k: 'ptr'; size: 'one' | 'many'; mutable: boolean; elem: CType }
  | { k: 'slice'; mutable: boolean; elem: CType }
  | { k: 'array'; len: number; elem: CType; sentinel: bigint | null }
  | { k: 'fn'; params: CType[]; ret: CType; cc: string };

export const VOID: CType = { k: 'void' };
export const BOOL: CType = { k: 'bool' };
export const NORETURN: CType = { k: 'noreturn' };
export const COMPTIME_INT: CType = { k: 'comptime_int' };
export const TYPE: CType = { k: 'type' };

export function intType(signed: boolean, bits: number): CType {
  return { k: 'int', signed, bits };
}

/** A structural key: equal keys mean equal types. */
export function typeKey(t: CType): string {
  switch (t.k) {
    case 'int':
      return `${t.signed ? 'i' : 'u'}${t.bits}`;
    case 'ptr':
      return `p${t.size === 'one' ? 'o' : 'm'}${t.mutable ? 'v' : 'c'}_${typeKey(t.elem)}`;
    case 'slice':
      return `s${t.mutable ? 'v' : 'c'}_${typeKey(t.elem)}`;
    case 'array':
      return `a${t.len}${t.sentinel === null ? '' : `s${t.sentinel < 0n ? 'n' : ''}${t.sentinel < 0n ? -t.sentinel : t.sentinel}`}_${typeKey(t.elem)}`;
    case 'fn':
      return `f${t.params.length}_${t.params.map(typeKey).join('_')}_r_${typeKey(t.ret)}`;
    default:
      return t.k;
  }
}

export function typesEqual(a: CType, b: CType): boolean {
  return typeKey(a) === typeKey(b);
}

/** The C width that stores an integer of `bits` bits. */
export function storageBits(bits: number): number {
  return bits <= 8 ? 8 : bits <= 16 ? 16 : bits <= 32 ? 32 : 64;
}

/**
 * Collects the typedefs a translation unit needs, in dependency order, and spells types.
 * One instance per translation unit.
 */
export class CTypeNames {
  private readonly defined = new Set<string>();
  readonly typedefs: string[] = [];

  /** The C spelling of `t` usable as `spell(t) name`. */
  spell(t: CType): string {
    switch (t.k) {
      case 'int':
        return `${t.signed ? 'i' : 'u'}${storageBits(t.bits)}`;
      case 'bool':
        return '_Bool';
      case 'void':
      case 'noreturn':
        return 'void';
      case 'ptr': {
        const elem = t.elem.k === 'void' ? 'void' : this.spell(t.elem);
        return `${elem} ${t.mutable ? '' : 'const '}*`;
      }
      case 'slice':
      case 'array': {
        const name = `T_${typeKey(t)}`;
        if (!this.defined.has(name)) {
          const elem = this.spell(t.elem);
          this.defined.add(name);
          this.typedefs.push(
            t.k === 'array'
              ? `typedef ${elem} ${name}[${t.len + (t.sentinel === null ? 0 : 1)}];`
              : `typedef struct { ${elem} ${t.mutable ? '' : 'const '}*ptr; usize len; } ${name};`,
          );
        }
        return name;
      }
      default:
        throw new UnsupportedForC(`type ${t.k} has no runtime C form`);
    }
  }
}

/** The program uses something the C translation does not cover; the comparison is skipped. */
export class UnsupportedForC extends Error {}
