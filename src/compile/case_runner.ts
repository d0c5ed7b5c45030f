//! The case runner of spec §13, on the library API: for each target a case lists, one
//! long-running `Compilation` across all its updates and a fresh one for every update;
//! both must meet each update's expectations. Reports one line per update and target.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OptimizeMode } from '../link/Linker.js';
import { Compilation } from './Compilation.js';
import type { UpdateResult } from './Compilation.js';
import type { CaseFile, CaseUpdate } from './case_file.js';
import { parseCaseFile } from './case_file.js';
import { errorHeadline } from './errors.js';
import { runOutput } from './run_output.js';
import type { TargetName } from './target.js';
import { defaultOutputName } from './target.js';

export interface CaseLine {
  ok: boolean;
  casePath: string;
  target: TargetName | null;
  update: string;
  /** What differed, for a failure. */
  detail: string;
}

export interface CaseRunOptions {
  optimize?: OptimizeMode;
  /** Called with each line as soon as it is known. */
  onLine?: (line: CaseLine) => void;
  /** Per-program run time limit. */
  timeoutMs?: number;
}

export function formatCaseLine(l: CaseLine): string {
  const where = [l.casePath, l.target ?? '-', JSON.stringify(l.update)].join(' ');
  return l.ok ? `ok ${where}` : `fail ${where}: ${l.detail}`;
}

/** Runs one case file; never throws for a bad case (that is a failing line). */
export async function runCaseFile(casePath: string, opts: CaseRunOptions = {}): Promise<CaseLine[]> {
  const lines: CaseLine[] = [];
  const emit = (l: CaseLine) => {
    lines.push(l);
    opts.onLine?.(l);
  };
  let caseFile: CaseFile;
  try {
    caseFile = parseCaseFile(fs.readFileSync(casePath, 'utf8'));
  } catch (err) {
    const where = err && typeof err === 'object' && 'line' in err ? `:${(err as { line: number }).line}` : '';
    emit({ ok: false, casePath, target: null, update: '', detail: `${casePath}${where}: ${errMessage(err)}` });
    return lines;
  }
  for (const target of caseFile.targets) {
    const incremental = new CaseSession(target, opts.optimize ?? 'Debug');
    try {
      for (const update of caseFile.updates) {
        const problems: string[] = [];
        const inc = await incremental.check(update, casePath, opts);
        if (inc) problems.push(`incremental: ${inc}`);
        const fresh = new CaseSession(target, opts.optimize ?? 'Debug');
        try {
          const fr = await fresh.check(update, casePath, opts);
          if (fr) problems.push(`fresh: ${fr}`);
        } finally {
          fresh.dispose();
        }
        emit({ ok: problems.length === 0, casePath, target, update: update.name, detail: problems.join('; ') });
      }
    } finally {
      incremental.dispose();
    }
  }
  return lines;
}

/** One compilation in its own temporary directory. */
class CaseSession {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-case-'));
  private compilation: Compilation | null = null;
  private fileName = '';

  constructor(
    private readonly target: TargetName,
    private readonly optimize: OptimizeMode,
  ) {}

  /** Applies the update and checks it; returns what differed, or null. */
  async check(update: CaseUpdate, casePath: string, opts: CaseRunOptions): Promise<string | null> {
    if (this.compilation && update.fileName !== this.fileName) {
      return `update switches to file '${update.fileName}'; cases with several files are not supported`;
    }
    this.fileName = update.fileName;
    const sourcePath = path.join(this.dir, update.fileName);
    fs.writeFileSync(sourcePath, update.source);
    const outputPath = path.join(this.dir, defaultOutputName(update.fileName, this.target));
    this.compilation ??= Compilation.create({
      sourcePath,
      outputPath,
      target: this.target,
      optimize: this.optimize,
      displayPath: update.fileName,
    });
    let result: UpdateResult;
    try {
      result = this.compilation.update();
    } catch (err) {
      return `the compiler crashed: ${errMessage(err)}`;
    }
    const errorProblem = compareErrors(update.expectErrors, result);
    if (errorProblem || update.expectErrors.length > 0) return errorProblem;
    if (update.expectIr) {
      const expected = fs.readFileSync(path.join(path.dirname(casePath), update.expectIr), 'utf8');
      const actual = this.compilation.emitIr();
      if (actual !== expected) return `ir differs from ${update.expectIr}:\n${actual}`;
    }
    const run = await runOutput(outputPath, this.target, { timeoutMs: opts.timeoutMs ?? 10_000 });
    const problems: string[] = [];
    if (run.timedOut) problems.push('the program timed out');
    const stdout = run.stdout.toString('latin1');
    if (stdout !== update.expectStdout) {
      problems.push(`stdout ${JSON.stringify(stdout)}, expected ${JSON.stringify(update.expectStdout)}`);
    }
    const stderr = run.stderr.toString('latin1');
    if (update.expectStderr !== null && stderr !== update.expectStderr) {
      problems.push(`stderr ${JSON.stringify(stderr)}, expected ${JSON.stringify(update.expectStderr)}`);
    }
    if (run.exitCode !== update.expectExit) {
      problems.push(`exit status ${run.exitCode}, expected ${update.expectExit}` + (stderr ? ` (stderr ${JSON.stringify(stderr)})` : ''));
    }
    return problems.length ? problems.join('; ') : null;
  }

  dispose(): void {
    this.compilation?.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function compareErrors(expected: string[], result: UpdateResult): string | null {
  const actual = result.errors.map(errorHeadline);
  const missing = expected.filter((e) => !actual.includes(e));
  const extra = actual.filter((a) => !expected.includes(a));
  if (missing.length === 0 && extra.length === 0) return null;
  const parts: string[] = [];
  if (missing.length) parts.push(`missing error(s): ${missing.join(' | ')}`);
  if (extra.length) parts.push(`unexpected error(s): ${extra.join(' | ')}`);
  return parts.join('; ');
}

function errMessage(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
