// Malformed objects are rejected with ObjectFormatError naming the path and, where it
// applies, the section and the byte offset: each case below damages one field of a real
// clang object and checks the message says what and where.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ObjectFormatError, readElfObject, type ElfObject } from '../../../src/link/elf/input/index.js';
import { run } from './readelf_listing.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-elf-bad-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const objFile = path.join(work, 'good.o');
run('clang', ['-c', '-O1', path.join(import.meta.dirname, 'sources', 'tls_common.c'), '-o', objFile]);
const good = new Uint8Array(fs.readFileSync(objFile));
const parsed = readElfObject('good.o', good);

function section(obj: ElfObject, name: string) {
  const s = obj.sections.find((x) => x.name === name);
  if (!s) throw new Error(`no section ${name}`);
  return s;
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const shoff = Number(view(good).getBigUint64(40, true));
const shdr = (i: number) => shoff + i * 64;

function damaged(edit: (b: Uint8Array, v: DataView) => void): Uint8Array {
  const b = good.slice();
  edit(b, view(b));
  return b;
}

function errorOf(bytes: Uint8Array): ObjectFormatError {
  try {
    readElfObject('foo.o', bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(ObjectFormatError);
    return e as ObjectFormatError;
  }
  throw new Error('the damaged object was accepted');
}

const rela = section(parsed, '.rela.text');
const symtab = section(parsed, '.symtab');

describe('malformed objects', () => {
  it.each<[string, () => Uint8Array, RegExp]>([
    ['an empty file', () => new Uint8Array(0), /^foo\.o: not an ELF object: the file is 0 bytes/],
    ['not ELF', () => new TextEncoder().encode('#!/bin/sh\necho hi\n'.padEnd(80)), /^foo\.o: not an ELF object: bad magic/],
    ['32-bit', () => damaged((b) => (b[4] = 1)), /^foo\.o: not a 64-bit ELF object: EI_CLASS at offset 0x4 is 1/],
    ['big-endian', () => damaged((b) => (b[5] = 2)), /^foo\.o: not a little-endian ELF object/],
    ['an executable', () => damaged((_, v) => v.setUint16(16, 2, true)), /^foo\.o: not a relocatable object: e_type at offset 0x10 is 2/],
    ['another machine', () => damaged((_, v) => v.setUint16(18, 183, true)), /^foo\.o: not an x86-64 object: e_machine at offset 0x12 is 183/],
    ['truncated in the headers', () => good.subarray(0, shoff + 100), /^foo\.o: section header table at offset 0x[0-9a-f]+ with \d+ entries runs past the end of the file/],
    ['truncated in the contents', () => good.subarray(0, 0x50), /^foo\.o: section header table at offset/],
    ['section headers out of range', () => damaged((_, v) => v.setBigUint64(40, 1n << 40n, true)), /^foo\.o: section header table at offset 0x10000000000 is outside the file/],
    ['a bad e_shentsize', () => damaged((_, v) => v.setUint16(58, 40, true)), /e_shentsize at offset 0x3a is 40/],
    ['section contents out of range', () => damaged((_, v) => v.setBigUint64(shdr(rela.index) + 32, 0xffffffffn, true)),
      new RegExp(`^foo\\.o: section header ${rela.index} at offset 0x${shdr(rela.index).toString(16)}: contents at 0x[0-9a-f]+ of size 0xffffffff run past the end`)],
    ['a huge symbol table size', () => damaged((_, v) => v.setBigUint64(shdr(symtab.index) + 32, 0xfffffffffff0n, true)), /section header \d+ at offset 0x[0-9a-f]+: contents .* run past the end/],
    ['a section name offset out of range', () => damaged((_, v) => v.setUint32(shdr(2), 0x7fffffff, true)),
      new RegExp(`^foo\\.o: section header 2 at offset 0x${shdr(2).toString(16)}: name offset 0x7fffffff is outside string table`)],
    ['a symbol name offset out of range', () => damaged((_, v) => v.setUint32(symtab.offset + 24 * 3, 0x12345678, true)),
      new RegExp(`^foo\\.o: section '\\.symtab' \\(index ${symtab.index}\\): symbol 3 at offset 0x${(symtab.offset + 72).toString(16)}: name offset 0x12345678 is outside string table '\\.strtab'`)],
    ['a symbol section index out of range', () => damaged((_, v) => v.setUint16(symtab.offset + 24 * 2 + 6, 500, true)),
      new RegExp(`^foo\\.o: section '\\.symtab' \\(index ${symtab.index}\\): symbol 2 .* at offset 0x${(symtab.offset + 48).toString(16)} names section 500, but there are ${parsed.sections.length} sections`)],
    ['SHN_XINDEX without SHT_SYMTAB_SHNDX', () => damaged((_, v) => v.setUint16(symtab.offset + 24 * 2 + 6, 0xffff, true)), /symbol 2 at offset 0x[0-9a-f]+ has section index SHN_XINDEX, but there is no SHT_SYMTAB_SHNDX/],
    ['a relocation symbol index out of range', () => damaged((_, v) => v.setUint32(rela.offset + 24 * 3 + 12, 99, true)),
      new RegExp(`^foo\\.o: section '\\.rela\\.text' \\(index ${rela.index}\\): relocation 3 at offset 0x${(rela.offset + 72).toString(16)} names symbol 99, but the symbol table has ${parsed.symbols.count}$`)],
    ['a relocation past its section', () => damaged((_, v) => v.setBigUint64(rela.offset + 24, 0x100000n, true)),
      /^foo\.o: section '\.rela\.text' \(index \d+\): relocation 1 at offset 0x[0-9a-f]+ \(R_X86_64_\w+ at 0x100000\) runs past the end of section '\.text'/],
    ['a relocation section applying to nothing', () => damaged((_, v) => v.setUint32(shdr(rela.index) + 44, 9999, true)), /section '\.rela\.text' \(index \d+\): applies to section 9999 \(sh_info\)/],
    ['a relocation entry size', () => damaged((_, v) => v.setBigUint64(shdr(rela.index) + 56, 16n, true)), /section '\.rela\.text' \(index \d+\): entry size 16, expected 24/],
    ['overlapping sections', () => damaged((_, v) => v.setBigUint64(shdr(rela.index) + 24, BigInt(symtab.offset + 8), true)), /overlaps section '\.symtab'|section '\.symtab' .* overlaps/],
    ['a symbol table whose string table is not one', () => damaged((_, v) => v.setUint32(shdr(symtab.index) + 40, 2, true)), /section '\.symtab' \(index \d+\): sh_link 2 is not a string table/],
    ['a symbol table with a first global past its end', () => damaged((_, v) => v.setUint32(shdr(symtab.index) + 44, 100000, true)), /sh_info \(first global\) is 100000/],
    ['e_shstrndx out of range', () => damaged((_, v) => v.setUint16(62, 700, true)), /^foo\.o: e_shstrndx is 700, but there are \d+ sections/],
  ])('%s', (_, make, message) => {
    expect(errorOf(make()).message).toMatch(message);
  });

  it('rejects every truncation of a real object with ObjectFormatError', () => {
    // The section header table is last in the file, so every truncation cuts it.
    for (let n = 0; n < good.length; n++) expect(errorOf(good.subarray(0, n)).message).toMatch(/^foo\.o: /);
  });
});
