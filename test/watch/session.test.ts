// The watch loop in-process, on real files and the real chokidar watcher, with a builder
// that records what it is asked to build: coalescing, changes during an update, repeated
// notices, a vanished source, a crash, and a clean stop.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WatchSession } from '../../src/cli/watch/watch_session.js';
import { watchSourceFile } from '../../src/cli/watch/source_watcher.js';
import type { SourceWatcher } from '../../src/cli/watch/source_watcher.js';
import { RecordingBuilder, RecordingReporter, eofError, okResult, sleep } from './session_harness.js';

let dir: string;
let file: string;
let builder: RecordingBuilder;
let reporter: RecordingReporter;
let session: WatchSession | undefined;
let watcher: SourceWatcher | undefined;

async function startSession(opts: { debounceMs?: number; missingGraceMs?: number } = {}): Promise<WatchSession> {
  const s = new WatchSession({ sourcePath: file, displayPath: 'main.zir', builder, reporter, ...opts });
  session = s;
  watcher = watchSourceFile(file, () => s.notice(), (m) => {
    throw new Error(m);
  });
  await watcher.ready;
  s.start();
  return s;
}

/** Waits until the session has had `ms` of quiet with no new update. */
async function settle(ms = 300): Promise<void> {
  for (;;) {
    const before = reporter.events.length;
    await sleep(ms);
    if (reporter.events.length === before && builder.updatesInFlight === 0) return;
  }
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-watch-session-'));
  file = path.join(dir, 'main.zir');
  builder = new RecordingBuilder();
  reporter = new RecordingReporter();
});

