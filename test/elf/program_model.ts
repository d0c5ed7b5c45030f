//! A small program model for the in-place update tests: a set of leaf functions each
//! returning a constant, a `main.sum` that calls them all through the offset table, a
//! message in .rodata, and `main.start` that prints the message and exits with the sum.
//! The same model can be linked incrementally (one linker, many updates) or from scratch
//! (a fresh linker per state), so tests can compare the two outputs.

import * as path from 'node:path';
import type { X86Function } from '../../src/codegen/x86_64/output.js';
import { ElfLinker, type ElfLinkerOptions } from '../../src/link/elf/ElfLinker.js';
import type { DataAtom } from '../../src/sema/air.js';
import type { ExportEntry, FlushReport } from '../../src/link/Linker.js';
import { airFunction, returnConst, runExecutable, sumOfCalls, tableBackend, tempDir, writeData, type RunResult } from './x86_snippets.js';
import { openElfLinker } from '../support/air_linker.js';

export interface Leaf {
  value: number;
  /** Code size (padded with nops). */
  size: number;
}

export interface ProgramState {
  leaves: Map<string, Leaf>;
  message: string;
  extraExports: ExportEntry[];
}

export function leafName(i: number): string {
  return `main.f${i}`;
}

function codeFor(state: ProgramState): Map<string, X86Function> {
  const table = new Map<string, X86Function>();
  const names = [...state.leaves.keys()].sort();
  table.set('main.start', writeData('main.msg', new TextEncoder().encode(state.message).length, 'lea', 'main.sum_exit'));
  // main.sum_exit: sum then exit with it.
  const sum = sumOfCalls(names);
  const code = new Uint8Array(sum.code.length - 1 + 9);
  code.set(sum.code.subarray(0, sum.code.length - 1)); // drop the final ret
  code.set([0x89, 0xc7, 0xb8, 231, 0, 0, 0, 0x0f, 0x05], sum.code.length - 1); // mov edi,eax; mov eax,231; syscall
  table.set('main.sum_exit', { code, relocs: sum.relocs });
  for (const [name, leaf] of state.leaves) table.set(name, returnConst(leaf.value, leaf.size));
  return table;
}

function messageAtom(state: ProgramState): DataAtom {
  return { name: 'main.msg', bytes: new TextEncoder().encode(state.message), align: 1, relocs: [], section: 'rodata' };
}

function exportsOf(state: ProgramState): ExportEntry[] {
  return [{ symbolName: '_start', declName: 'main.start' }, ...state.extraExports];
}

export function expectedExit(state: ProgramState): number {
  let s = 0;
  for (const l of state.leaves.values()) s += l.value;
  return s & 0xff;
}

/** Builds `state` from scratch into a new file; returns its path. */
export function buildFresh(state: ProgramState, opts: Partial<ElfLinkerOptions> = {}): string {
  const file = path.join(tempDir('zirc-fresh-'), 'out');
  const table = codeFor(state);
  const l = openElfLinker(file, tableBackend(table, opts));
  l.updateData(messageAtom(state));
  for (const name of table.keys()) l.updateFunc(airFunction(name));
  l.updateExports(exportsOf(state));
  l.flush();
  l.close();
  return file;
}

/** One linker kept across states; `apply` sends only what changed, like Compilation does. */
export class IncrementalProgram {
  readonly file: string;
  readonly linker: ElfLinker;
  private table = new Map<string, X86Function>();
  private current: ProgramState | null = null;

  constructor(opts: Partial<ElfLinkerOptions> = {}, file?: string) {
    this.file = file ?? path.join(tempDir('zirc-incr-'), 'out');
    const live = this;
    this.linker = openElfLinker(
      this.file,
      tableBackend(new Map(), {
        ...opts,
        generate: (f) => {
          const code = live.table.get(f.name);
          if (!code) throw new Error(`no code for ${f.name}`);
          return code;
        },
      }),
    );
  }

  apply(next: ProgramState): FlushReport {
    const prev = this.current;
    const table = codeFor(next);
    const prevTable = this.table;
    this.table = table;
    if (!prev || prev.message !== next.message) this.linker.updateData(messageAtom(next));
    for (const name of prevTable.keys()) if (!table.has(name)) this.linker.deleteSymbol(name);
    for (const [name, code] of table) {
      const old = prevTable.get(name);
      if (!old || !sameCode(old, code)) this.linker.updateFunc(airFunction(name));
    }
    this.linker.updateExports(exportsOf(next));
    this.current = cloneState(next);
    return this.linker.flush();
  }
}

function sameCode(a: X86Function, b: X86Function): boolean {
  if (a.code.length !== b.code.length || a.relocs.length !== b.relocs.length) return false;
  for (let i = 0; i < a.code.length; i++) if (a.code[i] !== b.code[i]) return false;
  return JSON.stringify(a.relocs) === JSON.stringify(b.relocs);
}

export function cloneState(s: ProgramState): ProgramState {
  return { leaves: new Map([...s.leaves].map(([k, v]) => [k, { ...v }])), message: s.message, extraExports: [...s.extraExports] };
}

export function initialState(n: number, size = 6): ProgramState {
  const leaves = new Map<string, Leaf>();
  for (let i = 0; i < n; i++) leaves.set(leafName(i), { value: i + 1, size });
  return { leaves, message: 'hello\n', extraExports: [] };
}

export function runBoth(incremental: string, state: ProgramState): { incr: RunResult; fresh: RunResult } {
  return { incr: runExecutable(incremental), fresh: runExecutable(buildFresh(state)) };
}
