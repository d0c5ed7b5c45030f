//! The watch loop: turns "the source may have changed" notices into compiler updates.
//!
//! Notices are debounced (a few ms) so a burst of writes makes one update; then the file
//! is read as a snapshot and built only if it is a save not built yet. A snapshot that
//! may be cut short (empty, or shorter than the last build and not ending as it did: an
//! editor's truncate before its write, a large write half done) is built only once it
//! has stayed the same for the settle time (or after the cap), so the save's real text
//! is built instead; an update whose parse stopped at `unexpected EOF` while the file was
//! still changing reads it again and builds that, under the same update number. After every
//! update the file is read again, so a change made while the update ran is built next
//! (never lost, even when the watcher's own event for it was dropped). A file that is
//! gone (after a grace period, to let delete-then-write saves finish) is reported and
//! waited for; when it is back it is built. `stop()` lets a running update finish, stops
//! the program, and closes the compilation, so the output on disk is always complete.

import { errorWithoutPosition } from '../../compile/errors.js';
import { emptyStats } from '../../compile/update_stats.js';
import type { UpdateResult } from '../../compile/Compilation.js';
import type { HotSwapPlan } from '../../link/elf/hot_swap_log.js';
import type { Builder } from './builder.js';
import type { HotOutcome } from './events.js';
import type { Reporter } from './reporter.js';
import type { SourceSnapshot } from './source_snapshot.js';
import { changedSince, mayBeCutShort, readSnapshot, sameSave } from './source_snapshot.js';

/** What the session needs of `--run` (program_runner.ts, hot/hot_runner.ts). */
export interface Runner {
  run(update: number): void;
  stop(): Promise<void>;
  /** `--hot`: the program keeps running through updates, and changes are swapped into it. */
  hot?: HotControl;
}

/** What the session needs of `--run --hot` (hot/hot_runner.ts). */
export interface HotControl {
  /** Before an update: whether a program was started from the output as it is now (or none runs). */
  takeEpoch(): boolean;
  /** After a good update: swap its plan into the program, or stop it (the session then runs it again) and say why. */
  apply(plan: HotSwapPlan | undefined): Promise<HotOutcome>;
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
  /** How long a file that may be cut short must stay unchanged before it is built as it is. */
  settleMs?: number;
  /**
   * The identity of the other files the build reads (objects and archives linked with the
   * program), as one string: a change to it is a reason to build even when the source is
   * the same save.
   */
  inputsStamp?: () => string;
}

const MISSING_POLL_MS = 500;
/** The longest a save that keeps looking cut short is held back (the last save is always built). */
const SETTLE_CAP_MS = 2000;
/** How often a file is looked at while an `unexpected EOF` waits to see whether it was still being written. */
const EOF_POLL_MS = 15;

/** Built; nothing to do; or look again in this many ms. */
type CheckOutcome = 'built' | 'settled' | { retryInMs: number };

/** A snapshot that may be cut short, held back: since when the file has looked cut short, and looked exactly so. */
interface HeldBack {
  snapshot: SourceSnapshot;
  since: number;
  unchangedSince: number;
}

export class WatchSession {
  private readonly debounceMs: number;
  private readonly missingGraceMs: number;
  private readonly settleMs: number;
  private timer: NodeJS.Timeout | null = null;
  /** When `timer` fires (`performance.now()` time). */
  private timerDue = 0;
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
  private heldBack: HeldBack | null = null;
  /** `inputsStamp()` as it was when the last build started. */
  private builtInputs = '';

  constructor(private readonly opts: WatchSessionOptions) {
    this.debounceMs = opts.debounceMs ?? 5;
    this.missingGraceMs = opts.missingGraceMs ?? 150;
    this.settleMs = opts.settleMs ?? 250;
  }

