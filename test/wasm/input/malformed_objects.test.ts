// Malformed wasm objects are rejected with ObjectFormatError naming the file, the section
// (and subsection), the byte offset and what is wrong: each case damages one part of the
// known-good object of object_builder.ts (or of a real clang object) and checks the message.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ObjectFormatError, readWasmObject } from '../../../src/link/wasm/input/index.js';
import {
  body, build, comdatInfo, custom, defaultSymbols, goodParts, initFuncs, section, segmentInfo, str, subsection, symbolTable, uleb, vec,
  type Parts, type Reloc,
} from './object_builder.js';
import { run } from './tool_listings.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-wasm-bad-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const good = build(goodParts());
const goodObj = readWasmObject('foo.o', good);
const hex = (n: number) => `0x${n.toString(16)}`;

function errorOf(bytes: Uint8Array): ObjectFormatError {
  try {
    readWasmObject('foo.o', bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(ObjectFormatError);
    return e as ObjectFormatError;
  }
  throw new Error('the damaged object was accepted');
}

/** The good object with some parts replaced. */
const withParts = (change: Parts, order?: string[]) => build({ ...goodParts(), ...change }, order);
const withCodeRelocs = (relocs: Reloc[]) => build(goodParts({ code: relocs }));
const linking = (...subsections: number[][]) => custom('linking', [...uleb(2), ...subsections.flat()]);
const withSymbols = (symbols: number[][]) => withParts({ linking: linking(symbolTable(symbols), segmentInfo(), initFuncs(), comdatInfo()) });
const replaceSymbol = (i: number, entry: number[]) => {
  const s = defaultSymbols();
  s[i] = entry;
  return withSymbols(s);
};
/** File offset of the first entry of reloc.CODE (after its target and count bytes). */
const firstCodeReloc = goodObj.sections[9]!.offset + 2;

describe('malformed wasm objects', () => {
  it.each<[string, () => Uint8Array, RegExp]>([
    // The header.
    ['an empty file', () => new Uint8Array(0), /^foo\.o: module header at offset 0x0: not a wasm object: the file is 0 bytes, shorter than a wasm header \(8\)$/],
    ['text', () => new TextEncoder().encode('#!/bin/sh\necho hi\n'), /^foo\.o: module header at offset 0x0: not a wasm object: bad magic$/],
    ['an ELF object', () => Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]), /not a wasm object: bad magic \(it is an ELF file\)$/],
    ['an archive', () => new TextEncoder().encode('!<arch>\n'), /not a wasm object: bad magic \(it is an archive\)$/],
    ['LLVM bitcode', () => Uint8Array.from([0x42, 0x43, 0xc0, 0xde, 0x35, 0x14, 0, 0]), /not a wasm object: bad magic \(it is LLVM bitcode, as clang -flto writes: link-time optimization is not supported\)$/],
    ['another version', () => { const b = good.slice(); b[4] = 0x0d; b[6] = 1; return b; }, /^foo\.o: module header at offset 0x4: unknown wasm version 65549 .*expected 1$/],

    // Section framing: truncation, bad LEBs, overruns, order.
    ['truncated in a section', () => good.subarray(0, goodObj.sections[5]!.offset + 10), /^foo\.o: section #5 at offset 0x[0-9a-f]+: section of \d+ bytes \(\d+ bytes\) runs past the end of the file at 0x[0-9a-f]+$/],
    ['truncated in a section size', () => Uint8Array.from([...good.subarray(0, 8), 1, 0x80]), /^foo\.o: section #0 at offset 0x9: truncated: section size runs past the end of the file at 0xa$/],
    ['a section size LEB longer than 5 bytes', () => Uint8Array.from([...good.subarray(0, 8), 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0]), /^foo\.o: section #0 at offset 0x9: bad LEB128 for section size: longer than 5 bytes$/],
    ['a section size beyond 32 bits', () => Uint8Array.from([...good.subarray(0, 8), 1, 0xff, 0xff, 0xff, 0xff, 0x7f]), /bad LEB128 for section size: value does not fit in 32 bits$/],
    ['a section size past the end', () => Uint8Array.from([...good.subarray(0, 8), 1, 0xff, 0xff, 0x03, 0]), /^foo\.o: section #0 at offset 0xc: section of 65535 bytes/],
    ['an unknown section id', () => withParts({ tag: section(14, [0]) }), /^foo\.o: section #3 at offset 0x[0-9a-f]+: unknown section id 14$/],
    ['sections out of order', () => withParts({}, ['import', 'type', 'function', 'tag', 'global', 'code', 'data', 'debug', 'linking']), /^foo\.o: section #1 at offset 0x[0-9a-f]+: TYPE section after the IMPORT section: out of order$/],
    ['a section twice', () => withParts({ tag: section(3, vec([[0]])) }), /section #3 at offset 0x[0-9a-f]+: a second FUNCTION section$/],
    ['a count larger than its section', () => withParts({ type: section(1, [100, 0x60, 0, 0]) }), /^foo\.o: section TYPE \(#0\) at offset 0xa: type count 100 is more than the 3 bytes left in the section can hold$/],
    ['bytes left over in a section', () => withParts({ type: section(1, [...vec([[0x60, 1, 0x7f, 1, 0x7f], [0x60, 0, 0]]), 0]) }), /^foo\.o: section TYPE \(#0\) at offset 0x[0-9a-f]+: 1 bytes left over after the section's contents$/],
    ['a custom section name past its section', () => withParts({ debug: [0, 3, 10, 0x61, 0x62] }), /^foo\.o: section #7 at offset 0x[0-9a-f]+: custom section name \(10 bytes\) runs past the end of the section/],

    // Standard section contents.
    ['a bad value type', () => withParts({ type: section(1, vec([[0x60, 1, 0x55, 1, 0x7f], [0x60, 0, 0]])) }), /section TYPE \(#0\) at offset 0x[0-9a-f]+: type 0 parameter 0x55 is not a value type$/],
    ['a function type index out of range', () => withParts({ function: section(3, vec([[0], [7]])) }), /^foo\.o: section FUNCTION \(#2\) at offset 0x[0-9a-f]+: function 3 type index 7 is out of range: there are 2 types$/],
    ['an import of an unknown kind', () => withParts({ import: section(2, vec([[...str('env'), ...str('x'), 9]])) }), /section IMPORT \(#1\) at offset 0x[0-9a-f]+: import 0 \(env\.x\) has unknown kind 9$/],
    ['more bodies than functions', () => withParts({ code: section(10, [3, ...body(40), ...body(40), ...body(2)]) }), /section CODE \(#5\) at offset 0x[0-9a-f]+: 3 function bodies, but the FUNCTION section declares 2 functions$/],
    ['functions without a CODE section', () => withParts({ code: [], relocCode: [] }), /^foo\.o: module at offset 0x[0-9a-f]+: the FUNCTION section declares 2 functions, but there is no CODE section$/],
    ['a body that does not end with end', () => withParts({ code: section(10, [2, ...body(40).slice(0, -1), 0x01, ...body(40)]) }), /section CODE \(#5\) at offset 0x[0-9a-f]+: function 2 body of 40 bytes does not end with 'end' \(0x0b\)$/],
    ['a bad constant expression', () => withParts({ global: section(6, vec([[0x7f, 1, 0x20, 0, 0x0b]])) }), /section GLOBAL \(#4\) at offset 0x[0-9a-f]+: global 1 initializer: opcode 0x20 is not allowed in a constant expression$/],
    ['an export of a missing function', () => withParts({ global: [...goodParts().global!, ...section(7, vec([[...str('f'), 0, 9]]))] }), /section EXPORT \(#5\) at offset 0x[0-9a-f]+: export 0 \('f'\) names function 9, but there are 4$/],
    ['a data segment past its section', () => withParts({ data: section(11, vec([[0, 0x41, 0, 0x0b, ...uleb(100), 0, 0]])) }), /section DATA \(#6\) at offset 0x[0-9a-f]+: data segment 0 contents \(100 bytes\) runs past the end of the section/],

    // The linking section.
    ['no linking section', () => withParts({ linking: [], relocCode: [], relocData: [], relocDebug: [] }), /^foo\.o: module at offset 0x0: not a relocatable wasm object: there is no 'linking' section/],
    ['two linking sections', () => withParts({ features: goodParts().linking! }), /^foo\.o: module at offset 0x[0-9a-f]+: a second 'linking' section \(#12\)$/],
    ['linking version 1', () => withParts({ linking: custom('linking', [1]) }), /^foo\.o: section 'linking' \(#8\) at offset 0x[0-9a-f]+: linking metadata version 1, expected 2$/],
    ['an unknown linking subsection', () => withParts({ linking: linking(subsection(3, [0])) }), /section 'linking' \(#8\) at offset 0x[0-9a-f]+: unknown linking subsection type 3$/],
    ['a subsection past its section', () => withParts({ linking: linking([8, 100, 0]) }), /section 'linking' \(#8\), subsection WASM_SYMBOL_TABLE at offset 0x[0-9a-f]+: subsection WASM_SYMBOL_TABLE \(100 bytes\) runs past the end of the section/],
    ['bytes left over in a subsection', () => withParts({ linking: linking(subsection(8, [0, 0])) }), /subsection WASM_SYMBOL_TABLE at offset 0x[0-9a-f]+: subsection WASM_SYMBOL_TABLE has 1 bytes left over after its contents$/],
    ['an unknown symbol kind', () => replaceSymbol(0, [9, 0, 0]), /subsection WASM_SYMBOL_TABLE at offset 0x[0-9a-f]+: symbol 0 has unknown kind 9$/],
    ['a symbol with an unknown flag', () => replaceSymbol(1, [0, ...uleb(0x402), 3, ...str('f_local')]), /subsection WASM_SYMBOL_TABLE at offset 0x[0-9a-f]+: symbol 1 has unknown flags 0x400$/],
    ['a segment with an unknown flag', () => withParts({ linking: linking(symbolTable(), subsection(5, vec([[...str('a'), 0, 8]]))) }), /subsection WASM_SEGMENT_INFO at offset 0x[0-9a-f]+: segment 0 \('a'\) has unknown flags 0x8$/],
    ['a weak local symbol', () => replaceSymbol(1, [0, 3, 3, ...str('f_local')]), /symbol 1 is both weak and local$/],
    ['an undefined symbol that is not an import', () => replaceSymbol(2, [0, 0x10, 2]), /undefined function symbol 2 names function 2, which is not an import \(there are 2 imported\)$/],
    ['a defined symbol that is an import', () => replaceSymbol(0, [0, 0, 0, ...str('f')]), /defined function symbol 0 names function 0, which is not a defined one \(2 imported, 4 in all\)$/],
    ['a data symbol in a missing segment', () => replaceSymbol(3, [1, 0, ...str('d'), 9, 0, 0]), /data symbol 3 \('d'\) is in segment 9, but there are 2 data segments$/],
    ['a data symbol past its segment', () => replaceSymbol(3, [1, 0, ...str('d'), 0, 30, 8]), /data symbol 3 \('d'\) at offset 30 of size 8 runs past the end of its segment 0 \(32 bytes\)$/],
    ['a section symbol of a standard section', () => replaceSymbol(8, [3, 2, 5]), /section symbol 8 names section 5, which is not a custom section$/],
    ['a global section symbol', () => replaceSymbol(8, [3, 0, 7]), /section symbol 8 \('\.debug_info'\) is not local$/],
    ['init functions before the symbol table', () => withParts({ linking: linking(initFuncs(), symbolTable()) }), /subsection WASM_INIT_FUNCS at offset 0x[0-9a-f]+: WASM_INIT_FUNCS comes before WASM_SYMBOL_TABLE/],
    ['an init function that is data', () => withParts({ linking: linking(symbolTable(), subsection(6, vec([[1, 3]]))) }), /init function 0 is symbol 3 \('d_counter'\), a data symbol, not a function$/],
    ['a COMDAT naming an import', () => withParts({ linking: linking(symbolTable(), subsection(7, vec([[...str('g'), 0, ...vec([[1, 0]])]]))) }), /subsection WASM_COMDAT_INFO at offset 0x[0-9a-f]+: COMDAT 'g' entry 0: function 0 is not a defined function \(2 imported, 4 in all\)$/],
    ['segment info for too many segments', () => withParts({ linking: linking(subsection(5, vec([[...str('a'), 0, 0], [...str('b'), 0, 0], [...str('c'), 0, 0]]))) }), /segment info for 3 segments, but there are 2 data segments$/],

    // Relocation sections.
    ['an unknown relocation type', () => withCodeRelocs([{ type: 99, offset: 3, index: 0 }]), new RegExp(`^foo\\.o: section 'reloc\\.CODE' \\(#9\\) at offset ${hex(firstCodeReloc)}: relocation 0 has unknown type 99$`)],
    ['a relocation past its section', () => withCodeRelocs([{ type: 0, offset: 82, index: 0 }]), /section 'reloc\.CODE' \(#9\) at offset 0x[0-9a-f]+: relocation 0 \(R_WASM_FUNCTION_INDEX_LEB at 0x52\) patches 5 bytes past the end of section CODE \(#5\) \(0x53 bytes\)$/],
    ['a relocation far outside its section', () => withCodeRelocs([{ type: 5, offset: 0xffffffff, index: 3, addend: 0 }]), /relocation 0 \(R_WASM_MEMORY_ADDR_I32 at 0xffffffff\) patches 4 bytes past the end of section CODE/],
    ['a relocation straddling two bodies', () => withCodeRelocs([{ type: 0, offset: 40, index: 0 }]), /relocation 0 \(R_WASM_FUNCTION_INDEX_LEB at 0x28\) is not inside one function body/],
    ['a relocation in a body size', () => withCodeRelocs([{ type: 2, offset: 0, index: 0 }]), /relocation 0 \(R_WASM_TABLE_INDEX_I32 at 0x0\) is not inside one function body/],
    ['a relocation between data segments', () => build(goodParts({ data: [{ type: 5, offset: 37, index: 3, addend: 0 }] })), /section 'reloc\.DATA' \(#10\) at offset 0x[0-9a-f]+: relocation 0 \(R_WASM_MEMORY_ADDR_I32 at 0x25\) is not inside one data segment/],
    ['relocations out of order', () => withCodeRelocs([{ type: 0, offset: 10, index: 0 }, { type: 0, offset: 3, index: 0 }]), /relocation 1 \(R_WASM_FUNCTION_INDEX_LEB at 0x3\) comes after one at 0xa: relocations must be sorted by offset$/],
    ['a relocation of a missing symbol', () => withCodeRelocs([{ type: 0, offset: 3, index: 14 }]), /relocation 0 \(R_WASM_FUNCTION_INDEX_LEB at 0x3\) names symbol 14, but there are 14 symbols$/],
    ['a relocation of the wrong kind of symbol', () => withCodeRelocs([{ type: 0, offset: 3, index: 3 }]), /names symbol 3 \('d_counter'\), a data symbol, which this type cannot refer to$/],
    ['a relocation of a missing type', () => withCodeRelocs([{ type: 6, offset: 3, index: 2 }]), /relocation 0 \(R_WASM_TYPE_INDEX_LEB at 0x3\) names type 2, but there are 2 types$/],
    ['a relocation with a truncated addend', () => withParts({ relocCode: custom('reloc.CODE', [5, 1, 3, 3, 3]) }), /section 'reloc\.CODE' \(#9\) at offset 0x[0-9a-f]+: truncated: relocation 0 addend runs past the end of the section/],
    ['a 64-bit addend beyond 2^53', () => withCodeRelocs([{ type: 16, offset: 3, index: 3, addend: 2n ** 60n }]), /relocation 0 addend 1152921504606846976 is beyond 2\^53, which zirc does not support$/],
    ['relocations for a missing section', () => withParts({ relocCode: custom('reloc.CODE', [40, 0]) }), /section 'reloc\.CODE' \(#9\) at offset 0x[0-9a-f]+: target section 40 is not a section before this one$/],
    ['relocations for the TYPE section', () => withParts({ relocCode: custom('reloc.CODE', [0, 0]) }), /target section TYPE \(#0\) cannot have relocations: only CODE, DATA and custom sections can$/],
    ['two relocation sections for one section', () => withParts({ relocData: custom('reloc.CODE2', [5, 0]) }), /a second relocation section for section CODE \(#5\) \(the first is #9\)$/],

    // target_features.
    ['a feature with a bad prefix', () => withParts({ features: custom('target_features', vec([[0x3f, ...str('simd128')]])) }), /section 'target_features' \(#12\) at offset 0x[0-9a-f]+: feature 0 has prefix 0x3f, expected '\+', '-' or '='$/],
  ])('%s', (_, make, message) => {
    expect(errorOf(make()).message).toMatch(message);
  });

  it('rejects a linked module (no linking section) that wasm-ld made', () => {
    const src = path.join(work, 'f.c');
    fs.writeFileSync(src, 'int f(int x) { return x + 1; }\n');
    run('clang', ['--target=wasm32-wasi', '-c', src, '-o', path.join(work, 'f.o')]);
    run('wasm-ld', ['--no-entry', '--export-all', path.join(work, 'f.o'), '-o', path.join(work, 'f.wasm')]);
    expect(errorOf(new Uint8Array(fs.readFileSync(path.join(work, 'f.wasm')))).message).toMatch(/not a relocatable wasm object: there is no 'linking' section/);
  });

  it('rejects every truncation of a real clang object inside a section or before its linking section, naming where', () => {
    const file = path.join(work, 'features.o');
    run('clang', ['--target=wasm32-wasi', '-O2', '-c', path.join(import.meta.dirname, 'sources', 'features.c'), '-o', file]);
    const bytes = new Uint8Array(fs.readFileSync(file));
    const whole = readWasmObject('features.o', bytes);
    // Cut at the end of a section after `linking`, the rest is a valid object without the later sections.
    const linkingEnd = whole.sections[whole.linking.section]!.offset + whole.sections[whole.linking.section]!.size;
    const validCuts = new Set(whole.sections.map((x) => x.offset + x.size).filter((end) => end >= linkingEnd));
    let rejected = 0;
    for (let n = 0; n < bytes.length; n++) {
      if (validCuts.has(n)) {
        expect(() => readWasmObject('foo.o', bytes.subarray(0, n))).not.toThrow();
        continue;
      }
      expect(errorOf(bytes.subarray(0, n)).message).toMatch(/^foo\.o: (module header|module|section [^ ]+( \(#\d+\))?(, subsection \w+)?) at offset 0x[0-9a-f]+: /);
      rejected++;
    }
    expect(rejected).toBeGreaterThan(bytes.length - 10);
  });
});
