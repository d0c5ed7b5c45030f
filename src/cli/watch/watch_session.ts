//! The watch loop: turns "the source may have changed" notices into compiler updates.
//!
//! Notices are debounced (a few ms) so a burst of writes makes one update; then the file
//! is read as a snapshot and built only if it is a save not built yet. After every
//! update the file is read again, so a change made while the update ran is built next
//! (never lost, even when the watcher's own event for it was dropped). A file that is
//! gone (after a grace period, to let delete-then-write saves finish) is reported and
//! waited for; when it is back it is built. `stop()` lets a running update finish, stops
//! the program, and closes the compilation, so the output on disk is always complete.

import { errorWithoutPosition } from '../../compile/errors.js';
import { emptyStats } from '../../compile/update_stats.js';
import type { UpdateResult } from '../../compile/Compilation.js';
import type { Builder } from './builder.js';
import type { Reporter } from './reporter.js';
import type { SourceSnapshot } from './source_snapshot.js';
import { readSnapshot, sameSave } from './source_snapshot.js';

/** What the session needs of `--run` (program_runner.ts). */
export interface Runner {
  run(update: number): void;
  stop(): Promise<void>;
}

export interface WatchSessionOptions {
  /** The file to read. */
  sourcePath: string;
  /** How the file is named in reports and errors. */
  displayPath: string;
  builder: Builder;
  reporter: Reporter;
  runner?: Runner | null;
  /** Quiet time after the last notice before the file is read. */
  debounceMs?: number;
  /** How long a vanished file may stay away before it is reported as deleted. */
  missingGraceMs?: number;
}

const MISSING_POLL_MS = 500;

type CheckOutcome = 'built' | 'settled' | 'retry_soon' | 'retry_after_grace';

export class WatchSession {
  private readonly debounceMs: number;
  private readonly missingGraceMs: number;
  private timer: NodeJS.Timeout | null = null;
  /** The running sequence of checks and updates, if any. */
  private driving: Promise<void> | null = null;
  private kickedWhileDriving = false;
  private stopping: Promise<void> | null = null;
  private updates = 0;
  /** The last snapshot given to the compiler. */
  private built: SourceSnapshot | null = null;
  private missing = false;
  /** When the file was first found gone (0: it is not). */
  private goneSince = 0;
  private everSeen = false;
  /** While the source is missing: a slow poll, in case no file-system event tells us it is back. */
  private missingPoll: NodeJS.Timeout | null = null;

  constructor(private readonly opts: WatchSessionOptions) {
    this.debounceMs = opts.debounceMs ?? 5;
    this.missingGraceMs = opts.missingGraceMs ?? 150;
  }

  /** Number of updates run so far. */
  get updateCount(): number {
    return this.updates;
  }

  /** The first build (or the report that the file is not there yet). */
  start(): void {
    this.kick();
  }

  /** The file may have changed: look at it after a short quiet time. */
  notice(): void {
    if (this.stopping) return;
    this.arm(this.debounceMs);
  }

  /** Ends the session cleanly: the update in progress finishes, then everything is closed. */
  stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  private async shutDown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopMissingPoll();
    await this.driving;
    await this.opts.runner?.stop();
    await this.opts.builder.close();
  }

  private arm(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, ms);
  }

  private kick(): void {
    if (this.stopping) return;
    if (this.driving) {
      this.kickedWhileDriving = true; // the running drive looks at the file again before it ends
      return;
    }
    this.driving = this.drive().finally(() => {
      this.driving = null;
    });
  }

  private async drive(): Promise<void> {
    let afterUpdate = false;
    while (!this.stopping) {
      this.kickedWhileDriving = false;
      // Right after an update, only look: a change found then may be a save still being
      // written, so it is built after the quiet time like any other.
      const outcome = await this.check(afterUpdate ? 'look' : 'build');
      afterUpdate = outcome === 'built';
      if (afterUpdate) {
        if (this.timer) return; // a notice is still within its quiet time; its timer looks again
        continue;
      }
      if (outcome === 'retry_soon') this.arm(this.debounceMs);
      else if (outcome === 'retry_after_grace') this.arm(this.missingGraceMs);
      else if (this.kickedWhileDriving) continue;
      return;
    }
  }

  private async check(mode: 'build' | 'look'): Promise<CheckOutcome> {
    const read = await readSnapshot(this.opts.sourcePath);
    if (this.stopping) return 'settled';
    switch (read.kind) {
      case 'unstable':
        return 'retry_soon';
      case 'missing':
        return this.sourceMissing();
      case 'unreadable':
        if (mode === 'look') return 'retry_soon';
        this.goneSince = 0;
        this.built = null;
        this.reportUpdate(++this.updates, unreadableResult(this.opts.displayPath, read.code), 0);
        return 'settled';
      case 'ok':
        break;
    }
    this.goneSince = 0;
    this.everSeen = true;
    if (this.missing) {
      this.missing = false;
      this.stopMissingPoll();
      this.opts.reporter.report({ kind: 'source_back', source: this.opts.displayPath });
    }
    if (this.built && sameSave(this.built, read.snapshot)) return 'settled';
    if (mode === 'look') return 'retry_soon';
    await this.update(read.snapshot);
    return 'built';
  }

  private sourceMissing(): CheckOutcome {
    if (this.missing) return 'settled';
    const now = performance.now();
    if (this.everSeen) {
      if (this.goneSince === 0) this.goneSince = now;
      if (now - this.goneSince < this.missingGraceMs) return 'retry_after_grace';
    }
    this.missing = true;
    this.built = null; // whatever comes back is built, even the same bytes
    this.missingPoll = setInterval(() => this.notice(), MISSING_POLL_MS);
    this.opts.reporter.report({
      kind: 'source_missing',
      source: this.opts.displayPath,
      reason: this.everSeen ? 'removed' : 'absent',
    });
    return 'settled';
  }

  private stopMissingPoll(): void {
    if (this.missingPoll) clearInterval(this.missingPoll);
    this.missingPoll = null;
  }

  private async update(snapshot: SourceSnapshot): Promise<void> {
    await this.opts.runner?.stop(); // it must not hold the output open while the update writes it
    if (this.stopping) return;
    const n = ++this.updates;
    const started = performance.now();
    this.opts.reporter.report({ kind: 'update_start', update: n });
    this.opts.reporter.updateBegins(n);
    const outcome = await this.opts.builder.update(snapshot.content);
    this.opts.reporter.updateEnds();
    this.built = snapshot;
    if (outcome.kind === 'crash') {
      this.opts.reporter.report({ kind: 'internal_error', update: n, message: outcome.message });
      return;
    }
    this.reportUpdate(n, outcome.result, performance.now() - started);
    if (outcome.result.ok && !this.stopping) this.opts.runner?.run(n);
  }

  private reportUpdate(n: number, result: UpdateResult, wallMs: number): void {
    this.opts.reporter.report({ kind: 'update', update: n, result, wallMs });
  }
}

function unreadableResult(displayPath: string, code: string): UpdateResult {
  return {
    ok: false,
    errors: [errorWithoutPosition(displayPath, `unable to read source: ${code}`)],
    stats: emptyStats(),
  };
}