  private inputsStamp(): string {
    return this.opts.inputsStamp?.() ?? '';
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

  /** Look at the file in `ms` (or sooner, with `keepSooner`, if a look is already due sooner). */
  private arm(ms: number, keepSooner = false): void {
    const due = performance.now() + ms;
    if (this.timer && keepSooner && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
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
      if (outcome === 'built') {
        if (this.timer) return; // a notice is still within its quiet time; its timer looks again
        continue;
      }
      if (outcome !== 'settled') this.arm(outcome.retryInMs, true); // a notice during the check may have armed a sooner look
      else if (this.kickedWhileDriving) continue;
      return;
    }
  }

  private async check(mode: 'build' | 'look'): Promise<CheckOutcome> {
    const read = await readSnapshot(this.opts.sourcePath);
    if (this.stopping) return 'settled';
    switch (read.kind) {
      case 'unstable':
        return { retryInMs: this.debounceMs };
      case 'missing':
        return this.sourceMissing();
      case 'unreadable':
        if (mode === 'look') return { retryInMs: this.debounceMs };
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
    if (this.built && sameSave(this.built, read.snapshot) && this.inputsStamp() === this.builtInputs) {
      this.heldBack = null;
      return 'settled';
    }
    if (mode === 'look') return { retryInMs: this.debounceMs };
    const wait = this.holdBackFor(read.snapshot);
    if (wait > 0) return { retryInMs: wait };
    await this.update(read.snapshot);
    return 'built';
  }

  /** How long to hold back a snapshot that may be cut short before building it as it is (0: build it now). */
  private holdBackFor(snapshot: SourceSnapshot): number {
    if (!mayBeCutShort(snapshot.content, this.built?.content ?? null)) {
      this.heldBack = null;
      return 0;
    }
    const now = performance.now();
    const held = this.heldBack ?? { snapshot, since: now, unchangedSince: now };
    if (!sameSave(held.snapshot, snapshot)) {
      held.snapshot = snapshot;
      held.unchangedSince = now;
    }
    this.heldBack = held;
    return Math.max(0, Math.min(held.unchangedSince + this.settleMs, held.since + SETTLE_CAP_MS) - now);
  }

  private sourceMissing(): CheckOutcome {
    if (this.missing) return 'settled';
    const now = performance.now();
    if (this.everSeen) {
      if (this.goneSince === 0) this.goneSince = now;
      if (now - this.goneSince < this.missingGraceMs) return { retryInMs: this.missingGraceMs };
    }
    this.missing = true;
    this.built = null; // whatever comes back is built, even the same bytes
    this.heldBack = null;
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

  private async update(first: SourceSnapshot): Promise<void> {
    const hot = this.opts.runner?.hot;
    // A program must not hold the output open while the update writes it; with --hot it runs a copy.
    if (!hot) await this.opts.runner?.stop();
    if (this.stopping) return;
    const n = ++this.updates;
    const started = performance.now();
    this.opts.reporter.report({ kind: 'update_start', update: n });
    this.opts.reporter.updateBegins(n);
    this.heldBack = null;
    let snapshot = first;
    this.builtInputs = this.inputsStamp();
    let outcome = await this.opts.builder.update(snapshot.content, { hotEpoch: hot?.takeEpoch() });
    this.built = snapshot;
    // A parse that ran out of text in a file still being written is not the save's verdict: build the rest of it.
    while (outcome.kind === 'result' && stoppedAtEof(outcome.result)) {
      const rest = await this.rewrittenSince(snapshot, started);
      if (!rest) break;
      snapshot = rest;
      outcome = await this.opts.builder.update(snapshot.content);
      this.built = snapshot;
    }
    this.opts.reporter.updateEnds();
    if (outcome.kind === 'crash') {
      this.opts.reporter.report({ kind: 'internal_error', update: n, message: outcome.message });
      return;
    }
    const good = outcome.result.ok && !this.stopping;
    // --hot: swap before the update is reported, so its line says what became of the program.
    const hotOutcome = good && hot ? await hot.apply(outcome.hot) : undefined;
    this.reportUpdate(n, outcome.result, performance.now() - started, hotOutcome);
    if (good && hotOutcome?.action !== 'swapped') this.opts.runner?.run(n);
  }

  /**
   * The file as rewritten after `snapshot` was read, if it changes within the settle time
   * of that read (and the cap of the update); null if it stays as it was, or is gone.
   */
  private async rewrittenSince(snapshot: SourceSnapshot, updateStarted: number): Promise<SourceSnapshot | null> {
    const deadline = Math.min(snapshot.readAt + this.settleMs, updateStarted + SETTLE_CAP_MS);
    for (;;) {
      if (this.stopping) return null;
      if (await changedSince(this.opts.sourcePath, snapshot)) {
        const read = await readSnapshot(this.opts.sourcePath);
        if (read.kind === 'ok' && !sameSave(read.snapshot, snapshot)) return read.snapshot;
        if (read.kind === 'missing' || read.kind === 'unreadable') return null;
      }
      const left = deadline - performance.now();
      if (left <= 0) return null;
      await new Promise((r) => setTimeout(r, Math.min(EOF_POLL_MS, left)));
    }
  }

  private reportUpdate(n: number, result: UpdateResult, wallMs: number, hot?: HotOutcome): void {
    this.opts.reporter.report({ kind: 'update', update: n, result, wallMs, ...(hot ? { hot } : {}) });
  }
}

/** True when the update failed because the parser ran out of text (`unexpected EOF`). */
function stoppedAtEof(result: UpdateResult): boolean {
  return !result.ok && result.errors.some((e) => e.message === 'unexpected EOF');
}

function unreadableResult(displayPath: string, code: string): UpdateResult {
  return {
    ok: false,
    errors: [errorWithoutPosition(displayPath, `unable to read source: ${code}`)],
    stats: emptyStats(),
  };
}
