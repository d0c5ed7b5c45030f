//! `npm run bench`: the benchmark driver. Generates the programs, runs every
//! configuration (shape × size × target) in a child process of its own (config_child.ts),
//! adds the front end's parse/split throughput and the watcher's latency, and writes
//! `bench/results/<date>.json` and `docs/performance.md`.
//!
//! Flags: `--quick` (1k and 10k, fewer edits: a few minutes), `--sizes=1000,10000`,
//! `--shapes=chain,loops`, `--targets=x86_64-linux`, `--edits=N`, `--const-edits=N`,
//! `--no-c` (skip the C comparison), `--no-watch`, `--no-docs` (results JSON only), `--out=DIR`,
//! `--c-max=N` (largest program the C twin is built for; default 10k), `--report=FILE.json`
//! (only re-render docs/performance.md from a results file), `--only=link` (only zirc ld's
//! full link of the C twin against ld.lld and mold: src/bench/link_bench.ts), `--no-link`,
//! `--only=relink` (only zirc ld --watch's relink against full links: src/bench/relink_bench.ts),
//! `--no-relink`, `--relink-edits=N` (default 20), `--only=cold` (only the cold start: `node -e 0`,
//! `zirc --version` and `zirc build` of 1k functions against clang, process start to exit:
//! src/bench/cold_bench.ts), `--no-cold`.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TargetName } from '../compile/target.js';
import type { ConfigSpec } from './config_run.js';
import { describeCommands, detectToolchain } from './c_toolchain.js';
import { describeMachine } from './machine.js';
import type { Shape } from './programs.js';
import { EditedProgram, SHAPES } from './programs.js';
import { renderReport } from './report.js';
import type { BenchResults, ConfigResult, FrontEndFigures, WatchFigures } from './results.js';
import { evaluateTargets } from './targets.js';
import { gitCommit, writeResultsFile } from './results_file.js';
import type { runParseBench } from './parse_bench.js';
import { measureWatchLatency } from './watch_latency.js';
import { linkBenchMain, runLinkBench } from './link_bench.js';
import type { RelinkBenchFigures } from './relink_bench.js';
import { relinkBenchMain, runRelinkBench } from './relink_bench.js';
import type { ColdBenchFigures } from './cold_bench.js';
import { CLI_BUILD_AT_10K, coldBenchMain, runColdBench, writeColdSections } from './cold_bench.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');

export interface BenchPlan {
  sizes: number[];
  shapes: Shape[];
  targets: TargetName[];
  bodyEdits: number;
  constEdits: number;
  warmupEdits: number;
  compareC: boolean;
  /** Largest program the C twin is built for (its full build compiles every unit). */
  cMaxFunctions: number;
  /** Constant edits on the C twin (each may recompile many units). */
  cConstEdits: number;
  functionsPerUnit: number;
  /** Largest program also built from scratch after the edits to compare outputs. */
  verifyFreshMaxFunctions: number;
  /** A configuration that runs longer is stopped and reported. */
  configTimeoutMs: number;
  outDir: string;
  docs: boolean;
  watch: boolean;
  seed: number;
  /** Configurations left out, with the reason (printed in the report); none by default. */
  excluded: Array<{ shape: Shape; functions: number; reason: string }>;
}

export function parsePlan(argv: readonly string[]): BenchPlan {
  const flag = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const has = (name: string): boolean => argv.includes(`--${name}`);
  const quick = has('quick');
  const list = <T extends string>(v: string | undefined, all: readonly T[]): T[] => (v ? (v.split(',') as T[]).filter((x) => all.includes(x)) : [...all]);
  const sizes = flag('sizes')?.split(',').map(Number).filter((n) => n > 0) ?? (quick ? [1000, 10_000] : [1000, 10_000, 100_000]);
  const bodyEdits = Number(flag('edits') ?? (quick ? 30 : 30));
  return {
    sizes,
    shapes: list(flag('shapes'), SHAPES),
    targets: list<TargetName>(flag('targets'), ['x86_64-linux', 'wasm32-wasi']),
    bodyEdits,
    constEdits: Number(flag('const-edits') ?? (quick ? 10 : 20)),
    warmupEdits: 2,
    compareC: !has('no-c'),
    cMaxFunctions: Number(flag('c-max') ?? 10_000),
    cConstEdits: Number(flag('c-const-edits') ?? 5),
    functionsPerUnit: 100,
    verifyFreshMaxFunctions: 10_000,
    configTimeoutMs: 8 * 60_000,
    outDir: path.resolve(flag('out') ?? path.join(REPO, 'bench')),
    docs: !has('no-docs'),
    watch: !has('no-watch'),
    seed: 1,
    excluded: [],
  };
}

