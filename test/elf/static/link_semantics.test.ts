// The rules of a static link, each on a small real case, against ld.lld where it links:
// init/fini arrays sorted by priority, the largest COMMON wins, a weak undefined function
// is null, -fpie code's GOT loads are relaxed (REX_GOTPCRELX → lea, GOTTPOFF → mov $imm)
// or kept in a GOT; a COMDAT group is kept once (the first); and the errors: duplicate
// strong definitions name both objects, an undefined symbol names its referrer, a missing
// entry is reported. (-fpic TLS and its errors: tls_relaxation.test.ts.)

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkStatic } from '../../../src/link/elf/static/link_static.js';
import { compileMusl, execute, linkWithLld, linkWithZirc, MUSL_LIB, readelfAll, run, SOURCES } from './toolchain.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-static-rules-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const src = (name: string) => path.join(SOURCES, name);
const out = (name: string) => path.join(work, name);
const load = (files: string[]) => files.map((p) => ({ path: p, bytes: new Uint8Array(fs.readFileSync(p)) }));

function assemble(source: string, object: string): string {
  run('clang', ['-c', source, '-o', object]);
  return object;
}

describe('static link rules', () => {
  it('runs constructors by priority, keeps the largest COMMON, nulls a weak undefined, relaxes -fpie GOT and IE TLS', () => {
    const pr = compileMusl(src('priorities.c'), out('pr.o'), ['-fpie', '-fcommon']);
    const co = compileMusl(src('common_other.c'), out('co.o'), ['-fcommon']);
    const inputs = [`${MUSL_LIB}/crt1.o`, `${MUSL_LIB}/crti.o`, pr, co, `${MUSL_LIB}/libc.a`, `${MUSL_LIB}/crtn.o`];
    const mine = linkWithZirc(inputs, out('pr.zirc'));
    const ref = linkWithLld(inputs, out('pr.lld'));
    const a = execute(mine);
    expect(a).toEqual(execute(ref));
    expect(a.stdout).toBe('c101 c200 c300 cplain \nmain common=16 weak=absent ie=41\nie now 42\ndplain d150\n');
    const listing = readelfAll(mine);
    expect(listing.stderr).toBe('');
    expect(listing.stdout).toMatch(/ 64 OBJECT {2}GLOBAL DEFAULT +\d+ shared_common\n/);
    // The six REX_GOTPCRELX loads of `stdout` became `lea` and the GOTTPOFF load a `mov $imm`:
    // only the two weak undefined symbols (not_linked, and _DYNAMIC in musl's __init_tls) keep GOT slots.
    expect(listing.stdout).toMatch(/\.got +PROGBITS +[0-9a-f]+ [0-9a-f]+ 000010 /);
  });

  it('keeps the first copy of a COMDAT group', () => {
    const a = assemble(src('comdat_a.s'), out('ca.o'));
    const b = assemble(src('comdat_b.s'), out('cb.o'));
    const mine = linkWithZirc([a, b], out('comdat.zirc'));
    const r = execute(mine);
    expect(r.status).toBe(22); // 11 + 11: both calls reach comdat_a's `pick`
    expect(r).toEqual(execute(linkWithLld([a, b], out('comdat.lld'))));
  });

  it('reports two strong definitions naming both objects, and lets a strong one replace a weak one', () => {
    const a = compileMusl(src('dup_a.c'), out('dup_a.o'));
    const b = compileMusl(src('dup_b.c'), out('dup_b.o'));
    const r = linkStatic(load([a, b]));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([`duplicate symbol: twice\n>>> defined in ${a}\n>>> defined in ${b}`]);
  });

  it('reports an undefined symbol with the object that refers to it', () => {
    const o = compileMusl(src('needs_missing.c'), out('missing.o'));
    const r = linkStatic(load([o, `${MUSL_LIB}/libc.a`]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([`${o}: undefined symbol: nowhere_defined (referenced by _start)`]);
  });

  it('reports a missing entry symbol', () => {
    const o = compileMusl(src('dup_a.c'), out('noentry.o'));
    const r = linkStatic(load([o]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual(['entry symbol _start is not defined by any input']);
  });

  it('computes PC32, PC64, 32, 32S, SIZE32, SIZE64, TPOFF32, TPOFF64 and GOTPCREL (self-checking program)', () => {
    const o = out('relocs.o');
    run('clang', ['-c', '-Wa,-mrelax-relocations=no', src('relocs.s'), '-o', o]);
    const types = run('readelf', ['-rW', o]);
    for (const t of ['PC64', '32', '32S', 'SIZE32', 'SIZE64', 'TPOFF32', 'TPOFF64', 'GOTPCREL']) expect(types).toContain(`R_X86_64_${t} `);
    const r = execute(linkWithZirc([o], out('relocs.zirc')));
    expect(r.status).toBe(0);
    expect(readelfAll(out('relocs.zirc')).stderr).toBe('');
  });

  it('relaxes GOTPCRELX and REX_GOTPCRELX: mov → lea, call * → addr32 call, jmp * → jmp; nop', () => {
    const o = out('relocs_relaxed.o');
    run('clang', ['-c', src('relocs.s'), '-o', o]);
    const types = run('readelf', ['-rW', o]);
    expect(types).toContain('R_X86_64_REX_GOTPCRELX ');
    expect(types).toContain('R_X86_64_GOTPCRELX ');
    const exe = linkWithZirc([o], out('relocs_relaxed.zirc'));
    expect(execute(exe).status).toBe(0);
    const code = run('objdump', ['-d', exe]);
    expect(code).toMatch(/addr32 call/);
    expect(code).toMatch(/jmp +[0-9a-f]+ <tail>\n.*\tnop/);
    expect(code).not.toMatch(/\*0x[0-9a-f]+\(%rip\)/); // no indirect call or jump through the GOT is left
  });
});
