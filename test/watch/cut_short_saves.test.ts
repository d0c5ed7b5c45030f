// Saves that the real watcher process may catch half done, on both targets: an editor
// (or `cat new > file`) that truncates the file, pauses, then writes; a file emptied on
// purpose; a large program written in two chunks with a pause between them. Each save
// must give exactly one update, of its whole text: never an update of the empty file (on
// wasm32 an empty module builds, and would replace the good one) or a false error.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { editFunctionBody, generateProgram } from '../../src/bench/generate.js';
import { runOutput } from '../../src/node/compile/run_output.js';
import { defaultOutputName } from '../../src/compile/target.js';
import type { TargetName } from '../../src/compile/target.js';
import { WatchClient } from '../../src/cli/watch/json_client.js';
import { ensureBuilt } from './dist.js';
import { greetingProgram } from './programs.js';

beforeAll(ensureBuilt, 300_000);

const TARGETS: TargetName[] = ['x86_64-linux', 'wasm32-wasi'];
const cleanups: Array<() => void> = [];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function startWatch(target: TargetName, source: string): { client: WatchClient; file: string; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-watch-cut-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'main.zir');
  fs.writeFileSync(file, source);
  const outputName = defaultOutputName('main.zir', target);
  const client = WatchClient.start({ file: 'main.zir', cwd: dir, target, output: outputName });
  cleanups.push(() => client.kill());
  return { client, file, output: path.join(dir, outputName) };
}

/** No further update arrives within `ms`. */
async function noMoreUpdates(client: WatchClient, ms: number): Promise<void> {
  await sleep(ms);
  expect(client.events.filter((e) => e.event === 'update').length).toBe(client.events.filter((e) => e.event === 'building').length);
  await expect(client.nextUpdate(1)).rejects.toThrow(/timed out/);
}

describe('zirc watch on saves caught half done', () => {
  for (const target of TARGETS) {
    it(`gives one update per save that truncates, pauses 50 ms, then writes, never one of the empty file (${target})`, async () => {
      const { client, file, output } = startWatch(target, greetingProgram('round 1', 1));
      expect(await client.nextUpdate()).toMatchObject({ update: 1, ok: true });
      for (let round = 2; round <= 5; round++) {
        fs.writeFileSync(file, '');
        await sleep(50);
        fs.writeFileSync(file, greetingProgram(`round ${round}`, round));
        const u = await client.nextUpdate();
        expect(u, `save ${round}`).toMatchObject({ update: round, ok: true });
        const r = await runOutput(output, target, { timeoutMs: 10_000 });
        expect([r.stdout.toString(), r.exitCode]).toEqual([`round ${round}\n`, round]);
      }
      await noMoreUpdates(client, 400);
      expect(await client.stop()).toEqual({ code: 0, signal: null });
    });

    it(`builds a file emptied on purpose once it has stayed empty (${target})`, async () => {
      const { client, file } = startWatch(target, greetingProgram('full', 0));
      expect(await client.nextUpdate()).toMatchObject({ update: 1, ok: true });
      const emptiedAt = Date.now();
      fs.writeFileSync(file, '');
      const u = await client.nextUpdate();
      expect(Date.now() - emptiedAt).toBeGreaterThanOrEqual(100);
      expect(u.update).toBe(2);
      // An empty program has no entry point, on either target (spec §6).
      expect((u.errors as Array<{ message: string }>).map((e) => e.message)).toEqual(['no entry point found']);
      await noMoreUpdates(client, 300);
      expect(await client.stop()).toEqual({ code: 0, signal: null });
    });

    it(`reports no false error for a large program written in two chunks with a pause (${target})`, async () => {
      let program = generateProgram({ shape: 'chain', functions: 3000, seed: 3 });
      const { client, file, output } = startWatch(target, program.source);
      expect(await client.nextUpdate(120_000)).toMatchObject({ update: 1, ok: true });
      for (let round = 2; round <= 4; round++) {
        program = editFunctionBody(program, 100 * round, program.model.variants[100 * round]! + 1);
        const bytes = Buffer.from(program.source);
        const fd = fs.openSync(file, 'w');
        fs.writeSync(fd, bytes, 0, bytes.length >> 1);
        await sleep(60);
        fs.writeSync(fd, bytes, bytes.length >> 1);
        fs.closeSync(fd);
        const u = await client.nextUpdate(60_000);
        expect(u, `save ${round}`).toMatchObject({ update: round, ok: true, errors: [] });
      }
      await noMoreUpdates(client, 400);
      const r = await runOutput(output, target, { timeoutMs: 30_000 });
      expect([r.stdout.toString('latin1'), r.exitCode]).toEqual([program.expectedStdout, program.expectedExitCode]);
      expect(await client.stop()).toEqual({ code: 0, signal: null });
    });
  }
});
