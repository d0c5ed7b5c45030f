// `zirc watch` as a user runs it, as a child process: saving the same text does no work,
// an error keeps the last good output on disk byte for byte (and runnable), a deleted
// source is waited for, SIGTERM/SIGINT end it with a complete output even mid-build,
// `--run` stops a program still running, and the text output (errors with a caret).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runOutput } from '../../src/node/compile/run_output.js';
import { defaultOutputName } from '../../src/compile/target.js';
import type { TargetName } from '../../src/compile/target.js';
import { WatchClient } from '../../src/cli/watch/json_client.js';
import { ensureBuilt, root } from './dist.js';
import { chainProgram, foreverProgram, greetingProgram } from './programs.js';

beforeAll(ensureBuilt, 300_000);

const TARGETS: TargetName[] = ['x86_64-linux', 'wasm32-wasi'];
const cleanups: Array<() => void> = [];

afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function workDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-watch-cmd-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function startWatch(dir: string, target: TargetName, run = false): { client: WatchClient; output: string; source: string } {
  const client = WatchClient.start({ file: 'main.zir', cwd: dir, target, run, output: defaultOutputName('main.zir', target) });
  cleanups.push(() => client.kill());
  return { client, output: path.join(dir, defaultOutputName('main.zir', target)), source: path.join(dir, 'main.zir') };
}

