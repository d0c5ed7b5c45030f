//! Which analysis units are in the build: those reachable from the exports.
//!
//! Kept incrementally, at the cost of the edit. Each reachable unit counts its referrers
//! (reachable units whose successors include it, plus one if it is a root). A new edge
//! marks what it reaches at once. A dropped edge makes its target a candidate; `settle`
//! then decides the candidates by trial deletion (as in synchronous cycle collection):
//! within the subgraph the candidates reach, subtract the edges internal to it; whatever
//! still has a referrer from outside, and all it reaches, stays; the rest (cycles of
//! mutually recursive functions included) leaves the build. So dropping a call or a
//! constant costs the size of what it reached, never a walk over the whole program.

import type { Unit } from './units.js';

/** The successors `u` was counted with (none when it was not). */
function countedOf(u: Unit): readonly Unit[] {
  const c = u.counted;
  return c === null ? [] : Array.isArray(c) ? c : [c as Unit];
}

/** Successors as a unit keeps them: one as the unit itself (half the units of a `chain` build), more as the array. */
function stored(successors: readonly Unit[]): Unit | readonly Unit[] {
  return successors.length === 1 ? successors[0]! : successors;
}

export class Reachability {
  /** How many units are reachable. */
  private count = 0;
  private roots = new Set<Unit>();
  private newly: Unit[] = [];
  /** Units that lost a referrer since the last `settle`. */
  private readonly candidates = new Set<Unit>();

  /** `successors(u)`: the units `u` keeps in the build, without repeats (each edge is counted once). */
  constructor(private readonly successors: (u: Unit) => readonly Unit[]) {}

  has(u: Unit): boolean {
    return u.reachable;
  }

  get size(): number {
    return this.count;
  }

  setRoots(roots: Unit[]): void {
    const next = new Set(roots);
    for (const r of this.roots) if (!next.has(r)) this.dropReferrer(r);
    for (const r of next) {
      if (this.roots.has(r)) continue;
      r.referrers++;
      this.enter(r);
    }
    this.roots = next;
  }

  /** After `u` was analyzed again: reach what it newly refers to; note what it dropped. */
  successorsChanged(u: Unit): void {
    if (!u.reachable) return;
    const before = countedOf(u);
    const after = this.successors(u);
    u.counted = stored(after);
    if (sameUnits(before, after)) return;
    // A unit's first analysis (every unit of a full build) has nothing before: no Sets.
    const beforeSet = before.length > 0 ? new Set(before) : null;
    for (const s of after) {
      if (beforeSet?.has(s)) continue;
      s.referrers++;
      this.enter(s);
    }
    if (beforeSet === null) return;
    const afterSet = new Set(after);
    for (const s of before) if (!afterSet.has(s)) this.dropReferrer(s);
  }

  /** `u`'s decl left the source. Its referrers drop their edges to it when they are analyzed again. */
  remove(u: Unit): void {
    if (!u.reachable) return;
    this.leave(u);
    for (const s of countedOf(u)) this.dropReferrer(s);
    u.counted = null;
    u.referrers = 0;
    this.roots.delete(u);
  }

  hasPendingWork(): boolean {
    return this.candidates.size > 0;
  }

  /** Units that entered the build since the last call. */
  takeNewlyReachable(): Unit[] {
    const out = this.newly;
    this.newly = [];
    return out.filter((u) => u.reachable);
  }

  /** Decides the candidates by trial deletion; returns the units that left the build. */
  settle(): Unit[] {
    const subgraph = this.closure([...this.candidates].filter((u) => u.reachable));
    this.candidates.clear();
    const outside = new Map<Unit, number>();
    for (const u of subgraph) outside.set(u, u.referrers);
    for (const u of subgraph) {
      for (const s of countedOf(u)) if (subgraph.has(s)) outside.set(s, outside.get(s)! - 1);
    }
    const live = this.closure([...subgraph].filter((u) => outside.get(u)! > 0), subgraph);
    const gone = [...subgraph].filter((u) => !live.has(u));
    for (const u of gone) this.leave(u);
    for (const u of gone) {
      for (const s of countedOf(u)) if (s.reachable) s.referrers--;
      u.counted = null;
      u.referrers = 0;
    }
    return gone;
  }

  /** The reachable units `from` reaches through counted edges (staying inside `within` if given). */
  private closure(from: Unit[], within?: Set<Unit>): Set<Unit> {
    const seen = new Set<Unit>();
    const stack = [...from];
    while (stack.length > 0) {
      const u = stack.pop()!;
      if (seen.has(u)) continue;
      seen.add(u);
      for (const s of countedOf(u)) {
        if (!seen.has(s) && s.reachable && (!within || within.has(s))) stack.push(s);
      }
    }
    return seen;
  }

  private dropReferrer(u: Unit): void {
    if (!u.reachable) return;
    u.referrers--;
    this.candidates.add(u);
  }

  private leave(u: Unit): void {
    u.reachable = false;
    this.count--;
  }

  /** Marks `start` and what it reaches, depth-first with an explicit stack, counting edges. */
  private enter(start: Unit): void {
    if (start.reachable) return;
    start.reachable = true;
    this.count++;
    const stack = [start];
    while (stack.length > 0) {
      const u = stack.pop()!;
      this.newly.push(u);
      const succ = this.successors(u);
      u.counted = stored(succ);
      for (const s of succ) {
        s.referrers++;
        if (!s.reachable) {
          s.reachable = true;
          this.count++;
          stack.push(s);
        }
      }
    }
  }
}

/** The same units in the same order: the usual case after a body edit. */
function sameUnits(a: readonly Unit[], b: readonly Unit[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
