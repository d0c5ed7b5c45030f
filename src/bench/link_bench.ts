//! `npm run bench:link` (or `npm run bench -- --only=link`): the full link of the C twin
//! by zirc ld (issue 12 item 8), side by side with ld.lld and mold, and by zirc wasm-ld
//! (issue 13 item 7), side by side with wasm-ld, in the same run.
//!
//! For each architecture and size it writes the C twin of the generated program
//! (c_project.ts: one unit per 100 functions plus rt.c, freestanding: rt.c defines
//! `_start` and makes the system calls or WASI calls itself, no libc), compiles the
//! objects once (`clang -O0 -c`, c_toolchain.ts), then times process start to exit of
//!   node bin/zirc-ld.js -static -e _start -o prog.zirc-ld <objects>
//!   ld.lld              -static -e _start -o prog.ld.lld <objects>
//!   mold --no-fork      -static -e _start -o prog.mold   <objects>
//!   node bin/zirc-wasm-ld.js --no-entry --export=_start -z stack-size=1048576 -o prog.zirc-wasm-ld <objects>
//!   wasm-ld             --no-entry --export=_start -z stack-size=1048576 -o prog.wasm-ld <objects>
//! (the same inputs and options per architecture; `--no-fork` as the bench's C comparison
//! uses it, so that mold's teardown is inside the measured time), interleaved, one uncounted warm-up each,
//! then `runs` timed runs each (median, min, max). Peak memory is each linker's maximum
//! resident set size, from one more run under GNU time (`/usr/bin/time -f %M`) when it is
//! installed, else from polling /proc/<pid>/status VmHWM. Each output is then run
//! (natively, or under node:wasi): its stdout and exit status must be what the generator
//! predicts, the same for every linker.
//!
//! Flags: `--sizes=10000,100000`, `--runs=N` (default 5), `--shape=loops`, `--out=DIR`,
//! `--arch=x86_64,wasm32` (default both), `--no-docs`, `--keep` (leave each size's objects
//! in DIR/work/link_<arch>_<shape>_<size>).

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOutput } from '../node/compile/run_output.js';
import { CProject } from './c_project.js';
import type { CArch } from './c_translate.js';
import type { CLinker, CToolchain } from './c_toolchain.js';
import { compileUnits, detectToolchain, linkArgs } from './c_toolchain.js';
import type { MachineInfo } from './machine.js';
import { describeMachine } from './machine.js';
import type { Shape } from './programs.js';
import { EditedProgram, SHAPES } from './programs.js';
import { median, msSince, ratio, summarize } from './stats.js';
import { GNU_TIME, timedRun } from './timed_run.js';
import { DocSection } from './doc_section.js';
import { archesFlag, flagValue, gitCommit, saveResults, reportToDocs } from './results_file.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
/** The issues' target: zirc's linker within this factor of the reference linker at 100k functions. */
export const LINK_TARGET_FACTOR = 2;
export type LinkBenchLinker = 'zirc-ld' | 'ld.lld' | 'mold' | 'zirc-wasm-ld' | 'wasm-ld';

/** One architecture's comparison: zirc's linker, the reference it must be within 2× of, the others. */
export interface LinkSuite {
  arch: CArch;
  /** How the report names it (`zirc ld`, `zirc wasm-ld`). */
  title: string;
  issue: string;
  zirc: 'zirc-ld' | 'zirc-wasm-ld';
  /** zirc's linker as a script under bin/. */
  zircBin: string;
  /** The reference linker; zirc's linker takes exactly its arguments. */
  reference: CLinker;
  linkers: readonly LinkBenchLinker[];
}

export const LINK_SUITES: Record<CArch, LinkSuite> = {
  x86_64: {
    arch: 'x86_64', title: 'zirc ld', issue: 'Issue 12 item 8', zirc: 'zirc-ld', zircBin: path.join(REPO, 'bin', 'zirc-ld.js'),
    reference: 'ld.lld', linkers: ['zirc-ld', 'ld.lld', 'mold'],
  },
  wasm32: {
    arch: 'wasm32', title: 'zirc wasm-ld', issue: 'Issue 13 item 7', zirc: 'zirc-wasm-ld', zircBin: path.join(REPO, 'bin', 'zirc-wasm-ld.js'),
    reference: 'wasm-ld', linkers: ['zirc-wasm-ld', 'wasm-ld'],
  },
};

