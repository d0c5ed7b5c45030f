//! `npm run bench:relink` (or `npm run bench -- --only=relink`, and part of `npm run bench`):
//! issue 14 item 5, zirc's relink in place against the full links of ld.lld, mold and
//! wasm-ld, after the same one-function edit of the C twin, side by side in one run.
//!
//! For each size (default 1k, 10k, 100k functions: 10, 100, 1,000 units plus rt.c) it
//! writes the C twin (c_project.ts) and compiles it once (`clang -O0 -c`, c_toolchain.ts).
//!
//! x86-64: it starts
//!   node bin/zirc-ld.js --watch --json -static -e _start -o prog.zirc-ld <objects>
//! (ld.lld's arguments) as a child process and waits for its first `update` event (the full
//! link). Then, for each edit (a few uncounted warm-up edits first): one function body of
//! the ZIR program is edited (programs.ts), the C twin rewrites that function's unit, the
//! unit is recompiled with `clang -c` to a temporary file outside the watched directory
//! (timed apart: the same for every linker), and the file is renamed over the unit's .o,
//! as a build system does. The relink latency is the time from the rename's return to the
//! arrival of the watcher's `update` event that lists the object (the output is on disk
//! then: the event follows the write); the event's own `ms` (the relink inside the
//! watcher, without the file watcher's notice and debounce) and `bytesWritten` are kept
//! beside it. While the watcher is idle, ld.lld and mold then link the same objects in
//! full, each timed from process start to exit as link_bench.ts times them. After the
//! series the watcher is stopped, and its output and a fresh ld.lld link are run: both
//! must print the generator's predicted stdout and exit status.
//!
//! wasm32: the same with `node bin/zirc-wasm-ld.js --watch --json <wasm-ld's arguments>`,
//! against wasm-ld's full link, the outputs run under node:wasi. A zirc wasm-ld without
//! `--watch` (the built dist/ predates it) is reported as not built, never as a number.
//!
//! Each size runs in a process of its own (this file with `--size-child=`, an 8 GiB heap).
//!
//! Flags: `--sizes=1000,10000,100000`, `--edits=N` (default 20), `--warmup=N` (default 2),
//! `--arch=x86_64,wasm32`, `--shape=loops`, `--out=DIR`, `--no-docs`, `--keep`.

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runOutput } from '../node/compile/run_output.js';
import { CProject } from './c_project.js';
import type { CArch } from './c_translate.js';
import type { CLinker, CToolchain } from './c_toolchain.js';
import { compileArgs, compileUnits, detectToolchain, linkArgs } from './c_toolchain.js';
import type { MachineInfo } from './machine.js';
import { describeMachine } from './machine.js';
import type { Shape } from './programs.js';
import { EditedProgram, SHAPES } from './programs.js';
import type { Summary } from './stats.js';
import { msSince, ratio, summarize } from './stats.js';
import { DocSection } from './doc_section.js';
import { archesFlag, flagValue, gitCommit, saveResults, reportToDocs } from './results_file.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
/** zirc's watching linker per architecture: its script, the reference linker whose arguments it takes, its output. */
const ZIRC: Record<CArch, { name: 'zirc-ld' | 'zirc-wasm-ld'; bin: string; reference: CLinker; output: string }> = {
  x86_64: { name: 'zirc-ld', bin: path.join(REPO, 'bin', 'zirc-ld.js'), reference: 'ld.lld', output: 'prog.zirc-ld' },
  wasm32: { name: 'zirc-wasm-ld', bin: path.join(REPO, 'bin', 'zirc-wasm-ld.js'), reference: 'wasm-ld', output: 'prog.zirc-wasm-ld' },
};

/** Whether the built zirc wasm-ld has `--watch` (it came after zirc ld's). */
function wasmWatchBuilt(): boolean {
  const f = path.join(REPO, 'dist', 'cli', 'wasm_ld', 'wasm_ld_command.js');
  return fs.existsSync(f) && fs.readFileSync(f, 'utf8').includes('wasmLdWatchCommand');
}

/** Issue 14 item 5's targets. */
export const RELINK_TARGETS = {
  /** zirc's relink p50 at 100k functions, x86-64 (ms). */
  x86P50Ms: 5,
  /** zirc's relink p50 at 100k functions, wasm32 (ms). */
  wasmP50Ms: 10,
  /** p50 at the largest size / p50 at the smallest (1k → 100k). */
  growth: 2,
  /** Bytes written per relink of a one-function edit (every relink: judged on the max). */
  bytes: 16 * 1024,
} as const;

export const WASM_RELINK_NOT_BUILT = 'not built yet (there is no `zirc wasm-ld --watch`)';

