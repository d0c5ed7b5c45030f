// HotRunner against a real process (a program built by the library): it runs a copy of the
// output, writes a plan's bytes into the running process (read back from /proc/<pid>/mem),
// restarts with the reason when a write falls outside what the process mapped or the plan
// has a blocker, and says `started` when no program runs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Compilation } from '../../src/compile/Compilation.js';
import type { WatchEvent } from '../../src/cli/watch/events.js';
import { HotRunner } from '../../src/cli/watch/hot/hot_runner.js';
import { parseProcMaps } from '../../src/cli/watch/hot/proc_maps.js';
import { hotProgram } from '../../src/bench/hot_swap_program.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function build(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-hot-runner-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const source = path.join(dir, 'main.zir');
  fs.writeFileSync(source, hotProgram({ value: 3, sleepMs: 2 }));
  const c = Compilation.create({ sourcePath: source, outputPath: path.join(dir, 'main'), target: 'x86_64-linux', optimize: 'Debug' });
  const r = c.update();
  c.close();
  expect(r.ok, JSON.stringify(r.errors)).toBe(true);
  return path.join(dir, 'main');
}

function runner(output: string): { hot: HotRunner; events: WatchEvent[] } {
  const events: WatchEvent[] = [];
  const hot = new HotRunner({ outputPath: output, displayOutput: 'main', capture: true, report: (e) => events.push(e) });
  cleanups.push(() => hot.stop());
  return { hot, events };
}

/** The pid of the program of `update` once it has printed (it is up and running its loop). */
async function runningPid(events: WatchEvent[], update = 1): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (!events.some((e) => e.kind === 'run_output' && e.update === update)) {
    if (Date.now() > deadline) throw new Error(`the program did not start: ${JSON.stringify(events)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number);
  const mine = pids.filter((p) => {
    try {
      return fs.readlinkSync(`/proc/${p}/exe`).includes('zirc-hot-') && fs.readFileSync(`/proc/${p}/stat`, 'latin1').includes(` ${process.pid} `);
    } catch {
      return false;
    }
  });
  expect(mine).toHaveLength(1);
  return mine[0]!;
}

describe('HotRunner', () => {
  it('writes a plan into the running copy, which keeps running', async () => {
    const output = build();
    const { hot, events } = runner(output);
    expect(hot.takeEpoch()).toBe(true); // nothing runs yet
    hot.run(1);
    expect(hot.takeEpoch()).toBe(true); // a program started from the output as it is
    expect(hot.takeEpoch()).toBe(false);
    const pid = await runningPid(events);
    expect(fs.realpathSync(fs.readlinkSync(`/proc/${pid}/exe`))).not.toBe(fs.realpathSync(output));
    // Somewhere harmless: the last 8 bytes of the stack mapping's lowest page.
    const stack = fs.readFileSync(`/proc/${pid}/maps`, 'latin1').split('\n').find((l) => l.endsWith('[stack]'))!;
    const [lo] = parseProcMaps(stack);
    const at = lo!.start + 64;
    const bytes = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const outcome = await hot.apply({ blocker: null, writes: [{ vaddr: at, bytes }], functions: 1, slots: 0 });
    expect(outcome).toMatchObject({ action: 'swapped', pid, functions: 1, slots: 0, bytes: 8 });
    const fd = fs.openSync(`/proc/${pid}/mem`, 'r');
    const back = Buffer.alloc(8);
    fs.readSync(fd, back, 0, 8, at);
    fs.closeSync(fd);
    expect(Array.from(back)).toEqual(Array.from(bytes));
    await new Promise((r) => setTimeout(r, 20));
    expect(fs.readFileSync(`/proc/${pid}/stat`, 'latin1')).toMatch(/\) [RS] /); // running or sleeping, not stopped
    expect(events.some((e) => e.kind === 'run_exit')).toBe(false);
  });

  it('stops the program with the reason when a write is outside its mappings or the plan is blocked', async () => {
    const output = build();
    const { hot, events } = runner(output);
    hot.run(1);
    const pid = await runningPid(events);
    const outside = await hot.apply({ blocker: null, writes: [{ vaddr: 0x1000, bytes: new Uint8Array(4) }], functions: 1, slots: 0 });
    expect(outside).toEqual({ action: 'restarted', pid, reason: 'new code at 0x1000 lies outside the memory the process mapped' });
    expect(events.find((e) => e.kind === 'run_exit')).toMatchObject({ update: 1, killed: true });
    expect(await hot.apply({ blocker: null, writes: [], functions: 0, slots: 0 })).toEqual({ action: 'started' });
    hot.run(2);
    const pid2 = await runningPid(events, 2);
    const blocked = await hot.apply({ blocker: "global 'x' changed (mutable data the process holds)", writes: [], functions: 0, slots: 0 });
    expect(blocked).toEqual({ action: 'restarted', pid: pid2, reason: "global 'x' changed (mutable data the process holds)" });
  });
});
