//! Where a benchmark run's figures go: `<out>/results/<date><suffix>.json`, with the
//! commit they were measured at. Shared by `npm run bench` and the link and relink benches.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CArch } from './c_translate.js';

/** The commit checked out in `repo`, or null outside git. */
export function gitCommit(repo: string): string | null {
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Writes `results` as `<outDir>/results/<YYYY-MM-DD><suffix>.json`; returns the path. */
export function writeResultsFile(outDir: string, date: string, suffix: string, results: unknown): string {
  const resultsDir = path.join(outDir, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const jsonPath = path.join(resultsDir, `${date.slice(0, 10)}${suffix}.json`);
  fs.writeFileSync(jsonPath, `${JSON.stringify(results, null, 1)}\n`);
  return jsonPath;
}

/** Writes the results file (writeResultsFile) and says where. */
export function saveResults(outDir: string, date: string, suffix: string, results: unknown): void {
  const jsonPath = writeResultsFile(outDir, date, suffix, results);
  process.stdout.write(`results: ${path.relative(process.cwd(), jsonPath)}\n`);
}

/** Unless `--no-docs` is in `argv`: rewrites the bench's section of `docs/performance.md` under `repo` with `write`, and says so. */
export function reportToDocs(argv: readonly string[], repo: string, write: (docPath: string) => void): void {
  if (argv.includes('--no-docs')) return;
  const docPath = path.join(repo, 'docs', 'performance.md');
  write(docPath);
  process.stdout.write(`report: ${path.relative(process.cwd(), docPath)}\n`);
}

/** `--name=value` from a bench's argv. */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** `--arch=x86_64,wasm32` (default both). */
export function archesFlag(argv: readonly string[]): CArch[] {
  return (flagValue(argv, 'arch')?.split(',') ?? ['x86_64', 'wasm32']).filter((a): a is CArch => a === 'x86_64' || a === 'wasm32');
}
