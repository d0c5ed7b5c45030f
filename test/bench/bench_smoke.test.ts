// Smoke tests of the bench code on tiny programs: statistics, the C twin of a generated
// program (same output as the generator predicts, linked by each linker the bench
// compares), the edit bookkeeping of the C project, one whole configuration run through
// the real compiler, and the report built from its results.
//
// The C tools (clang, ld.lld, mold, wasm-ld: `apt-get install clang lld mold`, as .ci/run
// does) are required: a missing one fails the test that needs it, naming it, instead of
// letting the comparison be skipped unseen.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { percentile, median, summarize, ratio, seededRandom } from '../../src/bench/stats.js';
import { CProject } from '../../src/bench/c_project.js';
import { cIntLiteral } from '../../src/bench/c_translate.js';
import { compileUnits, detectToolchain, linkObjects, linkersFor, missingTools } from '../../src/bench/c_toolchain.js';
import { EditedProgram } from '../../src/bench/programs.js';
import type { Shape } from '../../src/bench/programs.js';
import { renderReport } from '../../src/bench/report.js';
import { evaluateTargets } from '../../src/bench/targets.js';
import type { BenchResults, ConfigResult } from '../../src/bench/results.js';
import { describeMachine } from '../../src/bench/machine.js';

const REPO = path.resolve(__dirname, '..', '..');
const tmp = (name: string): string => fs.mkdtempSync(path.join(os.tmpdir(), `zirc-bench-${name}-`));

/** The bench's C toolchain, with every linker it compares: a test needing it fails, naming what is missing. */
function requireToolchain(): ReturnType<typeof detectToolchain> {
  const tc = detectToolchain();
  expect(missingTools(tc, 'x86_64'), 'C tools for x86-64').toBeNull();
  expect(missingTools(tc, 'wasm32'), 'C tools for wasm32').toBeNull();
  expect(linkersFor(tc, 'x86_64'), 'linkers compared on x86-64 (apt-get install lld mold)').toEqual(['ld.lld', 'mold']);
  expect(linkersFor(tc, 'wasm32'), 'linkers compared on wasm32 (apt-get install lld)').toEqual(['wasm-ld']);
  return tc;
}

describe('statistics', () => {
  it('takes nearest-rank percentiles and medians', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 95)).toBe(10);
    expect(percentile(xs, 10)).toBe(1);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    const s = summarize(xs);
    expect([s.count, s.min, s.max, s.mean]).toEqual([10, 1, 10, 5.5]);
  });

  it('gives no ratio when a figure is missing or zero', () => {
    expect(ratio(4, 2)).toBe(2);
    expect(ratio(4, 0)).toBeNull();
    expect(ratio(undefined, 2)).toBeNull();
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });

  it('chooses the same edit sites for the same seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('the C twin of a generated program', () => {
  it('spells every 64-bit integer as a C literal', () => {
    expect(cIntLiteral(5n)).toBe('5LL');
    expect(cIntLiteral(-(1n << 63n))).toBe('(-9223372036854775807LL-1)');
    expect(cIntLiteral((1n << 64n) - 1n)).toBe('18446744073709551615ULL');
  });

  for (const shape of ['chain', 'loops', 'constants'] as Shape[]) {
    it(`splits a ${shape} program into units that define every function once`, () => {
      const p = new EditedProgram(shape, 250, 3);
      const dir = tmp(`c-${shape}`);
      const proj = new CProject(dir, 'x86_64', true, 100);
      proj.generate(p.source);
      expect(proj.unitCount).toBe(3);
      const text = proj.sources.filter((s) => !s.endsWith('rt.c')).map((s) => fs.readFileSync(s, 'utf8')).join('\n');
      for (let i = 0; i < 250; i++) expect(text).toContain(`u32 z_f${i}(u32 a0) {`);
      expect(fs.readFileSync(path.join(dir, 'rt.c'), 'utf8')).toContain('void _start(void)');
    });
  }

  it('recompiles only the unit of an edited function, and the users of an edited constant', () => {
    const p = new EditedProgram('constants', 300, 1);
    const dir = tmp('c-edit');
    const proj = new CProject(dir, 'wasm32', true, 100);
    proj.generate(p.source);
    p.editBody(150, 1);
    expect(proj.applyEdit(p.source).dirty.map((f) => path.basename(f))).toEqual(['tu_0001.c']);
    const k = p.mostUsedConstant();
    expect(k.users).toBeGreaterThan(1);
    const before = fs.readFileSync(path.join(dir, 'consts.h'), 'utf8');
    p.editSharedConstant(k.index, 1);
    const dirty = proj.applyEdit(p.source).dirty;
    expect(dirty.length).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(dir, 'consts.h'), 'utf8')).not.toBe(before);
    for (const f of dirty) expect(fs.readFileSync(f, 'utf8')).toContain(`K_k${k.index}`);
  });

  it('compiles, links with each linker and prints the checksum the generator predicts', async () => {
    const tc = requireToolchain();
    for (const shape of ['chain', 'loops', 'constants'] as Shape[]) {
      const p = new EditedProgram(shape, 120, 5);
      p.editBody(17, 2);
      const dir = tmp(`c-run-${shape}`);
      const proj = new CProject(dir, 'x86_64', true, 50);
      proj.generate(p.source);
      await compileUnits(tc, 'x86_64', proj.sources, dir);
      for (const linker of linkersFor(tc, 'x86_64')) {
        const exe = `prog-${linker}`;
        await linkObjects(tc, linker, proj.sources.map((s) => proj.objectFor(s)), exe, dir);
        const run = spawnSync(path.join(dir, exe), { encoding: 'latin1' });
        expect(run.error, `${shape}, ${linker}`).toBeUndefined();
        expect(run.status, `${shape}, ${linker}`).toBe(0);
        expect(run.stdout, `${shape}, ${linker}`).toBe(p.expectedStdout);
      }
    }
  });

  it('says which tool is missing, and how to install it', () => {
    const none = { clang: null, linkers: { 'ld.lld': null, mold: null, 'wasm-ld': null }, versions: {} };
    expect(missingTools(none, 'x86_64')).toMatch(/clang is not installed \(apt-get install clang/);
    const clangOnly = { ...none, clang: '/usr/bin/clang' };
    expect(missingTools(clangOnly, 'x86_64')).toMatch(/neither ld.lld nor mold .*apt-get install lld mold/);
    expect(missingTools(clangOnly, 'wasm32')).toMatch(/wasm-ld .*apt-get install lld/);
  });
});

