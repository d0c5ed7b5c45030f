// --build-id: a .note.gnu.build-id note in the read-only segment under a PT_NOTE, as ld.lld
// writes it, that readelf -n shows without a warning: sha1 and md5 are the digests of the
// output file with the descriptor zero (checked with node:crypto), fast is 8 bytes that
// follow the content (equal for equal links, different when an input changes), uuid is 16
// bytes that differ every link, 0xHEX the given bytes; bare --build-id is fast (ld.lld's
// default) through zirc-ld's command line; none adds nothing. The program still runs like
// ld.lld's link. bin/zirc-ld.js runs dist/: run `npm run build` first. A missing tool fails the test.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BuildIdStyle } from '../../../src/link/elf/static/link_static.js';
import { compileMusl, execute, linkWithLld, linkWithZirc, MUSL_LIB, run, sectionHeaders, SOURCES } from './toolchain.js';

const root = path.join(import.meta.dirname, '..', '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-static-buildid-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const out = (name: string) => path.join(work, name);

const hello = () => compileMusl(path.join(SOURCES, 'hello.c'), out('hello.o'));
const inputs = (obj: string) => [`${MUSL_LIB}/crt1.o`, `${MUSL_LIB}/crti.o`, obj, `${MUSL_LIB}/libc.a`, `${MUSL_LIB}/crtn.o`];

/** The build id readelf -n prints, failing on any warning. */
function buildIdOf(file: string): string | null {
  const r = run('readelf', ['-nW', file]);
  expect(r).not.toMatch(/warning/i);
  const m = /Build ID: ([0-9a-f]*)/.exec(r);
  return m ? m[1]! : null;
}

/** The file with its build-id descriptor zeroed, and where that descriptor is. */
function withZeroDescriptor(file: string): { bytes: Uint8Array; descriptor: Uint8Array } {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const note = sectionHeaders(bytes).find((s) => s.name === '.note.gnu.build-id')!;
  const size = new DataView(bytes.buffer).getUint32(note.offset + 4, true);
  const descriptor = bytes.slice(note.offset + 16, note.offset + 16 + size);
  bytes.fill(0, note.offset + 16, note.offset + 16 + size);
  return { bytes, descriptor };
}

const link = (name: string, style: BuildIdStyle, obj = hello()) => linkWithZirc(inputs(obj), out(name), { buildId: style });

describe('--build-id', () => {
  it('writes a sha1 or md5 of the whole output, in a NOTE segment, and the program runs as ld.lld\'s link', () => {
    for (const kind of ['sha1', 'md5'] as const) {
      const mine = link(`${kind}.zirc`, { kind });
      const { bytes, descriptor } = withZeroDescriptor(mine);
      expect(buildIdOf(mine)).toBe(createHash(kind).update(bytes).digest('hex'));
      expect(Buffer.from(descriptor).toString('hex')).toBe(buildIdOf(mine));
      const ref = linkWithLld(inputs(hello()), out(`${kind}.lld`), [`--build-id=${kind}`]);
      const b = execute(ref, ['x']);
      expect(execute(mine, ['x'])).toEqual({ ...b, stdout: b.stdout.replaceAll(ref, mine) });
      const phdrs = run('readelf', ['-lW', mine]);
      expect(phdrs).toMatch(/ NOTE +0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]+ 0x0000(24|20) 0x0000(24|20) R +0x4\n/);
      expect(phdrs).toMatch(/ 01 +\.note\.gnu\.build-id \.rodata/); // first in the read-only segment, as in ld.lld
    }
  });

  it('fast is 8 bytes that follow the content; uuid 16 that do not; 0xHEX the given bytes; none nothing', () => {
    const a = buildIdOf(link('fast1', { kind: 'fast' }));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(buildIdOf(link('fast2', { kind: 'fast' }))).toBe(a);
    const other = compileMusl(path.join(SOURCES, 'hello.c'), out('hello_g.o'), ['-fno-omit-frame-pointer']);
    expect(buildIdOf(link('fast3', { kind: 'fast' }, other))).not.toBe(a);
    const u1 = buildIdOf(link('uuid1', { kind: 'uuid' })), u2 = buildIdOf(link('uuid2', { kind: 'uuid' }));
    expect(u1).toMatch(/^[0-9a-f]{32}$/);
    expect(u1).not.toBe(u2);
    expect(buildIdOf(link('hex', { kind: 'hex', hex: 'deadbeef01' }))).toBe('deadbeef01');
    expect(buildIdOf(link('hex_odd', { kind: 'hex', hex: 'abc' }))).toBe('0abc');
    const none = link('none', { kind: 'none' });
    expect(buildIdOf(none)).toBeNull();
    expect(run('readelf', ['-lW', none])).not.toMatch(/ NOTE /);
  });

  it('takes bare --build-id on zirc-ld\'s command line as fast, and --build-id=sha1', () => {
    const obj = hello();
    const zircLd = (...args: string[]) => run(process.execPath, [path.join(root, 'bin', 'zirc-ld.js'), ...args]);
    zircLd('-static', '--build-id', '-o', out('cli_bare'), ...inputs(obj));
    zircLd('-static', '--build-id=fast', '-o', out('cli_fast'), ...inputs(obj));
    zircLd('-static', '--build-id=sha1', '-o', out('cli_sha1'), ...inputs(obj));
    expect(buildIdOf(out('cli_bare'))).toMatch(/^[0-9a-f]{16}$/);
    expect(buildIdOf(out('cli_bare'))).toBe(buildIdOf(out('cli_fast')));
    expect(buildIdOf(out('cli_sha1'))).toMatch(/^[0-9a-f]{40}$/);
  });
});