export interface RelinkSample {
  /** The object recompiled (basename). */
  object: string;
  function: number;
  /** `clang -c` of the edited unit (not part of any linker's figure). */
  compileMs: number;
  /** x86-64: rename over the .o → the watcher's `update` event arrived. */
  latencyMs?: number;
  /** x86-64: the event's `ms`, the relink inside the watcher. */
  relinkMs?: number;
  bytesWritten?: number;
  fullWrite?: boolean;
  inputsChanged?: number;
  ok?: boolean;
  error?: string;
  /** Each full linker's process start → exit after this edit. */
  fullLinkMs: Record<string, number>;
}

export interface RelinkRun {
  exitCode: number | null;
  stdoutMatches: boolean;
}

export interface RelinkSizeFigures {
  functions: number;
  shape: string;
  objects: number;
  objectBytes: number;
  /** Compiling every unit once, in parallel (not part of any figure). */
  compileAllMs: number;
  edits: number;
  warmupEdits: number;
  compileMs: Summary;
  /** zirc's relink (absent: zirc wasm-ld --watch not built). */
  zirc?: {
    /** Watcher started → its first `update` event (the full link, Node's start included). */
    firstLinkMs: number;
    firstUpdate: { ok: boolean; ms: number; bytesWritten: number; fullWrite: boolean };
    latencyMs: Summary;
    relinkMs: Summary;
    bytesWritten: Summary;
    /** Relinks that wrote the whole file (must be 0 after the first link). */
    fullWrites: number;
    /** Edits whose relink failed or never arrived. */
    failures: number;
    firstError?: string;
    /** `update` events that did not list the edited object (a second notice of one rename, say). */
    extraUpdates: number;
  };
  /** `<linker>`: full link after each edit, process start to exit. */
  fullLinkMs: Record<string, Summary>;
  /** zirc's latency p50 / each linker's p50 (below 1: zirc's relink is faster). */
  vsFull: Record<string, number | null>;
  /** After the series: each output run (`zirc-ld`, `ld.lld` (a fresh link), `mold`, `wasm-ld`). */
  runs: Record<string, RelinkRun>;
  /** Every output printed the predicted stdout and exited as predicted (and so did the same). */
  outputsAgree: boolean;
  samples: RelinkSample[];
}

export interface RelinkArchFigures {
  arch: CArch;
  skipped?: string;
  /** The commands, objects as `<N objects>`. */
  commands: Record<string, string>;
  /** wasm32: why there is no zirc figure. */
  zircRelink?: string;
  sizes: RelinkSizeFigures[];
}

export interface RelinkBenchFigures {
  shape: string;
  edits: number;
  warmupEdits: number;
  arches: RelinkArchFigures[];
}

export interface RelinkBenchOptions {
  sizes: number[];
  edits: number;
  warmupEdits?: number;
  shape?: Shape;
  arches?: readonly CArch[];
  workDir: string;
  keep?: boolean;
  log?: (msg: string) => void;
}

const FULL_LINKERS: Record<CArch, CLinker[]> = { x86_64: ['ld.lld', 'mold'], wasm32: ['wasm-ld'] };

/** Spawns `cmd args` in `cwd`; resolves at its exit with the time from the spawn. */
function timedRun(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; ms: number; stderr: string }> {
  return new Promise((resolve) => {
    let stderr = '';
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    let done = false;
    const finish = (code: number | null): void => {
      if (done) return;
      done = true;
      resolve({ code, ms: msSince(start), stderr });
    };
    child.on('error', (e) => {
      stderr += e.message;
      finish(null);
    });
    child.on('exit', (code) => finish(code));
  });
}

async function runLinked(arch: CArch, file: string, dir: string): Promise<{ exitCode: number | null; stdout: string }> {
  if (arch === 'x86_64') {
    const ran = spawnSync(file, [], { cwd: dir, encoding: 'latin1', maxBuffer: 1 << 26 });
    return { exitCode: ran.status, stdout: ran.stdout };
  }
  const ran = await runOutput(file, 'wasm32-wasi', { timeoutMs: 60_000 });
  return { exitCode: ran.exitCode, stdout: ran.stdout.toString('latin1') };
}

type WatchEvent = Record<string, unknown> & { event?: string };

/** `zirc ld --watch --json` as a child process: its JSON events, each with its arrival time. */
class LdWatcher {
  readonly child: ChildProcess;
  private readonly queue: Array<{ e: WatchEvent; at: bigint }> = [];
  private waiting: (() => void) | null = null;
  stderr = '';
  exited: number | null | undefined = undefined;
  readonly startedAt = process.hrtime.bigint();

