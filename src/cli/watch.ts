//! `zirc watch <file.zir> [objects...] [-o out] [--target t] [-O mode] [--run [--hot]] [--json]`:
//! the first build, then one in-place update per save of the source or change of an
//! object or archive linked with it, until SIGINT or SIGTERM.
//! This file wires the parts together (src/cli/watch/): the chokidar watcher feeds the
//! session (debounce, updates, a vanished source), the compiler runs in a worker thread,
//! `--run` runs each good output (`--hot`: swaps each good update into the running
//! program, hot/hot_runner.ts), and the reporter prints text or `--json` lines.
//! What the output looks like is documented in docs/watch.md.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OptimizeMode } from '../link/Linker.js';
import type { TargetName } from '../compile/target.js';
import { EXIT_COMPILE_ERRORS, EXIT_OK, EXIT_USAGE, outputPathFor } from './options.js';
import { WorkerBuilder } from './watch/builder.js';
import type { Builder } from './watch/builder.js';
import { HotRunner } from './watch/hot/hot_runner.js';
import { ProgramRunner } from './watch/program_runner.js';
import type { OutputStreams } from './watch/reporter.js';
import { streamReporter } from './watch/reporter.js';
import { watchFiles } from './watch/source_watcher.js';
import { WatchSession } from './watch/watch_session.js';

export interface WatchFlags {
  target: TargetName;
  optimize: OptimizeMode;
  output?: string;
  run?: boolean;
  /** With `run`: swap each good update into the running program instead of restarting it. */
  hot?: boolean;
  json?: boolean;
  /** Objects and archives linked with the program; each is watched too. */
  linkInputs?: readonly string[];
}

/** Test and embedding hooks; the command line uses the defaults. */
export interface WatchEnvironment {
  streams?: OutputStreams;
  /** Resolves when the session should end; default: the first SIGINT or SIGTERM. */
  stopSignal?: Promise<string>;
  builder?: Builder;
  debounceMs?: number;
}

export async function watchCommand(file: string, flags: WatchFlags, env: WatchEnvironment = {}): Promise<number> {
  const streams = env.streams ?? { stdout: process.stdout, stderr: process.stderr };
  const linkInputs = flags.linkInputs ?? [];
  const outputPath = outputPathFor(file, flags.target, flags.output);
  const sourceDir = path.dirname(path.resolve(file));
  if (!fs.statSync(sourceDir, { throwIfNoEntry: false })?.isDirectory()) {
    // A file can be waited for; a directory that is not there cannot be watched.
    streams.stderr.write(`${file}: error: directory '${path.dirname(file)}' does not exist\n`);
    return EXIT_COMPILE_ERRORS;
  }
  const hotProblem = flags.hot ? hotSwapUnsupported(flags, linkInputs) : null;
  if (hotProblem) {
    streams.stderr.write(`zirc watch: error: --hot ${hotProblem}\n`);
    return EXIT_USAGE;
  }
  const hot = flags.hot ?? false;
  const reporter = streamReporter(streams, flags.json ?? false);
  const builder =
    env.builder ??
    new WorkerBuilder({ sourcePath: file, outputPath, target: flags.target, optimize: flags.optimize, displayPath: file, linkInputs, hotSwap: hot });
  const report = (e: Parameters<typeof reporter.report>[0]) => reporter.report(e);
  const runner = !flags.run
    ? null
    : hot
      ? new HotRunner({ outputPath: path.resolve(outputPath), displayOutput: outputPath, capture: flags.json ?? false, report })
      : new ProgramRunner(path.resolve(outputPath), flags.target, flags.json ?? false, report, undefined, outputPath);
  const session = new WatchSession({
    sourcePath: file,
    displayPath: file,
    builder,
    reporter,
    runner,
    // --hot is about the time from a save to the running program's new behaviour: a shorter quiet time
    // (a burst of saves may then make an extra update, each swapped in turn; a save caught half done is still held back).
    debounceMs: env.debounceMs ?? (hot ? HOT_DEBOUNCE_MS : undefined),
    inputsStamp: () => filesStamp(linkInputs),
  });

  const signals = env.stopSignal ? null : stopOnSignals();
  const onWatcherError = (message: string) => streams.stderr.write(`[zirc] file watcher error: ${message}\n`);
  const watchers = [watchFiles([file, ...linkInputs], () => session.notice(), onWatcherError)];
  reporter.report({ kind: 'start', source: file, output: outputPath, target: flags.target, run: flags.run ?? false, ...(hot ? { hot } : {}) });
  // Watch first, then build: a save made during the first build is then seen.
  await Promise.all(watchers.map((w) => w.ready));
  session.start();

  const signal = await (env.stopSignal ?? signals!.received);
  reporter.report({ kind: 'stopping', signal });
  await session.stop();
  await Promise.all(watchers.map((w) => w.close()));
  signals?.dispose();
  reporter.report({ kind: 'stopped' });
  return EXIT_OK;
}

/** The quiet time after the last file event with `--hot` (the default is 5 ms). */
export const HOT_DEBOUNCE_MS = 1;

/** Why `--hot` cannot be used with these flags, or null. */
function hotSwapUnsupported(flags: WatchFlags, linkInputs: readonly string[]): string | null {
  if (!flags.run) return 'needs --run (it swaps changes into the running program)';
  if (flags.target !== 'x86_64-linux') return `is supported on x86_64-linux only, not ${flags.target}`;
  if (process.platform !== 'linux') return 'needs Linux (/proc/<pid>/mem)';
  if (linkInputs.length > 0) return 'is not supported with objects linked with the program (their code is not placed by zirc)';
  return null;
}

/** The identity (inode, size, times) of each file, as one string; a missing file has none. */
function filesStamp(files: readonly string[]): string {
  return files
    .map((f) => {
      const st = fs.statSync(f, { bigint: true, throwIfNoEntry: false });
      return st ? `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : '-';
    })
    .join('|');
}

/** Resolves at the first SIGINT or SIGTERM; afterwards both are ignored until exit. */
export function stopOnSignals(): { received: Promise<string>; dispose(): void } {
  let resolve: (signal: string) => void = () => {};
  const received = new Promise<string>((r) => (resolve = r));
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((sig) => {
    const h = () => resolve(sig);
    process.on(sig, h);
    return [sig, h] as const;
  });
  return {
    received,
    // Keep ignoring signals until the process exits: a second Ctrl-C must not cut the final write short.
    dispose: () => {
      for (const [sig, h] of handlers) {
        process.off(sig, h);
        process.on(sig, () => {});
      }
    },
  };
}
