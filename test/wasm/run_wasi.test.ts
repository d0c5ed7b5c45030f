// Running wasm: modules built by the wasm linker, run under node:wasi in a child process:
// stdout/stderr capture, exit status from proc_exit or a return, panics, traps, stdin, args.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { AirFunction, DataAtom } from '../../src/sema/air.js';
import { WasmLinker } from '../../src/link/wasm/WasmLinker.js';
import { runWasi } from './run_wasm.js';
import {
  arrayOf, buildFn, fnType, NORETURN, PROC_EXIT_TY, procExit, ptrTo, stringAtom, u32, u8, usize, VOID, WASI,
} from './air_builder.js';
import { expectValidModule } from './wasm_check.js';
import { openWasmLinker } from '../support/air_linker.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-run-wasi-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let counter = 0;

function build(funcs: AirFunction[], data: DataAtom[] = [], entry = 'entry'): string {
  const out = path.join(tmp, `p${counter++}.wasm`);
  const l = openWasmLinker(out);
  data.forEach((d) => l.updateData(d));
  funcs.forEach((f) => l.updateFunc(f));
  l.updateExports([{ symbolName: '_start', declName: entry }]);
  l.flush();
  l.close();
  expectValidModule(fs.readFileSync(out));
  return out;
}
const msg = (name: string) => ({ kind: 'decl' as const, name });

