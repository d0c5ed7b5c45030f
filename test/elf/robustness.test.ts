// The output file is never trusted: foreign, truncated, garbage or tampered files are
// rewritten whole. Only a writable regular file (or a symlink's target) is written. A full
// write goes to a new file renamed into place, so a failure leaves the old file byte for
// byte; a patch is journaled, so a failed write is rolled back at once and a crash is
// rolled back by the next linker that opens the file: the last good program is never lost.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputWriteError, type FlushReport } from '../../src/link/Linker.js';
import type { OutputIo } from '../../src/link/elf/output_file.js';
import { nodeOutputIo } from '../../src/node/link/node_output_io.js';
import { buildFresh, cloneState, expectedExit, IncrementalProgram, initialState, leafName, type ProgramState } from './program_model.js';
import { ElfLinker } from '../../src/link/elf/ElfLinker.js';
import { Compilation } from '../../src/compile/Compilation.js';
import { airFunction, pauseThenExit, readelfAll, runExecutable, startExit, tableBackend, tempDir } from './x86_snippets.js';
import { openElfLinker } from '../support/air_linker.js';

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

function looksLikeElf(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(4);
  const n = fs.readSync(fd, head, 0, 4, 0);
  fs.closeSync(fd);
  return n === 4 && head.equals(ELF_MAGIC);
}

