// The playground's pure module map (web/src/module_map.ts): wasm sections from a module
// zirc built, ELF sections and function symbols from an ELF zirc built, and patch ranges
// merged when they touch or overlap.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Compilation } from '../../src/core.js';
import { elfFunctions, elfSections, mergeRanges, overlaps, wasmSections } from '../../web/src/module_map.js';

const hello = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'examples', 'hello.zir'), 'utf8');

function build(target: 'wasm32-wasi' | 'x86_64-linux'): Uint8Array {
  const c = Compilation.create({ target, optimize: 'Debug' });
  const r = c.update(hello);
  c.close();
  return r.output!;
}

describe('the module map', () => {
  test('wasm sections cover the module end to end, in order, with the code section among them', () => {
    const bytes = build('wasm32-wasi');
    const regions = wasmSections(bytes);
    expect(regions[0]).toEqual({ name: 'header', offset: 0, size: 8 });
    for (let i = 1; i < regions.length; i++) expect(regions[i]!.offset).toBe(regions[i - 1]!.offset + regions[i - 1]!.size);
    const last = regions[regions.length - 1]!;
    expect(last.offset + last.size).toBe(bytes.length);
    expect(regions.map((r) => r.name)).toEqual(expect.arrayContaining(['type', 'import', 'code', 'export']));
  });

  test('ELF sections and the entry function from the symbol table', () => {
    const bytes = build('x86_64-linux');
    const names = elfSections(bytes).map((r) => r.name);
    expect(names[0]).toBe('ELF header');
    expect(names).toContain('.text');
    const fns = elfFunctions(bytes);
    const entry = fns.find((f) => f.name === 'entry');
    expect(entry).toBeDefined();
    expect(entry!.size).toBeGreaterThan(0);
    expect(entry!.offset + entry!.size).toBeLessThanOrEqual(bytes.length);
  });

  test('patch ranges merge when they touch or overlap, and drop empty ones', () => {
    expect(mergeRanges([{ offset: 10, size: 5 }, { offset: 0, size: 4 }, { offset: 15, size: 1 }, { offset: 12, size: 2 }, { offset: 30, size: 0 }])).toEqual([
      { offset: 0, size: 4 },
      { offset: 10, size: 6 },
    ]);
    expect(overlaps([{ offset: 10, size: 6 }], 15, 4)).toBe(true);
    expect(overlaps([{ offset: 10, size: 6 }], 16, 4)).toBe(false);
  });
});
