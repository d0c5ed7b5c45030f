//! Analysis units and the dependency graph between them.
//!
//! Each decl has two units: its *value* (the comptime value, for a `fn` decl its type and
//! identity) and, for functions, its *body* (AIR). A unit records the decl names it read
//! while it was analyzed; the reverse edges (`dependants`) say which units must be
//! analyzed again when a decl's value changes. A body edit that keeps a function's type
//! leaves the function's value unchanged, so its callers are not touched.

import type { Decl } from '../zir/ast.js';
import type { DataAtom, AirFunction } from '../sema/air.js';
import type { SemaError, TypedValue } from '../sema/api.js';
import type { NameId } from '../zir/intern.js';
import type { Ordered } from './decl_order.js';
import { OrderBlock, endOf, startOf } from './decl_order.js';

export type UnitKind = 'value' | 'body';

export interface Unit {
  readonly kind: UnitKind;
  readonly decl: DeclState;
  /** True when the unit must be analyzed (again) before its results may be used. */
  outdated: boolean;
  /** True once it has been analyzed at least once. */
  analyzed: boolean;
  /** Decl names read by the last analysis, as the compilation's name ids, without repeats (see `Reads`). */
  deps: Reads;
  /** The update (Compilation's count) of the last analysis, 0 before the first. */
  analyzedIn: number;
  /** Empty: `NONE`, shared (most units of a build have neither errors nor data). */
  errors: readonly SemaError[];
  data: readonly DataAtom[];
  /** Value units: the value, null when analysis failed. */
  typedValue: TypedValue | null;
  /** Value units of `export(...)` decls. */
  exportEntry: { symbolName: string; declName: string; offset: number } | null;
  /**
   * Body units: the AIR, null when the body has errors, and (unless the compilation
   * retains AIR) once the function's code is generated: what the linker needs is `code`.
   */
  air: AirFunction | null;
  /** Body units of functions: the symbol name of the function, null when there is none. */
  functionName: string | null;
  /**
   * Body units: the target's code for the last good analysis (the linker's input), from
   * when it is generated until the linker has taken it (Compilation.link), null otherwise.
   */
  code: unknown;
  // The driver's and reachability's state of the unit, kept on it rather than in maps and
  // sets keyed by units (200k units at 100k functions): a field costs a load, a map a hash.
  /** In the build (reachability.ts). */
  reachable: boolean;
  /** Reachable units whose counted successors include this one, plus one for a root (reachability.ts). */
  referrers: number;
  /** The successors this unit was counted with while reachable (one as the unit itself), null when not (reachability.ts). */
  counted: Unit | readonly Unit[] | null;
  /** Being analyzed, or suspended waiting for a dependency (Compilation). */
  inProgress: boolean;
  /** Waiting in a `UnitSet` (the units to reconcile with the linker). */
  queued: boolean;
  /** The symbol names the unit has in the linker: one as a string, several as an array. */
  linked: string | string[] | null;
}

/**
 * The decl names a unit read: one as its id, more as an exactly sized array (`kept`).
 * Most units read one name (a function's value its type, a `chain` body its callee): at
 * 100k functions that is 200k arrays fewer.
 */
export type Reads = NameId | readonly NameId[];

export function readCount(r: Reads): number {
  return typeof r === 'number' ? 1 : r.length;
}

export function readAt(r: Reads, i: number): NameId {
  return typeof r === 'number' ? r : r[i]!;
}

/**
 * `list[index] = value` for a list indexed by name id, kept packed (no holes): ids come
 * in about the order they were interned, so the list grows at its end.
 */
export function setDense<T>(list: Array<T | undefined>, index: number, value: T): void {
  while (list.length < index) list.push(undefined);
  list[index] = value;
}

/** The empty list every unit without errors or data shares (200k units at 100k functions). */
export const NONE: readonly never[] = Object.freeze([]);

