// Writing the wasm output: a flush replaces a regular file through a temporary file
// renamed over it, and only a regular file the user may write. Anything else at the path
// (a device node, a FIFO, a directory, a read-only file) is refused with an error naming
// the path and left as it was; a symlink is followed, so the link stays and its target
// gets the module; a failed write (full disk) leaves the old module byte for byte.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { SymbolTarget } from '../../src/sema/air.js';
import { OutputWriteError } from '../../src/link/Linker.js';
import type { OutputIo } from '../../src/link/output_io.js';
import { nodeOutputIo } from '../../src/node/link/node_output_io.js';
import { WasmLinker } from '../../src/link/wasm/WasmLinker.js';
import { buildFn, fnType, NORETURN, procExit, PROC_EXIT_TY, stringAtom, u32, usize } from './air_builder.js';
import { expectValidModule } from './wasm_check.js';
import { openWasmLinker } from '../support/air_linker.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-wasm-output-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const decl = (name: string): SymbolTarget => ({ kind: 'decl', name });

/** `_start` that writes "hi\n" and exits with `status`. */
function flushProgram(out: string, status: number, io?: OutputIo): WasmLinker {
  const l = openWasmLinker(out, io ? { io } : {});
  l.updateData(stringAtom('msg', 'hi\n'));
  l.updateFunc(
    buildFn('entry', fnType([], NORETURN, 'C'), (b) => {
      b.write(1, b.addr(usize, decl('msg')), b.int(usize, 3));
      b.callSym(procExit, PROC_EXIT_TY, [b.int(u32, status)]);
    }),
  );
  l.updateExports([{ symbolName: '_start', declName: 'entry' }]);
  l.flush();
  return l;
}

function flushError(out: string, io?: OutputIo): Error {
  try {
    flushProgram(out, 0, io);
  } catch (err) {
    expect(err).toBeInstanceOf(OutputWriteError);
    return err as Error;
  }
  throw new Error(`flush of ${out} did not fail`);
}

const freshDir = () => fs.mkdtempSync(path.join(tmp, 'dir-'));

describe('an output path that is not a writable regular file', () => {
  test('a device node (what -o /dev/null is) is refused and stays a device', () => {
    const dev = path.join(freshDir(), 'null');
    // The same device as /dev/null, made here so a regression cannot destroy the real one.
    if (spawnSync('mknod', ['-m', '666', dev, 'c', '1', '3']).status !== 0) return; // needs CAP_MKNOD
    const err = flushError(dev);
    expect(err.message).toContain(`'${dev}'`);
    expect(err.message).toMatch(/not a regular file/);
    const st = fs.lstatSync(dev);
    expect(st.isCharacterDevice()).toBe(true);
    expect(st.mode & 0o777).toBe(0o666);
  });

  test('a FIFO is refused and stays a FIFO', () => {
    const fifo = path.join(freshDir(), 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(flushError(fifo).message).toMatch(/it is a FIFO, not a regular file/);
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
  });

  test('a directory is refused and stays a directory', () => {
    const dir = freshDir();
    const err = flushError(dir);
    expect(err.message).toContain(`'${dir}'`);
    expect(err.message).toMatch(/EISDIR: it is a directory/);
    expect(fs.lstatSync(dir).isDirectory()).toBe(true);
  });

  test('a read-only file (mode 0444) is refused and keeps its bytes (even for root)', () => {
    const dir = freshDir();
    const out = path.join(dir, 'prog.wasm');
    fs.writeFileSync(out, 'keep me', { mode: 0o444 });
    fs.chmodSync(out, 0o444);
    const err = flushError(out);
    expect(err.message).toContain(`'${out}'`);
    expect(err.message).toMatch(/EACCES: it is read-only \(mode 0444\)/);
    expect(fs.readFileSync(out, 'utf8')).toBe('keep me');
    expect(fs.statSync(out).mode & 0o777).toBe(0o444);
    expect(fs.readdirSync(dir)).toEqual(['prog.wasm']);
  });

  test('a symlink to a device is refused, naming the device', () => {
    const link = path.join(freshDir(), 'out.wasm');
    fs.symlinkSync('/dev/full', link);
    const err = flushError(link);
    expect(err.message).toContain('/dev/full');
    expect(err.message).toMatch(/not a regular file/);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
  });
});

describe('a symlink to a regular file', () => {
  test('stays a link; its target gets the module', () => {
    const dir = freshDir();
    fs.mkdirSync(path.join(dir, 'real'));
    const target = path.join(dir, 'real', 'prog.wasm');
    fs.writeFileSync(target, 'old');
    const link = path.join(dir, 'prog.wasm');
    fs.symlinkSync('real/prog.wasm', link);
    flushProgram(link, 3).close();
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(link)).toBe('real/prog.wasm');
    expectValidModule(fs.readFileSync(target));
    expect(fs.readdirSync(dir).sort()).toEqual(['prog.wasm', 'real']);
    expect(fs.readdirSync(path.join(dir, 'real'))).toEqual(['prog.wasm']);
  });

  test('whose target does not exist yet: the target is created, the link kept', () => {
    const dir = freshDir();
    const link = path.join(dir, 'prog.wasm');
    fs.symlinkSync('made.wasm', link);
    flushProgram(link, 3).close();
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expectValidModule(fs.readFileSync(path.join(dir, 'made.wasm')));
  });
});

function errnoError(code: string): Error {
  return Object.assign(new Error(`${code}: simulated, write`), { code });
}

describe('a write that fails', () => {
  const failures: Array<[string, (io: OutputIo) => OutputIo]> = [
    ['ENOSPC on the first write', (io) => ({ ...io, writeSync: () => { throw errnoError('ENOSPC'); } })],
    ['a short write of nothing', (io) => ({ ...io, writeSync: () => 0 })],
    ['EIO when closing', (io) => ({ ...io, closeSync: (fd) => { io.closeSync(fd); throw errnoError('EIO'); } })],
    ['EXDEV when renaming', (io) => ({ ...io, renameSync: () => { throw errnoError('EXDEV'); } })],
  ];
  for (const [what, inject] of failures) {
    test(`(${what}) leaves the old module byte for byte and no temporary file`, () => {
      const dir = freshDir();
      const out = path.join(dir, 'prog.wasm');
      flushProgram(out, 1).close();
      const before = fs.readFileSync(out);
      const err = flushError(out, inject(nodeOutputIo));
      expect(err.message).toContain(`'${out}'`);
      expect(fs.readFileSync(out).equals(before)).toBe(true);
      expect(fs.readdirSync(dir)).toEqual(['prog.wasm']);
    });
  }
});
