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
import { renderColdSection, runColdBench } from '../../src/bench/cold_bench.js';
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
