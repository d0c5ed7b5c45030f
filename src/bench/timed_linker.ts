//! A `Linker` that forwards every call to the target's real in-place linker and clocks
//! the two halves of a link: placement (`updateFunc`/`updateData`/
//! `deleteSymbol`/`updateExports`) and the flush that writes the file. `Compilation`
//! accepts it through `linkerFactory`, so the bench splits `linkMs` without touching the
//! compiler.

import type { DataAtom } from '../sema/air.js';
import type { ExportEntry, FlushReport, Linker } from '../link/Linker.js';
import { openLinker } from '../node/compilation_files.js';
import type { TargetName } from '../compile/target.js';
import type { NameTable } from '../zir/intern.js';

export interface LinkClock {
  /** Milliseconds in updateFunc/updateData/deleteSymbol/updateExports since the last `take`. */
  placeMs: number;
  /** Milliseconds in flush since the last `take`. */
  flushMs: number;
  /** The last flush's report, if a flush happened since the last `take`. */
  lastFlush: FlushReport | null;
}

export class TimedLinker implements Linker {
  private clock: LinkClock = { placeMs: 0, flushMs: 0, lastFlush: null };

  constructor(private readonly inner: Linker) {}

  static factory(sink: (l: TimedLinker) => void): (outputPath: string, target: TargetName, declNames: NameTable) => Linker {
    return (outputPath, target, declNames) => {
      const l = new TimedLinker(openLinker(outputPath, target, declNames));
      sink(l);
      return l;
    };
  }

  /** The figures since the previous call, and a fresh start. */
  take(): LinkClock {
    const c = this.clock;
    this.clock = { placeMs: 0, flushMs: 0, lastFlush: null };
    return c;
  }

  updateFunc(name: string, code: unknown): void {
    const t = performance.now();
    try {
      this.inner.updateFunc(name, code);
    } finally {
      this.clock.placeMs += performance.now() - t;
    }
  }

  updateData(atom: DataAtom): void {
    const t = performance.now();
    try {
      this.inner.updateData(atom);
    } finally {
      this.clock.placeMs += performance.now() - t;
    }
  }

  deleteSymbol(name: string): void {
    const t = performance.now();
    try {
      this.inner.deleteSymbol(name);
    } finally {
      this.clock.placeMs += performance.now() - t;
    }
  }

  updateExports(exports: readonly ExportEntry[]): void {
    const t = performance.now();
    try {
      this.inner.updateExports(exports);
    } finally {
      this.clock.placeMs += performance.now() - t;
    }
  }

  flush(): FlushReport {
    const t = performance.now();
    try {
      const r = this.inner.flush();
      this.clock.lastFlush = r;
      return r;
    } finally {
      this.clock.flushMs += performance.now() - t;
    }
  }

  close(): void {
    this.inner.close();
  }
}
