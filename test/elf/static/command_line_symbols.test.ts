// The command line's say in what is linked, each against ld.lld on the same inputs:
// `--whole-archive` links an archive member nothing refers to (its constructor runs; without
// the option it does not), `-u SYM` pulls the member defining SYM (and keeps the symbol),
// `--defsym` gives an absolute value, an alias of a variable, an alias plus an offset, a
// function alias whose target only an archive member defines, and replaces an input's
// definition; a `--defsym` to a symbol nobody defines is an error, a lone `-u` is not.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkStaticFiles, type LinkFile } from '../../../src/node/link/elf/static/link_files.js';
import type { StaticLinkOptions } from '../../../src/link/elf/static/link_static.js';
import { compileMusl, execute, MUSL_LIB, readelfAll, run } from './toolchain.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-static-cmdline-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const out = (name: string) => path.join(work, name);

function compile(name: string, source: string): string {
  fs.writeFileSync(out(`${name}.c`), source);
  return compileMusl(out(`${name}.c`), out(`${name}.o`));
}

function archive(name: string, members: string[]): string {
  const file = out(name);
  fs.rmSync(file, { force: true });
  run('llvm-ar', ['rcs', file, ...members]);
  return file;
}

const CTOR_A = `#include <stdio.h>
__attribute__((constructor)) static void a_ctor(void) { puts("ctor a"); }
int a_marker = 1;
`;
const CTOR_B = `#include <stdio.h>
__attribute__((constructor)) static void b_ctor(void) { puts("ctor b"); }
void b_func(void) {}
`;
const MAIN = `#include <stdio.h>
int main(void) { puts("main"); return 0; }
`;

/** crt1, crti, the objects, then the archive (or `--whole-archive` archive), libc, crtn. */
function muslLink(objects: string[], lib: string, whole: boolean): { zirc: LinkFile[]; lld: string[] } {
  const head = [`${MUSL_LIB}/crt1.o`, `${MUSL_LIB}/crti.o`, ...objects];
  const tail = [`${MUSL_LIB}/libc.a`, `${MUSL_LIB}/crtn.o`];
  return {
    zirc: [...head, { path: lib, wholeArchive: whole }, ...tail],
    lld: [...head, ...(whole ? ['--whole-archive', lib, '--no-whole-archive'] : [lib]), ...tail],
  };
}

function linkBoth(name: string, files: { zirc: LinkFile[]; lld: string[] }, options: StaticLinkOptions, lldFlags: string[]) {
  const mine = out(`${name}.zirc`);
  const r = linkStaticFiles(files.zirc, mine, options);
  if (!r.ok) throw new Error(`zirc static link failed:\n${r.errors.join('\n')}`);
  const ref = out(`${name}.lld`);
  run('ld.lld', ['-static', ...lldFlags, '-o', ref, ...files.lld]);
  return { mine, ref };
}

describe('command-line symbols and --whole-archive', () => {
  const a = compile('ctor_a', CTOR_A);
  const b = compile('ctor_b', CTOR_B);
  const main = compile('main', MAIN);
  const lib = archive('libctors.a', [a, b]);

  it('--whole-archive links every member, so an unreferenced constructor runs, as with ld.lld', () => {
    const { mine, ref } = linkBoth('whole', muslLink([main], lib, true), {}, []);
    const r = execute(mine);
    expect(r.stdout).toBe('ctor a\nctor b\nmain\n');
    expect(r).toEqual(execute(ref));
  });

  it('without --whole-archive no member is pulled and no constructor runs', () => {
    const { mine, ref } = linkBoth('lazy', muslLink([main], lib, false), {}, []);
    const r = execute(mine);
    expect(r.stdout).toBe('main\n');
    expect(r).toEqual(execute(ref));
  });

  it('-u SYM pulls the member defining SYM (its constructor runs) and keeps the symbol', () => {
    const { mine, ref } = linkBoth('undef', muslLink([main], lib, false), { undefinedSymbols: ['b_func'] }, ['-u', 'b_func']);
    const r = execute(mine);
    expect(r.stdout).toBe('ctor b\nmain\n');
    expect(r).toEqual(execute(ref));
    expect(readelfAll(mine).stdout).toMatch(/ FUNC +GLOBAL DEFAULT +\d+ b_func\n/);
  });

  it('a -u symbol nobody defines is not an error, as in ld.lld', () => {
    const { mine, ref } = linkBoth('undef_none', muslLink([main], lib, false), { undefinedSymbols: ['nobody_defines_this'] }, ['-u', 'nobody_defines_this']);
    expect(execute(mine)).toEqual(execute(ref));
  });

  it('--defsym defines absolute values and aliases (plus an offset, of an archive-only function, over an input definition)', () => {
    const reader = compile('defsym_main', `#include <stdio.h>
extern char abs_value[];
extern int real_counter, counter_alias, overridden;
extern char past_counter[];
extern int twice(int);
int main(void) {
  printf("abs=%#lx alias=%d offset=%ld twice=%d overridden=%d\\n", (unsigned long)abs_value, counter_alias,
         (long)(past_counter - (char *)&real_counter), twice(21), overridden);
  counter_alias = 7;
  printf("counter=%d\\n", real_counter);
  return 0;
}
`);
    const defs = compile('defsym_defs', 'int real_counter = 42;\nint overridden = 1;\n');
    const doubler = archive('libdoubler.a', [compile('doubler', 'int doubler(int x) { return 2 * x; }\n')]);
    const defsyms = [
      { name: 'abs_value', kind: 'absolute' as const, value: 0x1234n },
      { name: 'counter_alias', kind: 'symbol' as const, target: 'real_counter', addend: 0n },
      { name: 'past_counter', kind: 'symbol' as const, target: 'real_counter', addend: 4n },
      { name: 'twice', kind: 'symbol' as const, target: 'doubler', addend: 0n },
      { name: 'overridden', kind: 'symbol' as const, target: 'real_counter', addend: 0n },
    ];
    const flags = ['--defsym=abs_value=0x1234', '--defsym=counter_alias=real_counter', '--defsym=past_counter=real_counter+4',
      '--defsym=twice=doubler', '--defsym=overridden=real_counter'];
    const { mine, ref } = linkBoth('defsym', muslLink([reader, defs], doubler, false), { defsyms }, flags);
    const r = execute(mine);
    expect(r.stdout).toBe('abs=0x1234 alias=42 offset=4 twice=42 overridden=42\ncounter=7\n');
    expect(r).toEqual(execute(ref));
    const symtab = readelfAll(mine).stdout;
    expect(symtab).toMatch(/: 0000000000001234 +0 NOTYPE +GLOBAL DEFAULT +ABS abs_value\n/);
    expect(symtab).toMatch(/ OBJECT +GLOBAL DEFAULT +\d+ counter_alias\n/);
  });

  it('a --defsym to a symbol nobody defines is an error, as in ld.lld', () => {
    const r = linkStaticFiles(muslLink([main], lib, false).zirc, out('defsym_missing'), {
      defsyms: [{ name: 'x', kind: 'symbol', target: 'nowhere', addend: 0n }],
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual(['--defsym: symbol not found: nowhere (in the definition of x)']);
    expect(fs.existsSync(out('defsym_missing'))).toBe(false);
  });
});
