// `--run` on real processes: the "output" here is an executable shell script, which
// the runner starts exactly as it starts an x86-64 ELF. Checks output reported as it
// arrives (in chunks, capped, never split inside a character), exit statuses, killing a
// program still running, and a program that cannot start.
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

function outputs(stream: 'stdout' | 'stderr', update?: number): Buffer[] {
  return events
    .filter((e): e is Extract<WatchEvent, { kind: 'run_output' }> => e.kind === 'run_output' && e.stream === stream)
    .filter((e) => update === undefined || e.update === update)
    .map((e) => e.data);
}

function output(stream: 'stdout' | 'stderr', update?: number): string {
  return Buffer.concat(outputs(stream, update)).toString();
}

function dropped(): Array<Extract<WatchEvent, { kind: 'run_output_dropped' }>> {
  return events.filter((e): e is Extract<WatchEvent, { kind: 'run_output_dropped' }> => e.kind === 'run_output_dropped');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  it('reports stdout, stderr and the exit status of the program when capturing', async () => {
    const out = script('prog', 'printf "hello\\n"; printf "oops" >&2; exit 7');
    const runner = new ProgramRunner(out, 'x86_64-linux', true, (e) => events.push(e));
    runner.run(3);
    await until(() => exits().length === 1);
    expect(events[0]).toMatchObject({ kind: 'run_start', update: 3, output: out });
    const e = exits()[0];
    expect(e).toMatchObject({ update: 3, exitCode: 7, signal: null, killed: false, error: null });
    expect(output('stdout', 3)).toBe('hello\n');
    expect(output('stderr', 3)).toBe('oops');
    expect(events.at(-1)).toBe(e); // all output is reported before the exit
    expect(dropped()).toEqual([]);
    expect(runner.running).toBe(false);
  });

  it('starts the output cap afresh at each hot swap, under the same run', async () => {
    // 1.5 MiB, a pause (the swap happens there), 1.5 MiB more, then exit.
    const out = script('prog', 'head -c 1572864 /dev/zero | tr "\\0" a; sleep 0.5; head -c 1572864 /dev/zero | tr "\\0" b');
    const runner = new ProgramRunner(out, 'x86_64-linux', true, (e) => events.push(e));
    runner.run(4);
    await until(() => dropped().length === 0 && output('stdout', 4).length >= 1 << 20);
    await sleep(150);
    runner.swapped();
    await until(() => exits().length === 1);
    const text = output('stdout', 4);
    expect(text.length).toBe(2 << 20); // the cap twice: before the swap and after it
    expect(text.slice(0, 1 << 20)).toBe('a'.repeat(1 << 20));
    expect(text.slice(1 << 20)).toBe('b'.repeat(1 << 20));
    expect(dropped()).toMatchObject([
      { update: 4, stream: 'stdout', forwardedBytes: 1 << 20, droppedBytes: 1572864 - (1 << 20) },
      { update: 4, stream: 'stdout', forwardedBytes: 1 << 20, droppedBytes: 1572864 - (1 << 20) },
    ]);
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
    expect(output('stdout', 1)).toBe('started\n');
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
    expect(exits()[0]).toMatchObject({ exitCode: 0 });
    expect(events.map((e) => e.kind)).toEqual(['run_start', 'run_exit']); // nothing read: the output passed through
  });

  it('streams a flooding program in chunks of at most 4 KiB, forwards 1 MiB, and counts the rest as dropped', async () => {
    const out = script('prog', "head -c 3000000 /dev/zero | tr '\\0' x; printf 'the end' >&2");
    const runner = new ProgramRunner(out, 'x86_64-linux', true, (e) => events.push(e));
    runner.run(4);
    await until(() => exits().length === 1);
    const chunks = outputs('stdout', 4);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(4096);
    expect(chunks.reduce((n, c) => n + c.length, 0)).toBe(1 << 20);
    expect(Buffer.concat(chunks).equals(Buffer.alloc(1 << 20, 'x'))).toBe(true);
    expect(output('stderr', 4)).toBe('the end'); // the other stream has its own cap
    expect(dropped()).toEqual([{ kind: 'run_output_dropped', update: 4, stream: 'stdout', forwardedBytes: 1 << 20, droppedBytes: 3_000_000 - (1 << 20) }]);
    expect(events.map((e) => e.kind).slice(-2)).toEqual(['run_output_dropped', 'run_exit']);
    expect(exits()[0]).toMatchObject({ exitCode: 0, killed: false });
  });

  it('keeps reading a program that floods without end, so it is never blocked, until it is stopped', async () => {
    const out = script('prog', 'exec yes flooding');
    const runner = new ProgramRunner(out, 'x86_64-linux', true, (e) => events.push(e));
    runner.run(1);
    await sleep(1000);
    await runner.stop();
    expect(exits()[0]).toMatchObject({ update: 1, killed: true, signal: 'SIGKILL' });
    const d = dropped();
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ stream: 'stdout', forwardedBytes: 1 << 20 });
    expect(d[0]!.droppedBytes).toBeGreaterThan(8 << 20); // it went on writing long after the cap
    expect(outputs('stdout').length).toBeLessThanOrEqual((1 << 20) / 4096 + 32);
  });

  it('never cuts a chunk inside a UTF-8 character, even where the pipe splits one', async () => {
    // 3-byte characters written in pieces of 5 bytes: every write ends inside a character.
    const out = script('prog', "i=0; while [ $i -lt 20 ]; do printf '\\342\\202\\254\\342\\202'; sleep 0.01; printf '\\254'; i=$((i+1)); done");
    const runner = new ProgramRunner(out, 'x86_64-linux', true, (e) => events.push(e));
    runner.run(1);
    await until(() => exits().length === 1);
    const chunks = outputs('stdout');
    for (const c of chunks) expect(c.toString('utf8')).not.toContain('\ufffd');
    expect(Buffer.concat(chunks).toString('utf8')).toBe('€€'.repeat(20));
  });
});
