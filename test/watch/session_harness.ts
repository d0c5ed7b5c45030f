// Helpers for driving a WatchSession in-process: a recording builder whose updates can be
// held open, and a reporter that records events and lets a test wait for one.
import type { UpdateResult } from '../../src/compile/Compilation.js';
import type { CompileError } from '../../src/compile/errors.js';
import type { BuildOutcome, Builder } from '../../src/cli/watch/builder.js';
import type { WatchEvent } from '../../src/cli/watch/events.js';
import type { Reporter } from '../../src/cli/watch/reporter.js';

export function okResult(declsAnalyzed = 1): UpdateResult {
  return {
    ok: true,
    errors: [],
    stats: {
      declsParsed: declsAnalyzed,
      declsAnalyzed,
      functionsGenerated: 0,
      declsDeleted: 0,
      bytesWritten: 0,
      timings: { readMs: 0, splitMs: 0, parseMs: 0, analyzeMs: 0, codegenMs: 0, linkMs: 0, totalMs: 0 },
    },
  };
}

/** The parser's error for a source cut short, at its end. */
export function eofError(offset: number): CompileError {
  return { path: 'main.zir', line: 1, col: offset + 1, offset, message: 'unexpected EOF', rendered: `main.zir:1:${offset + 1}: error: unexpected EOF` };
}

/** Records every source it is given; `hold()` makes the next updates wait until `release()`. */
export class RecordingBuilder implements Builder {
  readonly sources: string[] = [];
  closed = false;
  updatesInFlight = 0;
  private gate: Promise<void> | null = null;
  private openGate: () => void = () => {};
  outcome: (source: string) => BuildOutcome = () => ({ kind: 'result', result: okResult() });
  private startedWaiters: Array<() => void> = [];

  hold(): void {
    this.gate = new Promise((r) => (this.openGate = r));
  }

  release(): void {
    this.gate = null;
    this.openGate();
  }

  /** Resolves when an update has started (and is possibly held). */
  nextStart(): Promise<void> {
    return new Promise((r) => this.startedWaiters.push(r));
  }

  async update(source: Buffer): Promise<BuildOutcome> {
    if (this.closed) throw new Error('update after close');
    const text = source.toString('utf8');
    this.sources.push(text);
    this.updatesInFlight++;
    for (const w of this.startedWaiters.splice(0)) w();
    try {
      if (this.gate) await this.gate;
      return this.outcome(text);
    } finally {
      this.updatesInFlight--;
    }
  }

  async close(): Promise<void> {
    if (this.updatesInFlight > 0) throw new Error('close during an update');
    this.closed = true;
  }
}

export class RecordingReporter implements Reporter {
  readonly events: WatchEvent[] = [];
  private waiters: Array<{ pred: (e: WatchEvent) => boolean; resolve: (e: WatchEvent) => void }> = [];
  begins = 0;
  ends = 0;

  report(e: WatchEvent): void {
    this.events.push(e);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(e)) return true;
      w.resolve(e);
      return false;
    });
  }

  updateBegins(): void {
    this.begins++;
  }

  updateEnds(): void {
    this.ends++;
  }

  /** The first event from now on (or already recorded after index `since`) matching `pred`. */
  waitFor(pred: (e: WatchEvent) => boolean, since = this.events.length, timeoutMs = 10_000): Promise<WatchEvent> {
    const seen = this.events.slice(since).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; events: ${JSON.stringify(this.kinds())}`)), timeoutMs);
      this.waiters.push({
        pred,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  updates(): Array<Extract<WatchEvent, { kind: 'update' }>> {
    return this.events.filter((e): e is Extract<WatchEvent, { kind: 'update' }> => e.kind === 'update');
  }

  kinds(): string[] {
    return this.events.map((e) => e.kind);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
