//! Hot-swap latency (`npm run bench:hot`): with `zirc watch main.zir --run --hot` running a
//! generated program of 10k functions (hot_swap_program.ts: a loop printing `<counter>
//! <value>` every millisecond, calling all of them), each edit changes what `@value`
//! returns and saves the file; the figure is the time from the save being done to the
//! first line of the running process that shows the new value, read straight from the
//! program's stdout (the watcher runs without `--json`, so the program writes to our pipe).
//! p50/p95 over the edits. Every edit must be swapped into the same pid and the counter
//! must never go back; otherwise the run fails. `--write-doc` puts the figures in their own
//! section of docs/performance.md.
//!
//! `node dist/bench/hot_swap_bench.js [--functions N] [--edits N] [--write-doc]`

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, type MachineInfo } from './machine.js';
import { DocSection } from './doc_section.js';
import { hotProgram } from './hot_swap_program.js';
import { summarize, type Summary } from './stats.js';

export interface HotSwapBenchOptions {
  /** Functions in the program (default 10 000). */
  functions?: number;
  /** Edits to time (default 100). */
  edits?: number;
  /** Pause after an edit is seen before the next save (default 20 ms). */
  pauseMs?: number;
}

export interface HotSwapBenchResult {
  functions: number;
  sourceBytes: number;
  edits: number;
  firstBuildMs: number;
  /** Save done → the running process prints the new value. */
  saveToBehaviour: Summary;
  /** The compiler's time per update (`in T ms` of the update line). */
  compileMs: Summary;
  /** The pid every edit was swapped into. */
  pid: number;
  /** The machine's 1-minute load average before and after (other work shares the cores). */
  load: [number, number];
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ZIRC = path.join(REPO, 'bin', 'zirc.js');
const DOC = new DocSection('hot swap bench');

/** Line-splits a stream, calling `onLine` with each whole line and the time it arrived. */
function lineReader(onLine: (line: string, at: number) => void): (chunk: Buffer) => void {
  let pending = '';
  return (chunk) => {
    const at = performance.now();
    pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, nl), at);
      pending = pending.slice(nl + 1);
    }
  };
}

