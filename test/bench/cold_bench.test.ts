// The cold-start bench on a small program: node -e 0, zirc --version and zirc build (from
// the bundle and from dist/'s modules) and clang on the C twin each run to exit, every
// build's output prints what the generator predicts, and the section of docs/performance.md
// names the target and its verdict. clang, ld.lld and Zig 0.11 (sh scripts/install_zig.sh)
// are required: a missing one fails the test, naming it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ColdBenchFigures } from '../../src/bench/cold_bench.js';
import { CLI_BUILD_AT_10K, renderColdSection, runColdBench, writeColdSections } from '../../src/bench/cold_bench.js';
import { describeMachine } from '../../src/bench/machine.js';
import { ensureBuilt } from '../watch/dist.js';

describe('the cold-start bench', () => {
  let cold: ColdBenchFigures;
  beforeAll(async () => {
    await ensureBuilt();
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-cold-bench-'));
    cold = await runColdBench({ functions: 100, shape: 'chain', runs: 1, workDir, log: () => {} });
  }, 300_000);

  it('runs every command, clang included, to a successful exit', () => {
    expect(cold.skipped, 'tools the cold bench needs (apt-get install clang lld; sh scripts/install_zig.sh)').toEqual([]);
    expect(cold.commands.map((c) => c.id)).toEqual(['node', 'version', 'version-dist', 'build', 'build-threads', 'build-dist', 'clang-units', 'clang-one', 'clang-parallel', 'zig', 'zig-llvm']);
    for (const c of cold.commands) {
      expect(c.error, c.command).toBeUndefined();
      expect(c.wallMs.length, c.command).toBe(1);
      expect(c.medianMs, c.command).toBeGreaterThan(0);
    }
    expect(cold.bundled).toBe(true);
  });

  it("checks that every build's output prints what the generator predicts", () => {
    for (const c of cold.commands.filter((c) => c.id !== 'node' && !c.id.startsWith('version'))) expect(c.runsAsPredicted, c.command).toBe(true);
  });

  it("gives zirc --version's ratio to node -e 0 and the verdict", () => {
    expect(cold.versionVsNode).toBeGreaterThan(0);
    expect(['met', 'missed']).toContain(cold.verdict);
    const section = renderColdSection(cold, describeMachine(), 'npm run bench:cold', '2026-01-01');
    expect(section).toContain('`node -e 0`');
    expect(section).toMatch(/within 2× of `node -e 0`: [\d.]+×, \*\*(met|missed)\*\*/);
  });
});

describe("the full bench's build of a big program through the CLI", () => {
  let big: ColdBenchFigures;
  let small: ColdBenchFigures;
  // 5000 functions, not 10k, to stay quick: still past the size where the entry is split in parts.
  beforeAll(async () => {
    await ensureBuilt();
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-cli-build-bench-'));
    big = await runColdBench({ ...CLI_BUILD_AT_10K, functions: 5000, runs: 1, workDir, log: () => {} });
    small = await runColdBench({ functions: 50, shape: 'chain', runs: 1, only: ['node', 'version'], workDir, log: () => {} });
  }, 600_000);

  it('runs only its commands, each to an output that prints what the generator predicts', () => {
    expect(big.skipped).toEqual([]);
    expect(big.commands.map((c) => c.id)).toEqual(['node', 'version', 'build', 'clang-one', 'clang-parallel', 'zig']);
    for (const c of big.commands) {
      expect(c.error, c.command).toBeUndefined();
      if (c.id !== 'node' && c.id !== 'version') expect(c.runsAsPredicted, c.command).toBe(true);
    }
  });

  it("judges the build against its target, in a section of its own beside the cold start's", () => {
    expect(big.buildTarget?.targetMs).toBe(400);
    expect(big.buildTarget?.medianMs).toBe(big.commands.find((c) => c.id === 'build')!.medianMs);
    expect(big.buildTarget?.verdict).toBe(big.buildTarget!.medianMs! <= 400 ? 'met' : 'missed');
    const machine = describeMachine();
    const bigSection = renderColdSection(big, machine, 'npm run bench', '2026-01-01');
    expect(bigSection).toContain('## A 5k-function build through the CLI');
    expect(bigSection).toMatch(/through the CLI ≤ 400 ms: [\d.]+ ms, \*\*(met|missed)\*\*/);
    expect(bigSection).not.toContain('within 2×');
    const doc = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-cold-doc-')), 'performance.md');
    fs.writeFileSync(doc, '# Performance\n\nbefore\n');
    writeColdSections(doc, [small, big], machine, 'npm run bench', '2026-01-01');
    writeColdSections(doc, [undefined, big], machine, 'npm run bench', '2026-01-01');
    const text = fs.readFileSync(doc, 'utf8');
    expect(text.split('## Cold start: what a user waits for').length).toBe(2);
    expect(text.split('## A 5k-function build through the CLI').length).toBe(2);
    expect(text.indexOf('before')).toBeLessThan(text.indexOf('## Cold start'));
  });
});
