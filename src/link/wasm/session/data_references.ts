//! The relocations elsewhere in the link that point at each global data symbol, so a
//! relink in place (fast_relink.ts) that moves a data symbol within its segment re-applies
//! exactly those. Built on first need (one pass over the live chunks' relocations), then
//! kept: a swapped object's entries are replaced by its new ones (old ones are skipped by
//! generation).

import {
  R_WASM_MEMORY_ADDR_I32, R_WASM_MEMORY_ADDR_I64, R_WASM_MEMORY_ADDR_LEB, R_WASM_MEMORY_ADDR_LEB64,
  R_WASM_MEMORY_ADDR_SLEB, R_WASM_MEMORY_ADDR_SLEB64, SYMTAB_DATA, type RelocationTable,
} from '../input/index.js';
import type { LinkContext } from '../static/context.js';
import { codeRelocations, dataRelocations } from '../static/mark_live.js';

const ADDRESS_TYPES = new Set([R_WASM_MEMORY_ADDR_LEB, R_WASM_MEMORY_ADDR_SLEB, R_WASM_MEMORY_ADDR_I32, R_WASM_MEMORY_ADDR_LEB64, R_WASM_MEMORY_ADDR_SLEB64, R_WASM_MEMORY_ADDR_I64]);

/** One relocation site: its object (and that object's generation), code or data, the chunk and the relocation's index. */
export interface DataReference {
  object: number;
  generation: number;
  data: boolean;
  chunk: number;
  r: number;
}

export class DataReferences {
  private readonly bySymbol = new Map<number, DataReference[]>();
  private readonly generation: number[];

  constructor(private readonly ctx: LinkContext) {
    this.generation = ctx.objects.map(() => 0);
    for (let o = 0; o < ctx.objects.length; o++) this.addObject(o);
  }

  /** The live sites that point at global data symbol `id`. */
  to(id: number): DataReference[] {
    return (this.bySymbol.get(id) ?? []).filter((e) => e.generation === this.generation[e.object]);
  }

  /** Object `o` was swapped: its sites are those of its new relocations. */
  replaceObject(o: number): void {
    this.generation[o]!++;
    this.addObject(o);
  }

  private addObject(o: number): void {
    const ctx = this.ctx;
    const lo = ctx.objects[o]!;
    const s = ctx.syms;
    const tables: Array<[RelocationTable | null, Uint8Array, boolean]> = [[codeRelocations(lo), lo.funcLive, false], [dataRelocations(lo), lo.segLive, true]];
    for (const [t, live, data] of tables) {
      if (!t?.chunkStart) continue;
      for (let c = 0; c < live.length; c++) {
        if (!live[c]) continue;
        const end = t.chunkStart[c + 1]!;
        for (let r: number = t.chunkStart[c]!; r < end; r++) {
          if (!ADDRESS_TYPES.has(t.type[r]!)) continue;
          const id = lo.symId[t.index[r]!]!;
          if (id < 0 || s.local[id] || s.kind[id] !== SYMTAB_DATA) continue;
          let list = this.bySymbol.get(id);
          if (!list) this.bySymbol.set(id, (list = []));
          list.push({ object: o, generation: this.generation[o]!, data, chunk: c, r });
        }
      }
    }
  }
}