  constructor(bin: string, args: string[], cwd: string) {
    this.child = spawn(process.execPath, [bin, '--watch', '--json', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const at = process.hrtime.bigint();
      let e: WatchEvent;
      try {
        e = JSON.parse(line) as WatchEvent;
      } catch {
        e = { event: 'text', line };
      }
      this.queue.push({ e, at });
      this.wake();
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      if (this.stderr.length < 8000) this.stderr += d.toString();
    });
    this.child.on('exit', (code) => {
      this.exited = code;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }

  /** The next `update` event, or null at `timeoutMs` or when the watcher exits. */
  async nextUpdate(timeoutMs: number): Promise<{ e: WatchEvent; at: bigint } | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.queue.length > 0) {
        const item = this.queue.shift()!;
        if (item.e.event === 'update') return item;
      }
      if (this.exited !== undefined || Date.now() >= deadline) return null;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiting = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** Updates that arrived already (without waiting), consumed. */
  drainUpdates(): WatchEvent[] {
    const out = this.queue.filter((q) => q.e.event === 'update').map((q) => q.e);
    this.queue.length = 0;
    return out;
  }

  /** SIGTERM, then the exit (SIGKILL after 10 s). */
  async stop(): Promise<number | null> {
    if (this.exited === undefined) {
      this.child.kill('SIGTERM');
      const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      while (this.exited === undefined) await new Promise<void>((r) => (this.waiting = r));
      clearTimeout(t);
    }
    return this.exited;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function shownCommand(linker: CLinker | 'zirc-ld' | 'zirc-wasm-ld', count: number): string {
  const objs = [`<${count} objects>`];
  for (const z of Object.values(ZIRC)) {
    if (linker === z.name) return `node bin/${path.basename(z.bin)} --watch --json ${linkArgs(z.reference, objs, z.output).join(' ')}`;
  }
  linker = linker as CLinker;
  return `${linker} ${linkArgs(linker, objs, `prog.${linker}`).join(' ')}`;
}

export async function runRelinkBench(opts: RelinkBenchOptions): Promise<RelinkBenchFigures> {
  const warmupEdits = opts.warmupEdits ?? 2;
  const shape = opts.shape ?? 'loops';
  const figures: RelinkBenchFigures = { shape, edits: opts.edits, warmupEdits, arches: [] };
  for (const arch of opts.arches ?? (['x86_64', 'wasm32'] as const)) {
    figures.arches.push(await runArch(arch, { ...opts, warmupEdits, shape }));
  }
  return figures;
}

async function runArch(arch: CArch, opts: RelinkBenchOptions & { warmupEdits: number; shape: Shape }): Promise<RelinkArchFigures> {
  const log = opts.log ?? ((m: string) => process.stdout.write(`${m}\n`));
  const tc = detectToolchain();
  const linkers = FULL_LINKERS[arch];
  const commands: Record<string, string> = {};
  const base: RelinkArchFigures = { arch, commands, sizes: [], ...(arch === 'wasm32' && !wasmWatchBuilt() ? { zircRelink: WASM_RELINK_NOT_BUILT } : {}) };
  const missing = !tc.clang ? 'clang' : linkers.find((l) => !tc.linkers[l]);
  if (missing) return { ...base, skipped: `${missing} is not installed (apt-get install clang lld mold)` };
  if (!fs.existsSync(path.join(REPO, 'dist', 'cli', 'ld', 'ld_command.js')) || !fs.existsSync(path.join(REPO, 'dist', 'bench', 'relink_bench.js'))) {
    return { ...base, skipped: 'dist/ is not built (npm run build)' };
  }
  commands.compile = `clang ${compileArgs(arch, 'tu_NNNN.c', 'tu_NNNN.o').join(' ')}`;
  for (const size of opts.sizes) {
    const r = await runSizeInChild(arch, size, opts, log);
    Object.assign(commands, r.commands);
    base.sizes.push(r.row);
  }
  return base;
}

interface SizeSpec {
  arch: CArch;
  functions: number;
  edits: number;
  warmupEdits: number;
  shape: Shape;
  workDir: string;
  keep: boolean;
}

/**
 * One size in a process of its own (this file, `--size-child=spec.json`), with room for
 * the C twin of 100k functions: a 140 MB ZIR program that CProject parses again at every
 * edit. It also keeps one size's garbage out of the next size's figures.
 */
function runSizeInChild(
  arch: CArch, functions: number, opts: RelinkBenchOptions & { warmupEdits: number; shape: Shape }, log: (m: string) => void,
): Promise<{ row: RelinkSizeFigures; commands: Record<string, string> }> {
  const specDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-relink-size-'));
  const specPath = path.join(specDir, 'spec.json');
  const resultPath = path.join(specDir, 'result.json');
  const spec: SizeSpec = { arch, functions, edits: opts.edits, warmupEdits: opts.warmupEdits, shape: opts.shape, workDir: opts.workDir, keep: opts.keep ?? false };
  fs.writeFileSync(specPath, JSON.stringify(spec));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=8192', path.join(REPO, 'dist', 'bench', 'relink_bench.js'), `--size-child=${specPath}`, resultPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    readline.createInterface({ input: child.stdout }).on('line', log);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 8000) stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      try {
        if (code !== 0 || !fs.existsSync(resultPath)) {
          reject(new Error(`relink bench, ${arch} ${functions} functions: the process exited ${code ?? signal}: ${stderr.trim().slice(0, 4000)}`));
          return;
        }
        resolve(JSON.parse(fs.readFileSync(resultPath, 'utf8')) as { row: RelinkSizeFigures; commands: Record<string, string> });
      } finally {
        fs.rmSync(specDir, { recursive: true, force: true });
      }
    });
  });
}

