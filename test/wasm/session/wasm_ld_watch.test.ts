// `zirc wasm-ld --watch --json` as a user runs it: links a wasi-libc program, relinks in
// place when an object is rebuilt (a new file renamed over it), writing a few bytes, the module stays valid
// and behaves under node:wasi as wasm-ld's link of the same inputs, and SIGTERM stops it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from '../../watch/dist.js';
import { expectValidLinkedModule, runModule, tempDir, tool } from '../relocatable/wasm_object_tools.js';

beforeAll(ensureBuilt, 300_000);

const WASI = '/usr/lib/wasm32-wasi';

function compile(dir: string, name: string, source: string): string {
  fs.writeFileSync(path.join(dir, `${name}.c`), source);
  tool('clang', ['--target=wasm32-wasi', '-O1', '-c', `${name}.c`, '-o', `${name}.tmp.o`], dir);
  fs.renameSync(path.join(dir, `${name}.tmp.o`), path.join(dir, `${name}.o`));
  return path.join(dir, `${name}.o`);
}

describe('zirc wasm-ld --watch --json', () => {
  it('relinks when an object is rebuilt; the module behaves as wasm-ld links it', async () => {
    const dir = tempDir('zirc-wasm-ld-watch-');
    const main = compile(dir, 'main', '#include <stdio.h>\nint twice(int);\nint main(void) { printf("%d\\n", twice(21)); return twice(2); }\n');
    const util = compile(dir, 'util', 'int twice(int x) { return 2 * x; }\n');
    const output = path.join(dir, 'prog.wasm');
    const args = ['-L', WASI, `${WASI}/crt1-command.o`, main, util, '-lc', '-o', output];
    const child = spawn(process.execPath, [path.join(root, 'bin', 'zirc-wasm-ld.js'), '--watch', '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const events: Array<Record<string, unknown>> = [];
    const waiters: Array<() => void> = [];
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      events.push(JSON.parse(line) as Record<string, unknown>);
      waiters.splice(0).forEach((w) => w());
    });
    const next = async (n: number): Promise<Record<string, unknown>> => {
      for (;;) {
        const found = events.filter((e) => e.event === 'update')[n - 1];
        if (found) return found;
        await new Promise<void>((r) => waiters.push(r));
      }
    };
    try {
      const first = await next(1);
      expect(first).toMatchObject({ update: 1, ok: true, fullWrite: true, path: 'whole' });
      expect(first.fallback).toBeUndefined();
      expect(first).not.toHaveProperty('sectionsPlaced');
      expectValidLinkedModule(output);
      expect(await runModule(output)).toEqual({ stdout: '42\n', stderr: '', exitCode: 4 });
      compile(dir, 'util', 'int twice(int x) { return 3 * x; }\n');
      const second = await next(2);
      expect(second).toMatchObject({ update: 2, ok: true, fullWrite: false, inputsChanged: 1, changed: [util] });
      // In place: the one body of util.o written again; nothing moved; it has no relocations.
      expect(second).toMatchObject({ path: 'fast', sectionsPlaced: 1, symbolsMoved: 0, relocationsApplied: 0 });
      expect(second).not.toHaveProperty('fallback');
      // Relinked in place: the body's slot and a few bytes around it, not the module.
      expect(second.bytesWritten as number).toBeLessThan(16 * 1024);
      expectValidLinkedModule(output);
      const reference = path.join(dir, 'ref.wasm');
      tool('wasm-ld', [...args.slice(0, -1), reference]);
      expect(await runModule(output)).toEqual(await runModule(reference));
      expect((await runModule(output)).stdout).toBe('63\n');
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(events.slice(-2).map((e) => e.event)).toEqual(['stopping', 'stopped']);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
