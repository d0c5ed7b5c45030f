import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCaseFile } from '../../src/compile/case_file.js';
import { analyzeProgram, WASM, X86 } from './harness.js';

const dir = new URL('../cases/', import.meta.url);
const caseFiles = readdirSync(dir).filter((f) => f.endsWith('.case'));

/** Errors about the program as a whole, which Compilation (not sema) reports. */
const WHOLE_PROGRAM_ERRORS = [/: error: no entry point found$/, /: error: entry point '_start' must not return$/];

describe('acceptance cases: sema errors', () => {
  for (const file of caseFiles) {
    const c = parseCaseFile(readFileSync(new URL(file, dir), 'utf8'));
    for (const target of c.targets) {
      const opts = target === 'wasm32-wasi' ? WASM : X86;
      for (const u of c.updates) {
        if (u.expectErrors.some((e) => WHOLE_PROGRAM_ERRORS.some((re) => re.test(e)))) continue;
        it(`${file} [${target}] ${u.name}: ${u.expectErrors.length ? 'reports exactly the expected errors' : 'has no errors'}`, () => {
          const p = analyzeProgram(u.source, opts, u.fileName);
          expect(p.errors.map((e) => e.line)).toEqual(u.expectErrors);
        });
      }
    }
  }
});
