// The archive reader finds the members `ar t` lists and the symbol index `nm -s` prints, in
// musl's and glibc's static libc.a; every member is an object the object reader reads as
// readelf does; an archive without an index (`ar rcS`) gets the same symbol map as one
// with (`ar rcs`); BSD names are read; thin and malformed archives are ObjectFormatErrors.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ObjectFormatError, readArchive, readElfObject, SYM_UNDEF, STB_LOCAL, type Archive } from '../../../src/link/elf/input/index.js';
import { expectMatchesListing, readelfMemberListings, run } from './readelf_listing.js';

const MUSL = '/usr/lib/x86_64-linux-musl/libc.a';
const GLIBC = '/usr/lib/x86_64-linux-gnu/libc.a';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-elf-ar-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function load(file: string): Archive {
  return readArchive(file, new Uint8Array(fs.readFileSync(file)));
}

/** `nm -s`'s archive index: symbol → name of the first member listed for it. */
function nmIndex(file: string): Map<string, string> {
  const text = run('nm', ['-s', file]);
  const index = new Map<string, string>();
  const start = text.indexOf('Archive index:\n');
  if (start < 0) throw new Error(`nm -s printed no archive index for ${file}`);
  for (const line of text.slice(start + 15).split('\n')) {
    if (line === '') break;
    const m = / in (.*)$/.exec(line)!;
    const sym = line.slice(0, m.index);
    if (!index.has(sym)) index.set(sym, m[1]!);
  }
  return index;
}

function expectDefines(a: Archive, sym: string): void {
  const i = a.symbols.get(sym);
  expect(i, `${a.path}: ${sym} is in the symbol map`).toBeDefined();
  const m = a.members[i!]!;
  const obj = readElfObject(`${a.path}(${m.name})`, m.data);
  const s = obj.symbols.names.findIndex((n, k) => n === sym && obj.symbols.bind[k] !== STB_LOCAL && obj.symbols.shndx[k] !== SYM_UNDEF);
  expect(s, `${m.name} defines ${sym}`).toBeGreaterThan(0);
}

describe.each([['musl', MUSL], ['glibc', GLIBC]])('%s libc.a', (_, file) => {
  const archive = load(file);

  it('has the members ar t lists, in order', () => {
    expect(archive.members.map((m) => m.name)).toEqual(run('ar', ['t', file]).trimEnd().split('\n'));
    expect(archive.hadIndex).toBe(true);
  });

  it('has the symbol index nm -s prints', () => {
    const nm = nmIndex(file);
    const ours = new Map([...archive.symbols].map(([s, i]) => [s, archive.members[i]!.name]));
    expect(ours).toEqual(nm);
    for (const sym of ['printf', 'malloc', 'memcpy', 'exit', '__libc_start_main']) expectDefines(archive, sym);
  });

  it('has members that read exactly as readelf reads them', () => {
    const listings = readelfMemberListings(file);
    let relocs = 0;
    expect(listings.map(([name]) => name)).toEqual(archive.members.map((m) => m.name));
    for (let i = 0; i < listings.length; i++) {
      const [, listing] = listings[i]!;
      const m = archive.members[i]!;
      relocs += expectMatchesListing(readElfObject(`${file}(${m.name})`, m.data), listing, `${file}(${m.name})`);
    }
        expect(relocs).toBeGreaterThan(1000);
  }, 300_000);
});

