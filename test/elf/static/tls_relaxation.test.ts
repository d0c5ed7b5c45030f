// General- and local-dynamic TLS from -fpic code, relaxed to local-exec in a static link as
// ld.lld does: a threaded musl program whose TLS accesses were compiled -fPIC, -fpie and
// -fPIC -fno-plt (and gcc's -mtls-dialect=gnu2 descriptors) by clang and gcc at -O0..-O2
// behaves exactly like ld.lld's link of the same objects; the relaxed instructions are
// the ones ld.lld writes (objdump), and no call to __tls_get_addr is left; DTPOFF32/64 hold
// thread-pointer offsets; an instruction sequence that is not the psABI's is an error
// naming object, section, offset and type, never wrong code. A missing tool fails the test.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkStatic } from '../../../src/link/elf/static/link_static.js';
import { compileMusl, compileMuslWithGcc, execute, linkWithLld, linkWithZirc, MUSL_LIB, readelfAll, run, SOURCES } from './toolchain.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-static-tls-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const src = (name: string) => path.join(SOURCES, name);
const out = (name: string) => path.join(work, name);
const load = (files: string[]) => files.map((p) => ({ path: p, bytes: new Uint8Array(fs.readFileSync(p)) }));
const musl = (objects: string[]) => [`${MUSL_LIB}/crt1.o`, `${MUSL_LIB}/crti.o`, ...objects, `${MUSL_LIB}/libc.a`, `${MUSL_LIB}/crtn.o`];

