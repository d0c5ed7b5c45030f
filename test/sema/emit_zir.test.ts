import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCaseFile } from '../../src/compile/case_file.js';
import { analyzeProgram, emitProgram, normalizedProgram, WASM, X86 } from './harness.js';

const dir = new URL('../cases/', import.meta.url);

describe('zirc ir round trip: the emitted ZIR re-parses and re-analyzes to the same program', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.case'))) {
    const c = parseCaseFile(readFileSync(new URL(file, dir), 'utf8'));
    for (const target of c.targets) {
      const opts = target === 'wasm32-wasi' ? WASM : X86;
      c.updates.forEach((u, n) => {
        if (u.expectErrors.length > 0) return;
        it(`${file} [${target}] update ${n}: ${u.name}`, () => {
          const p = analyzeProgram(u.source, opts);
          expect(p.errors).toEqual([]);
          const text = emitProgram(p, opts);
          const again = analyzeProgram(text, opts);
          expect(again.errors.map((e) => e.line)).toEqual([]);
          expect(normalizedProgram(again)).toEqual(normalizedProgram(p));
          // Printing is a fixed point once constants have their decls.
          const text2 = emitProgram(again, opts);
          const text3 = emitProgram(analyzeProgram(text2, opts), opts);
          expect(text3).toEqual(text2);
        });
      });
    }
  }
});
