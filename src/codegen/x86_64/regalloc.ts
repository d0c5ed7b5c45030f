//! Liveness and register allocation for one AIR function (linear scan, Poletto–Sarkar).
//!
//! The structured AIR is numbered in emission order: every instruction gets a position,
//! and `block`/`loop`/`condbr` also get an end position after their bodies. A value's
//! live interval runs from its definition to its last use; a use inside a loop that the
//! value was defined outside of extends the interval to the loop's end (the back edge
//! brings control back), and a `block`'s result interval starts at the block (every `br`
//! writes it). Each value then keeps one home — a register or a stack slot — for its
//! whole interval, so every control-flow join sees it in the same place.
//!
//! Registers rax, rcx, rdx and r11 are never allocated: the lowering uses them as
//! scratch. An interval that spans a call may only use callee-saved registers; one that
//! spans inline assembly avoids every register the assembly names or clobbers.

import type { AirFunction, AirInst, AirRef } from '../../sema/air.js';
import { hasRuntimeBits } from '../../sema/types.js';
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

/** Every operand an instruction reads (not counting consts, which the caller filters). */
export function operandsOf(inst: AirInst): AirRef[] {
  switch (inst.op) {
    case 'load':
      return [inst.ptr];
    case 'store':
      return [inst.ptr, inst.value];
    case 'add': case 'sub': case 'mul': case 'div': case 'rem':
    case 'addwrap': case 'subwrap': case 'mulwrap':
    case 'bitand': case 'bitor': case 'xor': case 'shl': case 'shr':
    case 'booland': case 'boolor': case 'cmp':
      return [inst.lhs, inst.rhs];
    case 'bitnot': case 'boolnot': case 'intcast': case 'bitcast': case 'ptrtoint': case 'offsetptr':
      return [inst.op === 'offsetptr' ? inst.ptr : inst.operand];
    case 'elemptr':
      return [inst.ptr, inst.index];
    case 'call':
      return [inst.callee, ...inst.args];
    case 'ret':
      return [inst.operand];
    case 'br':
      return inst.operand === null ? [] : [inst.operand];
    case 'condbr':
      return [inst.cond];
    case 'asm':
      return inst.args;
    default:
      return [];
  }
}

interface Interval {
  value: AirRef;
  start: number;
  end: number;
  forbidden: Set<Reg>;
}

/** Positions and live intervals of the function's values. */
export function computeIntervals(func: AirFunction, clobbers: ClobberFn): Interval[] {
  const n = func.insts.length;
  const def = new Int32Array(n).fill(-1);
  const lastUse = new Int32Array(n).fill(-1);
  const blockEnd = new Int32Array(n).fill(-1);
  const loopStart: number[] = [];
  const loopEnd: number[] = [];
  const loopParent: number[] = [];
  const uses: { value: AirRef; pos: number; loop: number }[] = [];
  const clobberPoints: { pos: number; regs: readonly Reg[] }[] = [];
  let next = 0;

  const walk = (body: readonly AirRef[], loop: number): void => {
    for (const ref of body) {
      const inst = func.insts[ref]!;
      const pos = next++;
      def[ref] = pos;
      for (const operand of operandsOf(inst)) {
        if (func.insts[operand]!.op !== 'const') uses.push({ value: operand, pos, loop });
      }
      const regs = clobbers(inst);
      if (regs && regs.length) clobberPoints.push({ pos, regs });
      if (inst.op === 'block') {
        walk(inst.body, loop);
        blockEnd[ref] = next++;
      } else if (inst.op === 'loop') {
        const id = loopStart.length;
        loopStart.push(pos);
        loopEnd.push(-1);
        loopParent.push(loop);
        walk(inst.body, id);
        loopEnd[id] = next++;
      } else if (inst.op === 'condbr') {
        walk(inst.then, loop);
        walk(inst.else, loop);
        next++;
      }
    }
  };
  walk(func.body, -1);

  for (const u of uses) {
    let end = u.pos;
    for (let l = u.loop; l >= 0 && loopStart[l]! > def[u.value]!; l = loopParent[l]!) end = Math.max(end, loopEnd[l]!);
    if (end > lastUse[u.value]!) lastUse[u.value] = end;
  }

  const intervals: Interval[] = [];
  for (let ref = 0; ref < n; ref++) {
    const inst = func.insts[ref]!;
    if (def[ref]! < 0 || lastUse[ref]! < 0) continue;
    if (inst.op === 'const' || inst.op === 'alloc' || !hasRuntimeBits(inst.type)) continue;
    const start = def[ref]!;
    const end = inst.op === 'block' ? Math.max(lastUse[ref]!, blockEnd[ref]!) : lastUse[ref]!;
    const forbidden = new Set<Reg>();
    for (const c of clobberPoints) if (c.pos > start && c.pos < end) for (const r of c.regs) forbidden.add(r);
    intervals.push({ value: ref, start, end, forbidden });
  }
  intervals.sort((a, b) => a.start - b.start || a.value - b.value);
  return intervals;
}