export interface LinkerFigures {
  /** The command line, with the objects as `<N objects>`. */
  command: string;
  ok: boolean;
  error?: string;
  /** Process start to exit, the timed runs. */
  wallMs: number[];
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Peak resident set size of the linker's process (MiB), and how it was read. */
  maxRssMiB: number | null;
  outputBytes: number | null;
  /** Running the output: exit status and whether stdout is the generator's prediction. */
  run?: { exitCode: number | null; stdoutMatches: boolean; /** sha1 of stdout and stderr: the same for outputs that behave the same. */ digest?: string };
}

export interface LinkSizeFigures {
  functions: number;
  shape: string;
  objects: number;
  objectBytes: number;
  compileMs: number;
  linkers: Record<string, LinkerFigures>;
  /** zirc's median / the reference linker's median (ld.lld, wasm-ld). */
  vsReference: number | null;
  /** zirc's median / mold's (x86-64 only). */
  vsMold: number | null;
  /** Every output ran and printed the predicted stdout with the predicted exit status. */
  outputsAgree: boolean;
  /** Every output behaved exactly as the reference linker's did (exit status, stdout, stderr), predicted or not. */
  sameAsReference?: boolean;
}

export interface LinkSuiteFigures {
  arch: CArch;
  skipped?: string;
  /** `node bin/zirc-ld.js --version`: Node's start and the linker's module load, no link (ms). */
  startupMs?: { median: number; min: number; max: number };
  sizes: LinkSizeFigures[];
}

export interface LinkBenchFigures {
  runs: number;
  rssMethod: string;
  suites: LinkSuiteFigures[];
}

export interface LinkBenchOptions {
  sizes: number[];
  runs: number;
  shape: Shape;
  /** The architectures to compare (default both). */
  arches?: readonly CArch[];
  workDir: string;
  /** Keep each size's C twin and objects (for profiling) instead of deleting them. */
  keep?: boolean;
  log?: (msg: string) => void;
}


function isZirc(linker: LinkBenchLinker): linker is 'zirc-ld' | 'zirc-wasm-ld' {
  return linker === 'zirc-ld' || linker === 'zirc-wasm-ld';
}

function linkCommand(tc: CToolchain, suite: LinkSuite, linker: LinkBenchLinker, objects: string[], output: string): { cmd: string; args: string[] } {
  if (isZirc(linker)) return { cmd: process.execPath, args: [suite.zircBin, ...linkArgs(suite.reference, objects, output)] };
  return { cmd: tc.linkers[linker]!, args: linkArgs(linker, objects, output) };
}

function shownCommand(suite: LinkSuite, linker: LinkBenchLinker, count: number): string {
  const args = linkArgs(isZirc(linker) ? suite.reference : linker, [`<${count} objects>`], `prog.${linker}`).join(' ');
  return isZirc(linker) ? `node bin/${path.basename(suite.zircBin)} ${args}` : `${linker} ${args}`;
}

/** Runs a linked output as its target runs it; null exit code when it could not run. */
async function runLinked(arch: CArch, file: string, dir: string): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  if (arch === 'x86_64') {
    const ran = spawnSync(file, [], { cwd: dir, encoding: 'latin1', maxBuffer: 1 << 26 });
    return { exitCode: ran.status, stdout: ran.stdout, stderr: ran.stderr };
  }
  const ran = await runOutput(file, 'wasm32-wasi', { timeoutMs: 60_000 });
  return { exitCode: ran.exitCode, stdout: ran.stdout.toString('latin1'), stderr: ran.stderr.toString('latin1') };
}

export async function runLinkBench(opts: LinkBenchOptions): Promise<LinkBenchFigures> {
  const rssMethod = fs.existsSync(GNU_TIME) ? 'gnu-time' : 'proc';
  const figures: LinkBenchFigures = {
    runs: opts.runs,
    rssMethod: rssMethod === 'gnu-time' ? '/usr/bin/time -f %M' : '/proc/<pid>/status VmHWM, polled every 2 ms',
    suites: [],
  };
  for (const arch of opts.arches ?? (['x86_64', 'wasm32'] as const)) figures.suites.push(await runLinkSuite(LINK_SUITES[arch], opts, rssMethod));
  return figures;
}

