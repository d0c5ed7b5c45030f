// The Zig twin of a generated program (shapes chain and constants) compiles with Zig 0.11's
// own backend and prints what the generator predicts; a shape outside the subset (loops) is
// refused by name. Zig 0.11 is required (sh scripts/install_zig.sh, as .ci/run does): a
// missing one fails the test, naming it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Shape } from '../../src/bench/programs.js';
import { EditedProgram } from '../../src/bench/programs.js';
import { findZig, UnsupportedForZig, zigBuildArgs, zigTwin } from '../../src/bench/zig_twin.js';

const REPO = path.resolve(__dirname, '..', '..');

describe('the Zig twin of a generated program', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-zig-twin-'));

  const programs: [Shape, number][] = [['chain', 40], ['constants', 40], ['chain', 5000]];
  for (const [shape, functions] of programs) {
    const split = functions > 1000 ? ' whose entry is split in parts' : '';
    it(`builds a ${functions}-function ${shape} program${split} with zig 0.11 that prints the checksum the generator predicts`, () => {
      const zig = findZig(REPO);
      expect('missing' in zig ? zig.missing : null, 'Zig 0.11 for the Zig twin').toBeNull();
      const p = new EditedProgram(shape, functions, 2);
      // The big program must have what it is here for: entry parts (`@entry_partK`), which the twin once left out.
      expect(p.source.includes('@entry_part0 = fn(')).toBe(split !== '');
      fs.writeFileSync(path.join(dir, `${shape}.zig`), zigTwin(p.source));
      const build = spawnSync((zig as { zig: string }).zig, zigBuildArgs(`${shape}.zig`, `${shape}.prog`, `cache-${shape}`, 'global-cache', 'self-hosted'), { cwd: dir, encoding: 'utf8' });
      expect(build.stderr).toBe('');
      expect(build.status).toBe(0);
      const ran = spawnSync(path.join(dir, `${shape}.prog`), [], { encoding: 'latin1' });
      expect([ran.status, ran.stdout]).toEqual([0, p.expectedStdout]);
    }, 120_000);
  }

  it('refuses a shape with loops and memory, naming the instruction', () => {
    const p = new EditedProgram('loops', 3, 1);
    expect(() => zigTwin(p.source)).toThrow(UnsupportedForZig);
    expect(() => zigTwin(p.source)).toThrow(/instruction \w+ is outside/);
  });
});
