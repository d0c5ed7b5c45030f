//! Which analysis units are in the build: those reachable from the exports.
//!
//! Kept incrementally: new edges mark what they reach at once; only when an edge or a
//! root disappears is the closure recomputed from the roots (`settle`), which is what
//! finds units that fell out of the build so their symbols can leave the output.

import type { Unit } from './units.js';

export class Reachability {
  private reachable = new Set<Unit>();
  private roots: Unit[] = [];
  private newly: Unit[] = [];
  private needsRecompute = false;

  constructor(private readonly successors: (u: Unit) => Unit[]) {}

  has(u: Unit): boolean {
    return this.reachable.has(u);
  }

  get size(): number {
    return this.reachable.size;
  }

  setRoots(roots: Unit[]): void {
    const next = new Set(roots);
    if (this.roots.some((r) => !next.has(r))) this.needsRecompute = true;
    this.roots = roots;
    for (const r of roots) this.mark(r);
  }

  /** After `u` was analyzed again: reach what it newly refers to; note what it dropped. */
  successorsChanged(u: Unit, before: Unit[]): void {
    if (!this.reachable.has(u)) return;
    const after = this.successors(u);
    const beforeSet = new Set(before);
    const afterSet = new Set(after);
    for (const s of after) if (!beforeSet.has(s)) this.mark(s);
    for (const s of before) if (!afterSet.has(s)) this.needsRecompute = true;
  }

  remove(u: Unit): void {
    if (this.reachable.delete(u)) this.needsRecompute = true;
  }

  hasPendingWork(): boolean {
    return this.needsRecompute;
  }

  /** Units that entered the build since the last call. */
  takeNewlyReachable(): Unit[] {
    const out = this.newly;
    this.newly = [];
    return out.filter((u) => this.reachable.has(u));
  }

  /** Recomputes the closure from the roots; returns the units that left the build. */
  settle(): Unit[] {
    const before = this.reachable;
    this.reachable = new Set();
    this.needsRecompute = false;
    for (const r of this.roots) this.mark(r, before);
    const gone: Unit[] = [];
    for (const u of before) if (!this.reachable.has(u)) gone.push(u);
    return gone;
  }

  /** Depth-first, with an explicit stack (programs may be deep). `known` units are not "new". */
  private mark(start: Unit, known?: Set<Unit>): void {
    if (this.reachable.has(start)) return;
    const stack = [start];
    this.reachable.add(start);
    while (stack.length > 0) {
      const u = stack.pop()!;
      if (!known?.has(u)) this.newly.push(u);
      for (const s of this.successors(u)) {
        if (!this.reachable.has(s)) {
          this.reachable.add(s);
          stack.push(s);
        }
      }
    }
  }
}