function expectRuns(file: string, state = initialState(6)): void {
  const r = runExecutable(file);
  expect(r.status).toBe(expectedExit(state));
  expect(r.stdout).toBe(state.message);
  expect(readelfAll(file).problems).toEqual([]);
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe('opening an existing output', () => {
  const cases: Array<[string, (file: string) => void]> = [
    ['a file zirc did not write', (f) => fs.writeFileSync(f, '#!/bin/sh\necho not ours\n', { mode: 0o755 })],
    ['garbage', (f) => fs.writeFileSync(f, Buffer.from(Array.from({ length: 100000 }, (_, i) => (i * 7919) & 0xff)))],
    ['a truncated executable', (f) => {
      fs.copyFileSync(buildFresh(initialState(40)), f);
      fs.truncateSync(f, 3000);
    }],
    ['a valid executable from an earlier run (still not trusted)', (f) => fs.copyFileSync(buildFresh(initialState(2)), f)],
    ['an empty file', (f) => fs.writeFileSync(f, '')],
  ];
  for (const [what, make] of cases) {
    it(`rewrites ${what} from scratch`, () => {
      const file = path.join(tempDir(), 'out');
      make(file);
      const p = new IncrementalProgram({}, file);
      const r = p.apply(initialState(6));
      expect(r.fullWrite).toBe(true);
      expectRuns(file);
    });
  }
});

describe('a file changed behind the linker', () => {
  const tamperings: Array<[string, (file: string) => void]> = [
    ['truncated', (f) => fs.truncateSync(f, 100)],
    ['deleted', (f) => fs.unlinkSync(f)],
    ['replaced by another file', (f) => {
      fs.writeFileSync(f + '.new', 'something else');
      fs.renameSync(f + '.new', f);
    }],
    ['overwritten in place with the same size', (f) => {
      sleep(20); // a later modification time than our flush
      const fd = fs.openSync(f, 'r+');
      fs.writeSync(fd, Buffer.alloc(64, 0xff), 0, 64, 0x1000);
      fs.closeSync(fd);
    }],
  ];
  for (const [what, tamper] of tamperings) {
    it(`is written whole at the next flush when ${what}`, () => {
      const p = new IncrementalProgram();
      const s = initialState(6);
      p.apply(s);
      tamper(p.file);
      s.leaves.get(leafName(2))!.value = 77;
      const r = p.apply(s);
      expect(r.fullWrite).toBe(true);
      expectRuns(p.file, s);
      // And patching resumes afterwards.
      s.leaves.get(leafName(3))!.value = 1;
      expect(p.apply(s).fullWrite).toBe(false);
      expectRuns(p.file, s);
    });
  }
});

const errno = (code: string) => Object.assign(new Error(`${code}: simulated, write`), { code });

/** An OutputIo whose `writeSync` fails once, on the `n`th call after it is armed. */
function failingWrites(n: number, error: () => Error): OutputIo & { armed: boolean; calls: number } {
  const io = {
    ...nodeOutputIo,
    armed: false,
    calls: 0,
    writeSync(fd: number, buf: Uint8Array, off: number, len: number, pos: number): number {
      if (io.armed && ++io.calls === n) {
        io.armed = false;
        throw error();
      }
      return nodeOutputIo.writeSync(fd, buf, off, len, pos);
    },
  };
  return io;
}

/** What a process killed mid-flush "throws": nothing after it runs. */
class ProcessKilled extends Error {}

/**
 * The file operations of a process that is killed after `arm(n)`'s `n` more of them:
 * that call and every later one throw, so no cleanup or rollback runs. `bury()` then
 * closes the files it had open, as the kernel does when a process dies.
 */
function dyingIo(): { io: OutputIo; arm(calls: number): void; readonly killed: boolean; bury(): void } {
  const open = new Set<number>();
  let left = Infinity;
  let killed = false;
  const io: Record<string, (...args: never[]) => unknown> = {};
  for (const [name, op] of Object.entries(nodeOutputIo) as Array<[string, (...args: unknown[]) => unknown]>) {
    io[name] = (...args: unknown[]) => {
      if (killed || left-- <= 0) {
        killed = true;
        throw new ProcessKilled(`killed at ${name}`);
      }
      const result = op(...args);
      if (name === 'openSync') open.add(result as number);
      if (name === 'closeSync') open.delete(args[0] as number);
      return result;
    };
  }
  return {
    io: io as unknown as OutputIo,
    arm: (calls) => void (left = calls),
    get killed() {
      return killed;
    },
    bury() {
      for (const fd of open) fs.closeSync(fd);
      open.clear();
    },
  };
}

/** The next start of zirc: a new linker for the same path (it repairs what a crash left). */
function nextStart(file: string): void {
  openElfLinker(file, tableBackend(new Map())).close();
}

/** The states of a patch test: `before`, then `after`, which changes code and data in place. */
function patchStates(): { before: ProgramState; after: ProgramState } {
  const before = initialState(6);
  const after = cloneState(before);
  after.leaves.get(leafName(1))!.value = 40;
  after.leaves.set(leafName(9), { value: 3, size: 300 });
  after.message = 'a longer message, which moves the data\n';
  return { before, after };
}

/** The file's bytes after `before` and after `after` when nothing goes wrong (the second by a patch). */
function referenceBytes(before: ProgramState, after: ProgramState): { oldBytes: Buffer; newBytes: Buffer } {
  const ref = new IncrementalProgram();
  ref.apply(before);
  const oldBytes = fs.readFileSync(ref.file);
  expect(ref.apply(after).fullWrite).toBe(false);
  return { oldBytes, newBytes: fs.readFileSync(ref.file) };
}

function flushError(file: string, io?: OutputIo): Error {
  const p = new IncrementalProgram(io ? { io } : {}, file);
  try {
    p.apply(initialState(3));
  } catch (err) {
    expect(err).toBeInstanceOf(OutputWriteError);
    return err as Error;
  }
  throw new Error(`flush of ${file} did not fail`);
}

async function spawned(file: string): Promise<ChildProcess> {
  const child = spawn(file, [], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  return child;
}

const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));

