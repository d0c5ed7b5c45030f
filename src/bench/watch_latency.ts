//! Watch latency: how long a person waits, with `zirc watch` running, between saving a
//! one-function edit and the watcher's report that the output is patched. Measured on the
//! real watcher process (`zirc watch --json`, the compiler in its worker thread): for a
//! generated program (10k functions by default), each edit rewrites one function body
//! (src/bench/generate.ts `editFunctionBody`), saves the file, and times from the end of
//! the write (the save is done) to the arrival of the JSON `update` line; p50/p95 over
//! ≥30 edits (`fromWriteStartMs` also counts the write itself, 2 MB at 10k functions). At the end
//! the patched output is run once and must print what the edited program should.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OptimizeMode } from '../link/Linker.js';
import { runOutput } from '../node/compile/run_output.js';
import type { TargetName } from '../compile/target.js';
import { defaultOutputName } from '../compile/target.js';
import { WatchClient } from '../cli/watch/json_client.js';
import type { WatchJsonEvent } from '../cli/watch/json_client.js';
import type { GeneratedProgram, ProgramShape } from './generate.js';
import { editFunctionBody, generateProgram } from './generate.js';
import type { Summary } from './stats.js';
import { seededRandom, summarize } from './stats.js';

export interface WatchLatencyOptions {
  /** Functions in the generated program (default 10 000). */
  functions?: number;
  shape?: ProgramShape;
  /** One-function edits to time (default 30; at least 30). */
  edits?: number;
  target?: TargetName;
  optimize?: OptimizeMode;
  seed?: number;
  /** Directory for the source and output (default: a fresh temporary one, removed after). */
  workDir?: string;
  /** Pause between an edit's report and the next save, so edits are separate saves (default 20 ms). */
  pauseMs?: number;
  /** Limit for the first build and for each update (default 10 minutes / 60 s). */
  firstBuildTimeoutMs?: number;
  updateTimeoutMs?: number;
  /** Run the final output and compare with the expected stdout (default true). */
  verify?: boolean;
}

export interface WatchLatencyResult {
  functions: number;
  shape: ProgramShape;
  target: TargetName;
  sourceBytes: number;
  edits: number;
  /** Watcher start to the report of the first build. */
  firstBuildMs: number;
  /** Save of an edit done → its JSON update report arrived (the figure this bench is for). */
  p50Ms: number;
  p95Ms: number;
  latencyMs: Summary;
  /** The same from just before the write began (includes the file system's write time). */
  fromWriteStartMs: Summary;
  /** The compiler's own time per update (`ms` in the report), the rest is watching and messaging. */
  compileMs: Summary;
  bytesWritten: Summary;
  declsAnalyzed: Summary;
  functionsGenerated: Summary;
  /** Updates that reported errors or were not one update per save (must be 0). */
  failures: number;
  firstError?: string;
  /** The final output printed the edited program's expected stdout (null: not checked). */
  outputMatches: boolean | null;
}

export async function measureWatchLatency(opts: WatchLatencyOptions = {}): Promise<WatchLatencyResult> {
  const functions = opts.functions ?? 10_000;
  const shape = opts.shape ?? 'chain';
  const edits = Math.max(30, opts.edits ?? 30);
  const target = opts.target ?? 'x86_64-linux';
  const pauseMs = opts.pauseMs ?? 20;
  const ownDir = !opts.workDir;
  const dir = opts.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-watch-bench-'));
  const sourcePath = path.join(dir, 'main.zir');
  const outputName = defaultOutputName('main.zir', target);

  let program: GeneratedProgram = generateProgram({ shape, functions, seed: opts.seed ?? 1 });
  fs.writeFileSync(sourcePath, program.source);

  const arrivals = new Map<number, bigint>();
  const client = WatchClient.start({
    file: 'main.zir',
    cwd: dir,
    target,
    optimize: opts.optimize,
    output: outputName,
    onEvent: (e, at) => {
      if (e.event === 'update') arrivals.set(e.update as number, at);
    },
  });
  const latencies: number[] = [];
  const fromStart: number[] = [];
  const compile: number[] = [];
  const bytes: number[] = [];
  const analyzed: number[] = [];
  const generated: number[] = [];
  let failures = 0;
  let firstError: string | undefined;
  const noteFailure = (why: string) => {
    failures++;
    firstError ??= why;
  };

  try {
    const started = process.hrtime.bigint();
    const first = await client.nextUpdate(opts.firstBuildTimeoutMs ?? 600_000);
    const firstBuildMs = Number(arrivals.get(1)! - started) / 1e6;
    if (!first.ok) noteFailure(`first build: ${describeErrors(first)}`);

    const random = seededRandom(opts.seed ?? 1);
    for (let i = 0; i < edits; i++) {
      const index = Math.floor(random() * functions);
      program = editFunctionBody(program, index, program.model.variants[index]! + 1);
      await sleep(pauseMs);
      const writeStart = process.hrtime.bigint();
      fs.writeFileSync(sourcePath, program.source);
      const savedAt = process.hrtime.bigint();
      const u = await client.nextUpdate(opts.updateTimeoutMs ?? 60_000);
      const n = u.update as number;
      if (n !== i + 2) noteFailure(`edit ${i + 1} gave update ${n}, expected ${i + 2}`);
      if (!u.ok) noteFailure(`edit ${i + 1}: ${describeErrors(u)}`);
      latencies.push(Number(arrivals.get(n)! - savedAt) / 1e6);
      fromStart.push(Number(arrivals.get(n)! - writeStart) / 1e6);
      compile.push(u.ms as number);
      bytes.push(u.bytesWritten as number);
      analyzed.push(u.declsAnalyzed as number);
      generated.push(u.functionsGenerated as number);
    }
    await client.stop();

    let outputMatches: boolean | null = null;
    if (opts.verify ?? true) {
      const run = await runOutput(path.join(dir, outputName), target, { timeoutMs: 60_000 });
      outputMatches = run.exitCode === program.expectedExitCode && run.stdout.toString('latin1') === program.expectedStdout;
    }
    const latencyMs = summarize(latencies);
    return {
      functions,
      shape,
      target,
      sourceBytes: Buffer.byteLength(program.source),
      edits,
      firstBuildMs,
      p50Ms: latencyMs.p50,
      p95Ms: latencyMs.p95,
      latencyMs,
      fromWriteStartMs: summarize(fromStart),
      compileMs: summarize(compile),
      bytesWritten: summarize(bytes),
      declsAnalyzed: summarize(analyzed),
      functionsGenerated: summarize(generated),
      failures,
      firstError,
      outputMatches,
    };
  } finally {
    client.kill();
    if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function describeErrors(u: WatchJsonEvent): string {
  const errors = (u.errors as Array<{ rendered?: string; message?: string }> | undefined) ?? [];
  return errors.map((e) => e.rendered ?? e.message).join('\n') || 'failed';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