describe('archives made here', () => {
  // Objects with long names (the `//` table), from musl's uniquely named members and our sources.
  const dir = path.join(work, 'objs');
  fs.mkdirSync(dir);
  const names = run('ar', ['t', MUSL]).trimEnd().split('\n');
  const unique = names.filter((n) => names.indexOf(n) === names.lastIndexOf(n)).slice(0, 150);
  run('ar', ['x', MUSL, ...unique], dir);
  run('clang', ['-c', '-O1', path.join(import.meta.dirname, 'sources', 'tls_common.c'), '-o', path.join(dir, 'a_rather_long_object_file_name_for_the_long_name_table.o')]);
  run('g++', ['-c', '-O1', path.join(import.meta.dirname, 'sources', 'comdat.cpp'), '-o', path.join(dir, 'comdat_with_a_long_name.o')]);
  const objs = [...unique, 'a_rather_long_object_file_name_for_the_long_name_table.o', 'comdat_with_a_long_name.o'];

  it('without an index (ar rcS) gives the same symbol map as with one (ar rcs)', () => {
    run('ar', ['rcs', path.join(work, 'with.a'), ...objs], dir);
    run('ar', ['rcS', path.join(work, 'without.a'), ...objs], dir);
    const withIndex = load(path.join(work, 'with.a'));
    const without = load(path.join(work, 'without.a'));
    expect(withIndex.hadIndex).toBe(true);
    expect(without.hadIndex).toBe(false);
    expect(without.members.map((m) => m.name)).toEqual(objs);
    expect(withIndex.members.map((m) => m.name)).toEqual(objs);
    expect(without.symbols).toEqual(withIndex.symbols);
    expect(withIndex.symbols.size).toBeGreaterThan(150);
    expectDefines(without, 'tls_counter');
  });

  it('reads BSD names (#1/len) and ignores a BSD __.SYMDEF index', () => {
    run('llvm-ar', ['--format=bsd', 'rcs', path.join(work, 'bsd.a'), ...objs], dir);
    const bsd = load(path.join(work, 'bsd.a'));
    const gnu = load(path.join(work, 'with.a'));
    expect(bsd.members.map((m) => m.name)).toEqual(objs);
    expect(bsd.members.map((m) => [...m.data])).toEqual(gnu.members.map((m) => [...m.data]));
    expect(bsd.symbols).toEqual(gnu.symbols);
  });

  it('rejects a thin archive with a clear error', () => {
    run('ar', ['rcT', path.join(work, 'thin.a'), ...objs.slice(0, 3)], dir);
    expect(() => load(path.join(work, 'thin.a'))).toThrow(/thin\.a: thin archives \(!<thin>\) are not supported/);
  });
});

describe('malformed archives', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const header = (name: string, size: number | string) => `${name.padEnd(16)}${'0'.padEnd(12)}${'0'.padEnd(6)}${'0'.padEnd(6)}${'644'.padEnd(8)}${String(size).padEnd(10)}\`\n`;
  const elf = fs.readFileSync(path.join(work, 'objs', 'a_rather_long_object_file_name_for_the_long_name_table.o')).toString('latin1');
  const ar = (...parts: string[]) => Uint8Array.from(('!<arch>\n' + parts.join('')).split(''), (c) => c.charCodeAt(0));

  function errorOf(bytes: Uint8Array): string {
    try {
      readArchive('lib.a', bytes);
    } catch (e) {
      expect(e).toBeInstanceOf(ObjectFormatError);
      return (e as Error).message;
    }
    throw new Error('the damaged archive was accepted');
  }

  it.each<[string, () => Uint8Array, RegExp]>([
    ['not an archive', () => enc('hello world, not ar'), /^lib\.a: not an archive: bad magic/],
    ['a cut header', () => ar('a.o/    '), /^lib\.a: member header at offset 0x8 is cut short \(8 of 60 bytes\)/],
    ['a bad header end', () => ar(header('a.o/', 2).slice(0, 58) + 'xx' + 'ab'), /^lib\.a: member header at offset 0x8 does not end with/],
    ['a bad size', () => ar(header('a.o/', '12z') + 'ab'), /^lib\.a: member header at offset 0x8: size field '12z' is not a decimal number/],
    ['a size past the end', () => ar(header('a.o/', 9999) + 'ab'), /^lib\.a: member 'a\.o\/' at offset 0x8: size 9999 runs past the end of the archive/],
    ['a long name without a table', () => ar(header('/4', 2) + 'ab'), /^lib\.a: member header at offset 0x8: name '\/4' refers to the long-name table, but there is none/],
    ['a long name out of the table', () => ar(header('//', 4) + 'x/\n\n' + header('/40', 2) + 'ab'), /^lib\.a: member header at offset 0x48: long name offset 40 is outside the long-name table \(4 bytes\)/],
    ['an index entry pointing nowhere', () => ar(header('/', 10) + '\0\0\0\x01\0\0\0\x09f\0' + header('a.o/', 2) + 'ab'), /^lib\.a: symbol index at offset 0x8: entry 0 points to offset 0x9, where no member starts/],
    ['an index with too many entries', () => ar(header('/', 8) + '\x7f\0\0\0\0\0\0\0'), /^lib\.a: symbol index at offset 0x8: 2130706432 entries do not fit in its 8 bytes/],
    ['a damaged member without an index', () => ar(header('a.o/', elf.length) + elf.slice(0, 200) + '\xff'.repeat(elf.length - 200)), /^lib\.a\(a\.o\) at offset 0x44: /],
  ])('%s', (_, make, message) => {
    expect(errorOf(make())).toMatch(message);
  });
});