describe('zirc watch', () => {
  for (const target of TARGETS) {
    it(`does no work when the same text is saved again (${target})`, async () => {
      const dir = workDir();
      fs.writeFileSync(path.join(dir, 'main.zir'), greetingProgram('same'));
      const { client, output, source } = startWatch(dir, target);
      const first = await client.nextUpdate();
      expect(first).toMatchObject({ update: 1, ok: true });
      expect(first.declsAnalyzed).toBeGreaterThan(0);
      expect(first.bytesWritten).toBeGreaterThan(0);
      const before = fs.readFileSync(output);
      await new Promise((r) => setTimeout(r, 20));
      fs.writeFileSync(source, greetingProgram('same'));
      const again = await client.nextUpdate();
      expect(again).toMatchObject({ update: 2, ok: true, declsParsed: 0, declsAnalyzed: 0, functionsGenerated: 0, bytesWritten: 0 });
      expect(fs.readFileSync(output).equals(before)).toBe(true);
      expect(await client.stop()).toEqual({ code: 0, signal: null });
    });

    it(`keeps the last good output byte for byte while an error stands, then applies the fix (${target})`, async () => {
      const dir = workDir();
      fs.writeFileSync(path.join(dir, 'main.zir'), greetingProgram('good one', 3));
      const { client, output, source } = startWatch(dir, target);
      expect(await client.nextUpdate()).toMatchObject({ ok: true });
      const good = fs.readFileSync(output);

      fs.writeFileSync(source, greetingProgram('broken', 4).replace('%errno = call(', '%errno = cal('));
      const bad = await client.nextUpdate();
      expect(bad.ok).toBe(false);
      expect(bad.errors).toEqual([
        expect.objectContaining({ path: 'main.zir', line: 32, column: 12, message: "unknown instruction 'cal'" }),
      ]);
      expect(fs.readFileSync(output).equals(good)).toBe(true);

      fs.writeFileSync(source, greetingProgram('still broken', 5).replace('@fd_write, [', '@nowhere, ['));
      const bad2 = await client.nextUpdate();
      expect(bad2.ok).toBe(false);
      expect((bad2.errors as Array<{ message: string }>).map((e) => e.message)).toEqual(["decl 'nowhere' not found"]);
      expect(fs.readFileSync(output).equals(good)).toBe(true);
      const stillRuns = await runOutput(output, target, { timeoutMs: 10_000 });
      expect([stillRuns.stdout.toString(), stillRuns.exitCode]).toEqual(['good one\n', 3]);

      fs.writeFileSync(source, greetingProgram('fixed', 6));
      expect(await client.nextUpdate()).toMatchObject({ ok: true, errors: [] });
      const fixed = await runOutput(output, target, { timeoutMs: 10_000 });
      expect([fixed.stdout.toString(), fixed.exitCode]).toEqual(['fixed\n', 6]);
      expect(await client.stop()).toEqual({ code: 0, signal: null });
    });

    it(`reports a deleted source, waits for it, and builds it when it is back (${target})`, async () => {
      const dir = workDir();
      fs.writeFileSync(path.join(dir, 'main.zir'), greetingProgram('first', 1));
      const { client, output, source } = startWatch(dir, target);
      expect(await client.nextUpdate()).toMatchObject({ ok: true });
      fs.unlinkSync(source);
      expect(await client.next((e) => e.event !== 'update')).toEqual({ event: 'source_missing', source: 'main.zir', reason: 'removed' });
      fs.writeFileSync(source, greetingProgram('second', 2));
      expect(await client.next()).toEqual({ event: 'source_back', source: 'main.zir' });
      expect(await client.next()).toEqual({ event: 'building', update: 2 });
      expect(await client.next()).toMatchObject({ event: 'update', update: 2, ok: true });
      const r = await runOutput(output, target, { timeoutMs: 10_000 });
      expect([r.stdout.toString(), r.exitCode]).toEqual(['second\n', 2]);
      expect(await client.stop()).toEqual({ code: 0, signal: null });
    });
  }

  it('waits for a source that does not exist yet', async () => {
    const dir = workDir();
    const { client, output, source } = startWatch(dir, 'wasm32-wasi');
    expect(await client.next((e) => e.event !== 'start')).toEqual({ event: 'source_missing', source: 'main.zir', reason: 'absent' });
    fs.writeFileSync(source, greetingProgram('late', 0));
    expect(await client.nextUpdate()).toMatchObject({ update: 1, ok: true });
    expect((await runOutput(output, 'wasm32-wasi')).stdout.toString()).toBe('late\n');
    await client.stop();
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`ends on ${signal} with exit status 0 and a complete output, even when it arrives during the first build`, async () => {
      const dir = workDir();
      const n = 1500;
      fs.writeFileSync(path.join(dir, 'main.zir'), chainProgram(n));
      const { client, output } = startWatch(dir, 'x86_64-linux');
      await client.next((e) => e.event === 'building');
      client.signal(signal);
      const exit = await client.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      const kinds = client.events.map((e) => e.event);
      // The signal lands during the build (it takes seconds): the build completes, then the watcher ends.
      expect(kinds).toEqual(['start', 'building', 'stopping', 'update', 'stopped']);
      expect(client.events[3]).toMatchObject({ ok: true });
      const r = await runOutput(output, 'x86_64-linux', { timeoutMs: 10_000 });
      expect(r.exitCode).toBe(n % 256);
    });
  }

  it('stops a program still running before the next update, and reports it', async () => {
    const dir = workDir();
    fs.writeFileSync(path.join(dir, 'main.zir'), foreverProgram());
    const { client, source } = startWatch(dir, 'x86_64-linux', true);
    expect(await client.nextUpdate()).toMatchObject({ ok: true });
    expect(await client.next()).toMatchObject({ event: 'run', update: 1 });
    await new Promise((r) => setTimeout(r, 200));
    fs.writeFileSync(source, greetingProgram('replaced', 9));
    // The program is stopped before the update writes the output.
    expect(await client.next()).toMatchObject({ event: 'exit', update: 1, killed: true, signal: 'SIGKILL' });
    expect(await client.next()).toEqual({ event: 'building', update: 2 });
    expect(await client.next()).toMatchObject({ event: 'update', update: 2, ok: true });
    expect(await client.next()).toMatchObject({ event: 'run', update: 2 });
    expect(await client.next()).toEqual({ event: 'output', update: 2, stream: 'stdout', data: 'replaced\n' });
    expect(await client.next()).toMatchObject({ event: 'exit', update: 2, killed: false, exitCode: 9 });
    expect(client.programOutput(2, 'stdout').toString()).toBe('replaced\n');
    expect(await client.stop()).toEqual({ code: 0, signal: null });
  });

  it('prints text: a line per update, rendered errors with a caret, and the program output passed through', async () => {
    const dir = workDir();
    const source = path.join(dir, 'main.zir');
    fs.writeFileSync(source, greetingProgram('text mode', 0));
    const child = spawn(process.execPath, [path.join(root, 'bin', 'zirc.js'), 'watch', 'main.zir', '--run', '-o', 'prog'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const until = async (pred: () => boolean) => {
      const end = Date.now() + 30_000;
      while (!pred()) {
        if (Date.now() > end) throw new Error(`timed out; stderr:\n${stderr}\nstdout:\n${stdout}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await until(() => stderr.includes('program of update 1 exited'));
    fs.writeFileSync(source, greetingProgram('text mode', 0).replace('@proc_exit, [', '@nowhere, ['));
    await until(() => stderr.includes('[zirc] update 2:'));
    child.kill('SIGTERM');
    await new Promise((r) => child.on('close', r));
    expect(child.exitCode).toBe(0);
    expect(stdout).toBe('text mode\n');
    const lines = stderr.split('\n');
    expect(lines[0]).toBe('[zirc] watching main.zir -> prog (x86_64-linux), running it after each good update; Ctrl-C stops');
    expect(lines[1]).toMatch(/^\[zirc\] update 1: ok; parsed \d+, analyzed \d+, generated \d+, deleted 0; wrote \d+ bytes in [\d.]+ m?s$/);
    expect(lines[2]).toBe('[zirc] running prog (update 1)');
    expect(lines[3]).toBe('[zirc] program of update 1 exited with status 0');
    expect(lines[4]).toBe("main.zir:34:15: error: decl 'nowhere' not found");
    expect(lines[5]).toBe('  %bye = call(@nowhere, [%status])');
    expect(lines[6]).toBe('              ^');
    expect(lines[7]).toMatch(/^\[zirc\] update 2: 1 error; .*; output unchanged$/);
    expect(lines.slice(8)).toEqual(['[zirc] SIGTERM: stopping', '[zirc] stopped', '']);
  });

  it('exits 1 when the source directory does not exist (a file can be waited for, a directory cannot)', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'zirc.js'), 'watch', '/nonexistent-zirc-dir/main.zir'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("/nonexistent-zirc-dir/main.zir: error: directory '/nonexistent-zirc-dir' does not exist\n");
  });

  it('exits with a usage error for a bad target, like the other commands', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'zirc.js'), 'watch', 'x.zir', '--target', 'mips'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
  });
});