async function runLinkSuite(suite: LinkSuite, opts: LinkBenchOptions, rssMethod: 'gnu-time' | 'proc'): Promise<LinkSuiteFigures> {
  const log = opts.log ?? ((m: string) => process.stdout.write(`${m}\n`));
  const tc = detectToolchain();
  const base: LinkSuiteFigures = { arch: suite.arch, sizes: [] };
  const missing = !tc.clang ? 'clang' : suite.linkers.find((l) => !isZirc(l) && !tc.linkers[l as CLinker]);
  if (missing) return { ...base, skipped: `${missing} is not installed (apt-get install clang lld mold)` };
  if (!fs.existsSync(path.join(REPO, 'dist', 'cli', 'main.js'))) return { ...base, skipped: 'dist/ is not built (npm run build)' };
  const startup: number[] = [];
  for (let run = -1; run < opts.runs; run++) {
    const r = await timedRun(process.execPath, [suite.zircBin, '--version'], REPO, 'none');
    if (run >= 0 && r.code === 0) startup.push(r.ms);
  }
  if (startup.length > 0) base.startupMs = { median: median(startup), min: Math.min(...startup), max: Math.max(...startup) };
  for (const functions of opts.sizes) {
    const dir = path.join(opts.workDir, `link_${suite.arch}_${opts.shape}_${functions}`);
    log(`${suite.title}: ${opts.shape} ${functions} functions: writing and compiling the C twin...`);
    const program = new EditedProgram(opts.shape, functions, 1);
    const project = new CProject(dir, suite.arch, true, 100);
    project.generate(program.source);
    const t = process.hrtime.bigint();
    await compileUnits(tc, suite.arch, project.sources, dir);
    const compileMs = msSince(t);
    const objects = project.sources.map((s) => path.basename(project.objectFor(s)));
    const objectBytes = objects.reduce((n, o) => n + fs.statSync(path.join(dir, o)).size, 0);
    const figures: Record<string, LinkerFigures> = {};
    for (const l of suite.linkers) {
      figures[l] = { command: shownCommand(suite, l, objects.length), ok: true, wallMs: [], medianMs: NaN, minMs: NaN, maxMs: NaN, maxRssMiB: null, outputBytes: null };
    }
    // One warm-up each (page cache, Node's compile cache), then interleaved timed runs.
    for (let run = -1; run < opts.runs; run++) {
      for (const l of suite.linkers) {
        const f = figures[l];
        if (!f.ok) continue;
        const output = `prog.${l}`;
        fs.rmSync(path.join(dir, output), { force: true });
        const { cmd, args } = linkCommand(tc, suite, l, objects, output);
        const r = await timedRun(cmd, args, dir, 'none');
        if (r.code !== 0) {
          f.ok = false;
          f.error = `exit ${r.code}: ${r.stderr.trim().slice(0, 1000)}`;
          continue;
        }
        if (run >= 0) f.wallMs.push(r.ms);
      }
    }
    for (const l of suite.linkers) {
      const f = figures[l];
      if (!f.ok) continue;
      const s = summarize(f.wallMs);
      f.medianMs = median(f.wallMs);
      f.minMs = s.min;
      f.maxMs = s.max;
      const { cmd, args } = linkCommand(tc, suite, l, objects, `prog.${l}`);
      const r = await timedRun(cmd, args, dir, rssMethod);
      f.maxRssMiB = r.rssMiB;
      const out = path.join(dir, `prog.${l}`);
      f.outputBytes = fs.statSync(out).size;
      const ran = await runLinked(suite.arch, out, dir);
      // The output's own name may appear in what it prints (a failed instantiation names the file): not a difference.
      const unnamed = (text: string) => text.split(out).join('<output>');
      const digest = createHash('sha1').update(`${ran.exitCode}\0${unnamed(ran.stdout)}\0${unnamed(ran.stderr)}`).digest('hex');
      f.run = { exitCode: ran.exitCode, stdoutMatches: ran.stdout === program.expectedStdout, digest };
    }
    const z = figures[suite.zirc]!;
    const agree = suite.linkers.every((l) => figures[l]!.ok && figures[l]!.run?.exitCode === program.expectedExitCode && figures[l]!.run?.stdoutMatches);
    const row: LinkSizeFigures = {
      functions,
      shape: opts.shape,
      objects: objects.length,
      objectBytes,
      compileMs,
      linkers: figures,
      vsReference: z.ok ? ratio(z.medianMs, figures[suite.reference]!.medianMs) : null,
      vsMold: z.ok && figures.mold ? ratio(z.medianMs, figures.mold.medianMs) : null,
      outputsAgree: agree,
      sameAsReference: suite.linkers.every((l) => figures[l]!.run?.digest !== undefined && figures[l]!.run?.digest === figures[suite.reference]!.run?.digest),
    };
    base.sizes.push(row);
    log(
      `${suite.title}: ${functions} functions, ${objects.length} objects: ` +
        suite.linkers.map((l) => (figures[l]!.ok ? `${l} ${figures[l]!.medianMs.toFixed(1)} ms ${figures[l]!.maxRssMiB?.toFixed(0)} MiB` : `${l} FAILED`)).join(', ') +
        `; zirc/${suite.reference} ${row.vsReference?.toFixed(2)}×, outputs ${agree ? 'agree' : row.sameAsReference ? `agree, but ${suite.reference}'s is not as predicted either` : 'DIFFER'}`,
    );
    // The objects of 100k functions are ~100 MB; keep the disk as it was.
    if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
  return base;
}

const f1 = (v: number | null | undefined, d = 1): string => (v == null || !Number.isFinite(v) ? '—' : v.toFixed(d));
const sizeLabel = (n: number): string => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));

