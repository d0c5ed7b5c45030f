//! Where a symbol that a relocation names ends up: follows a global symbol to the object
//! that won its resolution (or to the value the linker gave a COMMON or linker-defined
//! symbol, or a `--defsym`) and turns a section-relative value into a virtual address. Used by the
//! relocation scan (before layout, for the kind of symbol) and by relocation application.

import { STT_SECTION, SYM_ABS, SYM_COMMON, SYM_LARGE_COMMON, SYM_UNDEF } from '../input/index.js';
import { Def, type LinkContext } from './context.js';

/** The (object, symbol) that defines symbol `sym` of object `o`, or the global id when the linker defines it. */
export interface SymbolTarget {
  /** Global id, or -1 for a local symbol. */
  global: number;
  def: Def;
  object: number;
  symbol: number;
}

export function symbolTarget(ctx: LinkContext, o: number, sym: number): SymbolTarget {
  const lo = ctx.objects[o]!;
  const g = sym >= lo.object.symbols.firstGlobal ? lo.globalOf[sym]! : -1;
  if (g < 0) return { global: -1, def: Def.Strong, object: o, symbol: sym };
  const s = ctx.symbols;
  return { global: g, def: s.def[g]!, object: s.object[g]!, symbol: s.symbol[g]! };
}

/** The symbol's virtual address, 0 for an undefined (weak) one, or null when its section is not in the image. */
export function targetAddress(ctx: LinkContext, t: SymbolTarget): number | null {
  switch (t.def) {
    case Def.Undefined: return 0;
    case Def.Common: case Def.Linker: case Def.Defsym: return ctx.symbols.value[t.global]!;
  }
  const lo = ctx.objects[t.object]!;
  const syms = lo.object.symbols;
  const shndx = syms.shndx[t.symbol]!;
  const value = Number(syms.value[t.symbol]!);
  if (shndx === SYM_ABS) return value;
  if (shndx === SYM_UNDEF || shndx === SYM_COMMON || shndx === SYM_LARGE_COMMON) return 0;
  if (lo.outputOf[shndx]! < 0) return null;
  return lo.address[shndx]! + (syms.type[t.symbol] === STT_SECTION ? 0 : value);
}

export function targetSize(ctx: LinkContext, t: SymbolTarget): number {
  if (t.global >= 0 && t.def !== Def.Strong && t.def !== Def.Weak) return ctx.symbols.size[t.global]!;
  return Number(ctx.objects[t.object]!.object.symbols.size[t.symbol]!);
}

export function targetType(ctx: LinkContext, t: SymbolTarget): number {
  if (t.global >= 0 && t.def !== Def.Strong && t.def !== Def.Weak) return ctx.symbols.type[t.global]!;
  return ctx.objects[t.object]!.object.symbols.type[t.symbol]!;
}

/** `name` of symbol `sym` in object `o`, for messages (a section symbol reads as its section). */
export function symbolName(ctx: LinkContext, o: number, sym: number): string {
  const obj = ctx.objects[o]!.object;
  if (obj.symbols.type[sym] === STT_SECTION) return obj.sections[obj.symbols.shndx[sym]!]?.name ?? '<section>';
  return obj.symbols.names[sym] || `<symbol ${sym}>`;
}