describe('an output that is running', () => {
  it('is replaced by a new file (ETXTBSY) while the running program keeps the old one', async () => {
    const file = path.join(tempDir(), 'out');
    const table = new Map([['main.start', pauseThenExit(1)]]);
    const l = openElfLinker(file, tableBackend(table));
    l.updateFunc(airFunction('main.start'));
    l.updateExports([{ symbolName: '_start', declName: 'main.start' }]);
    l.flush();
    const child = spawn(file, [], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    try {
      expect(() => fs.openSync(file, 'r+')).toThrow(/ETXTBSY/);
      table.set('main.start', startExit(6));
      l.updateFunc(airFunction('main.start'));
      const r = l.flush();
      expect(r.fullWrite).toBe(true);
      expect(runExecutable(file).status).toBe(6);
      expect(fs.readdirSync(path.dirname(file))).toEqual(['out']);
    } finally {
      child.kill('SIGTERM');
    }
    const status = await new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    expect(status).toBe('SIGTERM'); // it was still the old program, paused
    // Patching resumes on the new file.
    table.set('main.start', startExit(8));
    l.updateFunc(airFunction('main.start'));
    expect(l.flush().fullWrite).toBe(false);
    expect(runExecutable(file).status).toBe(8);
  });
});

describe('an output path that is not a writable regular file', () => {
  it('is refused when it is a directory', () => {
    const dir = tempDir();
    const err = flushError(dir);
    expect(err.message).toContain(`'${dir}'`);
    expect(err.message).toMatch(/EISDIR: it is a directory, not a regular file/);
  });

  it('is refused when it is a FIFO (not opened: that would wait for a reader forever)', () => {
    const fifo = path.join(tempDir(), 'out');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(flushError(fifo).message).toMatch(/it is a FIFO, not a regular file/);
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('is refused when it is a device node (what -o /dev/null is), which keeps its mode', () => {
    const dev = path.join(tempDir(), 'null');
    // The same device as /dev/null, made here so a regression cannot damage the real one.
    if (spawnSync('mknod', ['-m', '666', dev, 'c', '1', '3']).status !== 0) return; // needs CAP_MKNOD
    const err = flushError(dev);
    expect(err.message).toContain(`'${dev}'`);
    expect(err.message).toMatch(/it is a character device, not a regular file/);
    const st = fs.lstatSync(dev);
    expect(st.isCharacterDevice()).toBe(true);
    expect(st.mode & 0o777).toBe(0o666);
  });

  it('is refused when it is a symlink to a device (/dev/full), naming the device', () => {
    const link = path.join(tempDir(), 'out');
    fs.symlinkSync('/dev/full', link);
    const err = flushError(link);
    expect(err.message).toContain(`'${link}'`);
    expect(err.message).toMatch(/its target '\/dev\/full' is a character device, not a regular file/);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('is refused when it is read-only (mode 0444, even for root), bytes kept; once writable, the same linker writes it', () => {
    const dir = tempDir();
    const file = path.join(dir, 'out');
    fs.writeFileSync(file, 'keep me');
    fs.chmodSync(file, 0o444);
    const p = new IncrementalProgram({}, file);
    const s = initialState(6);
    expect(() => p.apply(s)).toThrow(/unable to write '.*\/out': EACCES: it is read-only \(mode 0444\)/);
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me');
    expect(fs.statSync(file).mode & 0o777).toBe(0o444);
    fs.chmodSync(file, 0o644);
    expect(p.linker.flush().fullWrite).toBe(true);
    expectRuns(file, s);
    // A patch of a file made read-only is refused too, and leaves the program as it was.
    fs.chmodSync(file, 0o555);
    const before = fs.readFileSync(file);
    s.leaves.get(leafName(0))!.value = 99;
    expect(() => p.apply(s)).toThrow(/read-only \(mode 0555\)/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });
});

describe('an output path that is a symlink to a regular file', () => {
  it('stays a link through a full write, a patch, and a replacement while its program runs', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'real'));
    const target = path.join(dir, 'real', 'prog');
    const link = path.join(dir, 'out');
    fs.writeFileSync(target, 'an old file');
    fs.symlinkSync('real/prog', link);
    const table = new Map([['main.start', pauseThenExit(1)]]);
    const l = openElfLinker(link, tableBackend(table));
    l.updateFunc(airFunction('main.start'));
    l.updateExports([{ symbolName: '_start', declName: 'main.start' }]);
    expect(l.flush().fullWrite).toBe(true);
    const stillLinked = () => {
      expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
      expect(fs.readlinkSync(link)).toBe('real/prog');
      expect(fs.readdirSync(dir).sort()).toEqual(['out', 'real']);
      expect(fs.readdirSync(path.join(dir, 'real'))).toEqual(['prog']);
    };
    stillLinked();
    const child = await spawned(link);
    try {
      table.set('main.start', startExit(6));
      l.updateFunc(airFunction('main.start'));
      expect(l.flush().fullWrite).toBe(true); // ETXTBSY: a new file renamed over the target
      stillLinked();
      expect(runExecutable(link).status).toBe(6);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited(child)).toBe('SIGTERM');
    table.set('main.start', startExit(8));
    l.updateFunc(airFunction('main.start'));
    expect(l.flush().fullWrite).toBe(false);
    stillLinked();
    expect(runExecutable(target).status).toBe(8);
  });

  it('whose target does not exist yet: the target is made, the link kept', () => {
    const dir = tempDir();
    const link = path.join(dir, 'out');
    fs.symlinkSync('prog', link);
    const p = new IncrementalProgram({}, link);
    p.apply(initialState(6));
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expectRuns(path.join(dir, 'prog'));
  });
});

describe('a full write that fails part way', () => {
  it('leaves the old file byte for byte at whichever write ENOSPC comes, and the same linker retries whole', () => {
    const { before, after } = patchStates();
    const old = new IncrementalProgram();
    old.apply(before);
    const oldBytes = fs.readFileSync(old.file);
    let failures = 0;
    for (let n = 1; ; n++) {
      const io = failingWrites(n, () => errno('ENOSPC'));
      const p = new IncrementalProgram({ io }, old.file); // a new linker: its first flush is full
      io.armed = true;
      let err: unknown = null;
      try {
        expect(p.apply(after).fullWrite).toBe(true);
      } catch (e) {
        err = e;
      }
      if (!err) break; // past the last write: this one succeeded
      failures++;
      expect(err).toBeInstanceOf(OutputWriteError);
      expect((err as Error).message).toMatch(/ENOSPC/);
      expect(fs.readFileSync(old.file).equals(oldBytes), `ENOSPC at write ${n}`).toBe(true);
      expect(fs.readdirSync(path.dirname(old.file))).toEqual(['out']);
      expectRuns(old.file, before);
      expect(p.linker.flush().fullWrite).toBe(true);
      expectRuns(old.file, after);
      fs.writeFileSync(old.file, oldBytes);
    }
    expect(failures).toBeGreaterThan(2);
    expectRuns(old.file, after);
  });

  it('killed at any point, leaves the old file byte for byte until the new one is renamed in whole', () => {
    const { before, after } = patchStates();
    const old = new IncrementalProgram();
    old.apply(before);
    const oldBytes = fs.readFileSync(old.file);
    const ref = new IncrementalProgram();
    ref.apply(before);
    const fresh = new IncrementalProgram({}, ref.file);
    expect(fresh.apply(after).fullWrite).toBe(true);
    const newBytes = fs.readFileSync(ref.file);
    let killedBeforeRename = 0;
    for (let calls = 0; ; calls++) {
      const d = dyingIo();
      const p = new IncrementalProgram({ io: d.io }, old.file);
      d.arm(calls);
      try {
        p.apply(after);
      } catch (err) {
        if (!d.killed) throw err;
      }
      if (!d.killed) break;
      d.bury();
      const now = fs.readFileSync(old.file);
      if (now.equals(oldBytes)) {
        killedBeforeRename++;
        expectRuns(old.file, before);
      } else {
        expect(now.equals(newBytes), `killed after ${calls} calls`).toBe(true);
        expectRuns(old.file, after);
        fs.writeFileSync(old.file, oldBytes);
      }
    }
    expect(killedBeforeRename).toBeGreaterThan(5);
    expectRuns(old.file, after);
  });
});

describe('a patch that fails part way', () => {
  it('is rolled back at once at whichever write ENOSPC comes: the old program byte for byte, no journal', () => {
    const { before, after } = patchStates();
    const { oldBytes } = referenceBytes(before, after);
    let failures = 0;
    for (let n = 1; ; n++) {
      const io = failingWrites(n, () => errno('ENOSPC'));
      const p = new IncrementalProgram({ io });
      p.apply(before);
      io.armed = true;
      let err: unknown = null;
      let r: FlushReport | null = null;
      try {
        r = p.apply(after);
      } catch (e) {
        err = e;
      }
      if (!err) {
        expect(r!.fullWrite).toBe(false);
        expectRuns(p.file, after);
        break;
      }
      failures++;
      expect(err).toBeInstanceOf(OutputWriteError);
      expect((err as Error).message).toMatch(/ENOSPC/);
      expect(fs.readFileSync(p.file).equals(oldBytes), `ENOSPC at write ${n}`).toBe(true);
      expect(fs.readdirSync(path.dirname(p.file))).toEqual(['out']);
      expectRuns(p.file, before);
      // The same linker recovers with a full write.
      expect(p.linker.flush().fullWrite).toBe(true);
      expectRuns(p.file, after);
    }
    expect(failures).toBeGreaterThan(2);
  });

  it('killed at any point, never looks valid while wrong, and once the next start opens it (linking nothing yet) is the old or the new program', () => {
    const { before, after } = patchStates();
    const { oldBytes, newBytes } = referenceBytes(before, after);
    const seen = { old: 0, new: 0, invalidUntilRecovered: 0 };
    for (let calls = 0; ; calls++) {
      const d = dyingIo();
      const p = new IncrementalProgram({ io: d.io });
      p.apply(before);
      d.arm(calls);
      try {
        p.apply(after);
      } catch (err) {
        if (!d.killed) throw err;
      }
      if (!d.killed) {
        expect(fs.readFileSync(p.file).equals(newBytes)).toBe(true);
        break;
      }
      d.bury();
      const at = `killed after ${calls} calls`;
      // Between the crash and the next start the file is the old program, the new one, or not valid-looking.
      const left = fs.readFileSync(p.file);
      if (looksLikeElf(p.file)) expect(left.equals(oldBytes) || left.equals(newBytes), at).toBe(true);
      else seen.invalidUntilRecovered++;
      nextStart(p.file);
      const now = fs.readFileSync(p.file);
      const which = now.equals(oldBytes) ? 'old' : now.equals(newBytes) ? 'new' : 'broken';
      expect(which, at).not.toBe('broken');
      seen[which as 'old' | 'new']++;
      expectRuns(p.file, which === 'old' ? before : after);
      expect(fs.readdirSync(path.dirname(p.file)), at).toEqual(['out']);
      // And the new linker writes the file whole at its first flush.
      const q = new IncrementalProgram({}, p.file);
      expect(q.apply(after).fullWrite).toBe(true);
      expectRuns(p.file, after);
    }
    expect(seen.old).toBeGreaterThan(0);
    expect(seen.new).toBeGreaterThan(0);
    expect(seen.invalidUntilRecovered).toBeGreaterThan(0);
  });

  it('is repaired when a new Compilation is created on it, even if its first update has errors', () => {
    const { before, after } = patchStates();
    const { oldBytes, newBytes } = referenceBytes(before, after);
    for (let calls = 0; ; calls++) {
      const d = dyingIo();
      const p = new IncrementalProgram({ io: d.io });
      p.apply(before);
      d.arm(calls);
      try {
        p.apply(after);
      } catch (err) {
        if (!d.killed) throw err;
      }
      expect(d.killed, 'a kill that leaves the file not valid-looking').toBe(true);
      d.bury();
      if (looksLikeElf(p.file)) continue;
      const c = Compilation.create({ sourcePath: p.file + '.zir', outputPath: p.file, target: 'x86_64-linux', optimize: 'Debug' });
      expect(c.update(Buffer.from('@broken = (')).ok).toBe(false);
      c.close();
      const now = fs.readFileSync(p.file);
      expect(now.equals(oldBytes) || now.equals(newBytes), `killed after ${calls} calls`).toBe(true);
      expectRuns(p.file, now.equals(oldBytes) ? before : after);
      return;
    }
  });

  it('a journal cut short (killed while writing it) is discarded and the file left as it was', () => {
    const p = new IncrementalProgram();
    p.apply(patchStates().before);
    const oldBytes = fs.readFileSync(p.file);
    const journal = `${p.file}.zirc-journal`;
    fs.writeFileSync(journal, Buffer.from('ZIRCJNL1 and then nothing'));
    nextStart(p.file);
    expect(fs.existsSync(journal)).toBe(false);
    expect(fs.readFileSync(p.file).equals(oldBytes)).toBe(true);
  });

  it('reports a permission error as OutputWriteError and retries with a full write once writable', () => {
    const p = new IncrementalProgram();
    const s = initialState(6);
    p.apply(s);
    const root = process.getuid?.() === 0;
    // Root ignores permission bits; the immutable attribute stops root too.
    const lock = () => (root ? spawnSync('chattr', ['+i', p.file]) : fs.chmodSync(p.file, 0o444));
    const unlock = () => (root ? spawnSync('chattr', ['-i', p.file]) : fs.chmodSync(p.file, 0o755));
    lock();
    try {
      s.leaves.get(leafName(0))!.value = 99;
      expect(() => p.apply(s)).toThrow(OutputWriteError);
    } finally {
      unlock();
    }
    const r = p.linker.flush();
    expect(r.fullWrite).toBe(true);
    expectRuns(p.file, s);
  });

  it('on a full file system keeps the last good program runnable, and recovers when space returns', () => {
    // A real small file system: a 1 MiB tmpfs (needs mount privileges; without them only
    // the growth path is checked, and the injected ENOSPC tests above cover the error).
    const dir = tempDir();
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).status === 0;
    try {
      const fsDir = mounted ? dir : tempDir();
      const p = new IncrementalProgram({}, path.join(fsDir, 'out'));
      const s = initialState(6);
      const good = cloneState(s);
      p.apply(s);
      const filler = path.join(fsDir, 'filler');
      if (mounted) {
        // Fill the file system to the last byte.
        const fd = fs.openSync(filler, 'w');
        const chunk = Buffer.alloc(4096);
        try {
          for (;;) fs.writeSync(fd, chunk);
        } catch {
          // ENOSPC: full.
        }
        fs.closeSync(fd);
      }
      for (let i = 6; i < 60; i++) s.leaves.set(leafName(i), { value: 1, size: 4000 }); // needs more room than is left
      if (mounted) {
        const before = fs.readFileSync(p.file);
        expect(() => p.apply(s)).toThrow(/ENOSPC/);
        expect(fs.readFileSync(p.file).equals(before)).toBe(true);
        expectRuns(p.file, good);
        expect(fs.readdirSync(fsDir).sort()).toEqual(['filler', 'out']);
        fs.unlinkSync(filler);
        expect(p.linker.flush().fullWrite).toBe(true);
      } else {
        // Without mount privileges the write simply succeeds; still check the growth path.
        expect(p.apply(s).fullWrite).toBe(false);
      }
      expectRuns(p.file, s);
    } finally {
      if (mounted) spawnSync('umount', [dir]);
    }
  });
});
