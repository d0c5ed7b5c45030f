//! One bench configuration (shape × size × target), run inside its own child process so
//! that the peak RSS read right after the full build is the full build's own. It builds
//! the program once, then edits it: one-function body edits at random places, then edits
//! of a constant many functions use. Each edit writes the file (as an editor saves it),
//! then times update() from that file change until it returns (update flushes, so the
//! output is on disk when it returns); the write is timed apart. When the C tools are installed the
//! C twin of the program gets the same edit right after zirc's (zirc, C, zirc, C, ...):
//! recompile the units the edit touched with `clang -O0 -c`, relink with each linker.

import '../node/install.js';
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Compilation } from '../compile/Compilation.js';
import type { UpdateResult } from '../compile/Compilation.js';
import type { TargetName } from '../compile/target.js';
import { runOutput } from '../node/compile/run_output.js';
import type { RunResult } from '../node/compile/run_output.js';
import type { CArch } from './c_translate.js';
import type { CLinker } from './c_toolchain.js';
import { detectToolchain, missingTools } from './c_toolchain.js';
import type { CFullBuild, CReply, CRequest, CSample } from './c_worker.js';
import type { Shape } from './programs.js';
import { EditedProgram } from './programs.js';
import type { CComparison, CEditSeries, ConfigResult, EditSeries } from './results.js';
import { msSince, seededRandom, summarize } from './stats.js';
import { TimedLinker } from './timed_linker.js';

export interface ConfigSpec {
  shape: Shape;
  functions: number;
  target: TargetName;
  seed: number;
  /** The generated program, already written by the driver. */
  programPath: string;
  workDir: string;
  bodyEdits: number;
  constEdits: number;
  /** Edits made before the measured ones, not counted (JIT warm-up). */
  warmupEdits: number;
  compareC: boolean;
  /** Constant edits for the C twin (they may recompile many units); ≤ constEdits. */
  cConstEdits: number;
  functionsPerUnit: number;
  /** Build the final source from scratch too and compare the two outputs' runs. */
  verifyFresh: boolean;
}

interface ZircSample {
  r: UpdateResult;
  totalMs: number;
  writeMs: number;
  placeMs: number;
  flushMs: number;
}

/** The zirc side of the measurements: one long-running compilation of one program. */
class ZircSession {
  private linker: TimedLinker | null = null;
  readonly comp: Compilation;

  constructor(
    readonly sourcePath: string,
    readonly outputPath: string,
    target: TargetName,
  ) {
    this.comp = Compilation.create({
      sourcePath,
      outputPath,
      target,
      optimize: 'Debug',
      linkerFactory: TimedLinker.factory((l) => (this.linker = l)),
    });
  }

  /** Saves `program` (when given), then updates: the clock starts once the file has changed. */
  edit(program: EditedProgram | null): ZircSample {
    const writeStart = process.hrtime.bigint();
    program?.writeTo(this.sourcePath);
    const writeMs = msSince(writeStart);
    const start = process.hrtime.bigint();
    const r = this.comp.update();
    const totalMs = msSince(start);
    const clock = this.linker?.take() ?? { placeMs: 0, flushMs: 0 };
    // Code generation now runs in Compilation, outside the linker: the column stays codegen + place.
    return { r, totalMs, writeMs, placeMs: r.stats.timings.codegenMs + clock.placeMs, flushMs: clock.flushMs };
  }
}

/** The C side: a proxy of the C worker process (c_worker.ts), which owns the twin project. */
class CTwin {
  private readonly child: ChildProcess;
  private pending: ((r: CReply) => void) | null = null;
  full: CFullBuild | null = null;

  constructor() {
    this.child = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'c_worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (r: CReply) => {
      const p = this.pending;
      this.pending = null;
      p?.(r);
    });
    this.child.on('exit', () => {
      const p = this.pending;
      this.pending = null;
      p?.({ ok: false, error: 'the C worker exited', unsupported: false });
    });
  }

  private request(req: CRequest): Promise<CReply> {
    return new Promise((resolve) => {
      this.pending = resolve;
      this.child.send(req);
    });
  }

  get linkers(): CLinker[] {
    return this.full?.linkers ?? [];
  }

  async init(dir: string, arch: CArch, functionsPerUnit: number, sourcePath: string): Promise<CReply> {
    const r = await this.request({ kind: 'init', dir, arch, functionsPerUnit, sourcePath });
    if (r.ok && r.full) this.full = r.full;
    return r;
  }

  /** The edit now in `sourcePath`: recompile and relink. Throws when the worker failed. */
  async edit(sourcePath: string): Promise<CSample> {
    const r = await this.request({ kind: 'edit', sourcePath });
    if (!r.ok) throw new Error(r.error);
    return r.sample!;
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.connected) await this.request({ kind: 'close' });
  }
}

