// `zirc watch --run --hot` through real processes: a looping program keeps its pid and its
// counter while edits of a function it calls are swapped into it; a change of `_start`
// restarts it with the reason; an error update leaves it untouched; a hundred swaps in a
// row (new functions, removed ones) leave the process and the file consistent: the file,
// run fresh, behaves as a fresh build of the same source.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WatchClient, type WatchJsonEvent } from '../../src/cli/watch/json_client.js';
import { hotProgram, valueDecl, type HotProgramOptions } from '../../src/bench/hot_swap_program.js';
import { ensureBuilt, root } from './dist.js';
import { greetingProgram } from './programs.js';

beforeAll(ensureBuilt, 300_000);

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function workDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-hot-test-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Session {
  client: WatchClient;
  source: string;
  output: string;
  save(opts: HotProgramOptions): void;
}

async function startHot(dir: string, first: HotProgramOptions): Promise<Session> {
  const source = path.join(dir, 'main.zir');
  fs.writeFileSync(source, hotProgram(first));
  const client = WatchClient.start({ file: 'main.zir', cwd: dir, run: true, hot: true, output: 'main' });
  cleanups.push(() => client.kill());
  const u1 = await client.nextUpdate();
  expect(u1).toMatchObject({ update: 1, ok: true, hot: { action: 'started' } });
  await client.next((e) => e.event === 'run' && e.update === 1);
  return { client, source, output: path.join(dir, 'main'), save: (o) => fs.writeFileSync(source, hotProgram(o)) };
}

/** The program's `<counter> <value>` lines (whole lines only) of the run started at `update`. */
function lines(client: WatchClient, update: number): Array<[number, number]> {
  const text = client.programOutput(update, 'stdout').toString('utf8');
  const whole = text.slice(0, text.lastIndexOf('\n') + 1);
  return whole
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split(' ').map(Number) as [number, number]);
}

/** Waits until the run of `update` has printed a line with `value`; returns all its lines so far. */
async function untilValue(client: WatchClient, update: number, value: number, timeoutMs = 10_000): Promise<Array<[number, number]>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = lines(client, update);
    if (got.some(([, v]) => v === value)) return got;
    if (Date.now() > deadline) throw new Error(`no line with value ${value} from the run of update ${update}; last: ${JSON.stringify(got.slice(-3))}\n${client.stderr}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function events(client: WatchClient, pred: (e: WatchJsonEvent) => boolean): WatchJsonEvent[] {
  return client.events.filter(pred);
}

/** The first `n` lines a looping executable prints when started fresh. */
function firstLines(exe: string, n: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, [], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${exe} printed ${JSON.stringify(text)} in 10 s`));
    }, 10_000);
    child.stdout.on('data', (b: Buffer) => {
      text += b.toString('utf8');
      const got = text.split('\n');
      if (got.length > n) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve(got.slice(0, n));
      }
    });
    child.on('error', reject);
  });
}

