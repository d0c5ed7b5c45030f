//! Where a watch session's events go: as text on stderr (stdout stays the program's, for
//! `--run`), or with `--json` as one JSON object per line on stdout. The terminal
//! progress line shares stderr and is erased before anything else is written there.

import type { WatchEvent } from './events.js';
import { formatJson, formatText } from './format.js';
import type { ProgressStream } from './progress.js';
import { ProgressLine } from './progress.js';

export interface Reporter {
  report(e: WatchEvent): void;
  /** An update is starting (for the progress line). */
  updateBegins(update: number): void;
  /** The update ended, before its event is reported. */
  updateEnds(): void;
}

export interface OutputStreams {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
}

export function streamReporter(streams: OutputStreams, json: boolean, progressDelayMs?: number): Reporter {
  const progress = new ProgressLine(streams.stderr, { delayMs: progressDelayMs });
  return {
    report(e) {
      if (json) streams.stdout.write(formatJson(e));
      else {
        const text = formatText(e);
        if (text) streams.stderr.write(text);
      }
    },
    updateBegins(update) {
      progress.begin(update === 1 ? 'first build' : `update ${update}`);
    },
    updateEnds() {
      progress.end();
    },
  };
}
