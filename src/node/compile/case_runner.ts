//! The case runner of spec §13, on the library API: for each target a case lists, one
//! long-running `Compilation` across all its updates and a fresh one for every update;
//! both must meet each update's expectations, and they must agree with each other (the
//! same errors, counted; the same stdout, stderr and exit status). An update with errors
//! must leave the output alone: the long-running compilation's file stays byte for byte
//! the last good one, and a fresh build writes no file at all (DESIGN.md, "Errors and
//! the output"). Reports one line per update and target.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OptimizeMode } from '../../link/Linker.js';
import { Compilation } from '../../compile/Compilation.js';
import type { CompilationOptions, UpdateResult } from '../../compile/Compilation.js';
import type { CaseFile, CaseUpdate } from '../../compile/case_file.js';
import { parseCaseFile } from '../../compile/case_file.js';
import { errorHeadline } from '../../compile/errors.js';
import { runOutput } from './run_output.js';
import type { TargetName } from '../../compile/target.js';
import { defaultOutputName } from '../../compile/target.js';

export interface CaseLine {
  ok: boolean;
  casePath: string;
  target: TargetName | null;
  update: string;
  /** What differed, for a failure. */
  detail: string;
}

/** Which of the two builds of an update a compilation makes. */
export type CaseRole = 'incremental' | 'fresh';

/** What the runner needs of a compilation. */
export type CaseCompilation = Pick<Compilation, 'update' | 'emitIr' | 'close'>;

