//! The shape of the bench's machine-readable results (`bench/results/<date>.json`):
//! one `ConfigResult` per (shape, size, target), plus the machine, the tools, the
//! front-end throughput and the watch latency. `report.ts` renders the same data.

import type { MachineInfo } from './machine.js';
import type { Summary } from './stats.js';
import type { TargetName } from '../compile/target.js';
import type { LinkBenchFigures } from './link_bench.js';

/** One series of edits of one kind on one program. */
export interface EditSeries {
  count: number;
  /** Updates that reported errors (must be 0). */
  failures: number;
  /** The source file changed (the editor's write returned) → update() returned: the output is on disk (update flushes). */
  totalMs: Summary;
  /** The editor's write of the edited source, before the clock of totalMs starts. */
  writeMs: Summary;
  /** stats.timings.readMs: update() reading the source file back. */
  readMs?: Summary;
  /** stats.timings.totalMs: update() as the compiler clocks itself. */
  updateMs: Summary;
  splitMs: Summary;
  parseMs: Summary;
  /** stats.timings.analyzeMs: analysis alone. */
  analyzeMs: Summary;
  /** stats.timings.linkMs: code generation, placement and flush. */
  linkMs: Summary;
  /** Time inside Linker.updateFunc/updateData/deleteSymbol/updateExports (codegen + placement). */
  placeMs: Summary;
  /** Time inside Linker.flush (writing the file). */
  flushMs: Summary;
  bytesWritten: Summary;
  functionsGenerated: Summary;
  declsAnalyzed: Summary;
  /** Constant edits: how many functions use the edited constant. */
  constantUsers?: number;
  /** The first error message seen, if any update failed. */
  firstError?: string;
}

export interface CEditSeries {
  count: number;
  /** Units recompiled per edit. */
  unitsCompiled: Summary;
  compileMs: Summary;
  /** Per linker: compile + link of that linker, the edit's whole cost. */
  totalMs: Record<string, Summary>;
  linkMs: Record<string, Summary>;
  /** zirc's edits of the same series, each followed by the C edit (the side the ratio compares with). */
  zircAlongside?: EditSeries;
}

export interface CComparison {
  skipped?: string;
  units?: number;
  fullBuild?: { compileMs: number; linkMs: Record<string, number>; jobs: number };
  bodyEdit?: CEditSeries;
  constEdit?: CEditSeries;
  /** The C twin's output (first linker) against zirc's: the same stdout and exit status. */
  outputsAgree?: boolean | null;
  error?: string;
}

export interface ConfigResult {
  shape: string;
  functions: number;
  target: TargetName;
  sourceBytes: number;
  fullBuild?: {
    ok: boolean;
    ms: number;
    maxRssMiB: number;
    outputBytes: number;
    declsAnalyzed: number;
    functionsGenerated: number;
    timings: Record<string, number>;
    firstError?: string;
  };
  bodyEdit?: EditSeries;
  constEdit?: EditSeries;
  /** zirc's output after all edits runs and exits like a fresh build would (exit status, stdout bytes). */
  run?: { exitCode: number; stdoutBytes: number; matchesExpected: boolean; matchesFreshBuild: boolean | null };
  c?: CComparison;
  error?: string;
  wallMs: number;
}

export interface FrontEndFigures {
  skipped?: string;
  /** Whatever parse_bench.ts returns (MB/s figures), kept as given. */
  figures?: Record<string, unknown>;
  parseMBps?: number | null;
  splitMBps?: number | null;
}

export interface WatchFigures {
  skipped?: string;
  figures?: Record<string, unknown>;
  p50Ms?: number | null;
  p95Ms?: number | null;
}

export interface BenchResults {
  date: string;
  /** How the run was started. */
  command?: string;
  commit: string | null;
  machine: MachineInfo;
  tools: Record<string, string | null>;
  plan: {
    sizes: number[];
    shapes: string[];
    targets: TargetName[];
    bodyEdits: number;
    constEdits: number;
    functionsPerUnit: number;
    excluded?: Array<{ shape: string; functions: number; reason: string }>;
  };
  commands: Record<string, string | string[]>;
  configs: ConfigResult[];
  frontEnd: FrontEndFigures;
  watch: WatchFigures;
  /** The same at 100k functions, when the plan's sizes reach 100k. */
  watchLarge?: WatchFigures;
  /** zirc ld's full link of the C twin against ld.lld and mold (link_bench.ts). */
  link?: LinkBenchFigures;
  wallSeconds: number;
}
