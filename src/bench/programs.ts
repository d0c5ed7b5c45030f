//! The bench's view of the program generator (`generate.ts`, the front end's): make a
//! program of a shape and size, edit one function body, and edit the shared constant
//! that the most functions use (shape `constants`; the other shapes have none).

import type { GeneratedProgram, ProgramShape } from './generate.js';
import { editConstant, editFunctionBody, generateProgram } from './generate.js';

export type Shape = ProgramShape;
export const SHAPES: readonly Shape[] = ['chain', 'loops', 'constants'];

export interface BenchProgram {
  program: GeneratedProgram;
  source: Buffer;
}

export function generateBenchProgram(shape: Shape, functions: number, seed: number): BenchProgram {
  const program = generateProgram({ shape, functions, seed });
  return { program, source: Buffer.from(program.source, 'latin1') };
}

/** Function `index`'s body becomes body variant `variant`; its type is kept. */
export function editBody(p: GeneratedProgram, index: number, variant: number): BenchProgram {
  const program = editFunctionBody(p, index, variant);
  return { program, source: Buffer.from(program.source, 'latin1') };
}

/** Whether the shape has shared constants to edit. */
export function hasConstants(p: GeneratedProgram): boolean {
  return p.model.constants.length > 0;
}

/** The constant `@k<j>` referenced by the most functions, and how many reference it. */
export function mostUsedConstant(p: GeneratedProgram): { index: number; users: number } {
  const counts = new Array<number>(p.model.constants.length).fill(0);
  const re = /@k(\d+)\b/g;
  // Count per function: split at decl starts of functions.
  for (const fnText of p.source.split('\n@f').slice(1)) {
    const seen = new Set<number>();
    for (const m of fnText.matchAll(re)) seen.add(Number(m[1]));
    for (const j of seen) if (j < counts.length) counts[j]++;
  }
  let best = 0;
  for (let j = 1; j < counts.length; j++) if (counts[j] > counts[best]) best = j;
  return { index: best, users: counts[best] ?? 0 };
}

/** `@k<index>` set to a new value (`variant` picks it; never the original). */
export function editSharedConstant(p: GeneratedProgram, index: number, variant: number): BenchProgram {
  const value = 1 + ((p.model.constants[index] + variant * 7919) % 65535);
  const program = editConstant(p, index, value);
  return { program, source: Buffer.from(program.source, 'latin1') };
}
