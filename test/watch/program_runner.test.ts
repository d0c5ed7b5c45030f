// `--run` on real processes: the "output" here is an executable shell script, which
// run_output starts exactly as it starts an x86-64 ELF. Checks captured output, exit
// statuses, killing a program still running, and a program that cannot start.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../src/cli/watch/events.js';
import { ProgramRunner } from '../../src/cli/watch/program_runner.js';

let dir: string;
let events: WatchEvent[];

function script(name: string, body: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return p;
}

function exits(): Array<Extract<WatchEvent, { kind: 'run_exit' }>> {
  return events.filter((e): e is Extract<WatchEvent, { kind: 'run_exit' }> => e.kind === 'run_exit');
}

async function until(pred: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out; events ${JSON.stringify(events.map((e) => e.kind))}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-watch-run-'));
  events = [];
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('program runner', () => {
  it('captures stdout, stderr and the exit status of the program when capturing', async () => {
    const out = script('prog', 'printf "hello\\n"; printf "oops" >&2; exit 7');
    const runner = new ProgramRunner(out, 'x86_64-linux', true, (e) => events.push(e));
    runner.run(3);
    await until(() => exits().length === 1);
    expect(events[0]).toMatchObject({ kind: 'run_start', update: 3, output: out });
    const e = exits()[0];
    expect(e).toMatchObject({ update: 3, exitCode: 7, signal: null, killed: false, error: null });
    expect(e.stdout?.toString()).toBe('hello\n');
    expect(e.stderr?.toString()).toBe('oops');
    expect(runner.running).toBe(false);
  });

  it('kills a program still running when stopped, and reports it as stopped by zirc', async () => {
    const out = script('prog', 'echo started; exec sleep 30');
    const runner = new ProgramRunner(out, 'x86_64-linux', true, (e) => events.push(e));
    runner.run(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(runner.running).toBe(true);
    const t0 = Date.now();
    await runner.stop();
    expect(Date.now() - t0).toBeLessThan(5000);
    const e = exits()[0];
    expect(e).toMatchObject({ update: 1, killed: true, signal: 'SIGKILL', exitCode: 137 });
    expect(e.stdout?.toString()).toBe('started\n');
    runner.run(2); // a new run can start once the old one is gone
    await runner.stop();
    expect(exits().map((x) => x.update)).toEqual([1, 2]);
  });

  it('reports a program that cannot be started', async () => {
    const runner = new ProgramRunner(path.join(dir, 'missing'), 'x86_64-linux', true, (e) => events.push(e));
    runner.run(5);
    await until(() => exits().length === 1);
    expect(exits()[0]).toMatchObject({ update: 5, exitCode: -1, killed: false });
    expect(exits()[0].error).toMatch(/ENOENT/);
    expect(runner.running).toBe(false);
  });

  it('passes output through (captures nothing) when not capturing', async () => {
    const out = script('prog', 'exit 0');
    const runner = new ProgramRunner(out, 'x86_64-linux', false, (e) => events.push(e));
    runner.run(1);
    await until(() => exits().length === 1);
    expect(exits()[0]).toMatchObject({ exitCode: 0, stdout: null, stderr: null });
  });
});