describe('zirc watch --run --hot', () => {
  it('swaps a changed function into the running program: same pid, the counter goes on, the new result appears', async () => {
    const dir = workDir();
    const s = await startHot(dir, { value: 7 });
    const before = await untilValue(s.client, 1, 7);
    s.save({ value: 8 });
    const u2 = await s.client.nextUpdate();
    expect(u2).toMatchObject({ update: 2, ok: true, hot: { action: 'swapped', functions: 1, slots: 1 } });
    const pid = (u2.hot as { pid: number }).pid;
    // The process is the copy zirc started, not the output file it keeps patching.
    expect(fs.readlinkSync(`/proc/${pid}/exe`)).not.toBe(fs.realpathSync(s.output));
    const after = await untilValue(s.client, 1, 8);
    const firstNew = after.findIndex(([, v]) => v === 8);
    // One process counted on: the counter never went back, and every line before the swap was 7.
    expect(after.map(([c]) => c)).toEqual(after.map((_, i) => i + 1));
    expect(after.slice(0, firstNew).every(([, v]) => v === 7)).toBe(true);
    expect(after[firstNew]![0]).toBeGreaterThan(before[before.length - 1]![0]);
    s.save({ value: 9 });
    const u3 = await s.client.nextUpdate();
    expect(u3).toMatchObject({ update: 3, ok: true, hot: { action: 'swapped', pid } });
    await untilValue(s.client, 1, 9);
    expect(events(s.client, (e) => e.event === 'run')).toHaveLength(1);
    expect(events(s.client, (e) => e.event === 'exit')).toHaveLength(0);
    expect(s.client.stderr).toBe('');
    expect(await s.client.stop()).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
  }, 60_000);

  it('swaps a change of a function type: the callee and its caller move, the callee to a new slot', async () => {
    const dir = workDir();
    const s = await startHot(dir, { value: 7 });
    // _start calls step(counter), which calls value: first value() = 7, then value(x) = x + 1000.
    const stepV1 = `@step = fn(@step_ty, {\n  %x = arg("x")\n  %r = call(@value, [])\n  %ret = return(%r)\n})\n`;
    const stepV2 = `@step = fn(@step_ty, {\n  %x = arg("x")\n  %r = call(@value, [%x])\n  %ret = return(%r)\n})\n`;
    const valueV2 = `@thousand = int(1000)\n@value = fn(@step_ty, {\n  %x = arg("x")\n  %c = add(%x, @thousand)\n  %ret = return(%c)\n})\n`;
    const viaStep = (text: string) => text.replace('%v = call(@value, [])', '%v = call(@step, [%c])');
    fs.writeFileSync(s.source, viaStep(hotProgram({ value: 7, extraDecls: stepV1 })));
    // That first edit changes _start (it calls step now): a restart.
    expect(await s.client.nextUpdate()).toMatchObject({ update: 2, ok: true, hot: { action: 'restarted' } });
    await s.client.next((e) => e.event === 'run' && e.update === 2);
    await untilValue(s.client, 2, 7);
    fs.writeFileSync(s.source, viaStep(hotProgram({ value: 0, extraDecls: stepV2 }).replace(valueDecl(0), valueV2)));
    const u3 = await s.client.nextUpdate();
    expect(u3).toMatchObject({ update: 3, ok: true, hot: { action: 'swapped', functions: 2 } });
    const deadline = Date.now() + 10_000;
    let got = lines(s.client, 2);
    while (!got.some(([c, v]) => v === c + 1000)) {
      if (Date.now() > deadline) throw new Error(`no new value: ${JSON.stringify(got.slice(-3))}`);
      await new Promise((r) => setTimeout(r, 5));
      got = lines(s.client, 2);
    }
    const first = got.findIndex(([c, v]) => v === c + 1000);
    expect(got.map(([c]) => c)).toEqual(got.map((_, i) => i + 1));
    expect(got.slice(0, first).every(([, v]) => v === 7)).toBe(true);
    expect(events(s.client, (e) => e.event === 'exit' && e.update === 2)).toHaveLength(0);
    expect(await s.client.stop()).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('swaps changed read-only data (a string the loop prints, same length and not) into the running program', async () => {
    const dir = workDir();
    const say = (text: string) =>
      `@msg = str("${text}\\n")\n@msg_len = str("len")\n@say_ty = fntype([], @void)\n@say = fn(@say_ty, {\n` +
      `  %iov = alloc_mut(@iovec)\n  %a = ptrtoint(@msg)\n  %lp = fieldptr(@msg, @msg_len)\n  %l = deref(%lp)\n` +
      `  %p0 = elemptr(%iov, @zero)\n  %s0 = store(%p0, %a)\n  %p1 = elemptr(%iov, @one)\n  %s1 = store(%p1, %l)\n` +
      `  %w = alloc_mut(@usize)\n  %fd = as(@u32, @one)\n  %ia = ptrtoint(%iov)\n  %n = as(@usize, @one)\n  %wa = ptrtoint(%w)\n` +
      `  %e = call(@fd_write, [%fd, %ia, %n, %wa])\n  %r = returnvoid()\n})\n`;
    const program = (text: string) => ({ value: 7, extraDecls: say(text), entryExtra: '        %said = call(@say, [])\n' });
    const s = await startHot(dir, program('aaaa'));
    const text = () => s.client.programOutput(1, 'stdout').toString('utf8');
    const until = async (re: RegExp) => {
      const deadline = Date.now() + 10_000;
      while (!re.test(text())) {
        if (Date.now() > deadline) throw new Error(`no ${re} in ${JSON.stringify(text().slice(-80))}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await until(/^aaaa$/m);
    s.save(program('bbbb'));
    expect(await s.client.nextUpdate()).toMatchObject({ update: 2, ok: true, hot: { action: 'swapped' } });
    await until(/^bbbb$/m);
    s.save(program('a longer line'));
    expect(await s.client.nextUpdate()).toMatchObject({ update: 3, ok: true, hot: { action: 'swapped' } });
    await until(/^a longer line$/m);
    // One process throughout: counters on the number lines only went up.
    const counters = text().split('\n').filter((l) => /^\d+ 7$/.test(l)).map((l) => Number(l.split(' ')[0]));
    expect(counters).toEqual(counters.map((_, i) => i + 1));
    expect(events(s.client, (e) => e.event === 'run')).toHaveLength(1);
    expect(await s.client.stop()).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('starts a program that ended by itself again after the next good update', async () => {
    const dir = workDir();
    fs.writeFileSync(path.join(dir, 'main.zir'), greetingProgram('first'));
    const client = WatchClient.start({ file: 'main.zir', cwd: dir, run: true, hot: true, output: 'main' });
    cleanups.push(() => client.kill());
    expect(await client.nextUpdate()).toMatchObject({ update: 1, ok: true, hot: { action: 'started' } });
    expect(await client.next((e) => e.event === 'exit')).toMatchObject({ update: 1, exitCode: 0, killed: false });
    fs.writeFileSync(path.join(dir, 'main.zir'), greetingProgram('second'));
    expect(await client.nextUpdate()).toMatchObject({ update: 2, ok: true, hot: { action: 'started' } });
    await client.next((e) => e.event === 'exit' && e.update === 2);
    expect(client.programOutput(2, 'stdout').toString()).toBe('second\n');
    expect(await client.stop()).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('restarts the program, with the reason, when `_start` changes', async () => {
    const dir = workDir();
    const s = await startHot(dir, { value: 7 });
    await untilValue(s.client, 1, 7);
    s.save({ value: 8, entryExtra: '        %p3 = call(@put, [%c, @newline])\n' });
    const u2 = await s.client.nextUpdate();
    expect(u2).toMatchObject({ update: 2, ok: true, hot: { action: 'restarted' } });
    expect((u2.hot as { reason: string }).reason).toMatch(/_start/);
    // The old program was stopped by zirc, and the new one starts counting from 1.
    expect(events(s.client, (e) => e.event === 'exit' && e.update === 1)).toMatchObject([{ killed: true }]);
    await s.client.next((e) => e.event === 'run' && e.update === 2);
    const got = await untilValue(s.client, 2, 8);
    expect(got[0]).toEqual([1, 8]);
    expect(await s.client.stop()).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('leaves the program untouched on an error update, then swaps the fix into the same process', async () => {
    const dir = workDir();
    const s = await startHot(dir, { value: 7 });
    await untilValue(s.client, 1, 7);
    fs.writeFileSync(s.source, hotProgram({ value: 8 }).replace('int(8)', 'int(8x)'));
    const bad = await s.client.nextUpdate();
    expect(bad).toMatchObject({ update: 2, ok: false });
    expect(bad.hot).toBeUndefined();
    const during = lines(s.client, 1).length;
    await new Promise((r) => setTimeout(r, 100));
    const still = lines(s.client, 1);
    expect(still.length).toBeGreaterThan(during); // it kept running
    expect(still.every(([, v]) => v === 7)).toBe(true);
    s.save({ value: 8 });
    const fixed = await s.client.nextUpdate();
    expect(fixed).toMatchObject({ update: 3, ok: true, hot: { action: 'swapped', functions: 1 } });
    const after = await untilValue(s.client, 1, 8);
    expect(after.map(([c]) => c)).toEqual(after.map((_, i) => i + 1));
    expect(events(s.client, (e) => e.event === 'exit')).toHaveLength(0);
    expect(await s.client.stop()).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('makes a hundred swaps in a row (new and removed functions) that leave the process and the file consistent', async () => {
    const dir = workDir();
    const s = await startHot(dir, { value: 1000 });
    await untilValue(s.client, 1, 1000);
    let pid = 0;
    let last: HotProgramOptions = { value: 1000 };
    for (let i = 1; i <= 100; i++) {
      const value = 1000 + i;
      // Odd edits move the result into a new function (the previous one is removed); even ones inline it again.
      last =
        i % 2 === 1
          ? { value, extraDecls: `@helper${i} = fn(@value_ty, {\n  %h = int(${value})\n  %hc = as(@u32, %h)\n  %hr = return(%hc)\n})\n`, valueBody: `  %c = call(@helper${i}, [])` }
          : { value };
      s.save(last);
      const u = await s.client.nextUpdate();
      expect(u, `update ${i + 1}: ${JSON.stringify(u)}`).toMatchObject({ update: i + 1, ok: true, hot: { action: 'swapped' } });
      const hot = u.hot as { pid: number; functions: number };
      if (pid === 0) pid = hot.pid;
      expect(hot.pid).toBe(pid);
      expect(hot.functions).toBeGreaterThanOrEqual(1);
      await untilValue(s.client, 1, value);
    }
    const all = lines(s.client, 1);
    expect(all.map(([c]) => c)).toEqual(all.map((_, i) => i + 1));
    // Values only ever went up: each swap took effect once, in order.
    for (let i = 1; i < all.length; i++) expect(all[i]![1]).toBeGreaterThanOrEqual(all[i - 1]![1]);
    expect(events(s.client, (e) => e.event === 'run')).toHaveLength(1);
    expect(await s.client.stop()).toEqual({ code: 0, signal: null });

    // The file zirc patched a hundred times, run fresh, behaves as a fresh build of the same source.
    const freshDir = workDir();
    fs.writeFileSync(path.join(freshDir, 'main.zir'), hotProgram(last));
    const build = spawnSync(process.execPath, [path.join(root, 'bin', 'zirc.js'), 'build', 'main.zir', '-o', 'fresh'], { cwd: freshDir, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    const fromFile = await firstLines(s.output, 3);
    const fromFresh = await firstLines(path.join(freshDir, 'fresh'), 3);
    expect(fromFile).toEqual(['1 1100', '2 1100', '3 1100']);
    expect(fromFile).toEqual(fromFresh);
  }, 180_000);
});
