// Archives of wasm objects: wasi-libc's libc.a and compiler-rt's builtins have the
// members `ar t` lists and the index `nm -s` prints, and every member reads without error
// exactly as llvm-readobj and wasm-objdump list it; an archive made without an index
// (`ar rcS`) gets the same symbol map from the members' wasm symbols as llvm-ar's index;
// a member that is not a wasm object is reported by archive and member name.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ObjectFormatError, readWasmArchive, readWasmMember, type Archive } from '../../../src/link/wasm/input/index.js';
import { expectMatchesObjdump, expectMatchesReadobj, objdumpListings, readobjListings, run } from './tool_listings.js';

const LIBC = '/usr/lib/wasm32-wasi/libc.a';
const BUILTINS_DIR = fs.readdirSync('/usr/lib/llvm-14/lib/clang').map((v) => `/usr/lib/llvm-14/lib/clang/${v}/lib/wasi`).find((d) => fs.existsSync(d));
const BUILTINS = `${BUILTINS_DIR}/libclang_rt.builtins-wasm32.a`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-wasm-ar-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function load(file: string): Archive {
  return readWasmArchive(file, new Uint8Array(fs.readFileSync(file)));
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

/** Writes each member to its own file (names may repeat in an archive), in order. */
function extract(a: Archive, dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return a.members.map((m, i) => {
    const file = path.join(dir, `${String(i).padStart(4, '0')}_${m.name}`);
    fs.writeFileSync(file, m.data);
    return file;
  });
}

describe.each([['wasi-libc', LIBC], ['compiler-rt builtins', BUILTINS]])('%s', (label, file) => {
  const archive = load(file);

  it('has the members ar t lists, in order, and its own index', () => {
    expect(archive.members.map((m) => m.name)).toEqual(run('ar', ['t', file]).trimEnd().split('\n'));
    expect(archive.hadIndex).toBe(true);
  });

  it('has the symbol index nm -s prints', () => {
    const ours = new Map([...archive.symbols].map(([s, i]) => [s, archive.members[i]!.name]));
    expect(ours).toEqual(nmIndex(file));
  });

  it('has members that all read as llvm-readobj lists them', () => {
    const listings = readobjListings(file);
    expect(listings.map((l) => l.file)).toEqual(archive.members.map((m) => `${file}(${m.name})`));
    let relocations = 0;
    for (let i = 0; i < archive.members.length; i++) relocations += expectMatchesReadobj(readWasmMember(archive, i), listings[i]!);
    expect(relocations).toBeGreaterThan(label === 'wasi-libc' ? 40_000 : 1000);
  }, 300_000);

  it('has members that all read as wasm-objdump lists them', () => {
    const files = extract(archive, path.join(work, label));
    for (let from = 0; from < files.length; from += 100) {
      const listings = objdumpListings(files.slice(from, from + 100));
      listings.forEach((l, k) => expectMatchesObjdump(readWasmMember(archive, from + k), l));
    }
  }, 300_000);

  it('builds, for a copy without an index, the symbol map llvm-ar indexes', () => {
    const files = extract(archive, path.join(work, `${label}-again`));
    const noIndex = path.join(work, `${label}-no-index.a`);
    const withIndex = path.join(work, `${label}-with-index.a`);
    run('ar', ['rcS', noIndex, ...files]);
    run('llvm-ar', ['rcs', withIndex, ...files]);
    const built = load(noIndex);
    const indexed = load(withIndex);
    expect(built.hadIndex).toBe(false);
    expect(indexed.hadIndex).toBe(true);
    const named = (a: Archive) => new Map([...a.symbols].map(([s, i]) => [s, a.members[i]!.name]));
    expect(named(built)).toEqual(named(indexed));
    expect(built.symbols.size).toBeGreaterThan(100);
  }, 300_000);
});

describe('archive members that are not wasm objects', () => {
  it('are reported by archive and member name', () => {
    const dir = path.join(work, 'mixed');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not an object\n');
    run('clang', ['-c', '-x', 'c', '-', '-o', path.join(dir, 'native.o')], dir);
    run('clang', ['--target=wasm32-wasi', '-c', '-x', 'c', '-', '-o', path.join(dir, 'good.o')], dir);
    run('clang', ['--target=wasm32-wasi', '-flto', '-c', '-x', 'c', '-', '-o', path.join(dir, 'lto.o')], dir);
    run('ar', ['rcS', 'mixed.a', 'good.o', 'notes.txt', 'native.o', 'lto.o'], dir);
    const a = load(path.join(dir, 'mixed.a'));
    expect(a.members.map((m) => m.name)).toEqual(['good.o', 'notes.txt', 'native.o', 'lto.o']);
    expect(readWasmMember(a, 0).path).toMatch(/mixed\.a\(good\.o\)$/);
    expect(() => readWasmMember(a, 1)).toThrow(ObjectFormatError);
    expect(() => readWasmMember(a, 1)).toThrow(/mixed\.a\(notes\.txt\): archive member at offset 0x[0-9a-f]+ is not a wasm object$/);
    expect(() => readWasmMember(a, 2)).toThrow(/mixed\.a\(native\.o\): archive member at offset 0x[0-9a-f]+ is not a wasm object \(it is an ELF file\)$/);
    expect(() => readWasmMember(a, 3)).toThrow(/mixed\.a\(lto\.o\): archive member at offset 0x[0-9a-f]+ is not a wasm object \(it is LLVM bitcode/);
  });
});
