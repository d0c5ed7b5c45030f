//! Liveness of one AIR function's values for the wasm backend, so that locals are reused
//! the way a register allocator reuses registers: the number of locals follows how many
//! values are live at once, not how many there are (engines cap a function at 50,000).
//!
//! Positions and last uses come from the shared walk (`../air_liveness.ts`, the same one
//! the x86-64 allocator uses): every instruction gets a position, and `block`, `loop` and
//! `condbr` also get an end position after their bodies. A value dies at its last use,
//! with two conservative rules:
//! - a use inside a loop that the value was defined outside of keeps it alive to the
//!   loop's end (the back edge brings control back to earlier uses);
//! - a `block`'s result lives at least to the block's end (every `br` writes it).
//! A value nothing uses dies at its own position.

import type { AirFunction, AirRef } from '../../sema/air.js';
import { computeAirLiveness, NONE } from '../air_liveness.js';

export interface Liveness {
  /** Position of each instruction listed in a body (NONE for consts and unlisted ones). */
  readonly pos: Int32Array;
  /** End position of each `block`, `loop` and `condbr` (NONE for the others). */
  readonly endPos: Int32Array;
  /** Values whose local is free once position `p` has been emitted: `diesAt(p)`. */
  diesAt(p: number): AirRef[];
}

/** Positions, and the position after which each value is dead. */
export function computeLiveness(func: AirFunction): Liveness {
  const n = func.insts.length;
  const { positions, pos, endPos, lastUse } = computeAirLiveness(func);
  const death = new Int32Array(n);
  for (let ref = 0; ref < n; ref++) {
    const blockEnd = func.insts[ref]!.op === 'block' ? endPos[ref]! : NONE;
    death[ref] = Math.max(pos[ref]!, blockEnd, lastUse[ref]!);
  }

  // Bucket the values by death position: a linked list per position.
  const head = new Int32Array(positions + 1).fill(NONE);
  const link = new Int32Array(n).fill(NONE);
  for (let ref = 0; ref < n; ref++) {
    const d = death[ref]!;
    if (d === NONE) continue;
    link[ref] = head[d]!;
    head[d] = ref;
  }
  return {
    pos,
    endPos,
    diesAt(p: number): AirRef[] {
      const out: AirRef[] = [];
      if (p < 0 || p >= head.length) return out;
      for (let r = head[p]!; r !== NONE; r = link[r]!) out.push(r);
      return out;
    },
  };
}
