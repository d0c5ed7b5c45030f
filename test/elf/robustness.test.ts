// The output file is never trusted: foreign, truncated, garbage or tampered files are
// rewritten whole; a crash or a write error mid-flush leaves a file that does not look like
// ELF, throws OutputWriteError, and the next flush writes everything again.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputWriteError } from '../../src/link/Linker.js';
import { nodeOutputIo, type OutputIo } from '../../src/link/elf/output_file.js';
import { buildFresh, expectedExit, IncrementalProgram, initialState, leafName } from './program_model.js';
import { ElfLinker } from '../../src/link/elf/ElfLinker.js';
import { airFunction, pauseThenExit, readelfAll, runExecutable, startExit, tableBackend, tempDir } from './x86_snippets.js';

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

/** An OutputIo whose `writeSync` fails once, on the `n`th call from now. */
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

describe('an output that is running', () => {
  it('is replaced by a new file (ETXTBSY) while the running program keeps the old one', async () => {
    const file = path.join(tempDir(), 'out');
    const table = new Map([['main.start', pauseThenExit(1)]]);
    const l = ElfLinker.open(file, tableBackend(table));
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

describe('a flush that fails part way', () => {
  it('leaves a file that does not look valid after a crash between the magic and the patches', () => {
    const io = failingWrites(2, () => new Error('simulated crash'));
    const p = new IncrementalProgram({ io });
    const s = initialState(6);
    p.apply(s);
    expect(looksLikeElf(p.file)).toBe(true);
    s.leaves.get(leafName(1))!.value = 40;
    io.armed = true; // 1st write: invalidate the magic; 2nd write (a patch) throws
    expect(() => p.apply(s)).toThrow(OutputWriteError);
    expect(looksLikeElf(p.file)).toBe(false);
    // The kernel refuses it (ENOEXEC; execvp then hands it to /bin/sh, which fails too).
    const broken = runExecutable(p.file);
    expect(broken.status).not.toBe(0);
    expect(broken.stdout).not.toBe(s.message);
    // The same linker recovers with a full write.
    const r = p.linker.flush();
    expect(r.fullWrite).toBe(true);
    expectRuns(p.file, s);
  });

  it('lets a new linker rebuild a file left behind by a crash', () => {
    const io = failingWrites(3, () => new Error('simulated crash'));
    const p = new IncrementalProgram({ io });
    const s = initialState(6);
    p.apply(s);
    s.message = 'a different message that moves the data\n';
    io.armed = true;
    expect(() => p.apply(s)).toThrow(OutputWriteError);
    expect(looksLikeElf(p.file)).toBe(false);
    const q = new IncrementalProgram({}, p.file);
    expect(q.apply(s).fullWrite).toBe(true);
    expectRuns(p.file, s);
  });

  it('reports ENOSPC as OutputWriteError (a file on /dev/full)', () => {
    const dir = tempDir();
    const file = path.join(dir, 'out');
    fs.symlinkSync('/dev/full', file);
    const p = new IncrementalProgram({}, file);
    let err: unknown;
    try {
      p.apply(initialState(3));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutputWriteError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(/ENOSPC/);
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

  it('reports a full file system mid-flush, leaves no valid-looking file, and recovers when space returns', () => {
    // A real small file system: a 1 MiB tmpfs (needs mount privileges; without them only
    // the growth path is checked, and the ENOSPC test above still covers the error).
    const dir = tempDir();
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).status === 0;
    try {
      const fsDir = mounted ? dir : tempDir();
      const p = new IncrementalProgram({}, path.join(fsDir, 'out'));
      const s = initialState(6);
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
        expect(() => p.apply(s)).toThrow(/ENOSPC/);
        expect(looksLikeElf(p.file)).toBe(false);
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
