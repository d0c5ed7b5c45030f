// --eh-frame-hdr: the .eh_frame_hdr table and its PT_GNU_EH_FRAME segment, as ld.lld
// builds them. A musl program that unwinds itself with libgcc_eh finds its frames only
// through that table (nothing registers them), and behaves like ld.lld's link — and aborts
// in both links without it. The header reads as version 1 with ld.lld's encodings, one
// entry per FDE (as many as ld.lld's), sorted, each naming an FDE of .eh_frame; readelf
// reads the frames without a warning. C++ programs linked against glibc through the
// drivers (clang++ passes --eh-frame-hdr itself; g++ -static does not, so it is given)
// throw and catch exactly like their ld.lld links. An FDE encoding the table cannot be
// built from is an error naming object and record. bin/zirc-ld.js runs dist/: run `npm run
// build` first. A missing tool fails the test.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkStatic } from '../../../src/link/elf/static/link_static.js';
import { compileMusl, execute, linkWithLld, linkWithZirc, MUSL_LIB, readelfAll, run, sectionHeaders, SOURCES } from './toolchain.js';

const root = path.join(import.meta.dirname, '..', '..', '..');
const zircLd = path.join(root, 'bin', 'zirc-ld.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-static-ehhdr-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const out = (name: string) => path.join(work, name);

function backtraceInputs(): string[] {
  const obj = compileMusl(path.join(SOURCES, 'backtrace_via_hdr.c'), out('bt.o'), ['-funwind-tables']);
  const gccLib = path.dirname(run('gcc', ['-print-libgcc-file-name']).trim());
  return [`${MUSL_LIB}/crt1.o`, `${MUSL_LIB}/crti.o`, obj, `${gccLib}/libgcc_eh.a`, `${gccLib}/libgcc.a`, `${MUSL_LIB}/libc.a`, `${MUSL_LIB}/crtn.o`];
}

interface HeaderTable { version: number; encodings: number[]; ehFramePtr: number; entries: Array<[number, number]> }

/** Decodes `.eh_frame_hdr` of `file` (its layout is what --eh-frame-hdr promises: pcrel/udata4/datarel sdata4). */
function readHeader(file: string): { table: HeaderTable; ehFrame: { addr: number; size: number } } {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const sections = sectionHeaders(bytes);
  const hdr = sections.find((s) => s.name === '.eh_frame_hdr')!;
  const ehFrame = sections.find((s) => s.name === '.eh_frame')!;
  const view = new DataView(bytes.buffer, hdr.offset, hdr.size);
  const count = view.getUint32(8, true);
  const entries = Array.from({ length: count }, (_, i): [number, number] => [hdr.addr + view.getInt32(12 + 8 * i, true), hdr.addr + view.getInt32(16 + 8 * i, true)]);
  return {
    table: { version: bytes[hdr.offset]!, encodings: [...bytes.subarray(hdr.offset + 1, hdr.offset + 4)], ehFramePtr: hdr.addr + 4 + view.getInt32(4, true), entries },
    ehFrame,
  };
}

const segment = (file: string, type: string) => run('readelf', ['-lW', file]).split('\n').find((l) => l.trim().startsWith(`${type} `));
/** FDEs readelf finds in `.eh_frame` (ld.lld also keeps `.debug_frame`, which readelf lists after it). */
const fdeCount = (file: string) => {
  const frames = run('readelf', ['--debug-dump=frames', file]);
  const ehFrame = frames.slice(frames.indexOf('Contents of the .eh_frame section'));
  const end = ehFrame.indexOf('Contents of the .debug_frame section');
  return ((end < 0 ? ehFrame : ehFrame.slice(0, end)).match(/ FDE cie=/g) ?? []).length;
};

describe('--eh-frame-hdr', () => {
  it('lets libgcc_eh unwind a musl program through PT_GNU_EH_FRAME, as ld.lld\'s link does', () => {
    const inputs = backtraceInputs();
    const mine = linkWithZirc(inputs, out('bt.zirc'), { ehFrameHdr: true });
    const ref = linkWithLld(inputs, out('bt.lld'), ['--eh-frame-hdr']);
    const a = execute(mine, ['x']);
    expect(a).toEqual(execute(ref, ['x']));
    expect(a.stdout).toBe('frames=5 r=12\n');
    // Without the table neither link's unwinder finds a frame.
    expect(execute(linkWithZirc(inputs, out('bt_nohdr.zirc'))).signal).toBe('SIGABRT');
    expect(execute(linkWithLld(inputs, out('bt_nohdr.lld'))).signal).toBe('SIGABRT');
  });

  it('writes a sorted table with one entry per FDE of .eh_frame, and a PT_GNU_EH_FRAME over it', () => {
    const inputs = backtraceInputs();
    const mine = linkWithZirc(inputs, out('table.zirc'), { ehFrameHdr: true });
    const ref = linkWithLld(inputs, out('table.lld'), ['--eh-frame-hdr']);
    const listing = readelfAll(mine);
    expect(listing.stderr).toBe('');
    expect(listing.stdout).not.toMatch(/warning/i);
    const { table, ehFrame } = readHeader(mine);
    const lld = readHeader(ref).table;
    expect({ version: table.version, encodings: table.encodings }).toEqual({ version: 1, encodings: [0x1b, 0x03, 0x3b] });
    expect(table.ehFramePtr).toBe(ehFrame.addr);
    expect(table.entries.length).toBe(lld.entries.length);
    expect(table.entries.length).toBe(fdeCount(mine));
    expect(fdeCount(mine)).toBe(fdeCount(ref));
    for (let i = 1; i < table.entries.length; i++) expect(table.entries[i]![0]).toBeGreaterThan(table.entries[i - 1]![0]);
    for (const [, fde] of table.entries) expect(fde >= ehFrame.addr && fde < ehFrame.addr + ehFrame.size).toBe(true);
    // The same functions, in the same order, as ld.lld's table (addresses differ with the layout).
    const symbolAt = (file: string) => {
      const names = new Map<number, string>();
      for (const l of run('nm', [file]).split('\n')) { const [v, , n] = l.split(' '); if (n) names.set(parseInt(v!, 16), n); }
      return (pc: number) => names.get(pc) ?? '?';
    };
    const mineNames = table.entries.map(([pc]) => symbolAt(mine)(pc)).filter((n) => n !== '?');
    const lldNames = lld.entries.map(([pc]) => symbolAt(ref)(pc)).filter((n) => n !== '?');
    expect(new Set(mineNames)).toEqual(new Set(lldNames));
    const mineSeg = segment(mine, 'GNU_EH_FRAME')!.trim().split(/\s+/), lldSeg = segment(ref, 'GNU_EH_FRAME')!.trim().split(/\s+/);
    expect([mineSeg[4], mineSeg[5], mineSeg[6], mineSeg[7]]).toEqual([lldSeg[4], lldSeg[5], lldSeg[6], lldSeg[7]]); // sizes, flags, alignment
  });

  it('refuses an FDE pointer encoding it cannot build the table from, naming object and record', () => {
    const o = out('bad_encoding.o');
    run('clang', ['-c', path.join(SOURCES, 'eh_frame_bad_encoding.s'), '-o', o]);
    const r = linkStatic([{ path: o, bytes: new Uint8Array(fs.readFileSync(o)) }], { ehFrameHdr: true });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([`${o}:(.eh_frame+0x0): cannot read .eh_frame: FDE pointer encoding 0x3b is not supported`]);
  });

  it('has a built zirc-ld (npm run build)', () => {
    expect(fs.existsSync(path.join(root, 'dist', 'cli', 'ld', 'ld_command.js'))).toBe(true);
  });

  const ARGS = [[], ['a'], ['a', 'b', 'c']];
  for (const driver of ['clang++', 'g++'] as const) {
    it(`links a glibc C++ program for ${driver} -static that throws and catches like its ld.lld link`, () => {
      const obj = out(`exceptions_${driver}.o`);
      run(driver, ['-c', '-O1', path.join(SOURCES, 'exceptions.cpp'), '-o', obj]);
      const bin = path.join(work, 'bin');
      fs.mkdirSync(bin, { recursive: true });
      fs.writeFileSync(path.join(bin, 'ld'), `#!/bin/sh\nexec "${process.execPath}" "${zircLd}" "$@"\n`, { mode: 0o755 });
      const through = driver === 'clang++' ? [`--ld-path=${zircLd}`] : ['-B', `${bin}/`, '-Wl,--eh-frame-hdr'];
      const mine = out(`exceptions_${driver}.zirc`), ref = out(`exceptions_${driver}.lld`);
      run(driver, ['-static', ...through, obj, '-o', mine]);
      run(driver, ['-static', '-fuse-ld=lld', ...(driver === 'g++' ? ['-Wl,--eh-frame-hdr'] : []), obj, '-o', ref]);
      for (const args of ARGS) {
        const a = execute(mine, args);
        expect(a).toEqual(execute(ref, args));
        expect(a.stdout).toContain('caught too deep: 3\n');
        expect(a.stdout).toContain(`total ${148 + (args.length >= 1 ? 100 : 0) + (args.length >= 3 ? 200 : 0)}`);
      }
      expect(segment(mine, 'GNU_EH_FRAME')).toBeDefined();
      expect(fdeCount(mine)).toBeGreaterThan(1000);
      const r = readelfAll(mine);
      expect(r.stderr).toBe('');
    });
  }
});
