// Real programs linked from scratch by zirc's static linker behave exactly like the same
// inputs linked by `ld.lld -static`: same stdout, stderr and exit status, from a program
// with no libc, through one using a few libc.a members, to a full musl program (printf,
// malloc, errno, thread-locals, a constructor, argv); and readelf reads every output
// without a warning.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileMusl, compileMuslWithGcc, execute, libgcc, linkWithLld, linkWithZirc, MUSL_LIB, readelfAll, run, SOURCES } from './toolchain.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-static-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function both(name: string, inputs: string[]): { mine: string; ref: string } {
  return { mine: linkWithZirc(inputs, path.join(work, `${name}.zirc`)), ref: linkWithLld(inputs, path.join(work, `${name}.lld`)) };
}

/** The function, object and TLS symbols of `readelf -s` as sorted `name type bind size` lines. */
function symbolSet(file: string): string[] {
  return run('readelf', ['-sW', file]).split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 8 && ['FUNC', 'OBJECT', 'TLS'].includes(f[3]!))
    .map((f) => `${f[7]} ${f[3]} ${f[4]} ${f[2]}`)
    .sort();
}

function expectCleanReadelf(file: string): void {
  const r = readelfAll(file);
  expect(r.stderr).toBe('');
  expect(r.stdout).not.toMatch(/warning/i);
}

describe('static link of real objects', () => {
  it('links a program with no libc (_start, a syscall write wrapper, pointers in .data)', () => {
    const obj = compileMusl(path.join(SOURCES, 'nolibc.c'), path.join(work, 'nolibc.o'));
    const { mine, ref } = both('nolibc', [obj]);
    const a = execute(mine), b = execute(ref);
    expect(a).toEqual(b);
    expect(a.stdout).toBe('hello from zirc\n');
    expectCleanReadelf(mine);
  });

  it('pulls just the libc.a members a libc-less _start needs (strlen, memcpy, strchr)', () => {
    const obj = compileMusl(path.join(SOURCES, 'few_members.c'), path.join(work, 'few.o'));
    const { mine, ref } = both('few', [obj, `${MUSL_LIB}/libc.a`]);
    const a = execute(mine), b = execute(ref);
    expect(a).toEqual(b);
    expect(a.stdout).toBe('static members: strlen memcpy strchr\n');
    expectCleanReadelf(mine);
  });

  it('links a full musl program (printf, malloc, errno, TLS, a constructor, argv) like ld.lld', () => {
    const obj = compileMusl(path.join(SOURCES, 'hello.c'), path.join(work, 'hello.o'));
    const inputs = [`${MUSL_LIB}/crt1.o`, `${MUSL_LIB}/crti.o`, obj, `${MUSL_LIB}/libc.a`, `${MUSL_LIB}/crtn.o`];
    const { mine, ref } = both('hello', inputs);
    for (const args of [[], ['one'], ['a', 'b c', 'déjà']]) {
      const a = execute(mine, args), b = execute(ref, args);
      expect({ ...a, stdout: a.stdout.replace(mine, 'PROG') }).toEqual({ ...b, stdout: b.stdout.replace(ref, 'PROG') });
    }
    const out = execute(mine, ['x']);
    expect(out.stdout).toContain('ctor=42 counter=6 zeroed=0 argc=2');
    expect(out.stderr).toBe('open: No such file or directory (errno 2)\n');
    expect(out.status).toBe(5);
    expectCleanReadelf(mine);
    // The same symbols as ld.lld writes: locals, hidden globals made local, weak and global.
    expect(symbolSet(mine)).toEqual(symbolSet(ref));
  });

  it('links a larger program (threads with aligned TLS, libm, setjmp, wide chars) like ld.lld', () => {
    const obj = compileMusl(path.join(SOURCES, 'threads_and_libm.c'), path.join(work, 'big.o'), ['-O2']);
    const inputs = [`${MUSL_LIB}/crt1.o`, `${MUSL_LIB}/crti.o`, obj, `${MUSL_LIB}/libc.a`, `${MUSL_LIB}/crtn.o`];
    const { mine, ref } = both('big', inputs);
    const a = execute(mine, ['x']);
    expect(a).toEqual(execute(ref, ['x']));
    expect(a.stdout).toContain('thread 3\nmain tls: tls-init 0 aligned=0\n');
    expectCleanReadelf(mine);
  });

  it('links gcc-built objects with libgcc.a like ld.lld', () => {
    for (const name of ['hello', 'threads_and_libm']) {
      const obj = compileMuslWithGcc(path.join(SOURCES, `${name}.c`), path.join(work, `${name}.gcc.o`));
      const inputs = [`${MUSL_LIB}/crt1.o`, `${MUSL_LIB}/crti.o`, obj, `${MUSL_LIB}/libc.a`, libgcc(), `${MUSL_LIB}/crtn.o`];
      const { mine, ref } = both(`${name}.gcc`, inputs);
      const a = execute(mine, ['1', '2']), b = execute(ref, ['1', '2']);
      expect({ ...a, stdout: a.stdout.replace(mine, 'PROG') }).toEqual({ ...b, stdout: b.stdout.replace(ref, 'PROG') });
      expectCleanReadelf(mine);
    }
  });
});
