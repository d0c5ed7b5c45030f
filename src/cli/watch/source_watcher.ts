//! Notices that a watched file (the source, or the objects linked with it) may have
//! changed, with chokidar. It watches the files' directories (so a file that is deleted,
//! renamed away, or replaced by an editor's or compiler's rename-over-save is still
//! followed) and calls back "look again" for anything touching one of those paths. The events carry no verdict: chokidar drops a `change` that follows
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
  return watchFiles([file], onNotice, onError);
}

/**
 * Watches every file of `files` (one watcher over their directories, however many files
 * share one) and calls `onNotice` with the file's resolved path for every sign of a
 * change to one of them.
 */
export function watchFiles(files: readonly string[], onNotice: (file: string) => void, onError: WatcherError): SourceWatcher {
  const targets = new Set(files.map((f) => path.resolve(f)));
  const dirs = new Set([...targets].map((t) => path.dirname(t)));
  const watcher: FSWatcher = watch([...dirs], {
    depth: 0,
    ignoreInitial: true,
    persistent: true,
    // Only the directories themselves and the files; everything else beside them is none of our business.
    ignored: (p: string) => {
      const abs = path.resolve(p);
      return !dirs.has(abs) && !targets.has(abs);
    },
  });
  const notice = (abs: string) => {
    if (targets.has(abs)) onNotice(abs);
  };
  watcher.on('all', (_event: string, p: string) => notice(path.resolve(p)));
  watcher.on('raw', (_event, evPath: string | null | undefined, details: unknown) => {
    const watchedPath = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    const watched = typeof watchedPath === 'string' ? path.resolve(watchedPath) : null;
    if (watched === null) return;
    if (targets.has(watched)) onNotice(watched);
    else if (dirs.has(watched) && evPath) notice(path.resolve(watched, evPath));
  });
  watcher.on('error', (err: unknown) => onError(err instanceof Error ? err.message : String(err)));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { ready, close: () => watcher.close() };
}
