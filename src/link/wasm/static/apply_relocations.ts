//! Patches the relocations of one chunk (a function body or a data segment) copied into
//! the output: each site is rewritten in place with the output index or address, at the
//! width the object reserved (padded LEBs stay 5 or 10 bytes, integers 4 or 8), so code
//! is copied once with one `set` and never re-encoded. Values come from layout.ts.

import {
  R_WASM_FUNCTION_INDEX_I32, R_WASM_FUNCTION_INDEX_LEB, R_WASM_GLOBAL_INDEX_I32, R_WASM_GLOBAL_INDEX_LEB,
  R_WASM_MEMORY_ADDR_I32, R_WASM_MEMORY_ADDR_I64, R_WASM_MEMORY_ADDR_LEB, R_WASM_MEMORY_ADDR_LEB64,
  R_WASM_MEMORY_ADDR_SLEB, R_WASM_MEMORY_ADDR_SLEB64, R_WASM_TABLE_INDEX_I32, R_WASM_TABLE_INDEX_I64,
  R_WASM_TABLE_INDEX_SLEB, R_WASM_TABLE_INDEX_SLEB64, R_WASM_TABLE_NUMBER_LEB, R_WASM_TYPE_INDEX_LEB,
  type RelocationTable,
} from '../input/index.js';
import { SymState, type LinkContext, type LoadedObject } from './context.js';
import { dataAddress, functionIndex, globalIndex } from './layout.js';
import { functionKey } from './scan_relocations.js';
import { writePaddedLeb64, writePaddedSleb32, writePaddedUleb32 } from './leb.js';

/**
 * Applies relocations [from, to) of `t` (an object's reloc.CODE or reloc.DATA) to `out`,
 * where the chunk's byte at section offset `srcStart` now lies at `dstStart`.
 */
export function applyRelocations(ctx: LinkContext, lo: LoadedObject, t: RelocationTable, from: number, to: number, out: Uint8Array, view: DataView, srcStart: number, dstStart: number): void {
  const s = ctx.syms;
  for (let r = from; r < to; r++) {
    const type = t.type[r]!;
    const pos = dstStart + (t.offset[r]! - srcStart);
    if (type === R_WASM_TYPE_INDEX_LEB) {
      writePaddedUleb32(out, pos, lo.typeOut[t.index[r]!]!);
      continue;
    }
    const id = lo.symId[t.index[r]!]!;
    switch (type) {
      case R_WASM_FUNCTION_INDEX_LEB:
        writePaddedUleb32(out, pos, functionIndex(ctx, id));
        break;
      case R_WASM_FUNCTION_INDEX_I32:
        view.setUint32(pos, functionIndex(ctx, id), true);
        break;
      case R_WASM_TABLE_INDEX_SLEB:
        writePaddedSleb32(out, pos, tableIndex(ctx, id));
        break;
      case R_WASM_TABLE_INDEX_I32:
        view.setUint32(pos, tableIndex(ctx, id), true);
        break;
      case R_WASM_TABLE_INDEX_SLEB64:
        writePaddedLeb64(out, pos, tableIndex(ctx, id), true);
        break;
      case R_WASM_TABLE_INDEX_I64:
        view.setBigUint64(pos, BigInt(tableIndex(ctx, id)), true);
        break;
      case R_WASM_MEMORY_ADDR_LEB:
        writePaddedUleb32(out, pos, address(ctx, id, t.addend[r]!));
        break;
      case R_WASM_MEMORY_ADDR_SLEB:
        writePaddedSleb32(out, pos, address(ctx, id, t.addend[r]!));
        break;
      case R_WASM_MEMORY_ADDR_I32:
        view.setUint32(pos, address(ctx, id, t.addend[r]!) >>> 0, true);
        break;
      case R_WASM_MEMORY_ADDR_LEB64:
        writePaddedLeb64(out, pos, address(ctx, id, t.addend[r]!), false);
        break;
      case R_WASM_MEMORY_ADDR_SLEB64:
        writePaddedLeb64(out, pos, address(ctx, id, t.addend[r]!), true);
        break;
      case R_WASM_MEMORY_ADDR_I64:
        view.setBigUint64(pos, BigInt.asUintN(64, BigInt(address(ctx, id, t.addend[r]!))), true);
        break;
      case R_WASM_GLOBAL_INDEX_LEB:
        writePaddedUleb32(out, pos, globalIndex(ctx, id));
        break;
      case R_WASM_GLOBAL_INDEX_I32:
        view.setUint32(pos, globalIndex(ctx, id), true);
        break;
      case R_WASM_TABLE_NUMBER_LEB:
        writePaddedUleb32(out, pos, 0);
        break;
      default:
        // FUNCTION_OFFSET_* only occur in debug sections, which are not written; scanRelocations refused the rest.
        break;
    }
  }
}

function address(ctx: LinkContext, id: number, addend: number): number {
  const st = ctx.syms.state[id];
  if (st !== SymState.Defined && st !== SymState.Synthetic) return 0;
  return dataAddress(ctx, id, addend);
}

function tableIndex(ctx: LinkContext, id: number): number {
  return ctx.tableSlot.get(functionKey(ctx, id)) ?? 0;
}