async function sizeChildMain(specPath: string, resultPath: string): Promise<void> {
  const spec = JSON.parse(fs.readFileSync(specPath, 'utf8')) as SizeSpec;
  const commands: Record<string, string> = {};
  const log = (m: string): void => {
    process.stdout.write(`${m}\n`);
  };
  const row = await runSize(spec.arch, detectToolchain(), spec.functions, { ...spec, sizes: [spec.functions] }, log, commands);
  fs.writeFileSync(resultPath, JSON.stringify({ row, commands }));
}

async function runSize(
  arch: CArch, tc: CToolchain, functions: number, opts: RelinkBenchOptions & { warmupEdits: number; shape: Shape }, log: (m: string) => void,
  commands: Record<string, string>,
): Promise<RelinkSizeFigures> {
  const linkers = FULL_LINKERS[arch];
  const dir = path.join(opts.workDir, `relink_${arch}_${opts.shape}_${functions}`);
  const tmpDir = `${dir}.next`;
  fs.rmSync(tmpDir, { recursive: true, force: true });
  fs.mkdirSync(tmpDir, { recursive: true });
  log(`relink ${arch}: ${opts.shape} ${functions} functions: writing and compiling the C twin...`);
  const program = new EditedProgram(opts.shape, functions, 1);
  const project = new CProject(dir, arch, true, 100);
  project.generate(program.source);
  const t = process.hrtime.bigint();
  await compileUnits(tc, arch, project.sources, dir);
  const compileAllMs = msSince(t);
  const objects = project.sources.map((s) => path.basename(project.objectFor(s)));
  const objectBytes = objects.reduce((n, o) => n + fs.statSync(path.join(dir, o)).size, 0);
  for (const l of linkers) commands[l] = shownCommand(l, objects.length);
  const z = arch === 'x86_64' || wasmWatchBuilt() ? ZIRC[arch] : null;
  if (z) commands[z.name] = shownCommand(z.name, objects.length);

  const fullLink = async (l: CLinker, output = `prog.${l}`): Promise<number> => {
    fs.rmSync(path.join(dir, output), { force: true });
    const r = await timedRun(tc.linkers[l]!, linkArgs(l, objects, output), dir);
    if (r.code !== 0) throw new Error(`${l} exited ${r.code}: ${r.stderr.trim().slice(0, 1000)}`);
    return r.ms;
  };
  // One uncounted link each: the page cache, as link_bench's warm-up.
  for (const l of linkers) await fullLink(l);

  let watcher: LdWatcher | null = null;
  const samples: RelinkSample[] = [];
  let failures = 0;
  let firstError: string | undefined;
  let extraUpdates = 0;
  const fail = (why: string): void => {
    failures++;
    firstError ??= why;
  };
  let zircFirst: { firstLinkMs: number; firstUpdate: { ok: boolean; ms: number; bytesWritten: number; fullWrite: boolean } } | null = null;
  try {
    if (z) {
      fs.rmSync(path.join(dir, z.output), { force: true });
      watcher = new LdWatcher(z.bin, linkArgs(z.reference, objects, z.output), dir);
      const first = await watcher.nextUpdate(600_000);
      if (!first) throw new Error(`${z.name} --watch gave no first update (exit ${watcher.exited}): ${watcher.stderr.trim().slice(0, 2000)}`);
      const fe = first.e;
      zircFirst = {
        firstLinkMs: Number(first.at - watcher.startedAt) / 1e6,
        firstUpdate: { ok: fe.ok === true, ms: fe.ms as number, bytesWritten: fe.bytesWritten as number, fullWrite: fe.fullWrite === true },
      };
      if (fe.ok !== true) throw new Error(`${z.name} --watch: the first link failed: ${JSON.stringify(fe.errors)}`);
    }

    const units = project.unitCount;
    let variant = 1;
    const total = opts.warmupEdits + opts.edits;
    for (let k = 0; k < total; k++) {
      // A different unit each edit (7 is prime to 10, 100 and 1000: every unit in turn), a different function in it.
      const unit = (k * 7 + 3) % units;
      const index = Math.min(functions - 1, unit * 100 + ((k * 37 + 11) % 100));
      program.editBody(index, variant++);
      const { dirty } = project.applyEdit(program.source);
      if (dirty.length !== 1) throw new Error(`editing function ${index} changed ${dirty.length} units, not one`);
      const src = dirty[0];
      const object = path.basename(project.objectFor(src));
      const next = path.join(tmpDir, object);
      const tc0 = process.hrtime.bigint();
      const cc = await timedRun(tc.clang!, compileArgs(arch, src, next), dir);
      const compileMs = msSince(tc0);
      if (cc.code !== 0) throw new Error(`clang -c ${path.basename(src)} exited ${cc.code}: ${cc.stderr.slice(0, 1000)}`);
      const sample: RelinkSample = { object, function: index, compileMs, fullLinkMs: {} };
      if (watcher) {
        extraUpdates += watcher.drainUpdates().length;
        // Timed from just before the rename: a process preempted right after it (a loaded
        // machine) would otherwise start the clock after the watcher had begun its relink.
        const renamedAt = process.hrtime.bigint();
        fs.renameSync(next, path.join(dir, object));
        for (;;) {
          const u = await watcher.nextUpdate(120_000);
          if (!u) {
            sample.ok = false;
            sample.error = `no update within 120 s (watcher exit ${watcher.exited}): ${watcher.stderr.trim().slice(0, 500)}`;
            break;
          }
          const changed = (u.e.changed as string[] | undefined) ?? [];
          if (!changed.some((c) => path.basename(c) === object)) {
            extraUpdates++;
            continue;
          }
          sample.latencyMs = Number(u.at - renamedAt) / 1e6;
          sample.relinkMs = u.e.ms as number;
          sample.bytesWritten = u.e.bytesWritten as number;
          sample.fullWrite = u.e.fullWrite === true;
          sample.inputsChanged = u.e.inputsChanged as number;
          sample.ok = u.e.ok === true;
          if (!sample.ok) sample.error = JSON.stringify(u.e.errors).slice(0, 1000);
          break;
        }
        // Let a second notice of the same rename arrive now, not inside the next edit's figure.
        await sleep(30);
      } else {
        fs.renameSync(next, path.join(dir, object));
      }
      for (const l of linkers) sample.fullLinkMs[l] = await fullLink(l);
      if (k >= opts.warmupEdits) {
        samples.push(sample);
        if (watcher && !sample.ok) fail(`edit of f${index} (${object}): ${sample.error ?? 'failed'}`);
      }
    }
    if (watcher) {
      extraUpdates += watcher.drainUpdates().length;
      const code = await watcher.stop();
      if (code !== 0) fail(`${z!.name} --watch exited ${code} when stopped: ${watcher.stderr.trim().slice(0, 500)}`);
    }
  } finally {
    if (watcher && watcher.exited === undefined) watcher.child.kill('SIGKILL');
  }

  // The outputs after the series: the watched one, a fresh ld.lld link, the others' last links.
  const runs: Record<string, RelinkRun> = {};
  const outputs: Record<string, string> = {};
  if (z) outputs[z.name] = z.output;
  const reference = arch === 'x86_64' ? 'ld.lld' : 'wasm-ld';
  await fullLink(reference, `prog.fresh-${reference}`);
  outputs[reference] = `prog.fresh-${reference}`;
  if (arch === 'x86_64') outputs.mold = 'prog.mold';
  const seen: Array<{ exitCode: number | null; stdout: string }> = [];
  for (const [name, file] of Object.entries(outputs)) {
    const ran = await runLinked(arch, path.join(dir, file), dir);
    seen.push(ran);
    runs[name] = { exitCode: ran.exitCode, stdoutMatches: ran.stdout === program.expectedStdout };
  }
  const outputsAgree =
    seen.every((r) => r.exitCode === program.expectedExitCode && r.stdout === program.expectedStdout) &&
    seen.every((r) => r.exitCode === seen[0].exitCode && r.stdout === seen[0].stdout);

  const fullLinkMs: Record<string, Summary> = {};
  for (const l of linkers) fullLinkMs[l] = summarize(samples.map((s) => s.fullLinkMs[l]));
  const okSamples = samples.filter((s) => s.ok);
  const zirc = zircFirst
    ? {
        ...zircFirst,
        latencyMs: summarize(okSamples.map((s) => s.latencyMs!)),
        relinkMs: summarize(okSamples.map((s) => s.relinkMs!)),
        bytesWritten: summarize(okSamples.map((s) => s.bytesWritten!)),
        fullWrites: okSamples.filter((s) => s.fullWrite).length,
        failures,
        ...(firstError ? { firstError } : {}),
        extraUpdates,
      }
    : undefined;
  const vsFull: Record<string, number | null> = {};
  for (const l of linkers) vsFull[l] = zirc ? ratio(zirc.latencyMs.p50, fullLinkMs[l].p50) : null;
  const row: RelinkSizeFigures = {
    functions,
    shape: opts.shape,
    objects: objects.length,
    objectBytes,
    compileAllMs,
    edits: opts.edits,
    warmupEdits: opts.warmupEdits,
    compileMs: summarize(samples.map((s) => s.compileMs)),
    ...(zirc ? { zirc } : {}),
    fullLinkMs,
    vsFull,
    runs,
    outputsAgree,
    samples,
  };
  const p = (s: Summary): string => `${s.p50.toFixed(1)}/${s.p95.toFixed(1)} ms`;
  log(
    `relink ${arch}: ${functions} functions, ${objects.length} objects: compile p50 ${row.compileMs.p50.toFixed(1)} ms; ` +
      (zirc
        ? `zirc relink p50/p95 ${p(zirc.latencyMs)} (watcher's own ${p(zirc.relinkMs)}), ${zirc.bytesWritten.p50}/${zirc.bytesWritten.p95} B, ${zirc.failures} failed; `
        : `zirc relink ${WASM_RELINK_NOT_BUILT}; `) +
      linkers.map((l) => `${l} ${p(fullLinkMs[l])}`).join(', ') +
      `; outputs ${outputsAgree ? 'agree' : 'DIFFER'}`,
  );
  if (!opts.keep) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
  return row;
}

