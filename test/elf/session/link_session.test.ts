// The long-running static link (LinkSession, `zirc ld --watch`): after every relink the
// executable, patched in place, behaves exactly as a fresh zirc ld link and as ld.lld's
// link of the same inputs, across edits of C sources — functions grown, shrunk, added,
// removed and renamed, data and TLS changed, a symbol moved between objects, an archive
// member becoming needed and unneeded, a broken edit then its fix, a truncated object.
// Objects that did not change keep their addresses, and a small edit writes little.
// Every session verifies each relink that takes the fast path against a whole link.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkSession } from '../../../src/node/link/elf/session/LinkSession.js';
import { linkWatch } from '../../../src/cli/link_watch.js';
import { compileMusl, execute, libgcc, linkWithLld, linkWithZirc, MUSL_LIB, readelfAll, run } from '../static/toolchain.js';
import { ensureBuilt, root } from '../../watch/dist.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-link-session-'));
  dirs.push(d);
  return d;
}

const MAIN = `#include <stdio.h>
extern int counter;
extern __thread int tls_value;
int helper(int);
int maybe_extra(int) __attribute__((weak));
int main(int argc, char **argv) {
  (void)argv;
  int r = helper(argc + 2) + counter + tls_value;
  if (maybe_extra) r += maybe_extra(3);
  printf("result %d\\n", r);
  return r & 0x7f;
}
`;

/** Each step rewrites some sources; `lib` sources go into libextra.a. */
interface Step {
  name: string;
  files: Record<string, string>;
  /** The relink is expected to fail (and leave the output as it was). */
  fails?: boolean;
  /** The relink patches the last output in place (only function bodies and data values changed). */
  fast?: boolean;
}

const STEPS: Step[] = [
  { name: 'first link', files: { 'util.c': 'int counter = 5;\n__thread int tls_value = 1;\nint helper(int x) { return x * 2; }\n', 'lib_extra.c': 'int unused_extra(void) { return 99; }\n' } },
  { name: 'a function grows', fast: true, files: { 'util.c': 'int counter = 5;\n__thread int tls_value = 1;\nint helper(int x) { int s = 0; for (int i = 0; i < x; i++) s += i * x + (i ^ 3); return s; }\n' } },
  { name: 'it shrinks again and data changes', fast: true, files: { 'util.c': 'int counter = 40;\n__thread int tls_value = 1;\nint helper(int x) { return x + 1; }\n' } },
  { name: 'TLS changes', files: { 'util.c': 'int counter = 40;\n__thread int tls_value = 7;\n__thread int more_tls[4] = {1,2,3,4};\nint helper(int x) { return x + more_tls[2]; }\n' } },
  { name: 'a symbol moves to another object', files: { 'util.c': 'int counter = 40;\n__thread int tls_value = 7;\n', 'moved.c': 'int helper(int x) { return x * 3; }\n' } },
  { name: 'an archive member becomes needed', files: { 'moved.c': 'int maybe_extra(int);\nint helper(int x) { return x * 3 + maybe_extra(1); }\n', 'lib_extra.c': 'int maybe_extra(int y) { return y + 10; }\n' } },
  { name: 'a broken edit', files: { 'moved.c': 'int nowhere(int);\nint helper(int x) { return nowhere(x); }\n' }, fails: true },
  { name: 'its fix, and the member unneeded', files: { 'moved.c': 'int helper_renamed(int x) { return x - 1; }\nint helper(int x) { return helper_renamed(x) * 2; }\n' } },
];

function inputsOf(dir: string): string[] {
  return [`${MUSL_LIB}/crt1.o`, `${MUSL_LIB}/crti.o`, path.join(dir, 'main.o'), path.join(dir, 'util.o'), path.join(dir, 'moved.o'), path.join(dir, 'libextra.a'), `${MUSL_LIB}/libc.a`, libgcc(), `${MUSL_LIB}/crtn.o`];
}

function writeSources(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), text);
    const tmp = path.join(dir, `${name}.tmp.o`);
    compileMusl(path.join(dir, name), tmp);
    if (name.startsWith('lib_')) {
      fs.rmSync(path.join(dir, 'libextra.a'), { force: true });
      run('ar', ['rcs', path.join(dir, 'libextra.a'), tmp]);
      fs.rmSync(tmp);
    } else fs.renameSync(tmp, path.join(dir, name.replace(/\.c$/, '.o')));
  }
}

