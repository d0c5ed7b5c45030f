// -s/--strip-all leaves .symtab and .strtab out (nm finds no symbols, readelf reads the rest
// without a warning) and the program runs as ld.lld -s's link; -S/--strip-debug is
// accepted (the static linker never copies debug sections) and the output has no .debug_*
// section. Both through zirc-ld's command line. bin/zirc-ld.js runs dist/: run `npm run
// build` first. A missing tool fails the test.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileMusl, execute, linkWithLld, MUSL_LIB, readelfAll, run, SOURCES } from './toolchain.js';

const root = path.join(import.meta.dirname, '..', '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-static-strip-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const out = (name: string) => path.join(work, name);
const zircLd = (...args: string[]) => run(process.execPath, [path.join(root, 'bin', 'zirc-ld.js'), ...args]);

function inputs(): string[] {
  const obj = compileMusl(path.join(SOURCES, 'hello.c'), out('hello.o'), ['-g']);
  return [`${MUSL_LIB}/crt1.o`, `${MUSL_LIB}/crti.o`, obj, `${MUSL_LIB}/libc.a`, `${MUSL_LIB}/crtn.o`];
}

const sectionNames = (file: string) => [...run('readelf', ['-SW', file]).matchAll(/\] (\S+)/g)].map((m) => m[1]!);

describe('strip options', () => {
  for (const spelling of ['-s', '--strip-all']) {
    it(`${spelling} writes no .symtab or .strtab, and the program runs as ld.lld -s's link`, () => {
      const mine = out(`strip${spelling}`);
      zircLd('-static', spelling, '-o', mine, ...inputs());
      const names = sectionNames(mine);
      expect(names).not.toContain('.symtab');
      expect(names).not.toContain('.strtab');
      expect(names).toContain('.shstrtab');
      expect(names).toContain('.text');
      const nm = spawnSync('nm', [mine], { encoding: 'utf8' });
      expect(nm.stderr).toContain('no symbols');
      const listing = readelfAll(mine);
      expect(listing.stderr).toBe('');
      expect(listing.stdout).not.toMatch(/warning/i);
      const ref = linkWithLld(inputs(), out(`strip${spelling}.lld`), ['-s']);
      const b = execute(ref, ['a', 'b']);
      expect(execute(mine, ['a', 'b'])).toEqual({ ...b, stdout: b.stdout.replaceAll(ref, mine) });
    });
  }

  for (const spelling of ['-S', '--strip-debug']) {
    it(`accepts ${spelling}: the output keeps its symbols and has no debug sections`, () => {
      const mine = out(`debug${spelling}`);
      zircLd('-static', spelling, '-o', mine, ...inputs());
      const names = sectionNames(mine);
      expect(names).toContain('.symtab');
      expect(names.filter((n) => n.startsWith('.debug'))).toEqual([]);
      expect(run('nm', [mine])).toMatch(/ T main\n/);
      expect(execute(mine).status).toBe(execute(linkWithLld(inputs(), out(`debug${spelling}.lld`), ['-S'])).status);
    });
  }
});
