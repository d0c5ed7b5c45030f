//! The figures the issues set as targets, checked against a run's results: each check
//! names the figure, the target, the measured value and pass / fail / not measured.

import type { BenchResults, ConfigResult } from './results.js';
import { ratio } from './stats.js';

export type Verdict = 'pass' | 'FAIL' | 'not measured';

export interface Check {
  figure: string;
  target: string;
  measured: string;
  verdict: Verdict;
}

const fmt = (v: number | null | undefined, unit: string, digits = 2): string =>
  v == null || !Number.isFinite(v) ? '—' : `${v.toFixed(digits)}${unit}`;

function judge(v: number | null | undefined, ok: (x: number) => boolean): Verdict {
  if (v == null || !Number.isFinite(v)) return 'not measured';
  return ok(v) ? 'pass' : 'FAIL';
}

export function findConfig(r: BenchResults, shape: string, functions: number, target: string): ConfigResult | undefined {
  return r.configs.find((c) => c.shape === shape && c.functions === functions && c.target === target);
}

/** The sizes a growth figure divides: the largest measured over the smallest. */
export function growthSizes(r: BenchResults): [number, number] | null {
  const sizes = [...new Set(r.configs.map((c) => c.functions))].sort((a, b) => a - b);
  return sizes.length >= 2 ? [sizes[0], sizes[sizes.length - 1]] : null;
}

export function evaluateTargets(r: BenchResults): Check[] {
  const checks: Check[] = [];
  const add = (figure: string, target: string, v: number | null | undefined, unit: string, ok: (x: number) => boolean, digits = 2): void => {
    checks.push({ figure, target, measured: fmt(v, unit, digits), verdict: judge(v, ok) });
  };
  add('full parse throughput, 10k functions', '≥ 50 MB/s', r.frontEnd.parseMBps, ' MB/s', (x) => x >= 50, 1);
  add('split throughput, 10k functions', '≥ 500 MB/s', r.frontEnd.splitMBps, ' MB/s', (x) => x >= 500, 1);
  const growth = growthSizes(r);
  for (const shape of r.plan.shapes) {
    const x10 = findConfig(r, shape, 10_000, 'x86_64-linux');
    const w10 = findConfig(r, shape, 10_000, 'wasm32-wasi');
    for (const c of [x10, w10]) {
      if (!c) continue;
      add(`[${shape}, ${c.target}] analysis-only, body edit, 10k, p50`, '≤ 2 ms', c.bodyEdit?.analyzeMs.p50, ' ms', (x) => x <= 2);
    }
    if (growth) {
      const [lo, hi] = growth;
      for (const target of r.plan.targets) {
        const a = findConfig(r, shape, lo, target);
        const b = findConfig(r, shape, hi, target);
        add(
          `[${shape}, ${target}] analysis-only growth ${hi / 1000}k / ${lo / 1000}k, p50`,
          '≤ 2×',
          ratio(b?.bodyEdit?.analyzeMs.p50, a?.bodyEdit?.analyzeMs.p50),
          '×',
          (x) => x <= 2,
        );
      }
    }
    if (x10) {
      add(`[${shape}] x86 body edit → executable on disk, 10k, p50`, '≤ 5 ms', x10.bodyEdit?.totalMs.p50, ' ms', (x) => x <= 5);
      add(`[${shape}] x86 body edit → executable on disk, 10k, p95`, '≤ 15 ms', x10.bodyEdit?.totalMs.p95, ' ms', (x) => x <= 15);
      add(`[${shape}] x86 bytes written per body edit, 10k, max`, '≤ 4096 B', x10.bodyEdit?.bytesWritten.max, ' B', (x) => x <= 4096, 0);
      add(`[${shape}] full build x86, 10k functions`, '≤ 1.5 s', x10.fullBuild ? x10.fullBuild.ms / 1000 : null, ' s', (x) => x <= 1.5);
    }
    if (growth) {
      const [lo, hi] = growth;
      const a = findConfig(r, shape, lo, 'x86_64-linux');
      const b = findConfig(r, shape, hi, 'x86_64-linux');
      add(`[${shape}] x86 body edit growth ${hi / 1000}k / ${lo / 1000}k, p50`, '≤ 2×', ratio(b?.bodyEdit?.totalMs.p50, a?.bodyEdit?.totalMs.p50), '×', (x) => x <= 2);
    }
    if (w10) {
      add(`[${shape}] wasm body edit → module on disk, 10k, p50`, '≤ 25 ms', w10.bodyEdit?.totalMs.p50, ' ms', (x) => x <= 25);
      add(`[${shape}] wasm flush alone, body edit, 10k, p50`, '≤ 15 ms', w10.bodyEdit?.flushMs.p50, ' ms', (x) => x <= 15);
      const fg = w10.bodyEdit?.functionsGenerated;
      checks.push({
        figure: `[${shape}] wasm functions generated per body edit, 10k`,
        target: '= 1',
        measured: fg && fg.count > 0 ? (fg.min === fg.max ? `${fg.min}` : `${fg.min}…${fg.max}`) : '—',
        verdict: !fg || fg.count === 0 ? 'not measured' : fg.min === 1 && fg.max === 1 ? 'pass' : 'FAIL',
      });
    }
  }
  add('watch latency, 10k, one-function edit, p50', '≤ 30 ms', r.watch.p50Ms, ' ms', (x) => x <= 30);
  return checks;
}