function log(msg: string): void {
  process.stdout.write(`${msg}\n`);
}

/** Runs one configuration in a child process; a crash or timeout becomes an error result. */
function runConfigChild(spec: ConfigSpec, plan: BenchPlan): Promise<ConfigResult> {
  const specPath = path.join(spec.workDir, 'spec.json');
  const resultPath = path.join(spec.workDir, 'result.json');
  fs.mkdirSync(spec.workDir, { recursive: true });
  fs.writeFileSync(specPath, JSON.stringify(spec));
  fs.rmSync(resultPath, { force: true });
  const heapMiB = spec.functions >= 100_000 ? 8192 : 4096;
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMiB}`, path.join(HERE, 'config_child.js'), specPath, resultPath], {
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 8000) stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), plan.configTimeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (fs.existsSync(resultPath)) {
        resolve(JSON.parse(fs.readFileSync(resultPath, 'utf8')) as ConfigResult);
        return;
      }
      const why = signal === 'SIGKILL' ? `stopped after ${plan.configTimeoutMs / 1000} s` : `exited ${code ?? signal}`;
      resolve({
        shape: spec.shape,
        functions: spec.functions,
        target: spec.target,
        sourceBytes: fs.statSync(spec.programPath).size,
        error: `the configuration's process ${why}: ${stderr.trim().split('\n').slice(0, 8).join(' | ')}`,
        wallMs: Date.now() - started,
      });
    });
  });
}

