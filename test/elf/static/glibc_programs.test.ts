// glibc static programs linked through zirc-ld by the compiler drivers (`clang -static
// --ld-path=zirc-ld`, `gcc -static -B <dir with an ld running zirc-ld>`) behave exactly
// like the same objects linked by the drivers with ld.lld (-fuse-ld=lld): same stdout,
// stderr and exit status for several argument lists, from a program using printf, malloc,
// errno, thread-locals, a constructor and argv — which needs glibc's IFUNCs (.iplt stubs
// and IRELATIVE relocations between __rela_iplt_start/_end), crtbeginT.o's .eh_frame and
// the __start_/__stop_ symbols of __libc_atexit and friends. readelf reads every output
// without a warning. bin/zirc-ld.js runs dist/: run `npm run build` first. Every tool must
// be installed: a missing one fails the test.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execute, readelfAll, run, SOURCES } from './toolchain.js';

const root = path.join(import.meta.dirname, '..', '..', '..');
const zircLd = path.join(root, 'bin', 'zirc-ld.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-glibc-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A directory holding an `ld` that runs zirc-ld, for `gcc -B`. */
function gccLinkerDir(): string {
  const dir = path.join(work, 'bin');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'ld'), `#!/bin/sh\nexec "${process.execPath}" "${zircLd}" "$@"\n`, { mode: 0o755 });
  return dir;
}

const ARGS = [[], ['world'], ['a', 'b', 'c'], ['x', 'y', 'z', 'w', 'v', 'u']];

describe('static link of glibc programs through the compiler drivers', () => {
  it('has a built zirc-ld (npm run build)', () => {
    expect(fs.existsSync(path.join(root, 'dist', 'cli', 'ld', 'ld_command.js'))).toBe(true);
  });

  for (const compiler of ['clang', 'gcc'] as const) {
    it(`links hello.c compiled by ${compiler} into a program that behaves as the ld.lld link`, () => {
      const obj = path.join(work, `hello_${compiler}.o`);
      run(compiler, ['-c', '-O1', path.join(SOURCES, 'hello.c'), '-o', obj]);
      const mine = path.join(work, `hello_${compiler}.zirc`);
      const ref = path.join(work, `hello_${compiler}.lld`);
      const through = compiler === 'clang' ? [`--ld-path=${zircLd}`] : ['-B', `${gccLinkerDir()}/`];
      run(compiler, ['-static', ...through, obj, '-o', mine]);
      run(compiler, ['-static', '-fuse-ld=lld', obj, '-o', ref]);
      for (const args of ARGS) {
        const a = execute(mine, args), b = execute(ref, args);
        expect(a).toEqual({ ...b, stdout: b.stdout.replaceAll(ref, mine) });
        expect(a.stdout).toContain('heap ok');
        expect(a.stderr).toContain('open: No such file or directory');
        expect(a.status).toBe(3 + args.length + 1);
      }
      const r = readelfAll(mine);
      expect(r.stderr).toBe('');
      expect(r.stdout).not.toMatch(/warning/i);
      expect(r.stdout).toMatch(/\] \.eh_frame +PROGBITS/);
      expect(r.stdout).toMatch(/\] \.rela\.iplt +RELA/); // zirc's name: ld.lld calls it .rela.dyn
      expect(r.stdout).toMatch(/R_X86_64_IRELATIVE/);
      expect(r.stdout).toMatch(/__libc_atexit/);
    });
  }
});