/** The report's section on the full links of the C twin, one part per architecture (Markdown, no trailing newline). */
export function renderLinkSection(link: LinkBenchFigures, machine: MachineInfo, command: string, date: string): string {
  const out: string[] = [];
  out.push('## zirc ld and zirc wasm-ld: full link of the C twin');
  out.push('');
  out.push(
    `Measured by \`${command}\` on ${date}: ${machine.cpuModel}, ${machine.cores} cores (\`nproc\`), ` +
      `${(machine.memTotalMiB / 1024).toFixed(1)} GiB, Node ${machine.node}. ` +
      'The C twin (one unit per 100 functions plus `rt.c`) is freestanding: `rt.c` defines `_start` and makes the system calls (or WASI calls) itself, ' +
      'so there is no libc and the linkers of one architecture get exactly the same objects and options. The objects are compiled once (`clang -O0 -c`); ' +
      `each linker is then timed from process start to exit, interleaved, after one uncounted warm-up: ${link.runs} runs each (median, min, max). ` +
      `Peak memory is the linker process's maximum resident set size from one more run (${link.rssMethod}); for zirc it includes Node itself. ` +
      'ld.lld, mold and wasm-ld use their default thread counts. Each output is run (natively, or under node:wasi) and must print the checksum the generator predicts and exit as predicted.',
  );
  // Results written before the wasm suite existed have no `suites`: nothing to show for them.
  for (const suite of link.suites ?? []) {
    out.push('');
    out.push(renderSuite(LINK_SUITES[suite.arch], suite));
  }
  return out.join('\n');
}

