//! The stack frame of one generated function: where outgoing stack arguments, staging
//! slots for argument moves, spill slots, `alloc` slots, saved callee-saved registers
//! and the saved incoming argument registers lie, as byte offsets from the frame base.
//!
//! The frame base is rsp after the prologue (`push rbp; mov rbp, rsp; and rsp, -16;
//! sub rsp, size`), so the base is 16-byte aligned and outgoing stack arguments sit at
//! offset 0 as System V wants. A `Naked` function has no prologue: its frame lies in the
//! red zone just below the entry rsp.

import type { AirFunction, AirRef } from '../../sema/air.js';
import { alignOf, sizeOf, X86_64_TARGET } from '../../sema/types.js';
import type { Reg } from './registers.js';

export interface FrameLayout {
  /** Total size, a multiple of 16. */
  size: number;
  /** Offset of the staging slots used to move values into argument registers. */
  staging: number;
  /** Offset of spill slot 0; slot i is at `spill + 8*i`. */
  spill: number;
  /** Offset of each `alloc`'s memory. */
  allocs: Map<AirRef, number>;
  /** Where each saved callee-saved register is kept. */
  calleeSaves: { reg: Reg; offset: number }[];
  /** Offset of the saved incoming argument registers; argument i < 6 is at `argSave + 8*i`. */
  argSave: number;
}

export interface FrameNeeds {
  outgoingStackArgs: number;
  stagingSlots: number;
  spillSlots: number;
  calleeSaved: readonly Reg[];
}

function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

export function layoutFrame(func: AirFunction, needs: FrameNeeds): FrameLayout {
  let at = needs.outgoingStackArgs * 8;
  const staging = at;
  at += needs.stagingSlots * 8;
  const spill = at;
  at += needs.spillSlots * 8;
  const allocs = new Map<AirRef, number>();
  func.insts.forEach((inst, ref) => {
    if (inst.op !== 'alloc') return;
    const size = Math.max(sizeOf(inst.elemType, X86_64_TARGET), 1);
    at = alignUp(at, Math.min(Math.max(alignOf(inst.elemType, X86_64_TARGET), 1), 16));
    allocs.set(ref, at);
    at += size;
  });
  at = alignUp(at, 8);
  const calleeSaves = needs.calleeSaved.map((reg) => {
    const offset = at;
    at += 8;
    return { reg, offset };
  });
  const argSave = at;
  at += Math.min(func.type.params.length, 6) * 8;
  return { size: alignUp(at, 16), staging, spill, allocs, calleeSaves, argSave };
}
