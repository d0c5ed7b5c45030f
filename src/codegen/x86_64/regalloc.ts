//! Liveness and register allocation for one AIR function (linear scan, Poletto–Sarkar).
//!
//! Positions and last uses come from the shared walk (`../air_liveness.ts`, the same one
//! the wasm backend uses): the structured AIR is numbered in emission order, every
//! instruction gets a position, and `block`/`loop`/`condbr` also get an end position after
//! their bodies. A value's live interval runs from its definition to its last use; a use
//! inside a loop that the value was defined outside of extends the interval to the loop's
//! end (the back edge brings control back), and a `block`'s result interval starts at the
//! block (every `br` writes it). Each value then keeps one home — a register or a stack
//! slot — for its whole interval, so every control-flow join sees it in the same place.
//!
//! Registers rax, rcx, rdx and r11 are never allocated: the lowering uses them as
//! scratch. An interval that spans a call may only use callee-saved registers; one that
//! spans inline assembly avoids every register the assembly names or clobbers.

import type { AirFunction, AirInst, AirRef } from '../../sema/air.js';
import { hasRuntimeBits } from '../../sema/types.js';
import { computeAirLiveness, NONE } from '../air_liveness.js';
import { IntList } from '../int_list.js';
import { CALLEE_SAVED, R10, R8, R9, RDI, RSI, type Reg } from './registers.js';

export type ValueHome = { kind: 'none' } | { kind: 'reg'; reg: Reg } | { kind: 'spill'; slot: number };

export interface Allocation {
  /** Home of each AIR value (`none` for consts, allocs, values without runtime bits or uses). */
  homes: ValueHome[];
  /** Number of 8-byte spill slots. */
  spillSlots: number;
  /** Callee-saved registers the allocation uses (to save and restore). */
  usedCalleeSaved: Reg[];
}

/** Caller-saved registers the allocator may hand out, preferred for intervals that span no call. */
const ALLOCATABLE_CALLER_SAVED: readonly Reg[] = [RSI, RDI, R8, R9, R10];

/** Registers an instruction destroys beyond the scratch set, or null when it destroys none. */
export type ClobberFn = (inst: AirInst) => readonly Reg[] | null;


interface Interval {
  value: AirRef;
  start: number;
  end: number;
  /** Bit r set: register r is destroyed somewhere strictly inside the interval. */
  forbidden: number;
  /** The register it was given (allocateRegisters), -1 before. */
  reg: number;
}

/** computeIntervals' scratch: clobber points and the registers each destroys, kept from one function to the next. */
const clobberPos = new IntList();
const clobberMask = new IntList();

/** Positions and live intervals of the function's values. */
export function computeIntervals(func: AirFunction, clobbers: ClobberFn): Interval[] {
  const n = func.insts.length;
  const { positions, pos: def, endPos, instAt, lastUse } = computeAirLiveness(func);
  // Clobber points in increasing position order.
  clobberPos.clear();
  clobberMask.clear();
  for (let p = 0; p < positions; p++) {
    const ref = instAt[p]!;
    if (ref === NONE) continue;
    const regs = clobbers(func.insts[ref]!);
    if (regs && regs.length) {
      clobberPos.push(p);
      clobberMask.push(regs.reduce((m, r) => m | (1 << r), 0));
    }
  }

  const intervals: Interval[] = [];
  for (let ref = 0; ref < n; ref++) {
    const inst = func.insts[ref]!;
    if (def[ref] === NONE || lastUse[ref] === NONE) continue;
    if (inst.op === 'const' || inst.op === 'alloc' || !hasRuntimeBits(inst.type)) continue;
    const start = def[ref]!;
    const end = inst.op === 'block' ? Math.max(lastUse[ref]!, endPos[ref]!) : lastUse[ref]!;
    let forbidden = 0;
    // First clobber point after `start` (binary search), then every one before `end`.
    let lo = 0;
    let hi = clobberPos.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (clobberPos.get(mid) <= start) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < clobberPos.length && clobberPos.get(i) < end; i++) forbidden |= clobberMask.get(i);
    intervals.push({ value: ref, start, end, forbidden, reg: -1 });
  }
  // Values are mostly numbered in emission order already: sort only when they are not.
  if (!inOrder(intervals)) intervals.sort(byStart);
  return intervals;
}

/** The allocation order of intervals: by start, then by value. */
function byStart(a: Interval, b: Interval): number {
  return a.start - b.start || a.value - b.value;
}

