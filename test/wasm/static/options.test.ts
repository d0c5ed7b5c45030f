// wasm-ld's options as zirc applies them, each against wasm-ld's link of the same line:
// memory layout (--stack-first, --global-base, -z stack-size, --initial/--max-memory,
// --import-memory), --gc-sections off, exports (--export of functions and linker data
// symbols, --export-dynamic, --export-all, --export=__wasm_call_ctors), the table options,
// --no-merge-data-segments, -O0 (no string merging), --strip-all, --strip-debug. Every module has the
// same sections as wasm-ld's byte for byte and, when it is a command, the same behaviour.

import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile, expectValid, layoutSections, linkBoth, runModule, tempDir } from './toolchain.js';

let dir: string;
let object: string;
beforeAll(() => {
  dir = tempDir();
  object = compile('libc_mix.c', path.join(dir, 'libc_mix.o'));
});

const VARIANTS: Array<{ flags: string[]; runs: boolean }> = [
  { flags: ['--stack-first'], runs: true },
  { flags: ['--global-base=4096'], runs: true },
  { flags: ['-z', 'stack-size=8192'], runs: true },
  { flags: ['--initial-memory=1048576', '--max-memory=2097152'], runs: true },
  { flags: ['--import-memory'], runs: false },
  { flags: ['--no-gc-sections'], runs: true },
  { flags: ['--export=malloc', '--export=__heap_base', '--export=__data_end'], runs: true },
  { flags: ['--export-dynamic'], runs: true },
  { flags: ['--export-all'], runs: true },
  { flags: ['--export-all', '--no-gc-sections'], runs: true },
  { flags: ['--export=__wasm_call_ctors'], runs: true },
  { flags: ['--growable-table', '--export-table'], runs: true },
  { flags: ['--import-table'], runs: false },
  { flags: ['--no-merge-data-segments'], runs: true },
  { flags: ['-O0'], runs: true },
  { flags: ['--strip-all'], runs: true },
  { flags: ['--strip-debug'], runs: true },
  { flags: ['--no-entry', '--export=malloc'], runs: false },
];

describe('wasm-ld options applied as wasm-ld 14 applies them', () => {
  it.each(VARIANTS)('$flags', async ({ flags, runs }) => {
    const base = path.join(dir, `mix${flags.join('').replace(/[^a-z0-9]+/gi, '_')}`);
    const { ref, zirc } = linkBoth([object], base, [], flags);
    expectValid(zirc);
    expect(layoutSections(zirc)).toEqual(layoutSections(ref));
    if (runs) expect(await runModule(zirc, ['3'])).toEqual(await runModule(ref, ['3']));
  });
});