/** The instructions of `fn` in `file`, without addresses, encodings or comments. */
function disassemble(file: string, fn: string): string {
  const listing = run('objdump', ['-d', '--no-addresses', '--no-show-raw-insn', file]);
  const start = listing.indexOf(`<${fn}>:`);
  expect(start).toBeGreaterThanOrEqual(0);
  return listing.slice(start, listing.indexOf('\n\n', start)).replace(/\s*#.*$/gm, '');
}

const main = () => compileMusl(src('tls_dynamic_main.c'), out('tls_main.o'));
const FLAGS: ReadonlyArray<readonly string[]> = [['-fPIC'], ['-fpie'], ['-fPIC', '-fno-plt']];

describe('TLS relaxation of -fpic code in a static link', () => {
  for (const compiler of ['clang', 'gcc'] as const) {
    for (const level of ['-O0', '-O1', '-O2']) {
      for (const flags of FLAGS) {
        const name = `${compiler}${level}${flags.join('')}`;
        it(`links ${compiler} ${level} ${flags.join(' ')} TLS accesses that behave as ld.lld's link`, () => {
          const compile = compiler === 'clang' ? compileMusl : compileMuslWithGcc;
          const lib = compile(src('tls_dynamic_lib.c'), out(`${name}.o`), [level, ...flags]);
          const relocs = run('readelf', ['-rW', lib]);
          // gcc -O0 reaches even static thread-locals through TLSGD; otherwise they are TLSLD + DTPOFF32.
          const kinds = flags[0] !== '-fPIC' ? [] : compiler === 'gcc' && level === '-O0' ? ['TLSGD'] : ['TLSGD', 'TLSLD', 'DTPOFF32'];
          for (const t of kinds) expect(relocs).toContain(`R_X86_64_${t} `);
          const inputs = musl([main(), lib]);
          const mine = linkWithZirc(inputs, out(`${name}.zirc`));
          const ref = linkWithLld(inputs, out(`${name}.lld`));
          const a = execute(mine);
          expect(a).toEqual(execute(ref));
          expect(a.stdout).toContain('distinct=1\n');
          expect(a.stdout).toContain('t3 r=');
          expect(readelfAll(mine).stderr).toBe('');
          for (const fn of ['bump', 'tls_name', 'init_address']) expect(disassemble(mine, fn)).toBe(disassemble(ref, fn));
        });
      }
    }
  }

  it('writes ld.lld\'s local-exec sequences and leaves no call to __tls_get_addr (objdump)', () => {
    const lib = compileMusl(src('tls_dynamic_lib.c'), out('bytes.o'), ['-O2', '-fPIC']);
    const noplt = compileMusl(src('tls_dynamic_lib.c'), out('bytes_noplt.o'), ['-O2', '-fPIC', '-fno-plt']);
    for (const [object, ldPrefix] of [[lib, '66 66 66'], [noplt, '66 66 66 66']] as const) {
      const exe = linkWithZirc(musl([main(), object]), out(`${path.basename(object)}.zirc`));
      const code = run('objdump', ['-d', '--insn-width=16', exe]);
      const bump = code.slice(code.indexOf('<bump>:'), code.indexOf('\n\n', code.indexOf('<bump>:')));
      // GD → LE: mov %fs:0,%rax; lea x@tpoff(%rax),%rax (16 bytes, as the two instructions it replaces).
      expect(bump).toMatch(/64 48 8b 04 25 00 00 00 00\s+mov\s+%fs:0x0,%rax\n.*48 8d 80 [0-9a-f]{2} [0-9a-f]{2} ff ff\s+lea\s+-0x[0-9a-f]+\(%rax\),%rax/);
      // LD → LE: mov %fs:0,%rax behind data16 prefixes, as long as the lea and the call.
      expect(bump).toContain(`${ldPrefix} 64 48 8b`);
      expect(bump).not.toMatch(/call/);
      expect(code).not.toMatch(/call.*__tls_get_addr/);
    }
  });

  it('relaxes gcc\'s TLS descriptors (-mtls-dialect=gnu2) to mov $tpoff and a 2-byte nop', () => {
    const lib = compileMuslWithGcc(src('tls_dynamic_lib.c'), out('gnu2.o'), ['-O2', '-fPIC', '-mtls-dialect=gnu2']);
    const relocs = run('readelf', ['-rW', lib]);
    for (const t of ['GOTPC32_TLSDESC', 'TLSDESC_CALL']) expect(relocs).toContain(`R_X86_64_${t} `);
    const inputs = musl([main(), lib]);
    const mine = linkWithZirc(inputs, out('gnu2.zirc'));
    const ref = linkWithLld(inputs, out('gnu2.lld'));
    expect(execute(mine)).toEqual(execute(ref));
    const code = disassemble(mine, 'bump');
    expect(code).toBe(disassemble(ref, 'bump'));
    expect(code).toMatch(/mov\s+\$0x0,%rax\n/); // _TLS_MODULE_BASE_ sits at the thread pointer
    expect(code).toMatch(/xchg\s+%ax,%ax\n/);
    expect(code).not.toMatch(/call/);
  });

  it('turns DTPOFF64 and DTPOFF32 into thread-pointer offsets, as ld.lld does', () => {
    const o = out('dtpoff.o');
    run('clang', ['-c', src('tls_dtpoff.s'), '-o', o]);
    const data = (file: string) => run('objdump', ['-s', '-j', '.data', file]).split('\n').filter((l) => /^ [0-9a-f]+ /.test(l)).map((l) => l.slice(l.indexOf(' ', 1) + 1, 45));
    const mine = linkWithZirc([o], out('dtpoff.zirc'));
    expect(data(mine)).toEqual(data(linkWithLld([o], out('dtpoff.lld'))));
    expect(data(mine)[0]).toMatch(/^d0ffffff ffffffff e4ffffff ffffffff/);
  });

  it('refuses a TLSGD or TLSLD relocation outside the psABI sequence, naming object, section, offset and type', () => {
    const bad = out('bad.o');
    run('clang', ['-c', src('tls_bad_sequence.s'), '-o', bad]);
    const r = linkStatic(load([bad]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([`${bad}:(.text+0x5): R_X86_64_TLSGD against x: cannot relax to local-exec: expected \`data16 lea x@tlsgd(%rip),%rdi\``]);
    const noCall = out('ld_no_call.o');
    run('clang', ['-c', src('tls_ld_no_call.s'), '-o', noCall]);
    const r2 = linkStatic(load([noCall]));
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.errors).toEqual([`${noCall}:(.text+0x3): R_X86_64_TLSLD against x: cannot relax to local-exec: expected \`call __tls_get_addr@PLT\` or \`call *__tls_get_addr@GOTPCREL(%rip)\` after the lea`]);
  });

  it('needs no __tls_get_addr for the calls it relaxes away, and reports any other call to it', () => {
    const o = out('get_addr.o');
    run('clang', ['-c', src('tls_get_addr_call.s'), '-o', o]);
    const r = linkStatic(load([o]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([`${o}:(.text+0x11): undefined symbol: __tls_get_addr (not a call a TLS relaxation removes)`]);
    const relaxedOnly = out('gd_no_libc.o');
    run('clang', ['-c', src('tls_gd_no_libc.s'), '-o', relaxedOnly]);
    const exe = linkWithZirc([relaxedOnly], out('gd_no_libc.zirc'));
    expect(run('objdump', ['-d', '--insn-width=16', exe])).toMatch(/mov +%fs:0x0,%rax\n.*lea +-0x4\(%rax\),%rax/);
    linkWithLld([relaxedOnly], out('gd_no_libc.lld')); // ld.lld links it too
  });

  it('refuses gcc\'s large-model TLS calls (movabs __tls_get_addr@PLTOFF) instead of miscompiling them', () => {
    const lib = compileMuslWithGcc(src('tls_dynamic_lib.c'), out('large.o'), ['-O2', '-fPIC', '-mcmodel=large']);
    const r = linkStatic(load(musl([main(), lib])));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.some((e) => e.startsWith(`${lib}:(.text+0x`) && e.includes(': R_X86_64_TLSGD against shared_counter: cannot relax to local-exec'))).toBe(true);
  });
});