function seriesOf(samples: ZircSample[]): EditSeries {
  const pick = (f: (s: ZircSample) => number): ReturnType<typeof summarize> => summarize(samples.map(f));
  const failed = samples.filter((s) => !s.r.ok);
  return {
    count: samples.length,
    failures: failed.length,
    totalMs: pick((s) => s.totalMs),
    writeMs: pick((s) => s.writeMs),
    readMs: pick((s) => s.r.stats.timings.readMs),
    updateMs: pick((s) => s.r.stats.timings.totalMs),
    splitMs: pick((s) => s.r.stats.timings.splitMs),
    parseMs: pick((s) => s.r.stats.timings.parseMs),
    analyzeMs: pick((s) => s.r.stats.timings.analyzeMs),
    linkMs: pick((s) => s.r.stats.timings.linkMs),
    placeMs: pick((s) => s.placeMs),
    flushMs: pick((s) => s.flushMs),
    bytesWritten: pick((s) => s.r.stats.bytesWritten),
    functionsGenerated: pick((s) => s.r.stats.functionsGenerated),
    declsAnalyzed: pick((s) => s.r.stats.declsAnalyzed),
    ...(failed.length > 0 ? { firstError: failed[0].r.errors[0]?.rendered ?? 'update failed' } : {}),
  };
}