function inOrder(intervals: readonly Interval[]): boolean {
  for (let i = 1; i < intervals.length; i++) if (byStart(intervals[i - 1]!, intervals[i]!) > 0) return false;
  return true;
}

/** The homes every allocation shares (they are never changed): one per register, and per spill slot as slots are first used. */
const NO_HOME: ValueHome = Object.freeze({ kind: 'none' });
const REG_HOMES: readonly ValueHome[] = Array.from({ length: 16 }, (_, reg) => Object.freeze({ kind: 'reg', reg: reg as Reg }));
const SPILL_HOMES: ValueHome[] = [];
function spillHome(slot: number): ValueHome {
  while (SPILL_HOMES.length <= slot) SPILL_HOMES.push(Object.freeze({ kind: 'spill', slot: SPILL_HOMES.length }));
  return SPILL_HOMES[slot]!;
}

const CALLER_SAVED_MASK = ALLOCATABLE_CALLER_SAVED.reduce((m, r) => m | (1 << r), 0);
const CALLEE_SAVED_MASK = CALLEE_SAVED.reduce((m, r) => m | (1 << r), 0);
/** Allocation order for intervals that span no call: caller-saved first (no save/restore needed). */
const ORDER_NO_CALL: readonly Reg[] = [...ALLOCATABLE_CALLER_SAVED, ...CALLEE_SAVED];
/** Allocation order for intervals that span a call: callee-saved first. */
const ORDER_ACROSS_CALL: readonly Reg[] = [...CALLEE_SAVED, ...ALLOCATABLE_CALLER_SAVED];

/** Assigns every live value a register or a spill slot. */
export function allocateRegisters(func: AirFunction, clobbers: ClobberFn): Allocation {
  const intervals = computeIntervals(func, clobbers);
  const homes: ValueHome[] = new Array(func.insts.length);
  homes.fill(NO_HOME);
  const active: Interval[] = []; // intervals holding a register, sorted by end
  let busy = 0;
  const activeSlots: { end: number; slot: number }[] = [];
  const freeSlots: { slot: number; end: number }[] = [];
  let spillSlots = 0;
  let usedCalleeSaved = 0;

  const takeSlot = (iv: Interval): void => {
    // A slot is reusable only if its previous owner ended before this interval began
    // (a victim spilled late still needs the slot for its whole interval).
    const at = freeSlots.findIndex((f) => f.end <= iv.start);
    const slot = at >= 0 ? freeSlots.splice(at, 1)[0]!.slot : spillSlots++;
    homes[iv.value] = spillHome(slot);
    activeSlots.push({ end: iv.end, slot });
  };

  for (const iv of intervals) {
    while (active.length && active[0]!.end <= iv.start) busy &= ~(1 << active.shift()!.reg);
    for (let i = activeSlots.length - 1; i >= 0; i--) {
      if (activeSlots[i]!.end <= iv.start) freeSlots.push(activeSlots.splice(i, 1)[0]!);
    }
    const blocked = busy | iv.forbidden;
    const order = iv.forbidden & CALLER_SAVED_MASK ? ORDER_ACROSS_CALL : ORDER_NO_CALL;
    let reg = -1;
    for (const r of order) {
      if (!(blocked & (1 << r))) {
        reg = r;
        break;
      }
    }
    if (reg < 0) {
      // Spill whichever of the current and the active intervals ends last (and whose register suits the current one).
      let victim: Interval | null = null;
      for (const a of active) {
        if (!(iv.forbidden & (1 << a.reg)) && a.end > iv.end && (victim === null || a.end > victim.end)) victim = a;
      }
      if (victim === null) {
        takeSlot(iv);
        continue;
      }
      reg = victim.reg;
      active.splice(active.indexOf(victim), 1);
      takeSlot(victim);
    }
    iv.reg = reg;
    busy |= 1 << reg;
    homes[iv.value] = REG_HOMES[reg]!;
    if (CALLEE_SAVED_MASK & (1 << reg)) usedCalleeSaved |= 1 << reg;
    let at = active.findIndex((a) => a.end > iv.end);
    if (at < 0) at = active.length;
    active.splice(at, 0, iv);
  }
  return { homes, spillSlots, usedCalleeSaved: CALLEE_SAVED.filter((r) => usedCalleeSaved & (1 << r)).sort((a, b) => a - b) };
}

/** The live intervals (positions in emission order), for tests of the allocator. */
export function liveIntervals(func: AirFunction, clobbers: ClobberFn): { value: AirRef; start: number; end: number }[] {
  return computeIntervals(func, clobbers).map(({ value, start, end }) => ({ value, start, end }));
}