export async function measureHotSwap(opts: HotSwapBenchOptions = {}): Promise<HotSwapBenchResult> {
  const functions = opts.functions ?? 10_000;
  const edits = opts.edits ?? 100;
  const pauseMs = opts.pauseMs ?? 20;
  const fillers = Math.max(0, functions - 4); // put, pause, value, entry
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-hot-bench-'));
  const source = path.join(dir, 'main.zir');
  const program = (value: number) => hotProgram({ value, fillers, sleepMs: 1 });
  fs.writeFileSync(source, program(0));
  const sourceBytes = fs.statSync(source).size;

  const child = spawn(process.execPath, [ZIRC, 'watch', 'main.zir', '--run', '--hot', '-o', 'main'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let lastCounter = 0;
  let counterWentBack = false;
  /** Resolves when a line shows the awaited value. */
  let awaited: { value: number; resolve: (at: number) => void } | null = null;
  child.stdout.on(
    'data',
    lineReader((line, at) => {
      const [c, v] = line.split(' ').map(Number);
      if (c! <= lastCounter) counterWentBack = true;
      lastCounter = c!;
      if (awaited && v === awaited.value) {
        const a = awaited;
        awaited = null;
        a.resolve(at);
      }
    }),
  );
  const updates: string[] = [];
  let stderr = '';
  let updateSeen: (() => void) | null = null;
  child.stderr.on(
    'data',
    lineReader((line) => {
      stderr += line + '\n';
      if (/^\[zirc\] update \d+:/.test(line)) {
        updates.push(line);
        updateSeen?.();
      }
    }),
  );
  const died = new Promise<never>((_, reject) => child.on('close', (code) => reject(new Error(`zirc watch exited (${code})\n${stderr}`))));
  const within = <T>(p: Promise<T>, ms: number, what: string) =>
    Promise.race([p, died, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}\n${stderr}`)), ms).unref())]);
  const seeValue = (value: number) => new Promise<number>((resolve) => (awaited = { value, resolve }));

  try {
  const loadBefore = os.loadavg()[0]!;
    const started = performance.now();
    await within(seeValue(0), 600_000, 'the first build and run');
    const firstBuildMs = performance.now() - started;
    const latencies: number[] = [];
    const compile: number[] = [];
    let pid = 0;
    for (let i = 1; i <= edits; i++) {
      const seen = seeValue(i);
      const reported = new Promise<void>((r) => (updateSeen = r));
      fs.writeFileSync(source, program(i));
      const saved = performance.now();
      const at = await within(seen, 30_000, `edit ${i} to show`);
      latencies.push(at - saved);
      await within(reported, 30_000, `edit ${i} to be reported`);
      const line = updates[updates.length - 1]!;
      const m = /in ([\d.]+) (ms|s); swapped into pid (\d+)/.exec(line);
      if (!m) throw new Error(`edit ${i} was not swapped: ${line}`);
      compile.push(Number(m[1]) * (m[2] === 's' ? 1000 : 1));
      if (pid === 0) pid = Number(m[3]);
      if (Number(m[3]) !== pid) throw new Error(`edit ${i} went into pid ${m[3]}, not ${pid}`);
      await new Promise((r) => setTimeout(r, pauseMs));
    }
    if (counterWentBack) throw new Error('the counter went back: the program was restarted');
    const load: [number, number] = [loadBefore, os.loadavg()[0]!];
    return { functions, sourceBytes, edits, firstBuildMs, saveToBehaviour: summarize(latencies), compileMs: summarize(compile), pid, load };
  } finally {
    child.kill('SIGTERM');
    await died.catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function renderHotSwapSection(r: HotSwapBenchResult, machine: MachineInfo, command: string, date: string): string {
  const f = (n: number) => n.toFixed(2);
  return [
    '## Hot swap: save → new behaviour in the running process',
    '',
    `\`${command}\`, ${date}, on ${machine.cpuModel} (${machine.cores} cores, ${machine.memTotalMiB} MiB), Linux ${machine.kernel}, Node ${machine.node}; load average ${r.load[0].toFixed(1)} before, ${r.load[1].toFixed(1)} after (other work shares the cores).`,
    `A program of ${r.functions} functions (${(r.sourceBytes / 1e6).toFixed(2)} MB of ZIR) runs under \`zirc watch --run --hot\`; each of ${r.edits} edits changes one function's result and saves;`,
    "the time runs from the save to the process's first line showing the new result (it prints every millisecond). Every edit was swapped into the same pid.",
    '',
    '| figure | p50 | p95 | max |',
    '|---|---|---|---|',
    `| save → new behaviour (ms) | ${f(r.saveToBehaviour.p50)} | ${f(r.saveToBehaviour.p95)} | ${f(r.saveToBehaviour.max)} |`,
    `| compiler's time per update (ms) | ${f(r.compileMs.p50)} | ${f(r.compileMs.p95)} | ${f(r.compileMs.max)} |`,
    '',
    `First build and start: ${(r.firstBuildMs / 1000).toFixed(2)} s.`,
  ].join('\n');
}

function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: readonly string[]): Promise<void> {
  const functions = Number(flag(argv, '--functions') ?? 10_000);
  const edits = Number(flag(argv, '--edits') ?? 100);
  const r = await measureHotSwap({ functions, edits });
  const s = r.saveToBehaviour;
  console.log(`hot swap at ${r.functions} functions, ${r.edits} edits: save -> new behaviour p50 ${s.p50.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms (max ${s.max.toFixed(2)}); compiler p50 ${r.compileMs.p50.toFixed(2)} ms; first build ${(r.firstBuildMs / 1000).toFixed(2)} s; load ${r.load[0].toFixed(1)} -> ${r.load[1].toFixed(1)}`);
  if (argv.includes('--write-doc')) {
    const command = `npm run bench:hot${functions !== 10_000 || edits !== 100 ? ` -- --functions ${functions} --edits ${edits}` : ''}`;
    DOC.write(path.join(REPO, 'docs', 'performance.md'), renderHotSwapSection(r, describeMachine(), command, new Date().toISOString().slice(0, 10)));
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
