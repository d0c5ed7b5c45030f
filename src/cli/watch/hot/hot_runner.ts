//! `--run --hot`: the program runs from a copy of the output (Linux will not let the
//! compiler write an executable that is running: ETXTBSY), and after each good update the
//! change is swapped into it when it can be (process_memory.ts) instead of restarting it.
//! When it cannot (the plan's blocker, a write outside what the process mapped, a failed
//! write), the program is stopped and started again from a fresh copy, as `--run` does.
//! The session asks `takeEpoch` before each update, so the linker knows from which output
//! the running process started.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HotSwapPlan } from '../../../link/elf/hot_swap_log.js';
import type { HotOutcome, WatchEvent } from '../events.js';
import { ProgramRunner, startProgram, type StartProgram } from '../program_runner.js';
import type { HotControl, Runner } from '../watch_session.js';
import { checkMapped, processState, writeIntoProcess } from './process_memory.js';

export interface HotRunnerOptions {
  /** The output the compiler patches. */
  outputPath: string;
  /** How reports name it. */
  displayOutput: string;
  /** Report the program's output as events (--json). */
  capture: boolean;
  report: (e: WatchEvent) => void;
  start?: StartProgram;
}

export class HotRunner implements Runner, HotControl {
  /** The session keeps the program running while an update writes the output, and asks this runner what to do after it. */
  readonly hot: HotControl = this;
  /** The private directory of the copy (made by the first `run`, removed by `stop`). */
  private dir: string | null = null;
  private readonly copyName: string;
  private readonly inner: ProgramRunner;
  private readonly outputPath: string;
  /** A program was started from the output since the last update. */
  private startedSinceUpdate = false;

  constructor(opts: HotRunnerOptions) {
    this.outputPath = opts.outputPath;
    this.copyName = path.basename(opts.outputPath);
    // The runner starts whatever `copy` names now: the copy in this runner's directory.
    const start = opts.start ?? startProgram;
    this.inner = new ProgramRunner(this.copyName, 'x86_64-linux', opts.capture, opts.report, (_p, target, sink) => start(this.copy(), target, sink), opts.displayOutput);
  }

  /** Whether the coming update starts from the output a running process has (or no process runs). */
  takeEpoch(): boolean {
    const fresh = this.startedSinceUpdate || this.inner.pid === null;
    this.startedSinceUpdate = false;
    return fresh;
  }

  /**
   * After a good update: swaps `plan` into the running program, or stops it (the session
   * then calls `run`) and says why. `plan` is absent when the compiler could not make one.
   */
  async apply(plan: HotSwapPlan | undefined): Promise<HotOutcome> {
    const pid = this.inner.pid;
    if (pid === null) return { action: 'started' };
    const state = processState(pid);
    if (state === null || state === 'Z' || state === 'X') {
      // It has just ended (not yet reported): let its end be reported, then it starts again.
      await this.inner.stop();
      return { action: 'started' };
    }
    const t0 = performance.now();
    const reason = plan ? (plan.blocker ?? checkMapped(pid, plan.writes)) : 'the compiler made no swap plan';
    const mapsMs = performance.now() - t0;
    if (reason === null && plan) {
      const bytes = plan.writes.reduce((n, w) => n + w.bytes.length, 0);
      if (plan.writes.length === 0) return { action: 'swapped', pid, functions: 0, slots: 0, bytes: 0, swapMs: 0 };
      try {
        const t = writeIntoProcess(pid, plan.writes);
        const swapMs = t.stopMs + t.writeMs + t.continueMs;
        this.inner.swapped();
        return { action: 'swapped', pid, functions: plan.functions, slots: plan.slots, bytes, swapMs, steps: { mapsMs, ...t } };
      } catch (err) {
        await this.inner.stop();
        return { action: 'restarted', pid, reason: `the swap failed: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    await this.inner.stop();
    return { action: 'restarted', pid, reason: reason ?? 'unknown' };
  }

  /** Starts the output of `update` from a fresh copy. */
  run(update: number): void {
    try {
      this.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-hot-'));
      const copy = this.copy();
      fs.rmSync(copy, { force: true }); // a copy still mapped by an ended process is only unlinked
      fs.copyFileSync(this.outputPath, copy);
      fs.chmodSync(copy, 0o755);
    } catch {
      // The program's start reports what is wrong (the copy is missing).
    }
    this.startedSinceUpdate = true;
    this.inner.run(update);
  }

  /** Stops the program and removes the copy (a later `run` makes a new one). */
  async stop(): Promise<void> {
    await this.inner.stop();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  /** Where the copy the program runs from is. */
  private copy(): string {
    return path.join(this.dir ?? os.tmpdir(), this.copyName);
  }
}
