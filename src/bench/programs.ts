//! The bench's view of the program generator (`generate.ts`, the front end's): make a
//! program of a shape and size, then edit it the way an editor does: one function body,
//! or the shared constant that the most functions use (shape `constants`).
//!
//! The edited program lives in one of two reused buffers, and an edit replaces one decl's
//! bytes. The bench times updates in its own process, so editing must not leave
//! file-sized garbage there (a new 20 MB string and buffer per edit at 100k functions):
//! an editor is another process, and its garbage is not the compiler's to collect.

import * as fs from 'node:fs';
import type { ProgramModel, ProgramShape } from './generate.js';
import { constantDecl, expectedStdoutOf, functionDecl, generateProgram } from './generate.js';

export type Shape = ProgramShape;
export const SHAPES: readonly Shape[] = ['chain', 'loops', 'constants'];

export class EditedProgram {
  private current: Buffer;
  private spare: Buffer;
  private length: number;
  private readonly model: ProgramModel;

  constructor(shape: Shape, functions: number, seed: number) {
    const p = generateProgram({ shape, functions, seed });
    this.model = { ...p.model, variants: p.model.variants.slice(), constants: p.model.constants.slice() };
    const bytes = Buffer.from(p.source, 'latin1');
    this.length = bytes.length;
    this.current = Buffer.allocUnsafeSlow(withSlack(bytes.length));
    this.spare = Buffer.allocUnsafeSlow(withSlack(bytes.length));
    bytes.copy(this.current);
  }

  /** The program's text now (valid until the next edit). */
  get source(): Buffer {
    return this.current.subarray(0, this.length);
  }

  /** What the program prints now. */
  get expectedStdout(): string {
    return expectedStdoutOf(this.model);
  }

  readonly expectedExitCode = 0;

  get hasConstants(): boolean {
    return this.model.constants.length > 0;
  }

  /** Saves the program to `path` in one write, as an editor does. */
  writeTo(path: string): void {
    fs.writeFileSync(path, this.source);
  }

  /** Function `index`'s body becomes body variant `variant`; its type is kept. */
  editBody(index: number, variant: number): void {
    if (index < 0 || index >= this.model.functions) throw new RangeError(`no function ${index}`);
    const start = this.find(`\n@f${index} = fn(`) + 1;
    const end = this.current.indexOf('\n})\n', start, 'latin1') + 3;
    this.model.variants[index] = variant;
    this.replace(start, end, functionDecl(this.model, index, variant));
  }

  /** `@k<index>` set to a new value (`variant` picks it; never the original). */
  editSharedConstant(index: number, variant: number): void {
    const value = 1 + ((this.model.constants[index] + variant * 7919) % 65535);
    const start = this.find(`\n@k${index} = int(`) + 1;
    const end = this.current.indexOf('\n', start, 'latin1');
    this.model.constants[index] = value;
    this.replace(start, end, constantDecl(index, value));
  }

  /** The constant `@k<j>` referenced by the most functions, and how many reference it. */
  mostUsedConstant(): { index: number; users: number } {
    const counts = new Array<number>(this.model.constants.length).fill(0);
    const re = /@k(\d+)\b/g;
    // Count per function: split at decl starts of functions.
    for (const fnText of this.source.toString('latin1').split('\n@f').slice(1)) {
      const seen = new Set<number>();
      for (const m of fnText.matchAll(re)) seen.add(Number(m[1]));
      for (const j of seen) if (j < counts.length) counts[j]++;
    }
    let best = 0;
    for (let j = 1; j < counts.length; j++) if (counts[j] > counts[best]) best = j;
    return { index: best, users: counts[best] ?? 0 };
  }

  private find(marker: string): number {
    const at = this.source.indexOf(marker, 0, 'latin1');
    if (at < 0) throw new Error(`${marker.trim()} not found`);
    return at;
  }

  /** Bytes [start, end) become `text`, built in the spare buffer, which becomes current. */
  private replace(start: number, end: number, text: string): void {
    const newLength = this.length - (end - start) + Buffer.byteLength(text, 'latin1');
    if (this.spare.length < newLength) this.spare = Buffer.allocUnsafeSlow(withSlack(newLength));
    const out = this.spare;
    this.current.copy(out, 0, 0, start);
    const afterText = start + out.write(text, start, 'latin1');
    this.current.copy(out, afterText, end, this.length);
    this.spare = this.current;
    this.current = out;
    this.length = newLength;
  }
}

function withSlack(n: number): number {
  return Math.ceil(n * 1.1) + 4096;
}