describe('runWasi', () => {
  test('captures stdout and takes the exit status from proc_exit', async () => {
    const entry = buildFn('entry', fnType([], NORETURN, 'C'), (b) => {
      b.write(1, b.addr(usize, msg('hello')), b.int(usize, 6));
      b.write(2, b.addr(usize, msg('oops')), b.int(usize, 5));
      b.callSym(procExit, PROC_EXIT_TY, [b.int(u32, 7)]);
    });
    const r = await runWasi(build([entry], [stringAtom('hello', 'hello\n'), stringAtom('oops', 'oops\n')]));
    expect(r).toMatchObject({ stdout: 'hello\n', stderr: 'oops\n', exitCode: 7, timedOut: false });
  });

  test('returning from a void _start exits with 0', async () => {
    const entry = buildFn('entry', fnType([], VOID, 'C'), (b) => {
      b.write(1, b.addr(usize, msg('s')), b.int(usize, 3));
      b.retvoid();
    });
    const r = await runWasi(build([entry], [stringAtom('s', 'ok\n')]));
    expect(r).toMatchObject({ stdout: 'ok\n', stderr: '', exitCode: 0 });
  });

  test.each([
    ['integer overflow', (b: Parameters<Parameters<typeof buildFn>[2]>[0]) => b.bin('add', u8, b.call(b.addr(fnType([u8], u8), msg('id')), fnType([u8], u8), [b.int(u8, 255)]), b.int(u8, 1))],
    ['division by zero', (b: Parameters<Parameters<typeof buildFn>[2]>[0]) => b.bin('div', u32, b.int(u32, 1), b.call(b.addr(fnType([u32], u32), msg('id32')), fnType([u32], u32), [b.int(u32, 0)]))],
    ['shift amount is too large', (b: Parameters<Parameters<typeof buildFn>[2]>[0]) => b.bin('shl', u32, b.int(u32, 1), b.call(b.addr(fnType([u32], u32), msg('id32')), fnType([u32], u32), [b.int(u32, 32)]))],
    ['integer cast truncated bits', (b: Parameters<Parameters<typeof buildFn>[2]>[0]) => b.emit({ op: 'intcast', type: u8, operand: b.call(b.addr(fnType([u32], u32), msg('id32')), fnType([u32], u32), [b.int(u32, 256)]), safe: true })],
  ])('a failed safety check prints "panic: %s" to stderr and exits 134', async (reason, fail) => {
    const id = buildFn('id', fnType([u8], u8), (b) => b.ret(b.arg(0)));
    const id32 = buildFn('id32', fnType([u32], u32), (b) => b.ret(b.arg(0)));
    const entry = buildFn('entry', fnType([], VOID, 'C'), (b) => {
      b.write(1, b.addr(usize, msg('before')), b.int(usize, 7));
      fail(b);
      b.retvoid();
    });
    const r = await runWasi(build([entry, id, id32], [stringAtom('before', 'before\n')]));
    expect(r).toMatchObject({ stdout: 'before\n', stderr: `panic: ${reason}\n`, exitCode: 134 });
  });

  test('a trap exits 134 with a message on stderr', async () => {
    const entry = buildFn('entry', fnType([], VOID, 'C'), (b) => {
      b.emit({ op: 'breakpoint', type: VOID });
      b.retvoid();
    });
    const r = await runWasi(build([entry]));
    expect(r.exitCode).toBe(134);
    expect(r.stderr).toMatch(/^wasm trap: unreachable/);
  });

  test('stdin reaches the program (an echo through fd_read)', async () => {
    const fdRead = { kind: 'extern' as const, name: 'fd_read', lib: WASI };
    const fdReadTy = fnType([u32, usize, usize, usize], u32, 'C');
    const entry = buildFn('entry', fnType([], VOID, 'C'), (b) => {
      const buf = b.alloc(arrayOf(64, u8));
      const iov = b.alloc(arrayOf(2, usize));
      const nread = b.alloc(usize);
      const bufAddr = b.emit({ op: 'ptrtoint', type: usize, operand: buf });
      b.store(b.emit({ op: 'elemptr', type: ptrTo(usize), ptr: iov, index: b.int(usize, 0), elemSize: 4 }), bufAddr);
      b.store(b.emit({ op: 'elemptr', type: ptrTo(usize), ptr: iov, index: b.int(usize, 1), elemSize: 4 }), b.int(usize, 64));
      b.callSym(fdRead, fdReadTy, [b.int(u32, 0), b.emit({ op: 'ptrtoint', type: usize, operand: iov }), b.int(usize, 1), b.emit({ op: 'ptrtoint', type: usize, operand: nread })]);
      b.write(1, bufAddr, b.load(usize, nread));
      b.retvoid();
    });
    const r = await runWasi(build([entry]), { stdin: 'echo me' });
    expect(r).toMatchObject({ stdout: 'echo me', exitCode: 0 });
  });

  test('args reach the program (exit status is argc from args_sizes_get)', async () => {
    const sizes = { kind: 'extern' as const, name: 'args_sizes_get', lib: WASI };
    const entry = buildFn('entry', fnType([], NORETURN, 'C'), (b) => {
      const argc = b.alloc(usize);
      const size = b.alloc(usize);
      b.callSym(sizes, fnType([usize, usize], u32, 'C'), [b.emit({ op: 'ptrtoint', type: usize, operand: argc }), b.emit({ op: 'ptrtoint', type: usize, operand: size })]);
      b.callSym(procExit, PROC_EXIT_TY, [b.load(u32, argc)]);
    });
    const r = await runWasi(build([entry]), { args: ['a', 'b', 'c'] });
    expect(r.exitCode).toBe(4);
  });

  test('a module that cannot be instantiated exits 1 and says why', async () => {
    const entry = buildFn('entry', fnType([], VOID, 'C'), (b) => {
      b.callSym({ kind: 'extern', name: 'nope', lib: 'env' }, fnType([], VOID, 'C'), []);
      b.retvoid();
    });
    const r = await runWasi(build([entry]));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/unable to instantiate/);
  });

  test('a program that runs too long is killed at the time limit', async () => {
    const entry = buildFn('entry', fnType([], NORETURN, 'C'), (b) => {
      b.loop(() => {});
    });
    const r = await runWasi(build([entry]), { timeoutMs: 1500 });
    expect(r.timedOut).toBe(true);
  });
});