/**
 * A list as a unit keeps it: `NONE` when empty, else a copy of exactly its length. A list
 * built by `push` has room for 17 or more entries from its first push (about 180 bytes
 * for one of two or three names); held for each of 200k units, that slack was a fifth
 * of a 100k-function build's heap, and the young-generation collector copied it.
 */
export function kept<T>(list: readonly T[]): readonly T[] {
  return list.length === 0 ? NONE : list.slice();
}

/** Where a decl is before a `DeclOrder` places it. */
const NOT_PLACED = new OrderBlock(0, []);

/** A top-level decl of the source; its span is kept by the `DeclOrder` that holds it. */
export class DeclState implements Ordered {
  /** The parsed tree, held only during the update that uses it (see Compilation.astOf). */
  ast: Decl | null = null;
  /** Removed from the source in this compilation's life: its units must not be used. */
  deleted = false;
  /** The update that last analyzed one of its units (Compilation's count), for the count of decls analyzed. */
  analyzedIn = 0;
  readonly value: Unit;
  readonly body: Unit;
  block = NOT_PLACED;
  relStart = 0;
  relEnd = 0;

  constructor(
    readonly name: string,
    /** `name`'s id in the compilation's name table. */
    readonly nameId: NameId,
    /** An `export(...)` decl: a root of the build. */
    public isExport: boolean,
  ) {
    this.value = newUnit('value', this);
    this.body = newUnit('body', this);
  }

  /** Absolute span in the current source. */
  get start(): number {
    return startOf(this);
  }

  get end(): number {
    return endOf(this);
  }
}

export function newUnit(kind: UnitKind, decl: DeclState): Unit {
  return new UnitRecord(kind, decl);
}

const IS_BODY = 1;
const OUTDATED = 2;
const ANALYZED = 4;
const REACHABLE = 8;
const IN_PROGRESS = 16;
const QUEUED = 32;

/**
 * A unit as the compilation keeps it: its kind and five flags share one small integer
 * (six fields fewer on each of 200k units at 100k functions, 9 MB), read and written
 * through accessors that read as the fields of `Unit`.
 */
class UnitRecord implements Unit {
  // Resolving a name reads the flags and the value: declared side by side, they share a
  // cache line (resolving misses the cache on most of 100k units).
  private bits: number;
  typedValue: TypedValue | null = null;
  deps: Reads = NONE;
  analyzedIn = 0;
  errors: readonly SemaError[] = NONE;
  data: readonly DataAtom[] = NONE;
  exportEntry: { symbolName: string; declName: string; offset: number } | null = null;
  air: AirFunction | null = null;
  functionName: string | null = null;
  code: unknown = null;
  referrers = 0;
  counted: Unit | readonly Unit[] | null = null;
  linked: string | string[] | null = null;

  constructor(
    kind: UnitKind,
    readonly decl: DeclState,
  ) {
    this.bits = (kind === 'body' ? IS_BODY : 0) | OUTDATED;
  }

  private setBit(bit: number, on: boolean): void {
    this.bits = on ? this.bits | bit : this.bits & ~bit;
  }

  get kind(): UnitKind {
    return (this.bits & IS_BODY) !== 0 ? 'body' : 'value';
  }

  get outdated(): boolean {
    return (this.bits & OUTDATED) !== 0;
  }
  set outdated(on: boolean) {
    this.setBit(OUTDATED, on);
  }

  get analyzed(): boolean {
    return (this.bits & ANALYZED) !== 0;
  }
  set analyzed(on: boolean) {
    this.setBit(ANALYZED, on);
  }

  get reachable(): boolean {
    return (this.bits & REACHABLE) !== 0;
  }
  set reachable(on: boolean) {
    this.setBit(REACHABLE, on);
  }

  get inProgress(): boolean {
    return (this.bits & IN_PROGRESS) !== 0;
  }
  set inProgress(on: boolean) {
    this.setBit(IN_PROGRESS, on);
  }

  get queued(): boolean {
    return (this.bits & QUEUED) !== 0;
  }
  set queued(on: boolean) {
    this.setBit(QUEUED, on);
  }
}