describe('one configuration through the real compiler', () => {
  let configs: ConfigResult[] = [];

  beforeAll(() => {
    requireToolchain();
    // The bench runs from dist (the WASI runner is a sibling .js file there): build it if needed.
    if (!fs.existsSync(path.join(REPO, 'dist', 'bench', 'config_child.js'))) {
      execFileSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(REPO, 'tsconfig.json')], { stdio: 'ignore' });
    }
    const dir = tmp('config');
    const programPath = path.join(dir, 'p.zir');
    new EditedProgram('constants', 40, 1).writeTo(programPath);
    configs = (['x86_64-linux', 'wasm32-wasi'] as const).map((target) => {
      const workDir = path.join(dir, target);
      fs.mkdirSync(workDir);
      const spec = {
        shape: 'constants', functions: 40, target, seed: 1, programPath, workDir, bodyEdits: 4, constEdits: 2, warmupEdits: 1,
        compareC: true, cConstEdits: 1, functionsPerUnit: 10, verifyFresh: true,
      };
      fs.writeFileSync(path.join(workDir, 'spec.json'), JSON.stringify(spec));
      execFileSync(process.execPath, [path.join(REPO, 'dist', 'bench', 'config_child.js'), path.join(workDir, 'spec.json'), path.join(workDir, 'r.json')], {
        stdio: 'inherit',
      });
      return JSON.parse(fs.readFileSync(path.join(workDir, 'r.json'), 'utf8')) as ConfigResult;
    });
  }, 180_000);

  it('measures the full build in its own process and every edit', () => {
    for (const c of configs) {
      expect(c.error).toBeUndefined();
      expect(c.fullBuild?.ok).toBe(true);
      expect(c.fullBuild!.maxRssMiB).toBeGreaterThan(10);
      expect(c.bodyEdit?.count).toBe(4);
      expect(c.bodyEdit?.failures).toBe(0);
      expect(c.constEdit?.count).toBe(2);
      expect(c.constEdit!.constantUsers).toBeGreaterThan(1);
    }
  });

  it('sees one function generated per body edit, and a working output afterwards', () => {
    for (const c of configs) {
      expect(c.bodyEdit!.functionsGenerated.min).toBe(1);
      expect(c.bodyEdit!.functionsGenerated.max).toBe(1);
      expect(c.bodyEdit!.bytesWritten.min).toBeGreaterThan(0);
      expect(c.run?.matchesExpected).toBe(true);
      expect(c.run?.matchesFreshBuild).toBe(true);
    }
  });

  it('compares with the C twin, which reports the same output', () => {
    for (const c of configs) {
      expect(c.c?.skipped, c.target).toBeUndefined();
      expect(c.c?.error, c.target).toBeUndefined();
      expect(c.c?.outputsAgree).toBe(true);
      expect(c.c?.bodyEdit?.count).toBe(4);
      expect(c.c?.bodyEdit?.unitsCompiled.max).toBe(1);
    }
  });

  it('renders the results as a report with the machine and the targets', () => {
    const results: BenchResults = {
      date: '2026-01-01T00:00:00.000Z',
      commit: null,
      machine: describeMachine(),
      tools: {},
      plan: { sizes: [40], shapes: ['constants'], targets: ['x86_64-linux', 'wasm32-wasi'], bodyEdits: 4, constEdits: 2, functionsPerUnit: 10 },
      commands: {},
      configs,
      frontEnd: { skipped: 'not in this test' },
      watch: { skipped: 'not in this test' },
      wallSeconds: 1,
    };
    const md = renderReport(results, 'test');
    expect(md).toContain('## Machine');
    expect(md).toContain(results.machine.cpuModel);
    expect(md).toContain('| constants | 40 | x86_64-linux |');
    expect(md).toContain('2 of 2 printed the checksum the generator predicts');
    const checks = evaluateTargets(results);
    expect(checks.find((c) => c.figure.startsWith('full parse'))?.verdict).toBe('not measured');
  });
});