function cSeriesOf(samples: CSample[], linkers: CLinker[]): CEditSeries {
  const totalMs: Record<string, ReturnType<typeof summarize>> = {};
  const linkMs: Record<string, ReturnType<typeof summarize>> = {};
  for (const l of linkers) {
    totalMs[l] = summarize(samples.map((s) => s.compileMs + s.linkMs[l]));
    linkMs[l] = summarize(samples.map((s) => s.linkMs[l]));
  }
  return {
    count: samples.length,
    unitsCompiled: summarize(samples.map((s) => s.units)),
    compileMs: summarize(samples.map((s) => s.compileMs)),
    totalMs,
    linkMs,
  };
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function sameRun(a: RunResult, b: RunResult): boolean {
  return a.exitCode === b.exitCode && a.stdout.equals(b.stdout);
}

export async function runConfig(spec: ConfigSpec): Promise<ConfigResult> {
  const wallStart = process.hrtime.bigint();
  fs.mkdirSync(spec.workDir, { recursive: true });
  const sourcePath = path.join(spec.workDir, 'prog.zir');
  const outputPath = path.join(spec.workDir, spec.target === 'wasm32-wasi' ? 'prog.wasm' : 'prog');
  fs.copyFileSync(spec.programPath, sourcePath);
  fs.rmSync(outputPath, { force: true });
  const result: ConfigResult = {
    shape: spec.shape,
    functions: spec.functions,
    target: spec.target,
    sourceBytes: fs.statSync(sourcePath).size,
    wallMs: 0,
  };
  const finish = (): ConfigResult => {
    result.wallMs = msSince(wallStart);
    return result;
  };

  // 1. The full build, first thing in this process: the peak RSS so far is its own.
  const zirc = new ZircSession(sourcePath, outputPath, spec.target);
  const full = zirc.edit(null);
  const rss = process.resourceUsage().maxRSS / 1024;
  result.fullBuild = {
    ok: full.r.ok,
    ms: full.totalMs,
    maxRssMiB: Math.round(rss * 10) / 10,
    outputBytes: fs.existsSync(outputPath) ? fs.statSync(outputPath).size : 0,
    declsAnalyzed: full.r.stats.declsAnalyzed,
    functionsGenerated: full.r.stats.functionsGenerated,
    timings: { ...full.r.stats.timings, placeMs: full.placeMs, flushMs: full.flushMs },
    ...(full.r.ok ? {} : { firstError: full.r.errors[0]?.rendered ?? 'failed' }),
  };
  if (!full.r.ok) {
    result.error = 'the full build failed; no edits measured';
    return finish();
  }

  // The generator's model of the program (after the build, so its memory is not counted above).
  const prog = new EditedProgram(spec.shape, spec.functions, spec.seed);
  if (!prog.source.equals(fs.readFileSync(sourcePath))) {
    result.error = 'the generator gave a different program in the child process';
    return finish();
  }

  // 2. The C twin's full build.
  const arch: CArch = spec.target === 'x86_64-linux' ? 'x86_64' : 'wasm32';
  let c: CTwin | null = null;
  if (spec.compareC) {
    const missing = missingTools(detectToolchain(), arch);
    if (missing) result.c = { skipped: missing };
    else {
      c = new CTwin();
      const r = await c.init(path.join(spec.workDir, 'c'), arch, spec.functionsPerUnit, sourcePath);
      if (r.ok && r.full) {
        const { compileMs, linkMs, jobs, units } = r.full;
        result.c = { units, fullBuild: { compileMs, linkMs, jobs } };
      } else {
        result.c = !r.ok && r.unsupported ? { skipped: `the program is outside the C translation: ${r.ok ? '' : r.error}` } : { error: r.ok ? 'no build' : r.error };
        await c.close();
        c = null;
      }
    }
  }

  const cFailed = (e: unknown): void => {
    result.c = { ...result.c, error: describeError(e) };
    void c?.close();
    c = null;
  };

  // 3. One-function body edits at random places, then 4. edits of a constant many
  // functions use. Each kind runs twice: zirc alone first (the figures, and their growth
  // from 1k to 100k, all measured in the same conditions), then zirc and C alternately
  // (the comparison, both sides in the same conditions: a C compile between two zirc
  // edits leaves the caches cold for the next one).
  const rng = seededRandom(spec.seed ^ 0x5eed);
  let variant = 1;
  const bodyEdit = (): void => prog.editBody(Math.floor(rng() * spec.functions), variant++);
  const zircAlone = (count: number, edit: () => void): ZircSample[] => {
    const samples: ZircSample[] = [];
    for (let i = 0; i < count; i++) {
      edit();
      samples.push(zirc.edit(prog));
    }
    return samples;
  };
  const alongsideC = async (count: number, edit: () => void): Promise<{ zirc: ZircSample[]; c: CSample[] }> => {
    const out = { zirc: [] as ZircSample[], c: [] as CSample[] };
    try {
      // The C twin catches up with the edits made without it, untimed.
      if (c) await c.edit(sourcePath);
      for (let i = 0; i < count && c; i++) {
        edit();
        out.zirc.push(zirc.edit(prog));
        out.c.push(await c.edit(sourcePath));
      }
    } catch (e) {
      cFailed(e);
    }
    return out;
  };

  zircAlone(spec.warmupEdits, bodyEdit);
  result.bodyEdit = seriesOf(zircAlone(spec.bodyEdits, bodyEdit));
  const bodyWithC = c ? await alongsideC(spec.bodyEdits, bodyEdit) : null;

  const constEdits = prog.hasConstants ? spec.constEdits : 0;
  const shared = constEdits > 0 ? prog.mostUsedConstant() : null;
  const constEdit = (): void => prog.editSharedConstant(shared!.index, variant++);
  if (shared) result.constEdit = { ...seriesOf(zircAlone(constEdits, constEdit)), constantUsers: shared.users };
  const constWithC = c && shared ? await alongsideC(Math.min(constEdits, spec.cConstEdits), constEdit) : null;

  const cs = c as CTwin | null;
  if (cs && result.c) {
    if (bodyWithC?.c.length) result.c.bodyEdit = { ...cSeriesOf(bodyWithC.c, cs.linkers), zircAlongside: seriesOf(bodyWithC.zirc) };
    if (constWithC?.c.length) result.c.constEdit = { ...cSeriesOf(constWithC.c, cs.linkers), zircAlongside: seriesOf(constWithC.zirc) };
  }
  zirc.comp.close();

  // 5. Does the edited output still behave? Run it, and compare with a fresh build and the C twin.
  try {
    const run = await runOutput(outputPath, spec.target, { timeoutMs: 60_000 });
    result.run = {
      exitCode: run.exitCode,
      stdoutBytes: run.stdout.length,
      matchesExpected: run.exitCode === prog.expectedExitCode && run.stdout.toString('latin1') === prog.expectedStdout,
      matchesFreshBuild: null,
    };
    if (spec.verifyFresh) {
      const freshOut = path.join(spec.workDir, spec.target === 'wasm32-wasi' ? 'fresh.wasm' : 'fresh');
      fs.rmSync(freshOut, { force: true });
      const fresh = Compilation.create({ sourcePath, outputPath: freshOut, target: spec.target, optimize: 'Debug' });
      const fr = fresh.update();
      fresh.close();
      result.run.matchesFreshBuild = fr.ok ? sameRun(run, await runOutput(freshOut, spec.target, { timeoutMs: 60_000 })) : false;
    }
    const cNow = c as CTwin | null;
    if (cNow?.full && result.c) {
      const cRun = await runOutput(cNow.full.outputs[cNow.linkers[0]], spec.target, { timeoutMs: 60_000 });
      result.c.outputsAgree = sameRun(run, cRun);
    }
  } catch (e) {
    result.error = `running the output failed: ${describeError(e)}`;
  }
  await (c as CTwin | null)?.close();
  return finish();
}