/**
 * A set of units in the order they were first added, marked on the units themselves
 * (`queued`): adding is a field test, not a hash. One per flag: a unit is in at most one.
 */
export class UnitSet implements Iterable<Unit> {
  private units: Unit[] = [];

  add(u: Unit): void {
    if (u.queued) return;
    u.queued = true;
    this.units.push(u);
  }

  get size(): number {
    return this.units.length;
  }

  [Symbol.iterator](): Iterator<Unit> {
    return this.units[Symbol.iterator]();
  }

  clear(): void {
    for (const u of this.units) u.queued = false;
    this.units = [];
  }
}


const NO_UNITS: readonly Unit[] = [];

/**
 * Up to this many dependants of a name are kept in an array; more in a Set. An array of
 * a few dozen takes a fifth of a Set's memory (10k such names at 100k `constants`), and
 * only taking a reader out (an edit) searches it.
 */
const SMALL_DEPENDANTS = 128;

/**
 * Reverse dependency edges: decl name (its id) → units that read it (the name may not
 * exist), in the order they started reading it, in an array indexed by the id: a read
 * costs an index, not a string hash. Most names have a few readers: those are kept in a
 * small array, which takes a fraction of a Set's memory (at 100k functions, 200k names);
 * a name read by many (a type every function uses) gets a Set.
 */
function isOneUnit(readers: Unit | Unit[] | Set<Unit>): readers is Unit {
  return readers instanceof UnitRecord;
}

export class DependencyGraph {
  /**
   * The readers of each name, by its id: one reader as itself (most names of a program
   * have one: at 100k functions, 100k one-element arrays fewer), a few in an array, many
   * (`SMALL_DEPENDANTS`) in a Set.
   */
  private readonly dependants: Array<Unit | Unit[] | Set<Unit> | undefined> = [];

  /** Replace the recorded reads of `unit` with `deps`. */
  setDeps(unit: Unit, deps: readonly NameId[]): void {
    const old = unit.deps;
    for (let i = 0, n = readCount(old); i < n; i++) this.remove(readAt(old, i), unit);
    unit.deps = deps.length === 1 ? deps[0]! : kept(deps);
    for (const name of deps) this.add(name, unit);
  }

  dependantsOf(name: NameId): Iterable<Unit> {
    const readers = this.dependants[name];
    return readers === undefined ? NO_UNITS : isOneUnit(readers) ? [readers] : readers;
  }

  /**
   * The units that read `name`, as a copy the caller may walk while it changes the graph
   * (marking them outdated does); the shared empty array when there are none, which is
   * every name of a full build.
   */
  dependantsCopy(name: NameId): readonly Unit[] {
    const readers = this.dependants[name];
    if (readers === undefined) return NO_UNITS;
    if (isOneUnit(readers)) return [readers];
    return readers instanceof Set ? [...readers] : readers.slice();
  }

  private add(name: NameId, unit: Unit): void {
    const dependants = this.dependants;
    // `unit` is not among them: setDeps took it out of every name first, and deps has no repeats.
    const readers = dependants[name];
    if (readers === undefined) setDense(dependants, name, unit);
    else if (isOneUnit(readers)) dependants[name] = [readers, unit];
    else if (readers instanceof Set) readers.add(unit);
    else if (readers.length < SMALL_DEPENDANTS) readers.push(unit);
    else dependants[name] = new Set([...readers, unit]);
  }

  private remove(name: NameId, unit: Unit): void {
    const readers = this.dependants[name];
    if (readers === undefined) return;
    if (isOneUnit(readers)) {
      if (readers === unit) this.dependants[name] = undefined;
    } else if (readers instanceof Set) readers.delete(unit);
    else {
      const i = readers.indexOf(unit);
      if (i >= 0) readers.splice(i, 1);
    }
  }

  forget(unit: Unit): void {
    this.setDeps(unit, []);
  }
}
