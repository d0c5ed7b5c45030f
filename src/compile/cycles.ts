//! Dependency cycles among decl values, as the analysis finds them (spec §4: a value that
//! depends on itself is an error, reported by every decl of the cycle). Three questions,
//! each answered in time that follows the cycle, not the program:
//! - a unit read while in progress: mark every open analysis from it inward as one cycle
//!   (`markCycle`; cycles of one update that share a unit are one, by union-find);
//! - a failed value read: did it fail on a cycle through the reader (`failedOnCycleThrough`)?
//! - a value read for the first time by a re-analyzed reader: was it computed from the
//!   reader's old value (`staleValuesOnNewEdge`), so that it must be analyzed again?

import type { NameId } from '../zir/intern.js';
import { readAt, readCount, type Unit } from './units.js';

/** What the questions need of the compilation. */
export interface CycleContext {
  /** The current update's number (marks from other updates mean nothing). */
  update(): number;
  /** The value unit of the decl named `name` (its id), if there is one. */
  valueOf(name: NameId): Unit | undefined;
  dependantsOf(name: NameId): Iterable<Unit>;
  /** The analyses under way, outermost first: the suspended ones, then the nested ones. */
  openAnalyses(): Unit[];
  /**
   * The cycle marks of this update, off the units (a cycle is rare; 200k units would each
   * carry two fields for it): the compilation empties it when an update starts.
   */
  readonly marks: Map<Unit, CycleMark>;
}

/**
 * Set when an analysis in update `update` found the unit on a dependency cycle: the unit
 * standing for the cycle (union-find: follow `head` to the root, see cycleRoot).
 */
export interface CycleMark {
  head: Unit;
  update: number;
}

/** `head` was read while in progress: every open analysis from it inward is on one cycle. */
export function markCycle(ctx: CycleContext, head: Unit): void {
  const open = ctx.openAnalyses();
  const from = open.lastIndexOf(head);
  if (from < 0) return;
  const update = ctx.update();
  const root = cycleRoot(ctx, head) ?? head;
  for (let i = from; i < open.length; i++) {
    const member = open[i]!;
    const old = cycleRoot(ctx, member);
    if (old !== null && old !== root) ctx.marks.set(old, { head: root, update });
    ctx.marks.set(member, { head: root, update });
  }
  ctx.marks.set(root, { head: root, update });
}

function cycleRoot(ctx: CycleContext, u: Unit): Unit | null {
  const update = ctx.update();
  let r = u;
  for (;;) {
    const mark = ctx.marks.get(r);
    if (mark === undefined || mark.update !== update) return null;
    if (mark.head === r) return r;
    r = mark.head;
  }
}

/**
 * Whether failed value `u`, read by `reader`, failed on a cycle through the reader.
 * Analyzed in this update, the cycle marks say it at once (a long chain that failed for
 * another reason costs nothing); analyzed earlier, the recorded dependencies are walked.
 */
export function failedOnCycleThrough(ctx: CycleContext, u: Unit, reader: Unit): boolean {
  if (u.analyzedIn !== ctx.update()) return valueDependsOn(ctx, u, reader);
  const root = cycleRoot(ctx, u);
  return root !== null && root === cycleRoot(ctx, reader);
}

/** True when value unit `u` reads `target`'s value, directly or through other values. */
function valueDependsOn(ctx: CycleContext, u: Unit, target: Unit): boolean {
  if (target.kind !== 'value') return false;
  const seen = new Set<Unit>([u]);
  const stack = [u];
  while (stack.length > 0) {
    const reads = stack.pop()!.deps;
    for (let i = 0, n = readCount(reads); i < n; i++) {
      const v = ctx.valueOf(readAt(reads, i));
      if (!v || seen.has(v)) continue;
      if (v === target) return true;
      seen.add(v);
      stack.push(v);
    }
  }
  return false;
}

/**
 * `reader`, analyzed again, now reads `name`, which it did not read before. If `name`'s
 * value was computed from `reader`'s old value (its recorded reads lead back to the
 * reader), that value is stale and the new edge closes a cycle: the values on the way
 * back are returned, to be analyzed again so the cycle is found as a fresh build finds
 * it. Only values from earlier updates can be stale, so each is walked once.
 */
export function staleValuesOnNewEdge(ctx: CycleContext, reader: Unit, name: NameId): Unit[] {
  const start = ctx.valueOf(name);
  // Values analyzed in this update saw the reader's new state (or found the cycle).
  if (!start || start === reader || start.analyzedIn === ctx.update()) return [];
  const forward = new Set<Unit>([start]);
  const work = [start];
  let reachesReader = false;
  while (work.length > 0) {
    const reads = work.pop()!.deps;
    for (let i = 0, n = readCount(reads); i < n; i++) {
      const v = ctx.valueOf(readAt(reads, i));
      if (!v || forward.has(v)) continue;
      if (v === reader) {
        reachesReader = true;
        continue;
      }
      if (v.analyzedIn === ctx.update()) continue;
      forward.add(v);
      work.push(v);
    }
  }
  if (!reachesReader) return [];
  // The values between `name` and the reader: those of `forward` that read the reader, or one of them.
  const back = [reader];
  const onCycle = new Set<Unit>();
  while (back.length > 0) {
    for (const dependant of ctx.dependantsOf(back.pop()!.decl.nameId)) {
      if (!forward.has(dependant) || onCycle.has(dependant)) continue;
      onCycle.add(dependant);
      back.push(dependant);
    }
  }
  return [...onCycle];
}
