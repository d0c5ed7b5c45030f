import { describe, expect, it } from 'vitest';
import type { DataAtom } from '../../src/sema/air.js';
import { FnBuilder, fnType, manyPtr, NORETURN, u32, u8, usize } from './air_builder.js';
import { runProgram } from './harness.js';

const START = fnType([], NORETURN, 'C');

describe('generated programs run under Linux', () => {
  it('exits with the status passed to proc_exit', () => {
    const b = new FnBuilder('entry', START);
    b.exitWith(42);
    expect(runProgram({ functions: [b.build()], entry: 'entry' }).status).toBe(42);
  });

  it('prints a string constant with fd_write', () => {
    const text = new TextEncoder().encode('hello, world\n');
    const atom: DataAtom = { name: 'msg', bytes: text, align: 1, relocs: [], section: 'rodata' };
    const b = new FnBuilder('entry', START);
    const ptr = b.addr(manyPtr(u8, false), { kind: 'decl', name: 'msg' });
    const errno = b.write(1, b.ptrtoint(ptr), b.int(usize, text.length));
    b.exit(errno);
    const r = runProgram({ functions: [b.build()], data: [atom], entry: 'entry' });
    expect(r.stdout).toBe('hello, world\n');
    expect(r.status).toBe(0);
  });

  it('calls a function and catches u8 overflow as in the safety case', () => {
    const incTy = fnType([u8], u8);
    const inc = new FnBuilder('inc', incTy);
    inc.ret(inc.bin('add', u8, inc.arg(0), inc.int(u8, 1)));
    const run = (code: number) => {
      const b = new FnBuilder('entry', START);
      const w = b.callDecl('inc', incTy, [b.int(u8, code)]);
      b.exit(b.intcast(u32, w));
      return runProgram({ functions: [b.build(), inc.build()], entry: 'entry' });
    };
    expect(run(253).status).toBe(254);
    const bad = run(255);
    expect(bad.stderr).toBe('panic: integer overflow\n');
    expect(bad.status).toBe(134);
  });
});