function renderSuite(suite: LinkSuite, figures: LinkSuiteFigures): string {
  const out: string[] = [];
  out.push(`### ${suite.title} (${suite.arch}), ${suite.issue}`);
  out.push('');
  if (figures.skipped) {
    out.push(`Not measured: ${figures.skipped}.`);
    return out.join('\n');
  }
  if (figures.startupMs) {
    out.push(
      `For scale: \`node bin/${path.basename(suite.zircBin)} --version\` (Node's start and loading the linker's modules, no link) takes ` +
        `${f1(figures.startupMs.median)} ms (min ${f1(figures.startupMs.min)}, max ${f1(figures.startupMs.max)}) on this machine; it is part of every ${suite.zirc} figure below.`,
    );
    out.push('');
  }
  const head = ['size', 'objects', 'linker', 'command', 'median ms', 'min ms', 'max ms', 'peak RSS MiB', 'output bytes', 'runs as predicted'];
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  out.push(line(head), line(head.map(() => '---')));
  for (const s of figures.sizes) {
    for (const l of suite.linkers) {
      const f = s.linkers[l]!;
      out.push(
        line([
          `${sizeLabel(s.functions)} ${s.shape}`,
          `${s.objects} (${f1(s.objectBytes / 1048576)} MiB)`,
          l,
          `\`${f.command}\``,
          f.ok ? f1(f.medianMs) : `failed: ${f.error ?? ''}`.replace(/\|/g, '\\|').replace(/\n/g, ' '),
          f1(f.minMs),
          f1(f.maxMs),
          f1(f.maxRssMiB, 0),
          f.outputBytes == null ? '—' : String(f.outputBytes),
          f.run ? (f.run.stdoutMatches ? 'yes' : `no (exit ${f.run.exitCode}, stdout wrong)`) : '—',
        ]),
      );
    }
  }
  out.push('');
  for (const s of figures.sizes) {
    const verdict = s.vsReference == null ? 'not measured' : s.vsReference <= LINK_TARGET_FACTOR ? 'met' : 'missed';
    const target = s.functions === 100_000 ? ` Target (within ${LINK_TARGET_FACTOR}× of ${suite.reference} at 100k functions): **${verdict}**.` : '';
    const mold = s.vsMold == null ? '' : `, ${f1(s.vsMold, 2)}× mold's`;
    out.push(
      `- ${sizeLabel(s.functions)} functions: ${suite.zirc} ${f1(s.vsReference, 2)}× ${suite.reference}'s median${mold}; ` +
        `peak RSS ${f1(ratio(s.linkers[suite.zirc]!.maxRssMiB, s.linkers[suite.reference]!.maxRssMiB), 2)}× ${suite.reference}'s; ` +
        `outputs ${s.outputsAgree ? 'behave the same' : s.sameAsReference ? `behave the same but not as the generator predicts, ${suite.reference}'s too (the C twin itself fails at this size)` : 'DIFFER'}; the objects compiled in ${f1(s.compileMs / 1000)} s (not part of the link).${target}`,
    );
  }
  if (!figures.sizes.some((s) => s.functions === 100_000)) out.push(`- 100k functions: not measured in this run, so the ${LINK_TARGET_FACTOR}× target is not judged.`);
  return out.join('\n');
}

const SECTION = new DocSection('zirc-ld link bench');

/** Puts the section into docs/performance.md, replacing an earlier one, leaving the rest as it is. */
export function writeLinkSection(docPath: string, section: string): void {
  SECTION.write(docPath, section);
}

/** The section wrapped in its markers, for report.ts (the full bench's page). */
export function linkSectionBlock(section: string): string {
  return SECTION.block(section);
}

export function parseLinkFlags(argv: readonly string[]): { sizes: number[]; runs: number; shape: Shape; arches: CArch[] } {
  const flag = (name: string): string | undefined => flagValue(argv, name);
  const shape = (flag('shape') ?? 'loops') as Shape;
  const arches = archesFlag(argv);
  return {
    arches,
    sizes: flag('sizes')?.split(',').map(Number).filter((n) => n > 0) ?? [10_000, 100_000],
    runs: Math.max(1, Number(flag('runs') ?? 5)),
    shape: SHAPES.includes(shape) ? shape : 'loops',
  };
}

/** The standalone run: measures, writes `bench/results/<date>-link.json` and the section of docs/performance.md. */
export async function linkBenchMain(argv: readonly string[], command: string): Promise<void> {
  const flags = parseLinkFlags(argv);
  const outDir = path.resolve(argv.find((a) => a.startsWith('--out='))?.slice(6) ?? path.join(REPO, 'bench'));
  const workDir = path.join(outDir, 'work');
  fs.mkdirSync(workDir, { recursive: true });
  const started = Date.now();
  const machine = describeMachine();
  const tc = detectToolchain();
  const link = await runLinkBench({ ...flags, workDir, keep: argv.includes('--keep') });
  const date = new Date().toISOString();
  const results = {
    date,
    command,
    commit: gitCommit(REPO),
    machine,
    tools: {
      'ld.lld': tc.versions['ld.lld'], mold: tc.versions.mold, 'wasm-ld': tc.versions['wasm-ld'], clang: tc.versions.clang,
      'GNU time': fs.existsSync(GNU_TIME) ? GNU_TIME : null,
    },
    link,
    wallSeconds: (Date.now() - started) / 1000,
  };
  saveResults(outDir, date, '-link', results);
  reportToDocs(argv, REPO, (docPath) => writeLinkSection(docPath, renderLinkSection(link, machine, command, date)));
  process.stdout.write(`done in ${((Date.now() - started) / 60_000).toFixed(1)} minutes (${os.cpus().length} cores)\n`);
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  linkBenchMain(process.argv.slice(2), `npm run bench:link${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