const f1 = (v: number | null | undefined, d = 1): string => (v == null || !Number.isFinite(v) ? '—' : v.toFixed(d));
const sizeLabel = (n: number): string => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));
const pp = (s: Summary | undefined, d = 1): string => (s && s.count > 0 ? `${f1(s.p50, d)} / ${f1(s.p95, d)}` : '—');
const bytesPp = (s: Summary | undefined): string => (s && s.count > 0 ? `${s.p50} / ${s.p95} (max ${s.max})` : '—');

export interface RelinkVerdict {
  figure: string;
  target: string;
  measured: string;
  verdict: 'met' | 'missed' | 'not measured';
}

/** The issue's four targets against a run's figures. */
export function relinkVerdicts(r: RelinkBenchFigures): RelinkVerdict[] {
  const out: RelinkVerdict[] = [];
  const measured = (arch: CArch): RelinkSizeFigures[] =>
    (r.arches.find((a) => a.arch === arch)?.sizes ?? []).filter((s) => s.zirc && s.zirc.latencyMs.count > 0);
  for (const [arch, target, label] of [['x86_64', RELINK_TARGETS.x86P50Ms, 'x86-64'], ['wasm32', RELINK_TARGETS.wasmP50Ms, 'wasm32']] as const) {
    const a = r.arches.find((x) => x.arch === arch);
    const sizes = measured(arch);
    const big = sizes.find((s) => s.functions === 100_000);
    const why = a?.zircRelink ?? 'not measured';
    out.push({
      figure: `zirc relink p50 at 100k functions, ${label} (object renamed → output on disk)`,
      target: `≤ ${target} ms`,
      measured: big ? `${f1(big.zirc!.latencyMs.p50, 2)} ms` : why,
      verdict: !big ? 'not measured' : big.zirc!.latencyMs.p50 <= target ? 'met' : 'missed',
    });
    const small = sizes.find((s) => s.functions === 1000);
    const g = small && big ? ratio(big.zirc!.latencyMs.p50, small.zirc!.latencyMs.p50) : null;
    out.push({
      figure: `growth of zirc relink p50, 1k → 100k functions, ${label}`,
      target: `≤ ${RELINK_TARGETS.growth}×`,
      measured: g == null ? why : `${f1(g, 2)}× (${f1(small!.zirc!.latencyMs.p50, 2)} → ${f1(big!.zirc!.latencyMs.p50, 2)} ms)`,
      verdict: g == null ? 'not measured' : g <= RELINK_TARGETS.growth ? 'met' : 'missed',
    });
  }
  const all = [...measured('x86_64'), ...measured('wasm32')];
  const maxBytes = all.length > 0 ? Math.max(...all.map((s) => s.zirc!.bytesWritten.max)) : null;
  out.push({
    figure: 'bytes written per relink, one-function edit (largest of every relink, every size and architecture measured)',
    target: `≤ ${RELINK_TARGETS.bytes} B (16 KiB)`,
    measured: maxBytes == null ? 'not measured' : `${maxBytes} B`,
    verdict: maxBytes == null ? 'not measured' : maxBytes <= RELINK_TARGETS.bytes ? 'met' : 'missed',
  });
  return out;
}