afterEach(async () => {
  builder.release();
  await session?.stop();
  await watcher?.close();
  session = undefined;
  watcher = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('watch session', () => {
  it('builds the file once at start and reports update 1', async () => {
    fs.writeFileSync(file, 'v1');
    await startSession();
    const e = await reporter.waitFor((e) => e.kind === 'update');
    expect(e).toMatchObject({ kind: 'update', update: 1 });
    await settle();
    expect(builder.sources).toEqual(['v1']);
  });

  it('coalesces a burst of saves into few updates, the last one building the final text', async () => {
    fs.writeFileSync(file, 'v0');
    await startSession({ debounceMs: 40 });
    await reporter.waitFor((e) => e.kind === 'update');
    for (let i = 1; i <= 30; i++) fs.writeFileSync(file, `v${i}`);
    await reporter.waitFor((e) => e.kind === 'update' && e.update >= 2);
    await settle();
    expect(builder.sources.at(-1)).toBe('v30');
    expect(builder.sources.length - 1).toBeGreaterThanOrEqual(1);
    expect(builder.sources.length - 1).toBeLessThanOrEqual(3);
  });

  it('builds a change made during an update right after it', async () => {
    fs.writeFileSync(file, 'v1');
    await startSession();
    await reporter.waitFor((e) => e.kind === 'update');
    builder.hold();
    const started = builder.nextStart();
    fs.writeFileSync(file, 'v2');
    await started;
    fs.writeFileSync(file, 'v3'); // while v2 is being built
    await sleep(100);
    builder.release();
    await reporter.waitFor((e) => e.kind === 'update' && e.update === 3);
    await settle();
    expect(builder.sources).toEqual(['v1', 'v2', 'v3']);
  });

  it('does not build a save half written right after an update (truncated, then filled)', async () => {
    fs.writeFileSync(file, 'v1');
    await startSession({ debounceMs: 30 });
    for (let round = 2; round <= 6; round++) {
      await reporter.waitFor((e) => e.kind === 'update' && e.update === round - 1);
      fs.writeFileSync(file, '');
      await sleep(5);
      fs.writeFileSync(file, `v${round}`);
    }
    await reporter.waitFor((e) => e.kind === 'update' && e.update === 6);
    await settle();
    expect(builder.sources).toEqual(['v1', 'v2', 'v3', 'v4', 'v5', 'v6']);
  });

  it('builds one update per save when each save truncates, pauses 50 ms, then writes; never the empty text', async () => {
    fs.writeFileSync(file, 'v1');
    await startSession(); // the default quiet time, much shorter than the pause
    for (let round = 2; round <= 6; round++) {
      await reporter.waitFor((e) => e.kind === 'update' && builder.sources.at(-1) === `v${round - 1}`, 0);
      fs.writeFileSync(file, '');
      await sleep(50);
      fs.writeFileSync(file, `v${round}`);
    }
    await reporter.waitFor((e) => e.kind === 'update' && builder.sources.at(-1) === 'v6', 0);
    await settle();
    expect(builder.sources).toEqual(['v1', 'v2', 'v3', 'v4', 'v5', 'v6']);
  });

  it('builds a file that was really emptied, once it has stayed empty', async () => {
    fs.writeFileSync(file, 'v1');
    await startSession();
    await reporter.waitFor((e) => e.kind === 'update');
    const emptiedAt = performance.now();
    fs.writeFileSync(file, '');
    await reporter.waitFor((e) => e.kind === 'update' && e.update === 2, 0);
    expect(performance.now() - emptiedAt).toBeGreaterThanOrEqual(100); // it waited to see that the file stays empty
    await settle();
    expect(builder.sources).toEqual(['v1', '']);
  });

  it('builds a shorter save at once when it ends as the last build did (text deleted in the middle)', async () => {
    const tail = '\n' + 'end of the file, unchanged by the edit\n'.repeat(3);
    fs.writeFileSync(file, `head, and a part to delete${tail}`);
    await startSession();
    await reporter.waitFor((e) => e.kind === 'update');
    const savedAt = performance.now();
    fs.writeFileSync(file, `head${tail}`);
    await reporter.waitFor((e) => e.kind === 'update' && e.update === 2, 0);
    expect(performance.now() - savedAt).toBeLessThan(100);
    expect(builder.sources.at(-1)).toBe(`head${tail}`);
  });

  it('does not build a large file caught between two chunks of its write', async () => {
    const line = (i: number, v: string) => `@f${i} = fn(@step_ty, { %x = arg("x") %y = add(%x, @${v}) })\n`;
    const program = (v: string) => Array.from({ length: 4000 }, (_, i) => line(i, v)).join('');
    fs.writeFileSync(file, program('one'));
    await startSession();
    await reporter.waitFor((e) => e.kind === 'update');
    for (let round = 2; round <= 4; round++) {
      const next = Buffer.from(program(`v${round}`));
      const fd = fs.openSync(file, 'w');
      fs.writeSync(fd, next, 0, next.length >> 1);
      await sleep(60);
      fs.writeSync(fd, next, next.length >> 1);
      fs.closeSync(fd);
      await reporter.waitFor((e) => e.kind === 'update' && builder.sources.at(-1) === next.toString(), 0);
    }
    await settle();
    expect(builder.sources.map((s) => s.length)).toEqual([program('one').length, ...[2, 3, 4].map((r) => program(`v${r}`).length)]);
  });

  it('reads again instead of reporting `unexpected EOF` for a file still being written when it was read', async () => {
    const complete = (s: string) => s.endsWith('}\n');
    builder.outcome = (s) =>
      complete(s)
        ? { kind: 'result', result: okResult() }
        : { kind: 'result', result: { ...okResult(), ok: false, errors: [eofError(s.length)] } };
    fs.writeFileSync(file, 'short }\n');
    await startSession();
    await reporter.waitFor((e) => e.kind === 'update');
    // A save that grows the file: its first chunk is longer than the last build, so only its error says it is cut short.
    const next = Buffer.from('a much longer program, written in two chunks }\n');
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, next, 0, 30);
    await sleep(60);
    fs.writeSync(fd, next, 30);
    fs.closeSync(fd);
    await reporter.waitFor((e) => e.kind === 'update' && builder.sources.at(-1) === next.toString(), 0);
    await settle();
    expect(reporter.updates().map((e) => [e.update, e.result.ok])).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(builder.sources.at(-1)).toBe(next.toString());
  });

  it('keeps up with 200 saves in 2 s: many updates during the burst, the last save built at once, none empty', async () => {
    const text = (i: number) => `@entry = fn(@entry_ty, { %v = as(@u32, @n${i}) })\n`;
    fs.writeFileSync(file, text(0));
    await startSession();
    await reporter.waitFor((e) => e.kind === 'update');
    for (let i = 1; i <= 200; i++) {
      fs.writeFileSync(file, text(i));
      await sleep(10);
    }
    const lastSavedAt = performance.now();
    await reporter.waitFor((e) => e.kind === 'update' && builder.sources.at(-1) === text(200), 0);
    expect(performance.now() - lastSavedAt).toBeLessThan(150);
    await settle();
    expect(builder.sources.at(-1)).toBe(text(200));
    expect(builder.sources.length).toBeGreaterThan(50);
    expect(builder.sources).not.toContain('');
  });

  it('never loses the last save, even when several land within the watcher throttle window', async () => {
    fs.writeFileSync(file, 'a');
    await startSession({ debounceMs: 1 });
    await reporter.waitFor((e) => e.kind === 'update');
    for (let round = 0; round < 10; round++) {
      fs.writeFileSync(file, `b${round}`);
      await sleep(3);
      fs.writeFileSync(file, `c${round}`);
      await sleep(7);
    }
    await settle();
    expect(builder.sources.at(-1)).toBe('c9');
  });

  it('does not rebuild for repeated notices of one save, but does for a new save of the same text', async () => {
    fs.writeFileSync(file, 'same');
    const s = await startSession();
    await reporter.waitFor((e) => e.kind === 'update');
    for (let i = 0; i < 5; i++) {
      s.notice();
      await sleep(30);
    }
    await settle();
    expect(builder.sources).toEqual(['same']);
    await sleep(20); // a later modification time
    fs.writeFileSync(file, 'same');
    await reporter.waitFor((e) => e.kind === 'update' && e.update === 2);
    await settle();
    expect(builder.sources).toEqual(['same', 'same']);
  });

  it('reports a deleted source, waits, and builds it again when it comes back', async () => {
    fs.writeFileSync(file, 'v1');
    await startSession({ missingGraceMs: 50 });
    await reporter.waitFor((e) => e.kind === 'update');
    fs.unlinkSync(file);
    const missing = await reporter.waitFor((e) => e.kind === 'source_missing');
    expect(missing).toMatchObject({ reason: 'removed', source: 'main.zir' });
    await sleep(200);
    expect(builder.sources).toEqual(['v1']);
    fs.writeFileSync(file, 'v1');
    await reporter.waitFor((e) => e.kind === 'source_back');
    await reporter.waitFor((e) => e.kind === 'update' && e.update === 2);
    expect(builder.sources).toEqual(['v1', 'v1']);
  });

  it('follows a source renamed away and renamed back', async () => {
    fs.writeFileSync(file, 'v1');
    await startSession({ missingGraceMs: 50 });
    await reporter.waitFor((e) => e.kind === 'update');
    fs.renameSync(file, path.join(dir, 'elsewhere.zir'));
    await reporter.waitFor((e) => e.kind === 'source_missing');
    fs.renameSync(path.join(dir, 'elsewhere.zir'), file);
    await reporter.waitFor((e) => e.kind === 'update' && e.update === 2);
    expect(builder.sources).toEqual(['v1', 'v1']);
  });

  it("takes an editor's replace-by-rename save as one change, not a deletion", async () => {
    fs.writeFileSync(file, 'v1');
    await startSession();
    await reporter.waitFor((e) => e.kind === 'update');
    const tmp = path.join(dir, 'main.zir.tmp');
    fs.writeFileSync(tmp, 'v2');
    fs.renameSync(tmp, file);
    await reporter.waitFor((e) => e.kind === 'update' && e.update === 2);
    await settle();
    expect(builder.sources).toEqual(['v1', 'v2']);
    expect(reporter.kinds()).not.toContain('source_missing');
  });

  it('waits for a source that does not exist yet, then builds it', async () => {
    await startSession();
    const missing = await reporter.waitFor((e) => e.kind === 'source_missing');
    expect(missing).toMatchObject({ reason: 'absent' });
    expect(builder.sources).toEqual([]);
    fs.writeFileSync(file, 'v1');
    await reporter.waitFor((e) => e.kind === 'update');
    expect(builder.sources).toEqual(['v1']);
    expect(reporter.kinds()).toContain('source_back');
  });

  it('finds a missing source back by polling, even when no file event comes', async () => {
    const s = new WatchSession({ sourcePath: file, displayPath: 'main.zir', builder, reporter }); // no watcher at all
    session = s;
    s.start();
    await reporter.waitFor((e) => e.kind === 'source_missing');
    fs.writeFileSync(file, 'v1');
    await reporter.waitFor((e) => e.kind === 'update', 0, 3000);
    expect(builder.sources).toEqual(['v1']);
  });

  it('reports a compiler crash and keeps watching', async () => {
    fs.writeFileSync(file, 'boom');
    builder.outcome = (s) => (s === 'boom' ? { kind: 'crash', message: 'kaboom' } : { kind: 'result', result: okResult(0) });
    await startSession();
    const crash = await reporter.waitFor((e) => e.kind === 'internal_error');
    expect(crash).toMatchObject({ update: 1, message: 'kaboom' });
    fs.writeFileSync(file, 'fine');
    const next = await reporter.waitFor((e) => e.kind === 'update');
    expect(next).toMatchObject({ update: 2 });
  });

  it('on stop, lets the running update finish before closing the compiler', async () => {
    fs.writeFileSync(file, 'v1');
    builder.hold();
    const started = builder.nextStart();
    const s = await startSession();
    await started;
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await sleep(100);
    expect(stopped).toBe(false);
    expect(builder.closed).toBe(false);
    builder.release();
    await stopping;
    expect(builder.closed).toBe(true);
    expect(reporter.updates().map((e) => e.update)).toEqual([1]);
    fs.writeFileSync(file, 'v2'); // nothing is built after the stop
    await sleep(150);
    expect(builder.sources).toEqual(['v1']);
  });

  it('tells the reporter when each update begins and ends', async () => {
    fs.writeFileSync(file, 'v1');
    await startSession();
    await reporter.waitFor((e) => e.kind === 'update');
    fs.writeFileSync(file, 'v2');
    await reporter.waitFor((e) => e.kind === 'update' && e.update === 2);
    expect(reporter.begins).toBe(2);
    expect(reporter.ends).toBe(2);
  });
});

