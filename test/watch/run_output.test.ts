// `zirc watch --run --json` with a program that floods its stdout, through the real
// watcher process on both targets: the output arrives as `output` events of at most
// 4 KiB while the program runs, at most 1 MiB of it per run, then one `output_dropped`
// event counts the rest; no line of JSON grows with the flood, nor does the watcher's
// memory, and the next update stops the program and runs the new one as usual.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultOutputName } from '../../src/compile/target.js';
import type { TargetName } from '../../src/compile/target.js';
import { WatchClient } from '../../src/cli/watch/json_client.js';
import { ensureBuilt } from './dist.js';
import { floodProgram, greetingProgram } from './programs.js';

beforeAll(ensureBuilt, 300_000);

const cleanups: Array<() => void> = [];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** The peak resident memory of a process, in MiB (Linux). */
function peakMemoryMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

describe('zirc watch --run --json with a program that floods its output', () => {
  for (const target of ['x86_64-linux', 'wasm32-wasi'] as TargetName[]) {
    it(`streams it in chunks, forwards at most 1 MiB, reports the bytes dropped, stays small (${target})`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-watch-flood-'));
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      const source = path.join(dir, 'main.zir');
      fs.writeFileSync(source, floodProgram('y'.repeat(200)));
      const client = WatchClient.start({ file: 'main.zir', cwd: dir, target, run: true, output: defaultOutputName('main.zir', target) });
      cleanups.push(() => client.kill());

      expect(await client.nextUpdate()).toMatchObject({ update: 1, ok: true });
      expect(await client.next()).toMatchObject({ event: 'run', update: 1 });
      // Output arrives while the program runs, not only at its end.
      expect(await client.next()).toMatchObject({ event: 'output', update: 1, stream: 'stdout' });
      await sleep(1500); // hundreds of MiB written by now
      const peak = peakMemoryMiB(client.pid!);

      fs.writeFileSync(source, greetingProgram('after the flood', 5));
      const dropped = await client.next((e) => e.event === 'output_dropped');
      expect(dropped).toMatchObject({ update: 1, stream: 'stdout', forwardedBytes: 1 << 20 });
      expect(dropped.droppedBytes as number).toBeGreaterThan(16 << 20);
      expect(await client.next()).toMatchObject({ event: 'exit', update: 1, killed: true, signal: 'SIGKILL' });
      expect(client.programOutput(1, 'stdout').equals(Buffer.from(('y'.repeat(200) + '\n').repeat(6000)).subarray(0, 1 << 20))).toBe(true);

      expect(await client.nextUpdate()).toMatchObject({ update: 2, ok: true });
      expect(await client.next()).toEqual({ event: 'run', update: 2, output: defaultOutputName('main.zir', target) });
      expect(await client.next()).toEqual({ event: 'output', update: 2, stream: 'stdout', data: 'after the flood\n' });
      expect(await client.next()).toMatchObject({ event: 'exit', update: 2, exitCode: 5, killed: false });

      expect(client.longestLine).toBeLessThan(4096 + 200);
      expect(peak).toBeLessThan(250); // about 110 MiB; holding the flood took 577 MiB after 3 s, then failed
      expect(await client.stop()).toEqual({ code: 0, signal: null });
      expect(client.strayLines).toEqual([]);
    });
  }
});
