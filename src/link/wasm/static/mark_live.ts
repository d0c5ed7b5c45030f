//! --gc-sections, with wasm-ld's MarkLive rules: the roots are the entry, every exported
//! or no-strip symbol, `__wasm_call_dtors` and `__stack_pointer`; a live symbol makes its
//! function, data segment or global live, and the relocations of a live chunk make their
//! symbols live. The first live symbol an object defines makes the object live, and a
//! live object's constructors are live. `__wasm_call_ctors` is live when some constructor
//! is. An object named on the command line (or linked whole) is live from the start. Without --gc-sections every chunk of every loaded object is live.

import {
  R_WASM_TYPE_INDEX_LEB, SYM_ABSOLUTE, SYM_NO_STRIP, SYM_VISIBILITY_HIDDEN, SYM_EXPORTED,
  SYMTAB_DATA, SYMTAB_FUNCTION, SYMTAB_GLOBAL, type RelocationTable,
} from '../input/index.js';
import { SymState, type LinkContext, type LoadedObject } from './context.js';

/** The reloc.CODE and reloc.DATA tables of an object (null when it has none). */
export function codeRelocations(lo: LoadedObject): RelocationTable | null {
  return lo.codeRelocs;
}
export function dataRelocations(lo: LoadedObject): RelocationTable | null {
  return lo.dataRelocs;
}

/** wasm-ld's isExported: defined, not local, and forced, --export-all, --export-dynamic (not hidden) or flagged. */
export function isExported(ctx: LinkContext, id: number): boolean {
  const s = ctx.syms;
  const st = s.state[id];
  if ((st !== SymState.Defined && st !== SymState.Synthetic) || s.local[id]) return false;
  if (s.forceExport[id] || ctx.options.exportAll) return true;
  if (ctx.options.exportDynamic && !(s.flags[id]! & SYM_VISIBILITY_HIDDEN)) return true;
  return (s.flags[id]! & SYM_EXPORTED) !== 0;
}

const CHUNK_FUNC = 0;
const CHUNK_SEG = 1;

export function markLive(ctx: LinkContext): void {
  const s = ctx.syms;
  // The work list holds (object, kind, index) triples of chunks whose relocations are still to follow.
  const queue: number[] = [];
  const enqueueInit = (o: number) => {
    const lo = ctx.objects[o]!;
    const init = lo.obj.linking.initFuncs;
    for (let k = 0; k < init.count; k++) enqueue(lo.symId[init.symbol[k]!]!);
  };
  const enqueue = (id: number) => {
    if (id < 0 || s.live[id]) return;
    s.live[id] = 1;
    const st = s.state[id];
    if (st === SymState.Synthetic) {
      if (s.kind[id] === SYMTAB_FUNCTION) ctx.synthetic[s.value[id]!]!.live = true;
      return;
    }
    if (st !== SymState.Defined) return;
    const o = s.object[id]!;
    const lo = ctx.objects[o]!;
    const index = lo.obj.linking.symbols.index[s.symbol[id]!]!;
    const kind = s.kind[id];
    if (kind === SYMTAB_FUNCTION) {
      const f = index - lo.obj.importedFunctions;
      if (f >= 0 && !lo.funcLive[f]) {
        lo.funcLive[f] = 1;
        queue.push(o, CHUNK_FUNC, f);
      }
    } else if (kind === SYMTAB_DATA) {
      if (!(s.flags[id]! & SYM_ABSOLUTE) && index < lo.segLive.length && !lo.segLive[index]) {
        lo.segLive[index] = 1;
        queue.push(o, CHUNK_SEG, index);
      }
    } else if (kind === SYMTAB_GLOBAL) {
      const g = index - lo.obj.importedGlobals;
      if (g >= 0) lo.globalLive[g] = 1;
    }
    if (!lo.live) {
      lo.live = true;
      enqueueInit(o);
    }
  };

  if (!ctx.options.gcSections) markEverything(ctx, enqueue, queue);
  if (ctx.options.entry !== null) enqueue(s.byName.get(ctx.options.entry) ?? -1);
  const n = s.names.length;
  for (let id = 0; id < n; id++) {
    if (s.local[id]) continue;
    if (s.flags[id]! & SYM_NO_STRIP && s.state[id] === SymState.Defined) enqueue(id);
    else if (isExported(ctx, id)) enqueue(id);
  }
  enqueue(ctx.callDtors);
  enqueue(ctx.stackPointer);
  // Objects named on the command line are live whatever is used of them: their constructors run.
  for (const o of ctx.order) {
    const lo = ctx.objects[o]!;
    if (lo.explicit && !lo.live) {
      lo.live = true;
      enqueueInit(o);
    }
  }

  while (queue.length > 0) {
    const index = queue.pop()!;
    const kind = queue.pop()!;
    const o = queue.pop()!;
    const lo = ctx.objects[o]!;
    const table = kind === CHUNK_FUNC ? codeRelocations(lo) : dataRelocations(lo);
    if (!table?.chunkStart) continue;
    const end = table.chunkStart[index + 1]!;
    for (let r = table.chunkStart[index]!; r < end; r++) {
      if (table.type[r] === R_WASM_TYPE_INDEX_LEB) continue;
      const sym = table.index[r]!;
      if (sym < lo.symId.length) enqueue(lo.symId[sym]!);
    }
  }

  if (ctx.callCtors >= 0 && liveInitFunctions(ctx).length > 0) {
    s.live[ctx.callCtors] = 1;
    ctx.synthetic[s.value[ctx.callCtors]!]!.live = true;
  }
}

function markEverything(ctx: LinkContext, enqueue: (id: number) => void, queue: number[]): void {
  for (const o of ctx.order) {
    const lo = ctx.objects[o]!;
    for (let i = 0; i < lo.symId.length; i++) enqueue(lo.symId[i]!);
    for (let f = 0; f < lo.funcLive.length; f++) {
      if (!lo.funcDiscarded[f] && !lo.funcLive[f]) {
        lo.funcLive[f] = 1;
        queue.push(o, CHUNK_FUNC, f);
      }
    }
    for (let g = 0; g < lo.segLive.length; g++) {
      if (!lo.segDiscarded[g] && !lo.segLive[g]) {
        lo.segLive[g] = 1;
        queue.push(o, CHUNK_SEG, g);
      }
    }
    for (let g = 0; g < lo.globalLive.length; g++) if (!lo.globalDiscarded[g]) lo.globalLive[g] = 1;
  }
  // The linker's own functions are kept too, `__wasm_call_ctors` even with no constructors.
  for (const f of ctx.synthetic) {
    f.live = true;
    enqueue(f.symbol);
  }
}

/** The symbol ids of the constructors to run, in the order `__wasm_call_ctors` calls them (priority, then link order). */
export function liveInitFunctions(ctx: LinkContext): number[] {
  const entries: Array<{ priority: number; seq: number; id: number }> = [];
  for (const o of ctx.order) {
    const lo = ctx.objects[o]!;
    const init = lo.obj.linking.initFuncs;
    for (let k = 0; k < init.count; k++) {
      const id = lo.symId[init.symbol[k]!]!;
      if (id < 0 || !ctx.syms.live[id] || ctx.syms.state[id] !== SymState.Defined) continue;
      entries.push({ priority: init.priority[k]!, seq: entries.length, id });
    }
  }
  entries.sort((a, b) => a.priority - b.priority || a.seq - b.seq);
  return entries.map((e) => e.id);
}
