// The bench's in-place edits give the same text and expected output as the generator's.

import { describe, expect, it } from 'vitest';
import { editConstant, editFunctionBody, generateProgram } from '../../src/bench/generate.js';
import { EditedProgram } from '../../src/bench/programs.js';

describe('EditedProgram', () => {
  for (const shape of ['chain', 'loops', 'constants'] as const) {
    it(`edits a ${shape} program in place exactly as the generator would`, () => {
      const p = new EditedProgram(shape, 200, 7);
      let expected = generateProgram({ shape, functions: 200, seed: 7 });
      expect(p.source.toString('latin1')).toBe(expected.source);
      for (const [index, variant] of [[0, 1], [199, 2], [57, 3], [57, 11], [120, 0]] as const) {
        p.editBody(index, variant);
        expected = editFunctionBody(expected, index, variant);
        expect(p.source.toString('latin1')).toBe(expected.source);
        expect(p.expectedStdout).toBe(expected.expectedStdout);
      }
      if (p.hasConstants) {
        const k = p.mostUsedConstant();
        expect(k.users).toBeGreaterThan(1);
        p.editSharedConstant(k.index, 4);
        const value = Number(/@k\d+ = int\((\d+)\)/.exec(p.source.toString('latin1').slice(p.source.indexOf(`\n@k${k.index} = int(`)))![1]);
        expected = editConstant(expected, k.index, value);
        expect(p.source.toString('latin1')).toBe(expected.source);
        expect(p.expectedStdout).toBe(expected.expectedStdout);
      }
    });
  }
});
