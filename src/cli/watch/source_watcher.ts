//! Notices that the watched source file may have changed, with chokidar. It watches the
//! file's directory (so a file that is deleted, renamed away, or replaced by an editor's
//! rename-over-save is still followed) and calls back "look again" for anything touching
//! that one path. The events carry no verdict: chokidar drops a `change` that follows
//! another within 50 ms, so it also listens to chokidar's unthrottled `raw` events, and
//! the session decides what happened by reading the file (watch_session.ts).

import * as path from 'node:path';
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';

export interface SourceWatcher {
  /** Resolves once the directory is being watched (events before that may be missed). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export type WatcherError = (message: string) => void;

/** Watches `file` (any path; it is resolved) and calls `onNotice` for every sign of a change to it. */
export function watchSourceFile(file: string, onNotice: () => void, onError: WatcherError): SourceWatcher {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const watcher: FSWatcher = watch(dir, {
    depth: 0,
    ignoreInitial: true,
    persistent: true,
    // Only the directory itself and the one file; everything else beside it is none of our business.
    ignored: (p: string) => {
      const abs = path.resolve(p);
      return abs !== dir && abs !== target;
    },
  });
  const concerns = (p: string) => path.resolve(dir, p) === target;
  watcher.on('all', (_event: string, p: string) => {
    if (concerns(p)) onNotice();
  });
  watcher.on('raw', (_event, evPath: string | null | undefined, details: unknown) => {
    const watchedPath = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    const watched = typeof watchedPath === 'string' ? path.resolve(watchedPath) : null;
    if (watched === target) onNotice();
    else if (watched === dir && evPath && path.resolve(dir, evPath) === target) onNotice();
  });
  watcher.on('error', (err: unknown) => onError(err instanceof Error ? err.message : String(err)));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { ready, close: () => watcher.close() };
}
