//! The symbols the command line names: `-u SYM` and each `--defsym` target are referenced
//! before any input is read (so the first archive member defining them is pulled, and a
//! `-u` left undefined is no error, as in ld.lld); each `--defsym=NAME=EXPR` then defines
//! NAME, replacing any definition from the inputs, as an absolute value or as another
//! symbol plus an addend — an alias lands in its target's output section — and after
//! layout gets its value.

import { STT_NOTYPE } from '../input/index.js';
import { Def, internGlobal, type DefsymEntry, type LinkContext } from './context.js';
import { targetAddress, type SymbolTarget } from './symbol_values.js';

/** Makes the `-u` symbols and the `--defsym` targets undefined roots; runs before resolveSymbols. */
export function addCommandLineReferences(ctx: LinkContext): void {
  const s = ctx.symbols;
  const refer = (name: string): void => {
    const g = internGlobal(s, name);
    s.strongRef[g] = 1;
    ctx.commandLineRefs.add(g);
  };
  for (const name of ctx.undefinedSymbols) refer(name);
  for (const d of ctx.defsymOptions) if (d.kind === 'symbol') refer(d.target);
}

/** Defines each `--defsym` name (the last one for a name wins); runs after defineLinkerSymbols. */
export function defineDefsyms(ctx: LinkContext): void {
  const s = ctx.symbols;
  const entryOf = new Map<number, DefsymEntry>();
  for (const d of ctx.defsymOptions) {
    const global = internGlobal(s, d.name);
    let target = -1;
    let addend: number;
    if (d.kind === 'absolute') {
      if (d.value > BigInt(Number.MAX_SAFE_INTEGER)) {
        ctx.errors.push(`--defsym: ${d.name}: value 0x${d.value.toString(16)} is beyond what zirc ld handles (2^53 - 1)`);
        continue;
      }
      addend = Number(d.value);
    } else {
      target = internGlobal(s, d.target);
      addend = Number(d.addend);
    }
    const entry = { global, target, addend, section: -1 };
    const earlier = entryOf.get(global);
    if (earlier) Object.assign(earlier, entry);
    else {
      entryOf.set(global, entry);
      ctx.defsyms.push(entry);
    }
  }
  for (const d of ctx.defsyms) {
    s.def[d.global] = Def.Defsym;
    s.object[d.global] = -1;
    s.symbol[d.global] = -1;
    s.size[d.global] = 0;
  }
  for (const d of ctx.defsyms) {
    if (d.target >= 0 && s.def[d.target] === Def.Undefined) {
      ctx.errors.push(`--defsym: symbol not found: ${s.names[d.target]} (in the definition of ${s.names[d.global]})`);
    }
    s.type[d.global] = d.target < 0 ? STT_NOTYPE : s.type[d.target]!;
  }
  // A --defsym replacing a COMMON definition takes it out of the COMMON list.
  if (ctx.commons.length > 0) ctx.commons = ctx.commons.filter((g) => s.def[g] === Def.Common);
}

/** Gives each `--defsym` its value, aliases of aliases in dependency order; runs after assignLinkerSymbols. */
export function assignDefsyms(ctx: LinkContext): void {
  const s = ctx.symbols;
  const indexOf = new Map(ctx.defsyms.map((d, i) => [d.global, i]));
  const state = new Uint8Array(ctx.defsyms.length); // 0 to do, 1 in progress, 2 done, 3 failed
  const fail = (i: number, message: string): boolean => {
    ctx.errors.push(message);
    state[i] = 3;
    return false;
  };
  const evaluate = (i: number): boolean => {
    if (state[i] === 2 || state[i] === 3) return state[i] === 2;
    const d = ctx.defsyms[i]!;
    const name = s.names[d.global]!;
    if (state[i] === 1) return fail(i, `--defsym: ${name} is defined in terms of itself`);
    state[i] = 1;
    let value = d.addend;
    if (d.target >= 0) {
      const j = indexOf.get(d.target);
      if (j !== undefined) {
        if (!evaluate(j)) {
          state[i] = 3;
          return false;
        }
        value += s.value[d.target]!;
        d.section = ctx.defsyms[j]!.section;
      } else {
        const t: SymbolTarget = { global: d.target, def: s.def[d.target]!, object: s.object[d.target]!, symbol: s.symbol[d.target]! };
        const at = targetAddress(ctx, t);
        if (at === null) return fail(i, `--defsym: ${name}: ${s.names[d.target]} is in a section that is not in the image`);
        value += at;
        d.section = outputSectionOf(ctx, t);
      }
    }
    if (!Number.isSafeInteger(value) || value < 0) return fail(i, `--defsym: ${name}: value ${value} is out of the range zirc ld handles`);
    s.value[d.global] = value;
    state[i] = 2;
    return true;
  };
  for (let i = 0; i < ctx.defsyms.length; i++) evaluate(i);
}

/** The output section a defined global lands in, or -1 for an absolute or linker-defined one. */
function outputSectionOf(ctx: LinkContext, t: SymbolTarget): number {
  if (t.def === Def.Common) return ctx.outputs.findIndex((o) => o.name === '.bss');
  if (t.def !== Def.Strong && t.def !== Def.Weak) return -1;
  const lo = ctx.objects[t.object]!;
  const shndx = lo.object.symbols.shndx[t.symbol]!;
  return shndx < lo.object.sections.length ? lo.outputOf[shndx]! : -1;
}
