//! The relocations to each global symbol, for a relink in place (fast_relink.ts): when a
//! symbol moves, exactly the relocations that name it are applied again. Built once after
//! a whole link, from its context, as flat typed arrays in CSR form — for global id g,
//! entries `start[g] .. start[g+1]` of `object`, `table`, `index` (the relocation's object,
//! its relocation table in that object, its place in the table) — no object per
//! relocation. An object swapped in since (its relocation tables are new) has its
//! entries ignored and its own references kept beside, per global; after many swaps the
//! index is built again.
//!
//! Indexed are the relocations a link applies: those of sections in the image with bytes,
//! of a type other than R_NONE, naming a global; the call to `__tls_get_addr` a TLS
//! relaxation removes is not.

import { isDynamicTlsRelocation } from '../static/arch_x86_64.js';
import type { LinkContext } from '../static/context.js';
import { dynamicTlsForm } from '../static/scan_relocations.js';
import { consumesNextRelocation } from '../static/tls_relaxation.js';

/** Swapped objects kept beside the index before it is built again. */
const MAX_SWAPPED = 64;

/** Calls `visit(table, r, global)` for each indexed relocation of object `o`. */
function forEachGlobalReference(ctx: LinkContext, o: number, visit: (table: number, r: number, global: number) => void): void {
  const lo = ctx.objects[o]!;
  const obj = lo.object;
  const firstGlobal = obj.symbols.firstGlobal;
  for (let t = 0; t < obj.relocations.length; t++) {
    const rt = obj.relocations[t]!;
    if (lo.outputOf[rt.target]! < 0) continue;
    const data = obj.sections[rt.target]!.data;
    if (data === null) continue;
    for (let r = 0; r < rt.count; r++) {
      const type = rt.type[r]!;
      if (type === 0) continue;
      const sym = rt.symbol[r]!;
      const g = sym >= firstGlobal ? lo.globalOf[sym]! : -1;
      if (g >= 0) visit(t, r, g);
      if (isDynamicTlsRelocation(type)) {
        const form = dynamicTlsForm(ctx, o, rt, r, data);
        if (typeof form !== 'string' && consumesNextRelocation(form)) r++;
      }
    }
  }
}

export class GlobalReferences {
  private start = new Int32Array(1);
  private object = new Int32Array(0);
  private table = new Int32Array(0);
  private index = new Int32Array(0);
  /** Objects swapped in since the build: global → [table, index, table, index, …]. */
  private readonly swapped = new Map<number, Map<number, number[]>>();

  constructor(private readonly ctx: LinkContext) {
    this.build();
  }

  /** Builds the index from every object of the link: a count pass, then a fill pass. */
  private build(): void {
    const ctx = this.ctx;
    const n = ctx.symbols.names.length;
    const start = new Int32Array(n + 1);
    for (let o = 0; o < ctx.objects.length; o++) forEachGlobalReference(ctx, o, (_t, _r, g) => { start[g + 1]!++; });
    for (let g = 0; g < n; g++) start[g + 1]! += start[g]!;
    const total = start[n]!;
    const object = new Int32Array(total), table = new Int32Array(total), index = new Int32Array(total);
    const fill = start.slice(0, n);
    for (let o = 0; o < ctx.objects.length; o++) {
      forEachGlobalReference(ctx, o, (t, r, g) => {
        const k = fill[g]!++;
        object[k] = o;
        table[k] = t;
        index[k] = r;
      });
    }
    Object.assign(this, { start, object, table, index });
    this.swapped.clear();
  }

  /** Object `o` was swapped for a new one (in the context already): its references are read again. */
  replaceObject(o: number): void {
    if (this.swapped.size >= MAX_SWAPPED && !this.swapped.has(o)) {
      this.build();
      return;
    }
    const refs = new Map<number, number[]>();
    forEachGlobalReference(this.ctx, o, (t, r, g) => {
      let list = refs.get(g);
      if (!list) refs.set(g, (list = []));
      list.push(t, r);
    });
    this.swapped.set(o, refs);
  }

  /** Calls `visit(object, table, r)` for every relocation naming global `g` outside the objects in `skip`. */
  forEach(g: number, skip: ReadonlySet<number>, visit: (object: number, table: number, r: number) => void): void {
    if (g + 1 < this.start.length) {
      for (let k = this.start[g]!; k < this.start[g + 1]!; k++) {
        const o = this.object[k]!;
        if (skip.has(o) || this.swapped.has(o)) continue;
        visit(o, this.table[k]!, this.index[k]!);
      }
    }
    for (const [o, refs] of this.swapped) {
      if (skip.has(o)) continue;
      const list = refs.get(g);
      if (list) for (let k = 0; k < list.length; k += 2) visit(o, list[k]!, list[k + 1]!);
    }
  }
}
