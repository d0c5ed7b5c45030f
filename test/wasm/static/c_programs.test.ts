// C and C++ programs compiled with clang for wasm32-wasi at -O0, -O1 and -O2, linked
// against wasi-libc and compiler-rt by LLVM's wasm-ld and by zirc wasm-ld on the exact
// command line clang runs (`clang -###`): both modules validate, behave the same under
// node:wasi (stdout, stderr, exit status), and have the same sections byte for byte
// (types, imports, functions, table, memory, globals, exports, elements, code, data, the
// relocated DWARF of wasi-libc, names, producers, target_features). zirc does not demangle
// C++ names in the name section, so C++ links pass --no-demangle to both.

import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile, expectValid, layoutSections, linkBoth, runModule, tempDir } from './toolchain.js';

let dir: string;
beforeAll(() => {
  dir = tempDir();
});

interface Program {
  name: string;
  sources: string[];
  runs: string[][];
  linkerFlags?: string[];
}

const PROGRAMS: Program[] = [
  { name: 'printf, argv and the exit status main returns', sources: ['hello_args.c'], runs: [[], ['one', 'two words']] },
  { name: 'malloc, errno, strtol, qsort through function pointers, a static table, exit()', sources: ['libc_mix.c'], runs: [[], ['7']] },
  { name: 'constructors in priority order, destructors and atexit', sources: ['ctors.c'], runs: [[]] },
  { name: 'a strong definition over a weak one, weak undefined function and data', sources: ['weak_main.c', 'weak_strong.c'], runs: [[]] },
  { name: 'a C++ inline function in a COMDAT of two objects, a global constructor', sources: ['inline_a.cpp', 'inline_b.cpp'], runs: [[]], linkerFlags: ['--no-demangle'] },
];

describe.each(['-O0', '-O1', '-O2'])('clang %s programs linked by zirc behave as linked by wasm-ld', (opt) => {
  it.each(PROGRAMS)('$name', async (p) => {
    const objects = p.sources.map((s) => compile(s, path.join(dir, `${s}${opt}.o`), [opt]));
    const base = path.join(dir, `${p.sources[0]}${opt}`);
    const { ref, zirc } = linkBoth(objects, base, [], p.linkerFlags);
    expectValid(ref);
    expectValid(zirc);
    for (const args of p.runs) {
      const want = await runModule(ref, args);
      const got = await runModule(zirc, args);
      expect(got).toEqual(want);
    }
    expect(layoutSections(zirc)).toEqual(layoutSections(ref));
  });
});
