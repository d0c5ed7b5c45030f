// The -l search of a static link: libNAME.a in the -L directories in order, -l:FILE by
// exact name, no default directories, shared libraries never chosen (even after
// -Bdynamic), and an error listing where it looked.
import { describe, expect, it } from 'vitest';
import { parseLdArgs } from '../../../src/link/ld_args/parse_ld_args.js';
import { LdUsageError } from '../../../src/link/ld_args/plan.js';
import { resolveLibraries } from '../../../src/link/ld_args/resolve_libraries.js';
import { CAPTURED_LINK_LINES } from './captured_link_lines.js';

const existsIn = (...files: string[]) => {
  const set = new Set(files);
  return (p: string) => set.has(p);
};
const paths = (args: string[], exists: (p: string) => boolean) => resolveLibraries(parseLdArgs(args), exists).map((i) => i.resolvedPath);

describe('resolveLibraries', () => {
  it('takes the first libNAME.a in -L order and keeps file inputs as given', () => {
    const exists = existsIn('/b/libc.a', '/c/libc.a', '/a/libm.a');
    expect(paths(['-L/a', '-L', '/b', '-L/c/', 'x.o', '-lc', '-lm'], exists)).toEqual(['x.o', '/b/libc.a', '/a/libm.a']);
  });

  it('finds -l:FILE by its exact name', () => {
    expect(paths(['-L/a', '-L/b', '-l:libfoo.a', '-l:crt1.o'], existsIn('/b/libfoo.a', '/a/crt1.o'))).toEqual(['/b/libfoo.a', '/a/crt1.o']);
  });

  it('searches only the -L directories: none are added by default', () => {
    expect(() => paths(['-lc'], existsIn('/usr/lib/libc.a', '/lib/libc.a'))).toThrow('zirc ld: unable to find library -lc (no -L directories were given)');
  });

  it('takes the .a after -Bdynamic too, even where ld would take the .so in the same directory', () => {
    const exists = existsIn('/a/libz.so', '/a/libz.a');
    expect(paths(['-L/a', '-Bdynamic', '-lz'], exists)).toEqual(['/a/libz.a']);
    expect(paths(['-L/a', '-Bstatic', '-lz'], exists)).toEqual(['/a/libz.a']);
  });

  it('keeps the attributes of each input', () => {
    const [lib] = resolveLibraries(parseLdArgs(['-L/a', '--whole-archive', '-(', '-lc', '-)']), existsIn('/a/libc.a'));
    expect(lib).toMatchObject({ kind: 'library', name: 'c', wholeArchive: true, groupId: 1, resolvedPath: '/a/libc.a' });
  });

  it('fails with the library and every place it looked', () => {
    let error: unknown;
    try {
      paths(['-L/a', '-L/b', '-lfoo'], existsIn());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LdUsageError);
    expect((error as LdUsageError).option).toBe('-lfoo');
    expect((error as LdUsageError).message).toBe('zirc ld: unable to find library -lfoo (looked for libfoo.a in: /a, /b)');
    expect(() => paths(['-L/a', '-l:x.a'], existsIn())).toThrow('zirc ld: unable to find library -l:x.a (looked for x.a in: /a)');
  });

  it('says when only a shared library exists', () => {
    expect(() => paths(['-L/a', '-L/b', '-lssl'], existsIn('/b/libssl.so'))).toThrow(
      'zirc ld: unable to find library -lssl (looked for libssl.a in: /a, /b); found only the shared library /b/libssl.so, and zirc ld links static archives only',
    );
  });

  it("resolves gcc -static's libraries from its own -L list", () => {
    const exists = existsIn(
      '/usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a',
      '/usr/lib/gcc/x86_64-linux-gnu/12/libgcc_eh.a',
      '/usr/lib/x86_64-linux-gnu/libc.a',
      '/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/libc.a',
    );
    const resolved = resolveLibraries(parseLdArgs(CAPTURED_LINK_LINES.gcc_static!.argv), exists);
    expect(resolved.filter((i) => i.kind === 'library').map((i) => i.resolvedPath)).toEqual([
      '/usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a',
      '/usr/lib/gcc/x86_64-linux-gnu/12/libgcc_eh.a',
      '/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/libc.a',
    ]);
  });
});
