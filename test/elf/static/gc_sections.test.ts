// --gc-sections drops what nothing live reaches, as ld.lld does (with -z nostart-stop-gc:
// a __start_/__stop_ reference keeps the sections of that name, as GNU ld and glibc need):
// a musl program built -ffunction-sections -fdata-sections by clang and gcc loses its
// unused functions, data, rodata and thread-locals (nm), keeps what main reaches, its
// constructor, its retained function and its __start_/__stop_ section, links although a
// dead function calls an undefined symbol, and behaves like ld.lld's --gc-sections link;
// --print-gc-sections lists exactly the sections ld.lld removes. C++ programs on glibc
// (g++ and clang++ -static through zirc-ld) still throw and catch after the collection,
// their dead code's FDEs left out of .eh_frame_hdr as ld.lld leaves them out.
// bin/zirc-ld.js runs dist/: run `npm run build` first. A missing tool fails the test.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkStatic } from '../../../src/link/elf/static/link_static.js';
import { compileMusl, compileMuslWithGcc, execute, linkWithLld, linkWithZirc, MUSL_LIB, readelfAll, run, SOURCES } from './toolchain.js';

const root = path.join(import.meta.dirname, '..', '..', '..');
const zircLd = path.join(root, 'bin', 'zirc-ld.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-static-gc-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const out = (name: string) => path.join(work, name);
const musl = (obj: string) => [`${MUSL_LIB}/crt1.o`, `${MUSL_LIB}/crti.o`, obj, `${MUSL_LIB}/libc.a`, `${MUSL_LIB}/crtn.o`];
const SPLIT = ['-ffunction-sections', '-fdata-sections'];
const LLD_GC = ['--gc-sections', '-z', 'nostart-stop-gc'];

/** `nm` names of the program's own symbols (those gc_program.c defines). */
function programSymbols(file: string): string[] {
  return run('nm', [file]).split('\n').map((l) => l.split(' ')[2] ?? '')
    .filter((n) => /^(used_|unused_|retained_|item_)/.test(n)).sort();
}

describe('--gc-sections', () => {
  for (const compiler of ['clang', 'gcc'] as const) {
    it(`drops what a ${compiler} -ffunction-sections program does not reach, and runs as ld.lld's link`, () => {
      const compile = compiler === 'clang' ? compileMusl : compileMuslWithGcc;
      const obj = compile(path.join(SOURCES, 'gc_program.c'), out(`gc_${compiler}.o`), SPLIT);
      const mine = linkWithZirc(musl(obj), out(`gc_${compiler}.zirc`), { gcSections: true });
      const ref = linkWithLld(musl(obj), out(`gc_${compiler}.lld`), LLD_GC);
      const a = execute(mine, ['x']);
      expect(a).toEqual(execute(ref, ['x']));
      expect(a.stdout).toBe('middle=14 items=21 constructed=42\n');
      expect(programSymbols(mine)).toEqual(['item_first', 'item_second', 'retained_function', 'used_data', 'used_leaf', 'used_middle', 'used_tls']);
      expect(programSymbols(mine)).toEqual(programSymbols(ref));
      expect(run('readelf', ['-lW', mine])).toMatch(/ TLS +0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]+ 0x000004 0x000004 /); // unused_tls is gone
      const listing = readelfAll(mine);
      expect(listing.stderr).toBe('');
      expect(listing.stdout).not.toMatch(/warning/i);
      // Without the collection, the dead function's call to an undefined symbol is an error.
      const whole = linkStatic(musl(obj).map((p) => ({ path: p, bytes: new Uint8Array(fs.readFileSync(p)) })));
      expect(whole.ok).toBe(false);
      if (!whole.ok) expect(whole.errors).toEqual([`${obj}: undefined symbol: never_defined (referenced by unused_function)`]);
    });
  }

  it('keeps what -u and --defsym name, as ld.lld does', () => {
    const obj = compileMusl(path.join(SOURCES, 'gc_program.c'), out('roots.o'), SPLIT);
    const mine = linkWithZirc(musl(obj), out('roots.zirc'), {
      gcSections: true, undefinedSymbols: ['unused_leaf'], defsyms: [{ name: 'alias_of_data', kind: 'symbol', target: 'unused_data', addend: 0n }],
    });
    const ref = linkWithLld(musl(obj), out('roots.lld'), [...LLD_GC, '-u', 'unused_leaf', '--defsym=alias_of_data=unused_data']);
    expect(execute(mine)).toEqual(execute(ref));
    // unused_leaf brings unused_tls along; unused_function (and its undefined callee) stays out.
    expect(programSymbols(mine)).toEqual([...programSymbols(ref)]);
    expect(programSymbols(mine)).toEqual(expect.arrayContaining(['unused_data', 'unused_leaf', 'unused_tls']));
    expect(programSymbols(mine)).not.toContain('unused_function');
  });

  it('with -z start-stop-gc, lets __start_/__stop_ references go undefined, as ld.lld does', () => {
    const obj = compileMusl(path.join(SOURCES, 'gc_program.c'), out('startstop.o'), SPLIT);
    const mine = spawnSync(process.execPath, [zircLd, '-static', '--gc-sections', '-z', 'start-stop-gc', '-o', out('startstop.zirc'), ...musl(obj)], { encoding: 'utf8' });
    expect(mine.status).toBe(1);
    expect(mine.stderr).toContain(`zirc ld: error: ${obj}: undefined symbol: __start_gc_items`);
    const ref = spawnSync('ld.lld', ['-static', '--gc-sections', '-z', 'start-stop-gc', '-o', out('startstop.lld'), ...musl(obj)], { encoding: 'utf8' });
    expect(ref.status).toBe(1);
    expect(ref.stderr).toContain('undefined symbol: __start_gc_items');
  });

  it('--print-gc-sections on zirc-ld\'s command line lists the sections ld.lld removes', () => {
    const obj = compileMuslWithGcc(path.join(SOURCES, 'gc_program.c'), out('print.o'), SPLIT);
    const mine = spawnSync(process.execPath, [zircLd, '-static', '--gc-sections', '--print-gc-sections', '-o', out('print.zirc'), ...musl(obj)], { encoding: 'utf8' });
    expect(mine.status).toBe(0);
    const ref = spawnSync('ld.lld', ['-static', ...LLD_GC, '--print-gc-sections', '-o', out('print.lld'), ...musl(obj)], { encoding: 'utf8' });
    expect(ref.status).toBe(0);
    const lines = (s: string) => s.split('\n').filter((l) => l !== '').sort();
    expect(lines(mine.stdout)).toEqual(lines(ref.stdout));
    expect(mine.stdout).toContain(`removing unused section ${obj}:(.text.unused_function)`);
    expect(mine.stdout).toContain(`removing unused section ${obj}:(.tdata.unused_tls)`);
  });

  it('has a built zirc-ld (npm run build)', () => {
    expect(fs.existsSync(path.join(root, 'dist', 'cli', 'ld', 'ld_command.js'))).toBe(true);
  });

  for (const driver of ['g++', 'clang++'] as const) {
    it(`keeps a ${driver} -static C++ program on glibc throwing and catching after the collection`, () => {
      const obj = out(`exceptions_gc_${driver}.o`);
      run(driver, ['-c', '-O1', ...SPLIT, path.join(SOURCES, 'exceptions.cpp'), '-o', obj]);
      const bin = path.join(work, 'bin');
      fs.mkdirSync(bin, { recursive: true });
      fs.writeFileSync(path.join(bin, 'ld'), `#!/bin/sh\nexec "${process.execPath}" "${zircLd}" "$@"\n`, { mode: 0o755 });
      const through = driver === 'clang++' ? [`--ld-path=${zircLd}`] : ['-B', `${bin}/`];
      const flags = ['-Wl,--gc-sections', '-Wl,--eh-frame-hdr'];
      const mine = out(`exceptions_gc_${driver}.zirc`), ref = out(`exceptions_gc_${driver}.lld`);
      run(driver, ['-static', ...through, ...flags, obj, '-o', mine]);
      run(driver, ['-static', '-fuse-ld=lld', ...flags, obj, '-o', ref]);
      for (const args of [[], ['a'], ['a', 'b', 'c']]) {
        const a = execute(mine, args);
        expect(a).toEqual(execute(ref, args));
        expect(a.stdout).toContain('caught too deep: 3\n');
      }
      const ehFrameHdr = (file: string) => run('readelf', ['-lW', file]).split('\n').find((l) => l.includes('GNU_EH_FRAME'))!.trim().split(/\s+/)[4];
      expect(ehFrameHdr(mine)).toBe(ehFrameHdr(ref)); // as many live FDEs in the table as ld.lld keeps
      const frames = spawnSync('readelf', ['--debug-dump=frames', mine], { encoding: 'utf8', maxBuffer: 1 << 28 });
      expect(frames.stderr).toBe('');
    });
  }
});
