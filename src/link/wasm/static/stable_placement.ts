//! The function index space and the table of a link in watch mode, placed from the layout
//! memory (stable_layout.ts): each function is known by a key that survives relinks (its
//! object's path and its name; the linker's own by name), keeps its index while the
//! imported functions stay the same, and each address-taken function keeps its table slot.

import { EXTERNAL_FUNCTION, type FuncType } from '../input/index.js';
import type { LinkContext } from './context.js';
import type { PlacedFunction } from './stable_layout.js';

/** One function of this link in wasm-ld's order: an object's (object, func) or a synthetic one. */
export interface OrderedFunction {
  name: string;
  object: number;
  func: number;
  synthetic: number;
}

/** The key the layout memory knows a function by (unique within the link). */
function baseKey(ctx: LinkContext, e: OrderedFunction): string {
  return e.synthetic >= 0 ? `\0${ctx.synthetic[e.synthetic]!.name}` : `${ctx.objects[e.object]!.obj.path}\0${e.name}`;
}

function entryType(ctx: LinkContext, e: OrderedFunction): FuncType {
  if (e.synthetic >= 0) return ctx.synthetic[e.synthetic]!.type;
  const obj = ctx.objects[e.object]!.obj;
  return obj.types[obj.functionTypes[e.func]!]!;
}

/** What the imported functions are: a change of them lays the index space out afresh. */
function importSignature(ctx: LinkContext): string {
  return ctx.imports.filter((i) => i.kind === EXTERNAL_FUNCTION).map((i) => `${i.module}\0${i.field}`).join('\n');
}

/**
 * Places `order` (wasm-ld's order of this link's functions) in the remembered index
 * space; returns the placement by slot, and each function's key by its `functionKey`.
 */
export function placeStableFunctions(ctx: LinkContext, order: readonly OrderedFunction[]): { placed: PlacedFunction[]; keys: Map<number, string> } {
  const stable = ctx.stable!;
  const used = new Set<string>();
  const keys = new Map<number, string>();
  const entries = order.map((e) => {
    let key = baseKey(ctx, e);
    for (let n = 1; used.has(key); n++) key = `${baseKey(ctx, e)}\0${n}`;
    used.add(key);
    keys.set(e.synthetic >= 0 ? -1 - e.synthetic : e.object * 4194304 + e.func, key);
    return { key, name: e.name, type: entryType(ctx, e) };
  });
  return { placed: stable.placeFunctions(importSignature(ctx), entries), keys };
}

function importKey(name: string): string {
  return `\0import\0${name}`;
}

/**
 * Renumbers the table slots scanRelocations gave (first use) from the layout memory, and
 * lists each slot's function index (slots no function asks for any more stay).
 */
export function placeStableTable(ctx: LinkContext, keys: ReadonlyMap<number, string>): void {
  const s = ctx.syms;
  const stable = ctx.stable!;
  const stableKey = (k: number): string => keys.get(k) ?? importKey(s.names[-(k + 2 ** 40)]!);
  const { slotOf, all } = stable.placeTable(ctx.tableKeys.map(stableKey));
  ctx.tableKeys.forEach((k, i) => ctx.tableSlot.set(k, slotOf[i]!));
  const importIndex = new Map<string, number>();
  for (const imp of ctx.imports) if (imp.kind === EXTERNAL_FUNCTION) importIndex.set(importKey(s.names[imp.symbol]!), s.value[imp.symbol]!);
  ctx.tableElems = all.map((key) => {
    const slot = stable.slotOf(key);
    if (slot >= 0) return ctx.importedFunctionCount + slot;
    const imported = importIndex.get(key);
    if (imported !== undefined) return imported;
    ctx.errors.push(`internal: table slot of ${key.replace(/\0/g, ' ')} has no function (relink in place)`);
    return 0;
  });
}
