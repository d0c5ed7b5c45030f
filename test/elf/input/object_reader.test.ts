// The object reader finds exactly what readelf finds — every section, symbol, relocation
// and group — in real objects from clang and gcc (C and C++), over optimization levels
// and code models: -fpic, -fpie, -ffunction-sections, -fcommon.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readElfObject, SHT_NOBITS, STB_GNU_UNIQUE, STT_TLS, SYM_COMMON } from '../../../src/link/elf/input/index.js';
import { expectMatchesListing, readelfListing, run } from './readelf_listing.js';

const SOURCES = path.join(import.meta.dirname, 'sources');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-elf-input-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const COMPILERS = [
  { cc: 'clang', cxx: 'clang++' },
  { cc: 'gcc', cxx: 'g++' },
];
const OPT = ['-O0', '-O1', '-O2'];
const MODES = [[], ['-fpic'], ['-fpie'], ['-ffunction-sections', '-fdata-sections'], ['-fcommon', '-fno-pic']];

interface Build { label: string; file: string }

function compile(source: string, compiler: string, flags: string[]): Build {
  const label = `${compiler} ${flags.join(' ')} ${source}`;
  const file = path.join(work, `${label.replace(/[^A-Za-z0-9]+/g, '_')}.o`);
  run(compiler, ['-c', ...flags, path.join(SOURCES, source), '-o', file]);
  return { label, file };
}

const cases: Array<{ label: string; source: string; compiler: string; flags: string[] }> = [];
for (const { cc, cxx } of COMPILERS) {
  for (const opt of OPT) {
    for (const mode of MODES) {
      for (const source of ['tls_common.c', 'switch_ifunc.c', 'comdat.cpp']) {
        const compiler = source.endsWith('.cpp') ? cxx : cc;
        cases.push({ label: `${compiler} ${opt} ${mode.join(' ')} ${source}`, source, compiler, flags: [opt, ...mode] });
      }
    }
  }
}

describe('reading real relocatable objects', () => {
  it.each(cases)('$label matches readelf', ({ source, compiler, flags }) => {
    const b = compile(source, compiler, flags);
    const obj = readElfObject(b.file, new Uint8Array(fs.readFileSync(b.file)));
    const listing = readelfListing(b.file);
    expect(listing.sections.length).toBeGreaterThan(5);
    const relocs = expectMatchesListing(obj, listing, b.label);
    expect(relocs).toBeGreaterThan(0);
    expect(obj.gnuStack).toBe('noexec');
    if (source === 'tls_common.c') {
      const tls = obj.symbols.names.indexOf('tls_counter');
      expect(obj.symbols.type[tls]).toBe(STT_TLS);
      const common = obj.symbols.names.indexOf('common_var');
      // -fcommon makes an uninitialized global a COMMON symbol; otherwise it lives in .bss.
      if (flags.includes('-fcommon')) expect(obj.symbols.shndx[common]).toBe(SYM_COMMON);
      else expect(obj.sections[obj.symbols.shndx[common]!]!.type).toBe(SHT_NOBITS);
    }
    if (source === 'comdat.cpp') {
      expect(obj.groups.length).toBeGreaterThan(0);
      expect(obj.groups.every((g) => g.comdat)).toBe(true);
      expect(obj.groups.map((g) => g.signature)).toContain('_ZZ7countervE1n');
      // g++ makes template static data and inline statics GNU_UNIQUE.
      if (compiler === 'g++') expect([...obj.symbols.bind]).toContain(STB_GNU_UNIQUE);
    }
  });

  it('names the note sections it reads (.note.gnu.property from gcc -fcf-protection)', () => {
    const b = compile('switch_ifunc.c', 'gcc', ['-O1', '-fcf-protection=full']);
    const obj = readElfObject(b.file, new Uint8Array(fs.readFileSync(b.file)));
    expect(obj.notes.map((n) => n.name)).toContain('GNU');
    expect(obj.notes.find((n) => n.name === 'GNU')!.type).toBe(5); // NT_GNU_PROPERTY_TYPE_0
  });

  it('sees an executable-stack request (-Wa,--execstack)', () => {
    const b = compile('switch_ifunc.c', 'gcc', ['-O1', '-Wa,--execstack']);
    expect(readElfObject(b.file, new Uint8Array(fs.readFileSync(b.file))).gnuStack).toBe('exec');
  });
});
