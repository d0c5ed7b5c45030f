//! Liveness of one AIR function's values for the wasm backend, so that locals are reused
//! the way a register allocator reuses registers: the number of locals follows how many
//! values are live at once, not how many there are (engines cap a function at 50,000).
//!
//! The structured AIR is numbered in emission order, as in the x86-64 allocator
//! (`../x86_64/regalloc.ts`): every instruction gets a position, and `block`, `loop` and
//! `condbr` also get an end position after their bodies. A value dies at its last use,
//! with two conservative rules:
//! - a use inside a loop that the value was defined outside of keeps it alive to the
//!   loop's end (the back edge brings control back to earlier uses);
//! - a `block`'s result lives at least to the block's end (every `br` writes it).
//! A value nothing uses dies at its own position.

import { airOperands } from '../../sema/air.js';
import type { AirFunction, AirRef } from '../../sema/air.js';

const NONE = -1;

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
  const pos = new Int32Array(n).fill(NONE);
  const endPos = new Int32Array(n).fill(NONE);
  const death = new Int32Array(n).fill(NONE);
  const loopStart: number[] = [];
  const loopEnd: number[] = [];
  const loopParent: number[] = [];
  const useValue: AirRef[] = [];
  const usePos: number[] = [];
  const useLoop: number[] = [];
  let next = 0;

  const walk = (body: readonly AirRef[], loop: number): void => {
    for (const ref of body) {
      const inst = func.insts[ref]!;
      const at = next++;
      pos[ref] = at;
      for (const operand of airOperands(inst)) {
        if (func.insts[operand]!.op === 'const') continue;
        useValue.push(operand);
        usePos.push(at);
        useLoop.push(loop);
      }
      if (inst.op === 'block') {
        walk(inst.body, loop);
        endPos[ref] = next++;
      } else if (inst.op === 'loop') {
        const id = loopStart.length;
        loopStart.push(at);
        loopEnd.push(NONE);
        loopParent.push(loop);
        walk(inst.body, id);
        endPos[ref] = loopEnd[id] = next++;
      } else if (inst.op === 'condbr') {
        walk(inst.then, loop);
        walk(inst.else, loop);
        endPos[ref] = next++;
      }
    }
  };
  walk(func.body, NONE);

  for (let ref = 0; ref < n; ref++) death[ref] = Math.max(pos[ref]!, func.insts[ref]!.op === 'block' ? endPos[ref]! : NONE);
  for (let u = 0; u < useValue.length; u++) {
    const value = useValue[u]!;
    let end = usePos[u]!;
    for (let l = useLoop[u]!; l !== NONE && loopStart[l]! > pos[value]!; l = loopParent[l]!) end = Math.max(end, loopEnd[l]!);
    if (end > death[value]!) death[value] = end;
  }

  // Bucket the values by death position: a linked list per position.
  const head = new Int32Array(next + 1).fill(NONE);
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
