// `zirc ld` and `zirc-ld` as a compiler driver runs them: musl's gcc wrapper links through
// zirc (gcc -B <dir holding an `ld` that runs zirc-ld>) into a program that behaves as the
// driver's own link does; --whole-archive, -u and --defsym link as with ld.lld; bad command
// lines exit 2 naming the option; clang links a glibc program (IFUNCs, .eh_frame) through
// zirc-ld (--ld-path) that behaves as its ld.lld link does; an undefined symbol exits 1
// naming the object, writing nothing.
// Every tool must be installed: a missing one fails the test.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-ld-cli-'));
const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: dir });
  if (r.error) throw new Error(`${cmd} could not run (${r.error.message}): install it`);
  return r;
};
const zircLd = (...args: string[]) => run(process.execPath, [path.join(root, 'bin', 'zirc-ld.js'), ...args]);

const HELLO = `#include <stdio.h>
#include <stdlib.h>
static __thread int counter = 5;
__attribute__((constructor)) static void early(void) { counter *= 2; }
int main(int argc, char **argv) {
  char *p = malloc(16);
  counter += argc;
  printf("hello %s %d\\n", argc > 1 ? argv[1] : "none", counter);
  free(p);
  return argc;
}
`;

describe('zirc ld', () => {
  it('links a musl program for the gcc driver (-B) that behaves as the driver\'s own link', () => {
    fs.writeFileSync(path.join(dir, 'hello.c'), HELLO);
    const bdir = path.join(dir, 'bin');
    fs.mkdirSync(bdir, { recursive: true });
    fs.writeFileSync(path.join(bdir, 'ld'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(root, 'bin', 'zirc-ld.js')}" "$@"\n`, { mode: 0o755 });
    const viaZirc = run('x86_64-linux-musl-gcc', ['-static', '-B', `${bdir}/`, 'hello.c', '-o', 'hello_zirc']);
    expect(viaZirc.stderr).toBe('');
    expect(viaZirc.status).toBe(0);
    const reference = run('x86_64-linux-musl-gcc', ['-static', 'hello.c', '-o', 'hello_ref']);
    expect(reference.status).toBe(0);
    for (const args of [[], ['world'], ['a', 'b', 'c']]) {
      const a = run(path.join(dir, 'hello_zirc'), args);
      const b = run(path.join(dir, 'hello_ref'), args);
      expect({ out: a.stdout, err: a.stderr, status: a.status }).toEqual({ out: b.stdout, err: b.stderr, status: b.status });
    }
  });

  it('prints its version, and exits 2 naming an option it does not know or a dynamic link', () => {
    const v = zircLd('--version');
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/^zirc ld \d+\.\d+\.\d+ \(compatible with GNU linkers\)/);
    const unknown = zircLd('--frobnicate', 'x.o');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--frobnicate');
    const shared = zircLd('-shared', 'x.o');
    expect(shared.status).toBe(2);
    expect(shared.stderr).toMatch(/static/);
  });

  it('links --whole-archive, -u and --defsym from the command line as ld.lld does', () => {
    fs.writeFileSync(path.join(dir, 'ctor.c'), '#include <stdio.h>\n__attribute__((constructor)) static void c(void) { puts("ctor"); }\nint pulled_by_u;\n');
    fs.writeFileSync(path.join(dir, 'use.c'), '#include <stdio.h>\nextern char magic[];\nint main(void) { printf("magic=%#lx\\n", (unsigned long)magic); return 0; }\n');
    for (const c of ['ctor', 'use']) expect(run('x86_64-linux-musl-gcc', ['-c', '-O1', '-fno-pie', `${c}.c`]).status).toBe(0);
    fs.rmSync(path.join(dir, 'libctor.a'), { force: true });
    expect(run('llvm-ar', ['rcs', 'libctor.a', 'ctor.o']).status).toBe(0);
    const musl = '/usr/lib/x86_64-linux-musl';
    const line = (lib: string[], out: string) => ['-static', '--defsym=magic=0x2a', '-o', out, `${musl}/crt1.o`, `${musl}/crti.o`, 'use.o', ...lib, `${musl}/libc.a`, `${musl}/crtn.o`];
    for (const [name, lib, expected] of [
      ['whole', ['--whole-archive', 'libctor.a', '--no-whole-archive'], 'ctor\nmagic=0x2a\n'],
      ['undef', ['-u', 'pulled_by_u', 'libctor.a'], 'ctor\nmagic=0x2a\n'],
      ['lazy', ['libctor.a'], 'magic=0x2a\n'],
    ] as const) {
      const mine = zircLd(...line([...lib], `${name}_zirc`));
      expect(mine.stderr).toBe('');
      expect(mine.status).toBe(0);
      expect(run('ld.lld', line([...lib], `${name}_lld`)).status).toBe(0);
      const a = run(path.join(dir, `${name}_zirc`), []);
      expect(a.stdout).toBe(expected);
      expect(a.stdout).toBe(run(path.join(dir, `${name}_lld`), []).stdout);
    }
  });

  it('links a glibc program (IFUNCs, .eh_frame) for clang --ld-path that behaves as its ld.lld link', () => {
    fs.writeFileSync(path.join(dir, 'hello.c'), HELLO);
    const out = path.join(dir, 'hello_glibc');
    const r = run('clang', ['-static', `--ld-path=${path.join(root, 'bin', 'zirc-ld.js')}`, 'hello.c', '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const ref = path.join(dir, 'hello_glibc_lld');
    expect(run('clang', ['-static', '-fuse-ld=lld', 'hello.c', '-o', ref]).status).toBe(0);
    for (const args of [[], ['world'], ['a', 'b', 'c']]) {
      const a = run(out, args);
      const b = run(ref, args);
      expect({ out: a.stdout, err: a.stderr, status: a.status }).toEqual({ out: b.stdout, err: b.stderr, status: b.status });
    }
  });

  it('reports an undefined symbol with the object that refers to it', () => {
    fs.writeFileSync(path.join(dir, 'start.c'), 'extern void nowhere(void);\nvoid _start(void) { nowhere(); for (;;) {} }\n');
    expect(run('clang', ['-c', '-O1', '-fno-pie', 'start.c', '-o', 'start.o']).status).toBe(0);
    const r = zircLd('-static', 'start.o', '-o', 'start');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('nowhere');
    expect(r.stderr).toContain('start.o');
    expect(fs.existsSync(path.join(dir, 'start'))).toBe(false);
  });
});