async function measureFrontEnd(): Promise<FrontEndFigures> {
  try {
    const child = spawnSync(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), 'parse_child.js'), '10000'], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) throw new Error(child.stderr.trim() || `exit status ${child.status}`);
    // The figure of the issue is the default shape's (loops); the others are shown beside it.
    const [figures, ...others] = JSON.parse(child.stdout) as Array<ReturnType<typeof runParseBench>>;
    const byShape = Object.fromEntries([figures, ...others].map((f) => [f.shape, { parseMBps: f.parseMBps, splitMBps: f.splitMBps, bytes: f.bytes }]));
    return { figures: { ...figures, byShape }, parseMBps: figures.parseMBps, splitMBps: figures.splitMBps };
  } catch (e) {
    return { skipped: `parse bench failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The watcher's latency (src/bench/watch_latency.ts, the watch engineer's), at `functions` functions. */
async function measureWatch(edits: number, workDir: string, functions = 10_000): Promise<WatchFigures> {
  try {
    fs.mkdirSync(workDir, { recursive: true });
    const r = await measureWatchLatency({ functions, edits: Math.max(30, edits), workDir });
    const { latencyMs, fromWriteStartMs, compileMs, ...rest } = r;
    return { figures: { ...rest, latencyMs, fromWriteStartMs, compileMs }, p50Ms: r.p50Ms, p95Ms: r.p95Ms };
  } catch (e) {
    return { skipped: `watch latency failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function shortLine(c: ConfigResult): string {
  const f = c.fullBuild;
  const b = c.bodyEdit;
  const k = c.constEdit;
  const parts = [
    `${c.shape} ${c.functions / 1000}k ${c.target}:`,
    f ? `build ${f.ms.toFixed(0)} ms, ${f.maxRssMiB} MiB` : '',
    b ? `edit p50 ${b.totalMs.p50.toFixed(2)} p95 ${b.totalMs.p95.toFixed(2)} ms (analyze ${b.analyzeMs.p50.toFixed(2)}, flush ${b.flushMs.p50.toFixed(2)}), ${b.bytesWritten.p50} B` : '',
    k ? `const edit p50 ${k.totalMs.p50.toFixed(2)} ms` : '',
    c.c?.bodyEdit ? `C/zirc ${Object.entries(c.c.bodyEdit.totalMs).map(([l, s]) => `${l} ${(s.p50 / ((c.c?.bodyEdit?.zircAlongside ?? b)?.totalMs.p50 ?? NaN)).toFixed(1)}×`).join(' ')}` : c.c?.skipped ? `C skipped` : '',
    c.error ? `ERROR ${c.error}` : '',
    `(${(c.wallMs / 1000).toFixed(0)} s)`,
  ];
  return parts.filter((p) => p !== '').join(' ');
}

/** Writes docs/performance.md from results (with bench/analysis.md under "Misses"). */
function writeReport(results: BenchResults, command: string): string {
  const analysisPath = path.join(REPO, 'bench', 'analysis.md');
  const analysis = fs.existsSync(analysisPath) ? fs.readFileSync(analysisPath, 'utf8') : null;
  const docPath = path.join(REPO, 'docs', 'performance.md');
  fs.mkdirSync(path.dirname(docPath), { recursive: true });
  fs.writeFileSync(docPath, renderReport(results, command, analysis));
  return docPath;
}

async function main(): Promise<void> {
  const reportOnly = process.argv.slice(2).find((a) => a.startsWith('--report='))?.slice('--report='.length);
  if (reportOnly) {
    // Re-render the page from a results file (after editing bench/analysis.md), measuring nothing.
    const results = JSON.parse(fs.readFileSync(reportOnly, 'utf8')) as BenchResults & { cold?: ColdBenchFigures; cliBuild10k?: ColdBenchFigures };
    const docPath = writeReport(results, results.command ?? 'npm run bench');
    writeColdSections(docPath, [results.cold, results.cliBuild10k], results.machine, results.command ?? 'npm run bench', results.date);
    log(`report: ${path.relative(process.cwd(), docPath)}`);
    return;
  }
  if (process.argv.includes('--only=link')) {
    const rest = process.argv.slice(2).filter((a) => a !== '--only=link');
    await linkBenchMain(rest, `npm run bench -- ${process.argv.slice(2).join(' ')}`);
    return;
  }
  if (process.argv.includes('--only=relink')) {
    const rest = process.argv.slice(2).filter((a) => a !== '--only=relink');
    await relinkBenchMain(rest, `npm run bench -- ${process.argv.slice(2).join(' ')}`);
    return;
  }
  if (process.argv.includes('--only=cold')) {
    const rest = process.argv.slice(2).filter((a) => a !== '--only=cold');
    await coldBenchMain(rest, `npm run bench -- ${process.argv.slice(2).join(' ')}`);
    return;
  }
  const plan = parsePlan(process.argv.slice(2));
  const started = Date.now();
  const workRoot = path.join(plan.outDir, 'work');
  fs.mkdirSync(workRoot, { recursive: true });
  const tc = detectToolchain();
  if (plan.compareC && !tc.clang) log('note: clang is not installed; the C comparison is skipped (apt-get install clang lld mold)');
  const machine = describeMachine();
  log(`zirc bench on ${machine.cpuModel}, ${machine.cores} cores, ${(machine.memTotalMiB / 1024).toFixed(1)} GiB; sizes ${plan.sizes.join(', ')}`);

  const configs: ConfigResult[] = [];
  for (const functions of [...plan.sizes].sort((a, b) => a - b)) {
    for (const shape of plan.shapes) {
      if (plan.excluded.some((x) => x.shape === shape && x.functions === functions)) continue;
      const programPath = path.join(workRoot, `${shape}_${functions}.zir`);
      new EditedProgram(shape, functions, plan.seed).writeTo(programPath);
      if (plan.excluded.some((x) => x.shape === shape && x.functions === functions)) continue;
      for (const target of plan.targets) {
        const spec: ConfigSpec = {
          shape,
          functions,
          target,
          seed: plan.seed,
          programPath,
          workDir: path.join(workRoot, `${shape}_${functions}_${target}`),
          bodyEdits: plan.bodyEdits,
          constEdits: plan.constEdits,
          warmupEdits: plan.warmupEdits,
          compareC: plan.compareC && functions <= plan.cMaxFunctions,
          cConstEdits: Math.min(plan.cConstEdits, plan.constEdits),
          functionsPerUnit: plan.functionsPerUnit,
          verifyFresh: functions <= plan.verifyFreshMaxFunctions,
        };
        const r = await runConfigChild(spec, plan);
        configs.push(r);
        log(shortLine(r));
        fs.rmSync(path.join(spec.workDir, 'c'), { recursive: true, force: true });
      }
    }
  }

  log('front end: parse and split throughput (10k functions)...');
  const frontEnd = await measureFrontEnd();
  log(frontEnd.skipped ?? `parse ${frontEnd.parseMBps?.toFixed(1)} MB/s, split ${frontEnd.splitMBps?.toFixed(1)} MB/s`);
  log('watch latency (10k functions)...');
  const watch = plan.watch ? await measureWatch(plan.bodyEdits, path.join(workRoot, 'watch')) : { skipped: 'not requested (--no-watch)' };
  log(watch.skipped ?? `watch p50 ${watch.p50Ms} ms, p95 ${watch.p95Ms} ms`);
  let watchLarge: WatchFigures | undefined;
  if (plan.watch && plan.sizes.some((n) => n >= 100_000)) {
    log('watch latency (100k functions)...');
    watchLarge = await measureWatch(plan.bodyEdits, path.join(workRoot, 'watch-100k'), 100_000);
    log(watchLarge.skipped ?? `watch p50 ${watchLarge.p50Ms} ms, p95 ${watchLarge.p95Ms} ms`);
  }

  const linkSizes = plan.sizes.filter((n) => n >= 10_000);
  const link =
    plan.compareC && !process.argv.includes('--no-link') && linkSizes.length > 0
      ? await runLinkBench({ sizes: linkSizes, runs: 5, shape: 'loops', workDir: workRoot, log })
      : undefined;

  // zirc ld --watch's relink against full links (relink_bench.ts), at every size of the plan.
  let relink: RelinkBenchFigures | undefined;
  if (plan.compareC && !process.argv.includes('--no-relink')) {
    const edits = Number(process.argv.find((a) => a.startsWith('--relink-edits='))?.slice('--relink-edits='.length) ?? 20);
    try {
      relink = await runRelinkBench({ sizes: plan.sizes, edits, shape: 'loops', workDir: workRoot, log });
    } catch (e) {
      log(`relink bench failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  // What a user waits for from a cold start (cold_bench.ts): 1k functions, whatever the plan's
  // sizes; then the CLI's build of 10k against the other compilers.
  let cold: ColdBenchFigures | undefined;
  let cliBuild10k: ColdBenchFigures | undefined;
  if (!process.argv.includes('--no-cold')) {
    try {
      cold = await runColdBench({ functions: 1000, shape: 'chain', runs: 15, workDir: workRoot, log });
      cliBuild10k = await runColdBench({ ...CLI_BUILD_AT_10K, workDir: workRoot, log });
    } catch (e) {
      log(`cold start bench failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  const date = new Date().toISOString();
  const x86 = describeCommands('x86_64');
  const wasm = describeCommands('wasm32');
  const results: BenchResults & { relink?: RelinkBenchFigures; cold?: ColdBenchFigures } = {
    date,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    commit: gitCommit(REPO),
    machine,
    tools: tc.versions,
    plan: {
      sizes: plan.sizes,
      shapes: plan.shapes,
      targets: plan.targets,
      bodyEdits: plan.bodyEdits,
      constEdits: plan.constEdits,
      functionsPerUnit: plan.functionsPerUnit,
      excluded: plan.excluded.filter((x) => plan.sizes.includes(x.functions)),
    },
    commands: { 'C compile (x86-64)': x86.compile, 'C link (x86-64)': x86.link, 'C compile (wasm32)': wasm.compile, 'C link (wasm32)': wasm.link },
    configs,
    frontEnd,
    watch,
    watchLarge,
    ...(link ? { link } : {}),
    ...(relink ? { relink } : {}),
    ...(cold ? { cold } : {}),
    ...(cliBuild10k ? { cliBuild10k } : {}),
    wallSeconds: (Date.now() - started) / 1000,
  };
  const jsonPath = writeResultsFile(plan.outDir, date, '', results);
  log(`results: ${path.relative(process.cwd(), jsonPath)}`);
  for (const c of evaluateTargets(results)) log(`${c.verdict.padEnd(12)} ${c.figure}: ${c.measured} (target ${c.target})`);
  if (plan.docs) {
    const docPath = writeReport(results, results.command ?? 'npm run bench');
    // The cold start's sections are their own (report.ts renders the rest of the page).
    writeColdSections(docPath, [cold, cliBuild10k], machine, results.command ?? 'npm run bench', date);
    log(`report: ${path.relative(process.cwd(), docPath)}`);
  }
  log(`done in ${((Date.now() - started) / 60_000).toFixed(1)} minutes`);
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
