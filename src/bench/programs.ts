//! The bench's view of the program generator (`generate.ts`, the front end's): make a
//! program of a shape and size, edit one function body, edit a shared constant. Loaded
//! at run time so that the bench builds even while the generator is being written; the
//! adapter names the generator's exports in one place.

export type Shape = 'chain' | 'loops' | 'constants';
export const SHAPES: readonly Shape[] = ['chain', 'loops', 'constants'];

export interface BenchProgram {
  shape: Shape;
  functions: number;
  source: Buffer;
}

export interface ProgramGenerator {
  generate(shape: Shape, functions: number, seed: number): BenchProgram;
  /** One function body changed (its type kept), function `index` of `functions`, text variant `variant`. */
  editFunctionBody(source: Buffer, index: number, variant: number): Buffer;
  /** A constant that many functions use changed to a new value (`variant` picks it). */
  editConstant(source: Buffer, variant: number): Buffer;
}

export class GeneratorMissing extends Error {}

/* eslint-disable @typescript-eslint/no-explicit-any */
export async function loadGenerator(): Promise<ProgramGenerator> {
  const modulePath = './generate.js';
  let m: any;
  try {
    m = await import(modulePath);
  } catch (e) {
    throw new GeneratorMissing(`src/bench/generate.ts is not available: ${(e as Error).message}`);
  }
  const gen = m.generateProgram;
  const editBody = m.editFunctionBody;
  const editConst = m.editConstant;
  if (typeof gen !== 'function' || typeof editBody !== 'function' || typeof editConst !== 'function') {
    throw new GeneratorMissing('generate.ts does not export generateProgram, editFunctionBody and editConstant');
  }
  const toBuf = (x: unknown): Buffer => (typeof x === 'string' ? Buffer.from(x, 'latin1') : Buffer.from(x as Uint8Array));
  const fromBuf = (b: Buffer): string => b.toString('latin1');
  return {
    generate(shape, functions, seed) {
      const r = gen({ shape, functions, seed });
      const source = typeof r === 'string' || r instanceof Uint8Array ? r : (r.source ?? r.text);
      return { shape, functions, source: toBuf(source) };
    },
    editFunctionBody(source, index, variant) {
      return toBuf(editBody(fromBuf(source), index, variant));
    },
    editConstant(source, variant) {
      return toBuf(editConst(fromBuf(source), variant));
    },
  };
}
