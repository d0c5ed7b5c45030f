//! `--run`: runs the output after each good update, at most one program at a time. The
//! program's stdout and stderr pass straight through (with `--json` they are captured
//! and reported in its `exit` object, so stdout stays one JSON object per line). Before
//! the next update writes the output, the session stops the program still running.

import type { RunResult, RunningProgram } from '../../compile/run_output.js';
import { startOutput } from '../../compile/run_output.js';
import type { TargetName } from '../../compile/target.js';
import type { WatchEvent } from './events.js';

export type StartProgram = (outputPath: string, target: TargetName, capture: boolean) => RunningProgram;

export const startProgram: StartProgram = (outputPath, target, capture) =>
  startOutput(outputPath, target, { stdio: capture ? 'pipe' : 'inherit' });

interface Current {
  update: number;
  program: RunningProgram;
  killed: boolean;
  done: Promise<void>;
}

export class ProgramRunner {
  private current: Current | null = null;

  constructor(
    private readonly outputPath: string,
    private readonly target: TargetName,
    private readonly capture: boolean,
    private readonly report: (e: WatchEvent) => void,
    private readonly start: StartProgram = startProgram,
    /** How reports name the output (default: `outputPath`). */
    private readonly displayOutput: string = outputPath,
  ) {}

  get running(): boolean {
    return this.current !== null;
  }

  /** Starts the output of `update` (stop the previous program first). */
  run(update: number): void {
    if (this.current) throw new Error('ProgramRunner.run: a program is still running');
    this.report({ kind: 'run_start', update, output: this.displayOutput });
    let program: RunningProgram;
    try {
      program = this.start(this.outputPath, this.target, this.capture);
    } catch (err) {
      this.report(failedToStart(update, err));
      return;
    }
    const current: Current = { update, program, killed: false, done: Promise.resolve() };
    current.done = program.result.then(
      (r) => this.finished(current, r),
      (err) => this.failed(current, err),
    );
    this.current = current;
  }

  /** Kills the running program, if any, and waits until it has ended and been reported. */
  async stop(): Promise<void> {
    const c = this.current;
    if (!c) return;
    c.killed = true;
    c.program.kill();
    await c.done;
  }

  private finished(c: Current, r: RunResult): void {
    if (this.current === c) this.current = null;
    this.report({
      kind: 'run_exit',
      update: c.update,
      exitCode: r.exitCode,
      signal: r.signal,
      killed: c.killed,
      error: null,
      stdout: this.capture ? r.stdout : null,
      stderr: this.capture ? r.stderr : null,
    });
  }

  private failed(c: Current, err: unknown): void {
    if (this.current === c) this.current = null;
    this.report(failedToStart(c.update, err));
  }
}

function failedToStart(update: number, err: unknown): WatchEvent {
  return {
    kind: 'run_exit',
    update,
    exitCode: -1,
    signal: null,
    killed: false,
    error: err instanceof Error ? err.message : String(err),
    stdout: null,
    stderr: null,
  };
}
