//! What a watch session tells its user, as data: one `WatchEvent` per thing that happened
//! (the session started, an update finished, the source went away or came back, the
//! program started, wrote output or ended, the session is stopping). The session produces them; the
//! text and JSON formatters (format.ts) and the reporter (reporter.ts) turn them into output.

import type { UpdateResult } from '../../compile/Compilation.js';
import type { TargetName } from '../../compile/target.js';

export type ProgramStream = 'stdout' | 'stderr';

/** What `--run --hot` did with the running program after a good update. */
export type HotOutcome =
  /** The changes were written into the running process `pid`. */
  | {
      action: 'swapped';
      pid: number;
      functions: number;
      slots: number;
      bytes: number;
      /** SIGSTOP to SIGCONT. */
      swapMs: number;
      /** The steps: reading the process's mappings, stopping it, writing, letting it go on. */
      steps?: { mapsMs: number; stopMs: number; writeMs: number; continueMs: number };
    }
  /** They could not be swapped: process `pid` was stopped and the program starts again. */
  | { action: 'restarted'; pid: number; reason: string }
  /** No program was running: it starts. */
  | { action: 'started' };

export type WatchEvent =
  | { kind: 'start'; source: string; output: string; target: TargetName; run: boolean; hot?: boolean }
  | { kind: 'update_start'; update: number }
  | {
      kind: 'update';
      update: number;
      result: UpdateResult;
      /** wall time from reading the source to the result */
      wallMs: number;
      /** `--run --hot`: what became of the running program (good updates only). */
      hot?: HotOutcome;
    }
  | { kind: 'source_missing'; source: string; reason: 'absent' | 'removed' }
  | { kind: 'source_back'; source: string }
  | { kind: 'run_start'; update: number; output: string }
  /** A piece of the program's output, as it arrives (only with --json; otherwise it passes straight through). */
  | { kind: 'run_output'; update: number; stream: ProgramStream; data: Buffer }
  /** The program wrote more on `stream` than is forwarded per run; sent once, when it has ended. */
  | { kind: 'run_output_dropped'; update: number; stream: ProgramStream; forwardedBytes: number; droppedBytes: number }
  | {
      kind: 'run_exit';
      update: number;
      /** The exit status; 128 + signal number for a program ended by a signal; -1 if it could not start. */
      exitCode: number;
      signal: string | null;
      /** True when zirc stopped it (a newer update, or the end of the session). */
      killed: boolean;
      /** Set when the program could not be started at all. */
      error: string | null;
    }
  | { kind: 'internal_error'; update: number; message: string }
  | { kind: 'stopping'; signal: string }
  | { kind: 'stopped' };

/** The facts of an update's statistics that both output formats show. */
export function updateFacts(e: Extract<WatchEvent, { kind: 'update' }>) {
  const s = e.result.stats;
  return {
    declsParsed: s.declsParsed,
    declsAnalyzed: s.declsAnalyzed,
    functionsGenerated: s.functionsGenerated,
    declsDeleted: s.declsDeleted,
    bytesWritten: s.bytesWritten,
    ms: s.timings.totalMs,
  };
}
