//! The target-independent liveness walk over one AIR function, shared by the x86-64
//! register allocator (`x86_64/regalloc.ts`) and the wasm local allocator
//! (`wasm/liveness.ts`); each backend builds its own view on top of it.
//!
//! The structured AIR is numbered in emission order: every instruction listed in a body
//! gets a position, and `block`, `loop` and `condbr` also get an end position after their
//! bodies (a loop's range runs from its position to its end position). A value is defined
//! at its position and last used at the latest position of a use of it, with one
//! conservative rule: a use inside a loop that the value was defined outside of counts as
//! a use at the loop's end, since the back edge brings control back to earlier uses.
//! Uses of consts are not recorded (consts have no position).

import { airOperandsInto } from '../sema/air.js';
import type { AirFunction, AirRef } from '../sema/air.js';
import { IntList } from './int_list.js';

/** "No position": a const, an instruction listed in no body, or a value nothing uses. */
export const NONE = -1;

export interface AirLiveness {
  /** Number of positions, end positions included. */
  readonly positions: number;
  /** Position (and so definition) of each instruction listed in a body, NONE for the others. */
  readonly pos: Int32Array;
  /** End position of each `block`, `loop` and `condbr`, NONE for the others. */
  readonly endPos: Int32Array;
  /** Instruction at each position, NONE at end positions. */
  readonly instAt: Int32Array;
  /** Last use of each value, the loop rule applied; NONE for a value nothing uses. */
  readonly lastUse: Int32Array;
}

/** The walk's scratch, kept from one function to the next (the walk is not reentrant). */
const operands: AirRef[] = [];
const instAt = new IntList();
const loopStart = new IntList();
const loopEnd = new IntList();
const loopParent = new IntList();
const useValue = new IntList();
const usePos = new IntList();
const useLoop = new IntList();

/** Numbers the function's instructions and finds each value's last use. */
export function computeAirLiveness(func: AirFunction): AirLiveness {
  const n = func.insts.length;
  const pos = new Int32Array(n).fill(NONE);
  const endPos = new Int32Array(n).fill(NONE);
  instAt.clear();
  loopStart.clear();
  loopEnd.clear();
  loopParent.clear();
  useValue.clear();
  usePos.clear();
  useLoop.clear();

  const walk = (body: readonly AirRef[], loop: number): void => {
    for (const ref of body) {
      const inst = func.insts[ref]!;
      const at = instAt.push(ref);
      pos[ref] = at;
      // Read before descending into a body, which reuses `operands`.
      const count = airOperandsInto(inst, operands);
      for (let i = 0; i < count; i++) {
        const operand = operands[i]!;
        if (func.insts[operand]!.op === 'const') continue;
        useValue.push(operand);
        usePos.push(at);
        useLoop.push(loop);
      }
      if (inst.op === 'block') {
        walk(inst.body, loop);
        endPos[ref] = instAt.push(NONE);
      } else if (inst.op === 'loop') {
        const id = loopStart.push(at);
        loopEnd.push(NONE);
        loopParent.push(loop);
        walk(inst.body, id);
        const end = instAt.push(NONE);
        endPos[ref] = end;
        loopEnd.set(id, end);
      } else if (inst.op === 'condbr') {
        walk(inst.then, loop);
        walk(inst.else, loop);
        endPos[ref] = instAt.push(NONE);
      }
    }
  };
  walk(func.body, NONE);

  const lastUse = new Int32Array(n).fill(NONE);
  for (let u = 0; u < useValue.length; u++) {
    const value = useValue.get(u);
    let end = usePos.get(u);
    for (let l = useLoop.get(u); l !== NONE && loopStart.get(l) > pos[value]!; l = loopParent.get(l)) end = Math.max(end, loopEnd.get(l));
    if (end > lastUse[value]!) lastUse[value] = end;
  }
  return { positions: instAt.length, pos, endPos, instAt: instAt.toInt32Array(), lastUse };
}