/** The report's section on the relink (Markdown, no trailing newline). */
export function renderRelinkSection(r: RelinkBenchFigures, machine: MachineInfo, command: string, date: string): string {
  const out: string[] = [];
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  out.push('## zirc ld --watch and zirc wasm-ld --watch: relink after a one-function edit, against full links');
  out.push('');
  out.push(
    `Issue 14 item 5. Measured by \`${command}\` on ${date}: ${machine.cpuModel}, ${machine.cores} cores (\`nproc\`), ` +
      `${(machine.memTotalMiB / 1024).toFixed(1)} GiB, Node ${machine.node} (\`src/bench/relink_bench.ts\`). ` +
      `The C twin of the \`${r.shape}\` program (one unit per 100 functions plus \`rt.c\`, freestanding) is compiled once. ` +
      `Then ${r.edits} edits (after ${r.warmupEdits} uncounted warm-up edits), each of one function body in a different unit: ` +
      'the unit is recompiled with `clang -O0 -c` to a file outside the watched directory (the "compile" column, the same for every linker, in no linker\'s figure) and renamed over its `.o`, as a build system does. ' +
      'zirc\'s relink is `zirc ld --watch --json` with ld.lld\'s arguments (`zirc wasm-ld --watch --json` with wasm-ld\'s), running the whole series; its latency is timed from the rename\'s return to the arrival of the watcher\'s `update` event for that object ' +
      '(the output is patched on disk before the event is written): file watcher notice, debounce, relink and the JSON line. "Watcher\'s own" is the event\'s `ms`, the relink alone. ' +
      'After each edit, while the watcher is idle, ld.lld and mold (x86-64) or wasm-ld (wasm32) link the same objects in full, timed from process start to exit as in the full-link section. ' +
      'After the series the watcher is stopped and its output, a fresh ld.lld link and mold\'s last output are run (wasm-ld\'s under node:wasi): they must print the predicted checksum and exit as predicted.',
  );
  out.push('');
  out.push('Targets:');
  out.push('');
  out.push(line(['figure', 'target', 'measured', 'verdict']));
  out.push(line(['---', '---', '---', '---']));
  for (const v of relinkVerdicts(r)) out.push(line([v.figure, v.target, v.measured, v.verdict === 'missed' ? '**missed**' : v.verdict]));
  for (const a of r.arches) {
    out.push('');
    out.push(`### ${a.arch}`);
    out.push('');
    if (a.skipped) {
      out.push(`Not measured: ${a.skipped}.`);
      continue;
    }
    out.push('Commands:');
    out.push('');
    out.push('```');
    for (const [k, v] of Object.entries(a.commands)) out.push(`${k}: ${v}`);
    out.push('```');
    out.push('');
    if (a.zircRelink) {
      out.push(`zirc's wasm relink: ${a.zircRelink}; only wasm-ld's full link is measured.`);
      out.push('');
    }
    const full = FULL_LINKERS[a.arch];
    const zircCols = a.sizes.some((s) => s.zirc);
    const head = ['size', 'objects', 'edits', 'compile p50 / p95 ms'];
    if (zircCols) head.push('zirc relink p50 / p95 ms', "watcher's own p50 / p95 ms", 'bytes written p50 / p95', 'first link ms');
    for (const l of full) head.push(`${l} full link p50 / p95 ms`);
    if (zircCols) for (const l of full) head.push(`zirc / ${l}`);
    head.push('outputs as predicted');
    out.push(line(head));
    out.push(line(head.map(() => '---')));
    for (const s of a.sizes) {
      const z = s.zirc;
      const cells = [sizeLabel(s.functions), `${s.objects} (${f1(s.objectBytes / 1048576)} MiB)`, String(s.edits), pp(s.compileMs)];
      if (zircCols) {
        cells.push(
          z ? pp(z.latencyMs, 2) + (z.failures > 0 ? ` (${z.failures} failed)` : '') : '—',
          z ? pp(z.relinkMs, 2) : '—',
          z ? bytesPp(z.bytesWritten) : '—',
          z ? f1(z.firstLinkMs, 0) : '—',
        );
      }
      for (const l of full) cells.push(pp(s.fullLinkMs[l]));
      if (zircCols) for (const l of full) cells.push(s.vsFull[l] == null ? '—' : `${f1(s.vsFull[l], 2)}×`);
      cells.push(s.outputsAgree ? 'yes' : `no (${Object.entries(s.runs).map(([k, v]) => `${k}: exit ${v.exitCode}, stdout ${v.stdoutMatches ? 'right' : 'wrong'}`).join('; ')})`);
      out.push(line(cells));
    }
    const notes: string[] = [];
    for (const s of a.sizes) {
      const z = s.zirc;
      if (!z) continue;
      if (z.fullWrites > 0) notes.push(`${sizeLabel(s.functions)}: ${z.fullWrites} relinks wrote the whole file`);
      if (z.extraUpdates > 0) notes.push(`${sizeLabel(s.functions)}: ${z.extraUpdates} \`update\` events did not list the edited object (second notices of a rename)`);
      if (z.firstError) notes.push(`${sizeLabel(s.functions)}: first failure: ${z.firstError.replace(/\|/g, '\\|').replace(/\n/g, ' ')}`);
    }
    if (notes.length > 0) {
      out.push('');
      for (const n of notes) out.push(`- ${n}.`);
    }
  }
  return out.join('\n');
}

