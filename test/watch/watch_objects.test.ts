// `zirc watch main.zir util.o` as a user runs it: the first build links the object, a
// save of the source patches the output with the object's code left where it is, and a
// rebuilt object (a compiler writing a new util.o) is linked again without any save.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runOutput } from '../../src/node/compile/run_output.js';
import { WatchClient } from '../../src/cli/watch/json_client.js';
import { compileMusl, run } from '../elf/static/toolchain.js';
import { startProgram } from '../support/zir_with_c.js';
import { ensureBuilt } from './dist.js';

beforeAll(ensureBuilt, 300_000);

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

const program = (a: number): string => startProgram(a, 2, false, 'c_op');

function writeUtil(dir: string, body: string): void {
  const c = path.join(dir, 'util.c');
  fs.writeFileSync(c, `unsigned c_op(unsigned a, unsigned b) { return ${body}; }\n`);
  // Compiled beside, then renamed over util.o, as build tools do.
  compileMusl(c, path.join(dir, 'util.tmp.o'));
  fs.renameSync(path.join(dir, 'util.tmp.o'), path.join(dir, 'util.o'));
}

async function status(file: string): Promise<number | null> {
  return (await runOutput(file, 'x86_64-linux', { timeoutMs: 10_000 })).exitCode;
}

describe('zirc watch main.zir util.o', () => {
  it('relinks on a save of the source and on a new util.o', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-watch-objects-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(dir, 'main.zir'), program(5));
    writeUtil(dir, 'a + b');
    const client = WatchClient.start({ file: 'main.zir', cwd: dir, output: 'main', linkInputs: ['util.o'] });
    cleanups.push(() => client.kill());
    const output = path.join(dir, 'main');
    expect(await client.nextUpdate()).toMatchObject({ update: 1, ok: true });
    expect(await status(output)).toBe(7);
    const opAddress = () => run('nm', [output]).split('\n').find((l) => l.endsWith(' c_op'));
    const before = opAddress();

    fs.writeFileSync(path.join(dir, 'main.zir'), program(9));
    const saved = await client.nextUpdate();
    expect(saved).toMatchObject({ update: 2, ok: true });
    expect(saved.bytesWritten as number).toBeLessThan(fs.statSync(output).size / 4);
    expect(await status(output)).toBe(11);
    expect(opAddress()).toBe(before);

    writeUtil(dir, 'a * b');
    expect(await client.nextUpdate()).toMatchObject({ update: 3, ok: true });
    expect(await status(output)).toBe(18);
    expect(await client.stop()).toEqual({ code: 0, signal: null });
  }, 60_000);
});