function behaviour(file: string): { stdout: string; status: number | null } {
  const r = execute(file, ['x']);
  return { stdout: r.stdout, status: r.status };
}

function addressOf(file: string, symbol: string): string | undefined {
  return run('nm', [file]).split('\n').find((l) => l.endsWith(` ${symbol}`))?.split(' ')[0];
}

describe('LinkSession: relinks in place behave as fresh links', () => {
  it('follows a sequence of C edits; after each, the same behaviour as zirc ld and ld.lld', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'main.c'), MAIN);
    compileMusl(path.join(dir, 'main.c'), path.join(dir, 'main.o'));
    writeSources(dir, { 'moved.c': 'int moved_placeholder;\n' });
    const output = path.join(dir, 'prog');
    const session = new LinkSession(inputsOf(dir), output, { verify: true });
    let mainAddress: string | undefined;
    let lastGood: Buffer | null = null;
    STEPS.forEach((step, i) => {
      writeSources(dir, step.files);
      const r = session.update();
      if (step.fails) {
        expect(r.ok, step.name).toBe(false);
        expect(r.errors.join('\n'), step.name).toContain('undefined symbol: nowhere (referenced by helper)');
        expect(fs.readFileSync(output).equals(lastGood!), step.name).toBe(true);
        return;
      }
      expect(r.errors, step.name).toEqual([]);
      expect(r.fullWrite, step.name).toBe(i === 0);
      expect(r.path, step.name).toBe(step.fast ? 'fast' : 'whole');
      const fresh = linkWithZirc(inputsOf(dir), path.join(dir, `fresh${i}`));
      const ref = linkWithLld(inputsOf(dir), path.join(dir, `lld${i}`));
      const got = behaviour(output);
      expect(got, step.name).toEqual(behaviour(fresh));
      expect(got, step.name).toEqual(behaviour(ref));
      expect(readelfAll(output).stderr, step.name).toBe('');
      // main.o never changes: its code stays where the first link put it.
      if (i === 0) mainAddress = addressOf(output, 'main');
      else expect(addressOf(output, 'main'), step.name).toBe(mainAddress);
      lastGood = fs.readFileSync(output);
    });
  }, 120_000);

  it('a small edit of one object writes a small patch', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'main.c'), MAIN);
    compileMusl(path.join(dir, 'main.c'), path.join(dir, 'main.o'));
    writeSources(dir, { ...STEPS[0]!.files, 'moved.c': 'int moved_placeholder;\n' });
    const output = path.join(dir, 'prog');
    const session = new LinkSession(inputsOf(dir), output, { verify: true });
    expect(session.update().ok).toBe(true);
    writeSources(dir, { 'util.c': 'int counter = 6;\n__thread int tls_value = 1;\nint helper(int x) { return x * 2; }\n' });
    const r = session.update();
    expect(r.errors).toEqual([]);
    expect(r.inputsChanged).toEqual([path.join(dir, 'util.o')]);
    expect(r.fullWrite).toBe(false);
    expect(r.bytesWritten).toBeLessThan(4096);
    expect(behaviour(output).stdout).toBe(behaviour(linkWithLld(inputsOf(dir), path.join(dir, 'ref'))).stdout);
  });

  it('a truncated object is an error naming it; the output stays; the whole object links again', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'main.c'), MAIN);
    compileMusl(path.join(dir, 'main.c'), path.join(dir, 'main.o'));
    writeSources(dir, { ...STEPS[0]!.files, 'moved.c': 'int moved_placeholder;\n' });
    const output = path.join(dir, 'prog');
    const session = new LinkSession(inputsOf(dir), output, { verify: true });
    expect(session.update().ok).toBe(true);
    const good = fs.readFileSync(output);
    const util = path.join(dir, 'util.o');
    const whole = fs.readFileSync(util);
    fs.writeFileSync(util, whole.subarray(0, 200));
    const bad = session.update();
    expect(bad.ok).toBe(false);
    expect(bad.errors.join('\n')).toContain(util);
    expect(fs.readFileSync(output).equals(good)).toBe(true);
    fs.writeFileSync(util, whole);
    expect(session.update().ok).toBe(true);
    expect(behaviour(output)).toEqual(behaviour(linkWithLld(inputsOf(dir), path.join(dir, 'ref'))));
  });
});