export interface CaseRunOptions {
  optimize?: OptimizeMode;
  /** Called with each line as soon as it is known. */
  onLine?: (line: CaseLine) => void;
  /** Per-program run time limit. */
  timeoutMs?: number;
  /** Makes each compilation (default `Compilation.create`); tests of the runner substitute broken ones. */
  createCompilation?: (opts: CompilationOptions, role: CaseRole) => CaseCompilation;
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
    // Only a case that checks `zirc ir` output keeps the AIR; the others build as users' builds do.
    const retainAir = caseFile.updates.some((u) => u.expectIr);
    const incremental = new CaseSession('incremental', target, casePath, opts, retainAir);
    try {
      for (const update of caseFile.updates) {
        const problems: string[] = [];
        const inc = await incremental.check(update);
        problems.push(...inc.problems.map((p) => `incremental: ${p}`));
        const fresh = new CaseSession('fresh', target, casePath, opts, retainAir);
        try {
          const fr = await fresh.check(update);
          problems.push(...fr.problems.map((p) => `fresh: ${p}`));
          problems.push(...compareBuilds(inc, fr).map((p) => `incremental and fresh differ: ${p}`));
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

/** What one build of one update gave. */
interface Observation {
  problems: string[];
  /** Error headlines in the order reported; null when the compiler crashed. */
  errors: string[] | null;
  /** How the program ran; null when it was not run (errors, crash). */
  behaviour: Behaviour | null;
}

interface Behaviour {
  stdout: string;
  stderr: string;
  exit: number;
}

/** One compilation in its own temporary directory. */
class CaseSession {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-case-'));
  private compilation: CaseCompilation | null = null;
  private fileName = '';
  /** The output file after the last update without errors; null before the first. */
  private lastGoodOutput: Buffer | null = null;

  constructor(
    private readonly role: CaseRole,
    private readonly target: TargetName,
    private readonly casePath: string,
    private readonly opts: CaseRunOptions,
    private readonly retainAir: boolean,
  ) {}

  /** Applies the update and checks it against its expectations and the rules for the output. */
  async check(update: CaseUpdate): Promise<Observation> {
    const problems: string[] = [];
    const observed: Observation = { problems, errors: null, behaviour: null };
    if (this.compilation && update.fileName !== this.fileName) {
      problems.push(`update switches to file '${update.fileName}'; cases with several files are not supported`);
      return observed;
    }
    this.fileName = update.fileName;
    const sourcePath = path.join(this.dir, update.fileName);
    fs.writeFileSync(sourcePath, update.source);
    const outputPath = path.join(this.dir, defaultOutputName(update.fileName, this.target));
    const create = this.opts.createCompilation ?? ((o: CompilationOptions) => Compilation.create(o));
    this.compilation ??= create(
      { sourcePath, outputPath, target: this.target, optimize: this.opts.optimize ?? 'Debug', displayPath: update.fileName, retainAir: this.retainAir },
      this.role,
    );
    let result: UpdateResult;
    try {
      result = this.compilation.update();
    } catch (err) {
      problems.push(`the compiler crashed: ${errMessage(err)}`);
      return observed;
    }
    observed.errors = result.errors.map(errorHeadline);
    const errorProblem = compareErrorLists(update.expectErrors, observed.errors);
    if (errorProblem) problems.push(errorProblem);
    if (result.errors.length > 0) {
      const outputProblem = this.checkOutputUntouched(outputPath);
      if (outputProblem) problems.push(outputProblem);
      return observed;
    }
    this.lastGoodOutput = readIfExists(outputPath);
    if (this.lastGoodOutput === null) problems.push('an update without errors left no output file');
    if (update.expectErrors.length > 0) return observed;
    if (update.expectIr) {
      const expected = fs.readFileSync(path.join(path.dirname(this.casePath), update.expectIr), 'utf8');
      const actual = this.compilation.emitIr();
      if (actual !== expected) problems.push(`ir differs from ${update.expectIr}:\n${actual}`);
    }
    const run = await runOutput(outputPath, this.target, { timeoutMs: this.opts.timeoutMs ?? 10_000 });
    if (run.timedOut) problems.push('the program timed out');
    const b: Behaviour = { stdout: run.stdout.toString('latin1'), stderr: run.stderr.toString('latin1'), exit: run.exitCode };
    observed.behaviour = b;
    if (b.stdout !== update.expectStdout) {
      problems.push(`stdout ${JSON.stringify(b.stdout)}, expected ${JSON.stringify(update.expectStdout)}`);
    }
    if (update.expectStderr !== null && b.stderr !== update.expectStderr) {
      problems.push(`stderr ${JSON.stringify(b.stderr)}, expected ${JSON.stringify(update.expectStderr)}`);
    }
    if (b.exit !== update.expectExit) {
      problems.push(`exit status ${b.exit}, expected ${update.expectExit}` + (b.stderr ? ` (stderr ${JSON.stringify(b.stderr)})` : ''));
    }
    return observed;
  }

  /** After an update with errors: the last good output, byte for byte, or no file if there was none. */
  private checkOutputUntouched(outputPath: string): string | null {
    const now = readIfExists(outputPath);
    if (this.lastGoodOutput === null) {
      if (now === null) return null;
      const since = this.role === 'fresh' ? 'a fresh build' : 'before any good update';
      return `an update with errors wrote an output file (${now.length} bytes), ${since}`;
    }
    if (now === null) return 'an update with errors removed the last good output';
    if (now.equals(this.lastGoodOutput)) return null;
    return `an update with errors changed the output: ${describeDifference(this.lastGoodOutput, now)}`;
  }

  dispose(): void {
    this.compilation?.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** What the two builds of one update disagree on: their errors (as multisets) and how their programs ran. */
function compareBuilds(inc: Observation, fresh: Observation): string[] {
  const out: string[] = [];
  if (inc.errors && fresh.errors) {
    const d = compareErrorLists(fresh.errors, inc.errors, AGAINST_FRESH);
    if (d) out.push(d);
  }
  const a = inc.behaviour;
  const b = fresh.behaviour;
  if (a && b) {
    if (a.stdout !== b.stdout) out.push(`stdout ${JSON.stringify(a.stdout)} vs ${JSON.stringify(b.stdout)}`);
    if (a.stderr !== b.stderr) out.push(`stderr ${JSON.stringify(a.stderr)} vs ${JSON.stringify(b.stderr)}`);
    if (a.exit !== b.exit) out.push(`exit status ${a.exit} vs ${b.exit}`);
  }
  return out;
}

/** How a comparison of error lists names the two kinds of difference. */
interface ErrorLabels {
  missing: string;
  extra: string;
}

const AGAINST_EXPECTED: ErrorLabels = { missing: 'missing error(s)', extra: 'unexpected error(s)' };
const AGAINST_FRESH: ErrorLabels = {
  missing: 'error(s) only the fresh build reported',
  extra: 'error(s) only the incremental build reported',
};

/**
 * Compares error lists as multisets: each headline must occur as many times in `actual`
 * as in `wanted` (an error reported twice is not the error reported once), in any order.
 */
export function compareErrorLists(wanted: readonly string[], actual: readonly string[], labels: ErrorLabels = AGAINST_EXPECTED): string | null {
  const counts = new Map<string, number>();
  for (const e of wanted) counts.set(e, (counts.get(e) ?? 0) + 1);
  for (const e of actual) counts.set(e, (counts.get(e) ?? 0) - 1);
  const missing: string[] = [];
  const extra: string[] = [];
  for (const [e, n] of counts) {
    for (let i = 0; i < n; i++) missing.push(e);
    for (let i = 0; i < -n; i++) extra.push(e);
  }
  if (missing.length === 0 && extra.length === 0) return null;
  const parts: string[] = [];
  if (missing.length) parts.push(`${labels.missing}: ${missing.join(' | ')}`);
  if (extra.length) parts.push(`${labels.extra}: ${extra.join(' | ')}`);
  return parts.join('; ');
}

function readIfExists(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if (err && typeof err === 'object' && (err as { code?: unknown }).code === 'ENOENT') return null;
    throw err;
  }
}

function describeDifference(before: Buffer, after: Buffer): string {
  let i = 0;
  while (i < before.length && i < after.length && before[i] === after[i]) i++;
  return `${before.length} bytes before, ${after.length} after, first difference at byte ${i}`;
}

function errMessage(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
