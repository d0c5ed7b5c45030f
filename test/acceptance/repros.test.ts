// The repros of test/repros (copied from the shared repros beside the project): inputs
// that once hung or blew up. Each must, through the real CLI on both targets, either build
// to a valid output or stop with a clear error naming the file, line and column; the time
// limit only keeps a regression from hanging the suite. A repro without an expectation
// here fails, so a new one cannot be added and forgotten.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runOutput } from '../../src/node/compile/run_output.js';
import type { TargetName } from '../../src/compile/target.js';

const root = path.join(__dirname, '..', '..');
const reprosDir = path.join(root, 'test', 'repros');
const TARGETS: TargetName[] = ['x86_64-linux', 'wasm32-wasi'];
const LIMIT = 'error: comptime integer exceeds the 65535-bit limit';

type Expectation =
  /** Builds; when `exitCode` is given, the output is run and must exit with it. */
  | { builds: true; exitCode?: number }
  /** Stops with this first line on stderr (after the path) and exit status 1. */
  | { error: string };

const EXPECTED: Record<string, Expectation> = {
  // A [100000000]u8 copy by value: one memcpy, not an unrolled copy. Not run: its 100 MB
  // stack frame is past the default 8 MiB stack of a Linux process, as it is for Zig.
  'array_copy.zir': { builds: true },
  // Squarings of a 1000-digit literal: the second passes the limit.
  'comptime_blowup.zir': { error: `14:11: ${LIMIT}` },
  // 10,000 decls, each depending on the one before it.
  'decl_chain_10000.zir': { builds: true, exitCode: 0 },
  // shl(1, 100000000000) is refused before any work.
  'shl_huge.zir': { error: `10:10: ${LIMIT}` },
};

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-repros-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function build(file: string, target: TargetName, out: string) {
  return spawnSync(process.execPath, [path.join(root, 'bin', 'zirc.js'), 'build', '-t', target, file, '-o', out], {
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('shared repros', () => {
  const files = fs.readdirSync(reprosDir).filter((f) => f.endsWith('.zir')).sort();

  it('each has an expectation, and each expectation has its repro', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const name of files) {
    for (const target of TARGETS) {
      it(`${name} [${target}]`, async () => {
        const expected = EXPECTED[name];
        const file = path.join(reprosDir, name);
        const out = path.join(work, `${name}.${target}`);
        const r = build(file, target, out);
        expect(r.error).toBeUndefined();
        if ('error' in expected) {
          expect(r.status).toBe(1);
          expect(r.stderr.split('\n')[0]).toBe(`${file}:${expected.error}`);
          expect(fs.existsSync(out)).toBe(false);
          return;
        }
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        const bytes = fs.readFileSync(out);
        if (target === 'wasm32-wasi') expect(WebAssembly.validate(bytes)).toBe(true);
        else expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
        if (expected.exitCode !== undefined) {
          expect((await runOutput(out, target)).exitCode).toBe(expected.exitCode);
        }
      }, 90_000);
    }
  }
});