/** Assigns every live value a register or a spill slot. `naked` functions may use callee-saved registers freely. */
export function allocateRegisters(func: AirFunction, clobbers: ClobberFn): Allocation {
  const intervals = computeIntervals(func, clobbers);
  const homes: ValueHome[] = func.insts.map(() => ({ kind: 'none' }));
  const active: Interval[] = []; // intervals holding a register, sorted by end
  const activeSlots: { end: number; slot: number }[] = [];
  const freeSlots: { slot: number; end: number }[] = [];
  let spillSlots = 0;
  const usedCalleeSaved = new Set<Reg>();
  const regOf = new Map<AirRef, Reg>();

  const takeSlot = (iv: Interval): void => {
    // A slot is reusable only if its previous owner ended before this interval began
    // (a victim spilled late still needs the slot for its whole interval).
    const at = freeSlots.findIndex((f) => f.end <= iv.start);
    const slot = at >= 0 ? freeSlots.splice(at, 1)[0]!.slot : spillSlots++;
    homes[iv.value] = { kind: 'spill', slot };
    activeSlots.push({ end: iv.end, slot });
  };

  for (const iv of intervals) {
    while (active.length && active[0]!.end <= iv.start) regOf.delete(active.shift()!.value);
    for (let i = activeSlots.length - 1; i >= 0; i--) {
      if (activeSlots[i]!.end <= iv.start) freeSlots.push(activeSlots.splice(i, 1)[0]!);
    }
    const busy = new Set(active.map((a) => regOf.get(a.value)!));
    const crossesCall = ALLOCATABLE_CALLER_SAVED.some((r) => iv.forbidden.has(r));
    const order = crossesCall ? [...CALLEE_SAVED, ...ALLOCATABLE_CALLER_SAVED] : [...ALLOCATABLE_CALLER_SAVED, ...CALLEE_SAVED];
    let reg = order.find((r) => !busy.has(r) && !iv.forbidden.has(r));
    if (reg === undefined) {
      // Spill whichever of the current and the active intervals ends last (and whose register suits the current one).
      let victim: Interval | null = null;
      for (const a of active) {
        const r = regOf.get(a.value)!;
        if (!iv.forbidden.has(r) && a.end > iv.end && (victim === null || a.end > victim.end)) victim = a;
      }
      if (victim === null) {
        takeSlot(iv);
        continue;
      }
      reg = regOf.get(victim.value)!;
      active.splice(active.indexOf(victim), 1);
      regOf.delete(victim.value);
      takeSlot(victim);
    }
    regOf.set(iv.value, reg);
    homes[iv.value] = { kind: 'reg', reg };
    if (CALLEE_SAVED.includes(reg)) usedCalleeSaved.add(reg);
    let at = active.findIndex((a) => a.end > iv.end);
    if (at < 0) at = active.length;
    active.splice(at, 0, iv);
  }
  return { homes, spillSlots, usedCalleeSaved: [...usedCalleeSaved].sort((a, b) => a - b) };
}

/** Registers named by an interval-free check: exported for tests of the allocator's invariants. */
export function liveIntervals(func: AirFunction, clobbers: ClobberFn): { value: AirRef; start: number; end: number }[] {
  return computeIntervals(func, clobbers).map(({ value, start, end }) => ({ value, start, end }));
}
