// The faces of `--hot`: the update line's `swapped into pid N: F functions, S slots` /
// `restarted: <reason>` and the JSON `hot` object (pure formatters), the usage errors
// (without --run, on wasm32), and the text mode of the real command, whose program output
// passes straight through while edits are swapped into it.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emptyStats } from '../../src/compile/update_stats.js';
import type { WatchEvent } from '../../src/cli/watch/events.js';
import { formatText, jsonObject } from '../../src/cli/watch/format.js';
import { hotProgram } from '../../src/bench/hot_swap_program.js';
import { ensureBuilt, root } from './dist.js';

beforeAll(ensureBuilt, 300_000);

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function workDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-hot-cli-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function update(hot: Extract<WatchEvent, { kind: 'update' }>['hot']): Extract<WatchEvent, { kind: 'update' }> {
  return { kind: 'update', update: 2, result: { ok: true, errors: [], stats: emptyStats() }, wallMs: 1, hot };
}

describe('--hot in the update line and the JSON update event', () => {
  it('says into which pid it swapped, how many functions and slots', () => {
    const e = update({ action: 'swapped', pid: 42, functions: 1, slots: 2, bytes: 96, swapMs: 0.3 });
    expect(formatText(e)).toMatch(/^\[zirc\] update 2: ok; .* in 0\.00 ms; swapped into pid 42: 1 function, 2 slots\n$/);
    expect(jsonObject(e).hot).toEqual({ action: 'swapped', pid: 42, functions: 1, slots: 2, bytes: 96, swapMs: 0.3 });
  });

  it('says why it restarted, and nothing when no program was running', () => {
    const e = update({ action: 'restarted', pid: 7, reason: '`_start` changed (the program is already past it)' });
    expect(formatText(e)).toMatch(/; restarted: `_start` changed \(the program is already past it\)\n$/);
    expect(jsonObject(e).hot).toEqual({ action: 'restarted', pid: 7, reason: '`_start` changed (the program is already past it)' });
    const started = update({ action: 'started' });
    expect(formatText(started)).toMatch(/ms\n$/);
    expect(jsonObject(started).hot).toEqual({ action: 'started' });
    expect(jsonObject(update(undefined))).not.toHaveProperty('hot');
  });

  it('says so in the start line and event', () => {
    const start: WatchEvent = { kind: 'start', source: 'a.zir', output: 'a', target: 'x86_64-linux', run: true, hot: true };
    expect(formatText(start)).toBe('[zirc] watching a.zir -> a (x86_64-linux), running it and swapping each good update into it; Ctrl-C stops\n');
    expect(jsonObject(start)).toMatchObject({ event: 'start', run: true, hot: true });
  });
});

describe('zirc watch --hot (the command)', () => {
  const zirc = (args: string[], cwd: string) => spawnSync(process.execPath, [path.join(root, 'bin', 'zirc.js'), ...args], { cwd, encoding: 'utf8', timeout: 30_000 });

  it('is a usage error without --run, on wasm32-wasi, and with objects linked with the program', () => {
    const dir = workDir();
    fs.writeFileSync(path.join(dir, 'main.zir'), hotProgram({ value: 1 }));
    const noRun = zirc(['watch', 'main.zir', '--hot'], dir);
    expect(noRun.status).toBe(2);
    expect(noRun.stderr).toMatch(/--hot needs --run/);
    const wasm = zirc(['watch', 'main.zir', '--run', '--hot', '-t', 'wasm32-wasi'], dir);
    expect(wasm.status).toBe(2);
    expect(wasm.stderr).toMatch(/--hot is supported on x86_64-linux only/);
    const objects = zirc(['watch', 'main.zir', 'util.o', '--run', '--hot'], dir);
    expect(objects.status).toBe(2);
    expect(objects.stderr).toMatch(/--hot is not supported with objects linked with the program/);
  });

  it('passes the program output through in text mode and reports each swap on its update line', async () => {
    const dir = workDir();
    const source = path.join(dir, 'main.zir');
    fs.writeFileSync(source, hotProgram({ value: 5 }));
    const child = spawn(process.execPath, [path.join(root, 'bin', 'zirc.js'), 'watch', 'main.zir', '--run', '--hot'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => child.kill('SIGKILL'));
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    const until = async (what: string, cond: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!cond()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nstderr:\n${err}\nstdout tail:\n${out.slice(-200)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await until('the first value', () => /^\d+ 5$/m.test(out));
    fs.writeFileSync(source, hotProgram({ value: 6 }));
    await until('the swapped value', () => /^\d+ 6$/m.test(out));
    // The program prints the new value as soon as it runs it, which can be before the
    // watcher's line about the swap reaches stderr: wait for that line, then check it.
    await until('the update line of the swap', () => /\[zirc\] update 2: .*\n/.test(err));
    expect(err).toMatch(/\[zirc\] update 2: ok; parsed 1, analyzed 1, generated 1, deleted 0; wrote \d+ bytes in [\d.]+ ms; swapped into pid \d+: 1 function, 1 slot\n/);
    expect(err).toMatch(/running it and swapping each good update into it/);
    expect(err.match(/\[zirc\] running main/g)).toHaveLength(1);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
  }, 60_000);
});
