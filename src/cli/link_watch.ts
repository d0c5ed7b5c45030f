//! `zirc ld --watch [--json] [ld arguments]` and `zirc wasm-ld --watch [--json] [wasm-ld
//! arguments]`: link once, then relink in place whenever an input file (an object, an
//! archive) changes, until SIGINT or SIGTERM. One line per relink — the inputs changed;
//! the path it took: in place (the sections placed again, the symbols moved, the
//! relocations applied) or a whole link (and why not in place); the bytes written; the
//! time — e.g. `relink 3: ok; 1 input changed; in place: 2 sections placed, 1 symbol
//! moved, 57 relocations applied; wrote 212 bytes in 3.10 ms`, or `...; whole link
//! (<reason>); wrote ...` — or with `--json` one JSON object per line: `start`, `update`
//! (`update`, `ok`, `ms`, `bytesWritten`, `fullWrite`, `inputsChanged` (a count),
//! `changed` (the first 50 of them), `errors`, `path` (`fast` or `whole`), `fallback`
//! (why whole, when known), and when fast `sectionsPlaced`, `symbolsMoved`,
//! `relocationsApplied`), `stopping`, `stopped`, as `zirc watch` reports. Notices
//! are debounced; a relink that fails while an input it read was written moments ago
//! (a compiler still writing it) is tried again before it counts, so a half-written
//! object is not reported as an error. The relinks are the session's (relink_session.ts).

import * as fs from 'node:fs';
import type { RelinkReport, RelinkSession } from '../node/link/relink_session.js';
import type { LinkFile } from '../link/link_file.js';
import { linkFilePath } from '../link/link_file.js';
import { watchFiles } from './watch/source_watcher.js';
import { stopOnSignals } from './watch.js';

export interface LinkWatchOptions {
  json: boolean;
  /** How lines name the command: `zirc ld`, `zirc wasm-ld`. */
  command: string;
  /** Quiet time after the last notice before relinking. */
  debounceMs?: number;
  /** A failed relink is retried while an input is younger than this. */
  settleMs?: number;
  /** Resolves when the session should end (default: SIGINT or SIGTERM). */
  stopSignal?: Promise<string>;
  out?: (line: string) => void;
}

const RETRY_MS = 25;
/** The changed inputs a JSON update lists by name (the first link reads them all). */
const MAX_LISTED = 50;

export async function linkWatch(files: readonly LinkFile[], session: RelinkSession, opts: LinkWatchOptions): Promise<number> {
  const out = opts.out ?? ((line: string) => process.stdout.write(line + '\n'));
  // Notices of one save come within a millisecond or two; more would only add latency.
  const debounceMs = opts.debounceMs ?? 2;
  const settleMs = opts.settleMs ?? 300;
  const paths = files.map(linkFilePath);
  const outputPath = session.outputPath;
  const tag = `[${opts.command}]`;
  const say = (event: Record<string, unknown>, text: string) => out(opts.json ? JSON.stringify(event) : text);
  let updates = 0;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;

  // The files the watcher saw change since the last relink began: only they are looked at
  // (the first link looks at every input).
  let noticed: Set<string> | null = null;
  const relink = async (): Promise<void> => {
    const started = performance.now();
    const changed = noticed ?? undefined;
    noticed = new Set();
    let r: RelinkReport = session.update(changed);
    // An input written a moment ago may still be being written: read it again before reporting.
    while (!r.ok && youngestInputAgeMs(paths) < settleMs && performance.now() - started < 2000) {
      await sleep(RETRY_MS);
      r = session.update(changed && new Set([...changed, ...noticed]));
    }
    report(++updates, r);
  };
  const report = (n: number, r: RelinkReport) => {
    const facts = {
      update: n, ok: r.ok, ms: Math.round(r.ms * 100) / 100, bytesWritten: r.bytesWritten, fullWrite: r.fullWrite,
      inputsChanged: r.inputsChanged.length, changed: r.inputsChanged.slice(0, MAX_LISTED), errors: r.errors,
      path: r.path, ...(r.path === 'whole' && r.fallback !== undefined ? { fallback: r.fallback } : {}), ...(r.path === 'fast' && r.work ? r.work : {}),
    };
    const what = r.ok
      ? `ok; ${count(r.inputsChanged.length, 'input')} changed; ${pathText(r)}; wrote ${r.bytesWritten} bytes${r.fullWrite ? ' (whole file)' : ''}`
      : `${r.errors.length} error${r.errors.length === 1 ? '' : 's'}; output unchanged`;
    if (!opts.json) for (const e of r.errors) out(`${opts.command}: error: ${e}`);
    say({ event: 'update', ...facts }, `${tag} relink ${n}: ${what} in ${r.ms.toFixed(2)} ms`);
  };
  const kick = (file: string) => {
    noticed?.add(file);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (running) {
        again = true;
        return;
      }
      running = (async () => {
        do {
          again = false;
          await relink();
        } while (again);
        running = null;
      })();
    }, debounceMs);
  };

  say({ event: 'start', inputs: paths.length, output: outputPath }, `${tag} watching ${paths.length} input${paths.length === 1 ? '' : 's'} -> ${outputPath}; Ctrl-C stops`);
  const signals = opts.stopSignal ? null : stopOnSignals();
  const watcher = watchFiles(paths, kick, (message) => process.stderr.write(`${tag} file watcher error: ${message}\n`));
  await watcher.ready;
  running = relink().then(() => {
    running = null;
  });
  const signal = await (opts.stopSignal ?? signals!.received);
  say({ event: 'stopping', signal }, `${tag} ${signal}: stopping`);
  if (timer) clearTimeout(timer);
  while (running) await running;
  await watcher.close();
  signals?.dispose();
  say({ event: 'stopped' }, `${tag} stopped`);
  return 0;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** The path a relink took: in place, with its work, or a whole link, with why not in place. */
function pathText(r: RelinkReport): string {
  if (r.path === 'fast') {
    const w = r.work;
    return w ? `in place: ${count(w.sectionsPlaced, 'section')} placed, ${count(w.symbolsMoved, 'symbol')} moved, ${count(w.relocationsApplied, 'relocation')} applied` : 'in place';
  }
  return r.fallback === undefined ? 'whole link' : `whole link (${r.fallback})`;
}

function youngestInputAgeMs(paths: readonly string[]): number {
  const now = Date.now();
  let youngest = Infinity;
  for (const p of paths) {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (st) youngest = Math.min(youngest, now - st.mtimeMs);
  }
  return youngest;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
