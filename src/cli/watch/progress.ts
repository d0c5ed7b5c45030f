//! The progress line on a terminal: when an update has been running longer than a moment
//! (the first build of a large program), one line on stderr says so and counts the
//! seconds; it is erased when the update ends, before its report is printed. Nothing is
//! written when stderr is not a terminal or the update is quick.

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** How long an update runs before the line appears. */
  delayMs?: number;
  /** How often the elapsed time on the line is refreshed. */
  refreshMs?: number;
}

const CLEAR_LINE = '\r\x1b[2K';

export class ProgressLine {
  private delayTimer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private shown = false;
  private startedAt = 0;
  private label = '';
  private readonly delayMs: number;
  private readonly refreshMs: number;

  constructor(
    private readonly stream: ProgressStream,
    opts: ProgressOptions = {},
  ) {
    this.delayMs = opts.delayMs ?? 200;
    this.refreshMs = opts.refreshMs ?? 100;
  }

  /** An update began; the line appears if it is still running after the delay. */
  begin(label: string): void {
    this.end();
    if (!this.stream.isTTY) return;
    this.label = label;
    this.startedAt = performance.now();
    this.delayTimer = setTimeout(() => {
      this.delayTimer = null;
      this.shown = true;
      this.draw();
      this.refreshTimer = setInterval(() => this.draw(), this.refreshMs);
    }, this.delayMs);
  }

  /** The update ended: erase the line if it was shown. */
  end(): void {
    if (this.delayTimer) clearTimeout(this.delayTimer);
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.delayTimer = null;
    this.refreshTimer = null;
    if (this.shown) this.stream.write(CLEAR_LINE);
    this.shown = false;
  }

  private draw(): void {
    const seconds = ((performance.now() - this.startedAt) / 1000).toFixed(1);
    this.stream.write(`${CLEAR_LINE}[zirc] ${this.label}... ${seconds} s`);
  }
}
