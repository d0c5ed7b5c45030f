//! Test-only linker and runner: lays generated functions, an offset table (one 8-byte
//! entry per function referenced through `got_rel32`) and data atoms into a minimal
//! static ELF executable (one RWX PT_LOAD), resolves the relocations, runs it and
//! returns stdout/stderr/exit status. Runtime routines and WASI built-ins are pulled in
//! from `runtime.ts` on demand; a function's own constants are laid out with the data.
//! (The real incremental linker lives in src/link/elf/.)

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AirFunction, DataAtom, SymbolTarget } from '../../src/sema/air.js';
import { symbolKey } from '../../src/sema/air.js';
import { generateFunction } from '../../src/codegen/x86_64/codegen.js';
import type { X86Function, X86RelocTarget } from '../../src/codegen/x86_64/output.js';
import { generateRuntimeRoutine, generateWasiBuiltin } from '../../src/codegen/x86_64/runtime.js';

export interface Program {
  functions: AirFunction[];
  data?: DataAtom[];
  /** Name of the function the kernel enters. */
  entry: string;
}

export interface RunResult {
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
  status: number | null;
  signal: string | null;
}

const BASE = 0x400000;
const HEADERS = 64 + 56;

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** Links the program into ELF bytes. */
export function linkProgram(program: Program): Uint8Array {
  const code = new Map<string, X86Function>();
  const data = new Map<string, DataAtom>();
  for (const f of program.functions) code.set(symbolKey({ kind: 'decl', name: f.name }), generateFunction(f));
  for (const d of program.data ?? []) data.set(symbolKey({ kind: 'decl', name: d.name }), d);

  // Pull in runtime routines and built-ins that are referenced, transitively.
  const pending = [...code.values()];
  const gotTargets = new Map<string, SymbolTarget>();
  const need = (t: SymbolTarget): void => {
    const key = symbolKey(t);
    if (code.has(key) || data.has(key)) return;
    let f: X86Function | null;
    if (t.kind === 'runtime') f = generateRuntimeRoutine(t.name);
    else if (t.kind === 'extern') f = generateWasiBuiltin(t.name);
    else throw new Error(`undefined symbol ${t.name}`);
    if (f === null) throw new Error(`undefined extern ${t.name}`);
    code.set(key, f);
    pending.push(f);
  };
  while (pending.length) {
    const f = pending.pop()!;
    for (const r of f.relocs) {
      if (r.target.kind === 'constant') continue;
      need(r.target);
      if (r.kind === 'got_rel32') gotTargets.set(symbolKey(r.target), r.target);
    }
  }
  for (const d of data.values()) for (const r of d.relocs) need(r.target);
  /** A function's own constant, keyed as the ELF linker keys it. */
  const constantKey = (owner: string, name: string) => `c:${owner}:${name}`;
  for (const [key, f] of code) {
    for (const c of f.constants ?? []) data.set(constantKey(key, c.name), { name: c.name, bytes: c.bytes, align: c.align, relocs: [], section: 'rodata' });
  }

  // Layout: headers, code, offset table, data.
  const addr = new Map<string, number>();
  let at = HEADERS;
  for (const [key, f] of code) {
    at = align(at, 16);
    addr.set(key, BASE + at);
    at += f.code.length;
  }
  at = align(at, 8);
  const gotAddr = new Map<string, number>();
  const gotStart = at;
  for (const key of gotTargets.keys()) {
    gotAddr.set(key, BASE + at);
    at += 8;
  }
  for (const [key, d] of data) {
    at = align(at, Math.max(d.align, 1));
    addr.set(key, BASE + at);
    at += d.bytes.length;
  }
  const image = new Uint8Array(at);
  const view = new DataView(image.buffer);

  const targetAddr = (t: X86RelocTarget, owner?: string): number => {
    const key = t.kind === 'constant' ? constantKey(owner!, t.name) : symbolKey(t);
    const a = addr.get(key);
    if (a === undefined) throw new Error(`no address for ${key}`);
    return a;
  };
  for (const [key, f] of code) {
    const base = addr.get(key)! - BASE;
    image.set(f.code, base);
    for (const r of f.relocs) {
      const p = BASE + base + r.offset;
      if (r.kind === 'abs64') view.setBigUint64(base + r.offset, BigInt(targetAddr(r.target, key) + r.addend), true);
      else if (r.target.kind === 'constant') view.setInt32(base + r.offset, targetAddr(r.target, key) + r.addend - p, true);
      else {
        const s = r.kind === 'got_rel32' ? gotAddr.get(symbolKey(r.target))! : targetAddr(r.target);
        view.setInt32(base + r.offset, s + r.addend - p, true);
      }
    }
  }
  let g = gotStart;
  for (const t of gotTargets.values()) {
    view.setBigUint64(g, BigInt(targetAddr(t)), true);
    g += 8;
  }
  for (const [key, d] of data) {
    const base = addr.get(key)! - BASE;
    image.set(d.bytes, base);
    for (const r of d.relocs) view.setBigUint64(base + r.offset, BigInt(targetAddr(r.target) + r.addend), true);
  }

  // ELF header.
  image.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 62, true); // EM_X86_64
  view.setUint32(20, 1, true);
  view.setBigUint64(24, BigInt(targetAddr({ kind: 'decl', name: program.entry })), true);
  view.setBigUint64(32, 64n, true); // phoff
  view.setBigUint64(40, 0n, true); // shoff
  view.setUint16(52, 64, true); // ehsize
  view.setUint16(54, 56, true); // phentsize
  view.setUint16(56, 1, true); // phnum
  view.setUint16(58, 64, true); // shentsize
  // PT_LOAD, RWX, the whole file.
  view.setUint32(64, 1, true);
  view.setUint32(68, 7, true);
  view.setBigUint64(72, 0n, true);
  view.setBigUint64(80, BigInt(BASE), true);
  view.setBigUint64(88, BigInt(BASE), true);
  view.setBigUint64(96, BigInt(image.length), true);
  view.setBigUint64(104, BigInt(image.length), true);
  view.setBigUint64(112, 0x1000n, true);
  return image;
}

/**
 * Runs a program with its stdout on a pipe whose reading end is already closed (a FIFO
 * opened for reading and writing, opened again for writing, then the reader closed), so
 * its first write meets a pipe nobody reads, every time.
 */
const BROKEN_PIPE_SHELL = 'f="$1.fifo" && mkfifo "$f" && exec 3<>"$f" 4>"$f" 3<&- && rm "$f" && exec "$1" 1>&4 4>&-';

/** Links, writes to a temporary file, executes and collects the result. */
export function runProgram(program: Program, opts: { stdoutPipeWithoutReader?: boolean } = {}): RunResult {
  const elf = linkProgram(program);
  const dir = mkdtempSync(join(tmpdir(), 'zirc-x86-'));
  try {
    const path = join(dir, 'prog');
    writeFileSync(path, elf);
    chmodSync(path, 0o755);
    const r = opts.stdoutPipeWithoutReader
      ? spawnSync('sh', ['-c', BROKEN_PIPE_SHELL, 'sh', path], { timeout: 10_000 })
      : spawnSync(path, [], { timeout: 10_000 });
    return {
      stdout: r.stdout.toString('latin1'),
      stdoutBytes: r.stdout,
      stderr: r.stderr.toString('latin1'),
      status: r.status,
      signal: r.signal,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
