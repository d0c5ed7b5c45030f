//! Front-end throughput: full-parse MB/s (`parseFile`) and split MB/s (`splitDecls`) on a
//! generated program (10k functions by default), median of several timed runs after a
//! warm-up. Returns the figures; the bench driver prints them.

import { performance } from 'node:perf_hooks';
import { parseFile } from '../zir/parse.js';
import { splitDecls } from '../zir/split.js';
import type { ProgramShape } from './generate.js';
import { generateProgram } from './generate.js';

export interface ParseBenchOptions {
  functions?: number;
  shape?: ProgramShape;
  runs?: number;
}

export interface ParseBenchResult {
  shape: ProgramShape;
  functions: number;
  bytes: number;
  decls: number;
  /** Median full-parse throughput, MB/s (1 MB = 1e6 bytes). */
  parseMBps: number;
  /** Median split throughput, MB/s. */
  splitMBps: number;
  parseMsMedian: number;
  splitMsMedian: number;
  runs: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Time `fn` `runs` times after two warm-up calls; returns the median in ms. */
function timeMedian(runs: number, fn: () => void): number {
  fn();
  fn();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

export function runParseBench(opts: ParseBenchOptions = {}): ParseBenchResult {
  const functions = opts.functions ?? 10_000;
  const shape = opts.shape ?? 'loops';
  const runs = Math.max(1, opts.runs ?? 7);
  const source = Buffer.from(generateProgram({ shape, functions }).source, 'utf8');
  let decls = 0;
  const parseMs = timeMedian(runs, () => {
    const r = parseFile(source);
    if (!r.ok) throw new Error(`generated program does not parse: ${r.error.message} at ${r.error.offset}`);
    decls = r.module.decls.length;
  });
  const splitMs = timeMedian(runs, () => {
    const r = splitDecls(source);
    if (r.suspect || r.spans.length !== decls) throw new Error('splitter disagrees with the parser');
  });
  const mb = source.length / 1e6;
  return {
    shape, functions, bytes: source.length, decls,
    parseMBps: mb / (parseMs / 1000),
    splitMBps: mb / (splitMs / 1000),
    parseMsMedian: parseMs,
    splitMsMedian: splitMs,
    runs,
  };
}
