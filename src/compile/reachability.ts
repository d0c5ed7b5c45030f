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

export class Reachability {
  private readonly reachable = new Set<Unit>();
  /** The successors each reachable unit was counted with. */
  private readonly counted = new Map<Unit, Unit[]>();
  /** Referrers of each reachable unit (a root has one more). */
  private readonly referrers = new Map<Unit, number>();
  private roots = new Set<Unit>();
  private newly: Unit[] = [];
  /** Units that lost a referrer since the last `settle`. */
  private readonly candidates = new Set<Unit>();

  constructor(private readonly successors: (u: Unit) => Unit[]) {}

  has(u: Unit): boolean {
    return this.reachable.has(u);
  }

  get size(): number {
    return this.reachable.size;
  }

  setRoots(roots: Unit[]): void {
    const next = new Set(roots);
    for (const r of this.roots) if (!next.has(r)) this.dropReferrer(r);
    for (const r of next) {
      if (this.roots.has(r)) continue;
      this.addReferrer(r);
      this.enter(r);
    }
    this.roots = next;
  }

  /** After `u` was analyzed again: reach what it newly refers to; note what it dropped. */
  successorsChanged(u: Unit): void {
    if (!this.reachable.has(u)) return;
    const before = this.counted.get(u) ?? [];
    const after = this.successorsOf(u);
    this.counted.set(u, after);
    const beforeSet = new Set(before);
    const afterSet = new Set(after);
    for (const s of after) {
      if (beforeSet.has(s)) continue;
      this.addReferrer(s);
      this.enter(s);
    }
    for (const s of before) if (!afterSet.has(s)) this.dropReferrer(s);
  }

  /** `u`'s decl left the source. Its referrers drop their edges to it when they are analyzed again. */
  remove(u: Unit): void {
    if (!this.reachable.delete(u)) return;
    for (const s of this.counted.get(u) ?? []) this.dropReferrer(s);
    this.counted.delete(u);
    this.referrers.delete(u);
    this.roots.delete(u);
  }

  hasPendingWork(): boolean {
    return this.candidates.size > 0;
  }

  /** Units that entered the build since the last call. */
  takeNewlyReachable(): Unit[] {
    const out = this.newly;
    this.newly = [];
    return out.filter((u) => this.reachable.has(u));
  }

  /** Decides the candidates by trial deletion; returns the units that left the build. */
  settle(): Unit[] {
    const subgraph = this.closure([...this.candidates].filter((u) => this.reachable.has(u)));
    this.candidates.clear();
    const outside = new Map<Unit, number>();
    for (const u of subgraph) outside.set(u, this.referrers.get(u) ?? 0);
    for (const u of subgraph) {
      for (const s of this.counted.get(u) ?? []) if (subgraph.has(s)) outside.set(s, outside.get(s)! - 1);
    }
    const live = this.closure([...subgraph].filter((u) => outside.get(u)! > 0), subgraph);
    const gone = [...subgraph].filter((u) => !live.has(u));
    for (const u of gone) {
      this.reachable.delete(u);
      for (const s of this.counted.get(u) ?? []) {
        const n = this.referrers.get(s);
        if (n !== undefined) this.referrers.set(s, n - 1);
      }
      this.counted.delete(u);
      this.referrers.delete(u);
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
      for (const s of this.counted.get(u) ?? []) {
        if (!seen.has(s) && this.reachable.has(s) && (!within || within.has(s))) stack.push(s);
      }
    }
    return seen;
  }

  /** Successors without repeats: each edge is counted once. */
  private successorsOf(u: Unit): Unit[] {
    return [...new Set(this.successors(u))];
  }

  private addReferrer(u: Unit): void {
    this.referrers.set(u, (this.referrers.get(u) ?? 0) + 1);
  }

  private dropReferrer(u: Unit): void {
    const n = this.referrers.get(u);
    if (n === undefined) return;
    this.referrers.set(u, n - 1);
    this.candidates.add(u);
  }

  /** Marks `start` and what it reaches, depth-first with an explicit stack, counting edges. */
  private enter(start: Unit): void {
    if (this.reachable.has(start)) return;
    this.reachable.add(start);
    const stack = [start];
    while (stack.length > 0) {
      const u = stack.pop()!;
      this.newly.push(u);
      const succ = this.successorsOf(u);
      this.counted.set(u, succ);
      for (const s of succ) {
        this.addReferrer(s);
        if (!this.reachable.has(s)) {
          this.reachable.add(s);
          stack.push(s);
        }
      }
    }
  }
}
