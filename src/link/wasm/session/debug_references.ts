//! What the inputs' debug sections (copied into the module, relocated: custom_sections.ts)
//! point at: the symbols their relocations name, and the functions whose code offset they
//! hold. A relink in place (fast_relink.ts) may move a data symbol or a function body
//! only if no debug section points at it (else the debug section would change: a whole
//! link). Built on first need; the objects a relink in place swaps have no debug sections
//! (object_interface.ts), so it stays true across swaps.

import { SymState, type LinkContext } from '../static/context.js';
import { functionKey } from '../static/scan_relocations.js';
import { SYMTAB_FUNCTION } from '../input/index.js';

const OWN = new Set(['name', 'producers']);

export class DebugReferences {
  private readonly symbols = new Set<number>();
  private readonly functions = new Set<number>();

  constructor(ctx: LinkContext) {
    const s = ctx.syms;
    for (const lo of ctx.objects) {
      const custom = new Set(lo.obj.customSections.filter((i) => !OWN.has(lo.obj.sections[i]!.name)));
      if (custom.size === 0) continue;
      for (const t of lo.obj.relocations) {
        if (!custom.has(t.target)) continue;
        for (let r = 0; r < t.count; r++) {
          const id = lo.symId[t.index[r]!] ?? -1;
          if (id < 0) continue;
          this.symbols.add(id);
          if (s.kind[id] === SYMTAB_FUNCTION && s.state[id] === SymState.Defined) this.functions.add(functionKey(ctx, id));
        }
      }
    }
  }

  /** Whether a debug section names symbol `id`. */
  namesSymbol(id: number): boolean {
    return this.symbols.has(id);
  }

  /** Whether a debug section holds the code offset (or index) of defined function `func` of object `o`. */
  namesFunction(o: number, func: number): boolean {
    return this.functions.has(o * 4194304 + func);
  }
}