const SECTION = new DocSection('zirc-ld relink bench');

/** Puts the section into docs/performance.md, replacing an earlier one, leaving the rest as it is. */
export function writeRelinkSection(docPath: string, section: string): void {
  SECTION.write(docPath, section);
}

/** The section wrapped in its markers, for report.ts (the full bench's page). */
export function relinkSectionBlock(section: string): string {
  return SECTION.block(section);
}

export function parseRelinkFlags(argv: readonly string[]): { sizes: number[]; edits: number; warmupEdits: number; shape: Shape; arches: CArch[] } {
  const flag = (name: string): string | undefined => flagValue(argv, name);
  const shape = (flag('shape') ?? 'loops') as Shape;
  return {
    sizes: flag('sizes')?.split(',').map(Number).filter((n) => n > 0) ?? [1000, 10_000, 100_000],
    edits: Math.max(1, Number(flag('edits') ?? 20)),
    warmupEdits: Math.max(0, Number(flag('warmup') ?? 2)),
    shape: SHAPES.includes(shape) ? shape : 'loops',
    arches: archesFlag(argv),
  };
}

/** The standalone run: measures, writes `bench/results/<date>-relink.json` and the section of docs/performance.md. */
export async function relinkBenchMain(argv: readonly string[], command: string): Promise<void> {
  const flags = parseRelinkFlags(argv);
  const outDir = path.resolve(argv.find((a) => a.startsWith('--out='))?.slice(6) ?? path.join(REPO, 'bench'));
  const workDir = path.join(outDir, 'work');
  fs.mkdirSync(workDir, { recursive: true });
  const started = Date.now();
  const machine = describeMachine();
  const tc = detectToolchain();
  const relink = await runRelinkBench({ ...flags, workDir, keep: argv.includes('--keep') });
  const date = new Date().toISOString();
  const results = {
    date,
    command,
    commit: gitCommit(REPO),
    machine,
    tools: { 'ld.lld': tc.versions['ld.lld'], mold: tc.versions.mold, 'wasm-ld': tc.versions['wasm-ld'], clang: tc.versions.clang },
    relink,
    verdicts: relinkVerdicts(relink),
    wallSeconds: (Date.now() - started) / 1000,
  };
  saveResults(outDir, date, '-relink', results);
  for (const v of results.verdicts) process.stdout.write(`${v.verdict.padEnd(12)} ${v.figure}: ${v.measured} (target ${v.target})\n`);
  reportToDocs(argv, REPO, (docPath) => writeRelinkSection(docPath, renderRelinkSection(relink, machine, command, date)));
  process.stdout.write(`done in ${((Date.now() - started) / 60_000).toFixed(1)} minutes (${os.cpus().length} cores)\n`);
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
const sizeChild = process.argv[2]?.startsWith('--size-child=') ? process.argv[2].slice('--size-child='.length) : null;
if (invokedDirectly && sizeChild) {
  sizeChildMain(sizeChild, process.argv[3]!).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
} else if (invokedDirectly) {
  relinkBenchMain(process.argv.slice(2), `npm run bench:relink${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
