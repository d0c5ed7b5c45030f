//! The symbols left undefined that some object needs, one error line each:
//! `<object>: undefined symbol: <name> (referenced by <function>)`, naming the first
//! object that refers to it and, when a relocation against it lies inside a function
//! symbol of that object, that function. A `-u` or `--defsym` alone is no error, nor is a
//! reference only from sections `--gc-sections` dropped, nor `__tls_get_addr` (the TLS
//! relaxations remove its calls; the relocation scan reports any other use).

import { STT_FUNC, STT_GNU_IFUNC } from '../input/index.js';
import { Def, type LinkContext } from './context.js';

export const TLS_GET_ADDR = '__tls_get_addr';

export function reportUndefinedSymbols(ctx: LinkContext): void {
  const s = ctx.symbols;
  for (let g = 0; g < s.names.length; g++) {
    if (s.def[g] !== Def.Undefined || !s.strongRef[g]) continue;
    if (s.names[g] === ctx.entry && s.object[g]! < 0) {
      ctx.errors.push(`entry symbol ${ctx.entry} is not defined by any input`);
      continue;
    }
    if (ctx.commandLineRefs.has(g) && s.object[g]! < 0) continue; // only -u or a --defsym wants it
    if (ctx.gcLiveRefs !== null && !ctx.gcLiveRefs.has(g)) continue; // only sections --gc-sections dropped want it
    if (s.names[g] === TLS_GET_ADDR) continue;
    const o = s.object[g]!;
    if (o < 0) {
      ctx.errors.push(`(command line): undefined symbol: ${s.names[g]}`);
      continue;
    }
    const fn = referringFunction(ctx, o, g);
    ctx.errors.push(`${ctx.objects[o]!.object.path}: undefined symbol: ${s.names[g]}${fn ? ` (referenced by ${fn})` : ''}`);
  }
}

/** The function of object `o` holding the first relocation against global `g`, or null. */
function referringFunction(ctx: LinkContext, o: number, g: number): string | null {
  const lo = ctx.objects[o]!;
  const syms = lo.object.symbols;
  for (const rt of lo.object.relocations) {
    if (lo.outputOf[rt.target]! < 0) continue;
    for (let r = 0; r < rt.count; r++) {
      const sym = rt.symbol[r]!;
      if (sym < syms.firstGlobal || lo.globalOf[sym] !== g) continue;
      const offset = rt.offset[r]!;
      for (let i = 1; i < syms.count; i++) {
        const type = syms.type[i];
        if ((type !== STT_FUNC && type !== STT_GNU_IFUNC) || syms.shndx[i] !== rt.target) continue;
        const start = syms.value[i]!;
        if (offset >= start && offset < start + syms.size[i]!) return syms.names[i] || null;
      }
      return null;
    }
  }
  return null;
}