describe('zirc ld --watch --json', () => {
  beforeAll(ensureBuilt, 300_000);

  it('links, relinks when an object is rebuilt, and stops on SIGTERM', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'main.c'), MAIN);
    compileMusl(path.join(dir, 'main.c'), path.join(dir, 'main.o'));
    writeSources(dir, { ...STEPS[0]!.files, 'moved.c': 'int moved_placeholder;\n' });
    const output = path.join(dir, 'prog');
    const child = spawn(process.execPath, [path.join(root, 'bin', 'zirc-ld.js'), '--watch', '--json', '-static', '-o', output, ...inputsOf(dir)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const events: Array<Record<string, unknown>> = [];
    const waiters: Array<() => void> = [];
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      events.push(JSON.parse(line) as Record<string, unknown>);
      waiters.splice(0).forEach((w) => w());
    });
    const next = async (event: string, n: number): Promise<Record<string, unknown>> => {
      for (;;) {
        const found = events.filter((e) => e.event === event)[n - 1];
        if (found) return found;
        await new Promise<void>((r) => waiters.push(r));
      }
    };
    try {
      expect(await next('start', 1)).toMatchObject({ event: 'start', output });
      const first = await next('update', 1);
      expect(first).toMatchObject({ update: 1, ok: true, fullWrite: true, path: 'whole' });
      expect(first.fallback).toBeUndefined();
      expect(first).not.toHaveProperty('sectionsPlaced');
      expect(behaviour(output).stdout).toBe('result 14\n');
      writeSources(dir, { 'util.c': 'int counter = 6;\n__thread int tls_value = 1;\nint helper(int x) { return x * 2; }\n' });
      const second = await next('update', 2);
      expect(second).toMatchObject({ update: 2, ok: true, fullWrite: false, inputsChanged: 1, changed: [path.join(dir, 'util.o')], path: 'fast', symbolsMoved: 0 });
      expect(second).not.toHaveProperty('fallback');
      expect(second.sectionsPlaced as number).toBeGreaterThan(0);
      expect(typeof second.relocationsApplied).toBe('number');
      expect(behaviour(output).stdout).toBe('result 15\n');
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(events.slice(-2).map((e) => e.event)).toEqual(['stopping', 'stopped']);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('zirc ld --watch: the update line', () => {
  it('says the path each relink took: in place with its work, or a whole link and why', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'main.c'), MAIN);
    compileMusl(path.join(dir, 'main.c'), path.join(dir, 'main.o'));
    writeSources(dir, { ...STEPS[0]!.files, 'moved.c': 'int moved_placeholder;\n' });
    const output = path.join(dir, 'prog');
    const session = new LinkSession(inputsOf(dir), output, { verify: true });
    const lines: string[] = [];
    const waiters: Array<() => void> = [];
    const relinks = () => lines.filter((l) => l.includes(' relink '));
    const line = async (n: number): Promise<string> => {
      while (relinks().length < n) await new Promise<void>((r) => waiters.push(r));
      return relinks()[n - 1]!;
    };
    let stop!: (signal: string) => void;
    const stopSignal = new Promise<string>((r) => (stop = r));
    const done = linkWatch(inputsOf(dir).map((p) => ({ path: p })), session, {
      json: false, command: 'zirc ld', stopSignal, out: (l) => {
        lines.push(l);
        waiters.splice(0).forEach((w) => w());
      },
    });
    expect(await line(1)).toMatch(/^\[zirc ld\] relink 1: ok; 9 inputs changed; whole link; wrote \d+ bytes \(whole file\) in \d+\.\d\d ms$/);
    writeSources(dir, { 'util.c': 'int counter = 6;\n__thread int tls_value = 1;\nint helper(int x) { return x * 2; }\n' });
    expect(await line(2)).toMatch(/^\[zirc ld\] relink 2: ok; 1 input changed; in place: \d+ sections? placed, 0 symbols moved, \d+ relocations? applied; wrote \d+ bytes in \d+\.\d\d ms$/);
    writeSources(dir, { 'util.c': 'int counter = 6;\n__thread int tls_value = 1;\nint helper(int x) { return x * 2; }\nint added_global(int x) { return x; }\n' });
    expect(await line(3)).toMatch(/^\[zirc ld\] relink 3: ok; 1 input changed; whole link \(.*util\.o: .*global symbols.*\); wrote \d+ bytes in \d+\.\d\d ms$/);
    stop('SIGTERM');
    expect(await done).toBe(0);
    expect(lines.slice(-2)).toEqual(['[zirc ld] SIGTERM: stopping', '[zirc ld] stopped']);
  }, 60_000);
});
