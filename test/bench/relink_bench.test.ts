// Smoke test of the relink bench (src/bench/relink_bench.ts, issue 14 item 5) at 1k
// functions with 3 edits: zirc ld --watch and zirc wasm-ld --watch relink after each
// recompiled object, ld.lld, mold and wasm-ld link in full after the same edits, the figures are well-formed, and
// the outputs after the series (the watched ones, fresh ld.lld and wasm-ld links, mold's)
// print the generator's prediction. The C tools are required (`apt-get install clang lld
// mold`): a missing one fails the test, naming it.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectToolchain } from '../../src/bench/c_toolchain.js';
import { describeMachine } from '../../src/bench/machine.js';
import type { RelinkBenchFigures, RelinkSizeFigures } from '../../src/bench/relink_bench.js';
import { relinkVerdicts, renderRelinkSection, runRelinkBench, writeRelinkSection } from '../../src/bench/relink_bench.js';
import type { Summary } from '../../src/bench/stats.js';

const REPO = path.resolve(__dirname, '..', '..');

function wellFormed(s: Summary, count: number, what: string): void {
  expect(s.count, what).toBe(count);
  for (const v of [s.p50, s.p95, s.min, s.max]) {
    expect(Number.isFinite(v), what).toBe(true);
    expect(v, what).toBeGreaterThan(0);
  }
  expect(s.min, what).toBeLessThanOrEqual(s.p50);
  expect(s.p50, what).toBeLessThanOrEqual(s.p95);
  expect(s.p95, what).toBeLessThanOrEqual(s.max);
}

describe('the relink bench at 1k functions', () => {
  let figures: RelinkBenchFigures;
  const size = (arch: string): RelinkSizeFigures => figures.arches.find((a) => a.arch === arch)!.sizes[0];

  beforeAll(async () => {
    const tc = detectToolchain();
    expect(tc.clang, 'clang (apt-get install clang)').not.toBeNull();
    for (const l of ['ld.lld', 'mold', 'wasm-ld'] as const) expect(tc.linkers[l], `${l} (apt-get install lld mold)`).not.toBeNull();
    // Each size runs in a process of its own from dist, as does zirc ld --watch: build it if needed.
    if (!fs.existsSync(path.join(REPO, 'dist', 'cli', 'ld', 'ld_command.js'))) {
      execFileSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(REPO, 'tsconfig.json')], { stdio: 'ignore' });
    }
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-relink-bench-'));
    figures = await runRelinkBench({ sizes: [1000], edits: 3, warmupEdits: 1, workDir, log: () => {} });
  }, 180_000);

  it('measures every architecture, none skipped', () => {
    expect(figures.arches.map((a) => a.arch)).toEqual(['x86_64', 'wasm32']);
    for (const a of figures.arches) {
      expect(a.skipped, a.arch).toBeUndefined();
      expect(a.sizes.map((s) => s.functions)).toEqual([1000]);
    }
  });

  it("times zirc's relink after each of the 3 edits, and each full link after the same edits", () => {
    for (const [arch, linkers] of [['x86_64', ['ld.lld', 'mold']], ['wasm32', ['wasm-ld']]] as const) {
      const x = size(arch);
      expect(x.edits).toBe(3);
      expect(x.samples).toHaveLength(3);
      // A different object each edit.
      expect(new Set(x.samples.map((s) => s.object)).size).toBe(3);
      wellFormed(x.compileMs, 3, `${arch} compile`);
      const z = x.zirc!;
      expect(z, `${arch}: zirc's relink measured`).toBeDefined();
      expect(z.failures, z.firstError).toBe(0);
      expect(z.firstUpdate.ok).toBe(true);
      expect(z.firstUpdate.fullWrite).toBe(true);
      wellFormed(z.latencyMs, 3, `${arch} relink latency`);
      wellFormed(z.relinkMs, 3, `${arch} watcher's own relink time`);
      wellFormed(z.bytesWritten, 3, `${arch} bytes written`);
      expect(z.fullWrites).toBe(0);
      for (const s of x.samples) {
        expect(s.ok).toBe(true);
        expect(s.inputsChanged).toBe(1);
        // The rename comes before the watcher's notice, relink and report.
        expect(s.latencyMs!).toBeGreaterThanOrEqual(s.relinkMs!);
      }
      for (const l of linkers) {
        wellFormed(x.fullLinkMs[l], 3, `${arch} ${l}`);
        expect(x.vsFull[l]).toBeGreaterThan(0);
      }
    }
  });

  it('leaves outputs that behave as the edited program predicts, the same for every linker', () => {
    const x = size('x86_64');
    expect(Object.keys(x.runs).sort()).toEqual(['ld.lld', 'mold', 'zirc-ld']);
    const w = size('wasm32');
    expect(Object.keys(w.runs).sort()).toEqual(['wasm-ld', 'zirc-wasm-ld']);
    for (const s of [x, w]) {
      for (const [l, r] of Object.entries(s.runs)) expect(r, l).toEqual({ exitCode: 0, stdoutMatches: true });
      expect(s.outputsAgree).toBe(true);
    }
  });

  it('reports the targets honestly, the wasm relink as not built, between its markers', () => {
    const v = relinkVerdicts(figures);
    expect(v).toHaveLength(5);
    // One size: the 100k targets and the growth are not judged; the bytes target is.
    for (const c of v.slice(0, 4)) expect(c.verdict, c.figure).toBe('not measured');
    expect(['met', 'missed']).toContain(v[4].verdict);
    const md = renderRelinkSection(figures, describeMachine(), 'test', '2026-01-01T00:00:00.000Z');
    expect(md).toContain(describeMachine().cpuModel);
    expect(md).toContain('node bin/zirc-wasm-ld.js --watch --json');
    expect(md).toMatch(/\| 1k \| \d+ \(/);
    const doc = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-relink-doc-')), 'performance.md');
    fs.writeFileSync(doc, '# Performance\n\nbefore\n');
    writeRelinkSection(doc, md);
    writeRelinkSection(doc, md);
    const text = fs.readFileSync(doc, 'utf8');
    expect(text.startsWith('# Performance\n\nbefore\n')).toBe(true);
    expect(text.split('<!-- zirc-ld relink bench: begin -->')).toHaveLength(2);
  });
});
