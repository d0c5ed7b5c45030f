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

export type UnitKind = 'value' | 'body';

export interface Unit {
  kind: UnitKind;
  decl: DeclState;
  /** True when the unit must be analyzed (again) before its results may be used. */
  outdated: boolean;
  /** True once it has been analyzed at least once. */
  analyzed: boolean;
  /** Decl names read by the last analysis, without repeats. */
  deps: string[];
  errors: SemaError[];
  data: DataAtom[];
  /** Value units: the value, null when analysis failed. */
  typedValue: TypedValue | null;
  /** Value units of `export(...)` decls. */
  exportEntry: { symbolName: string; declName: string; offset: number } | null;
  /** Body units: the AIR, null when the body has errors. */
  air: AirFunction | null;
}

export interface DeclState {
  name: string;
  /** Absolute span in the current source. */
  start: number;
  end: number;
  /** The parsed tree, held only during the update that uses it (see Compilation.astOf). */
  ast: Decl | null;
  /** An `export(...)` decl: a root of the build. */
  isExport: boolean;
  value: Unit;
  body: Unit;
  /** Removed from the source in this compilation's life: its units must not be used. */
  deleted: boolean;
}

export function newUnit(kind: UnitKind, decl: DeclState): Unit {
  return {
    kind,
    decl,
    outdated: true,
    analyzed: false,
    deps: [],
    errors: [],
    data: [],
    typedValue: null,
    exportEntry: null,
    air: null,
  };
}

export function newDeclState(name: string, start: number, end: number, isExport: boolean): DeclState {
  const decl = { name, start, end, ast: null, isExport, deleted: false } as DeclState;
  decl.value = newUnit('value', decl);
  decl.body = newUnit('body', decl);
  return decl;
}

/** Reverse dependency edges: decl name → units that read it (the name may not exist). */
export class DependencyGraph {
  private readonly dependants = new Map<string, Set<Unit>>();

  /** Replace the recorded reads of `unit` with `deps`. */
  setDeps(unit: Unit, deps: string[]): void {
    for (const name of unit.deps) this.dependants.get(name)?.delete(unit);
    unit.deps = deps;
    for (const name of deps) {
      let set = this.dependants.get(name);
      if (!set) this.dependants.set(name, (set = new Set()));
      set.add(unit);
    }
  }

  dependantsOf(name: string): Iterable<Unit> {
    return this.dependants.get(name) ?? [];
  }

  forget(unit: Unit): void {
    this.setDeps(unit, []);
  }
}
