//! Hand-written x86-64 machine code for the ELF linker tests, independent of zirc's code
//! generator: each helper returns an `X86Function` (bytes + relocations) the way the
//! backend would. Also the tool wrappers the tests share (run, readelf, objdump).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { X86Function, X86Reloc, X86RelocTarget } from '../../src/codegen/x86_64/output.js';
import type { AirFunction, RuntimeSymbol, SymbolTarget } from '../../src/sema/air.js';
import type { ElfLinkerOptions } from '../../src/link/elf/ElfLinker.js';

const enc = new TextEncoder();

class Code {
  bytes: number[] = [];
  relocs: X86Reloc[] = [];
  emit(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  imm32(v: number): this {
    return this.emit(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  reloc(kind: X86Reloc['kind'], target: X86RelocTarget, width: 4 | 8, addend: number): this {
    this.relocs.push({ offset: this.bytes.length, kind, target, addend });
    for (let i = 0; i < width; i++) this.bytes.push(0);
    return this;
  }
  finish(): X86Function {
    return { code: new Uint8Array(this.bytes), relocs: this.relocs };
  }
}

export const decl = (name: string): SymbolTarget => ({ kind: 'decl', name });

/** `mov edi, status; mov eax, 231; syscall` */
function exitWith(c: Code, status: number): Code {
  return c.emit(0xbf).imm32(status).emit(0xb8).imm32(231).emit(0x0f, 0x05);
}

/** `mov eax, value; ret`, padded with `nop`s to at least `minSize` bytes. */
export function returnConst(value: number, minSize = 0): X86Function {
  const c = new Code();
  const pad = Math.max(0, minSize - 6);
  for (let i = 0; i < pad; i++) c.emit(0x90);
  return c.emit(0xb8).imm32(value).emit(0xc3).finish();
}

/** Calls each callee through its offset-table slot, sums their eax results, returns the sum. */
export function sumOfCalls(callees: string[], extra = 0): X86Function {
  const c = new Code();
  c.emit(0x53); // push rbx
  c.emit(0xbb).imm32(extra); // mov ebx, extra
  for (const callee of callees) {
    c.emit(0xff, 0x15).reloc('got_rel32', decl(callee), 4, -4); // call [rip+got]
    c.emit(0x01, 0xc3); // add ebx, eax
  }
  c.emit(0x89, 0xd8); // mov eax, ebx
  c.emit(0x5b, 0xc3); // pop rbx; ret
  return c.finish();
}

/** Entry: calls `callee` through the offset table and exits with its result. */
export function startCallingAndExit(callee: string): X86Function {
  const c = new Code();
  c.emit(0xff, 0x15).reloc('got_rel32', decl(callee), 4, -4);
  c.emit(0x89, 0xc7); // mov edi, eax
  return c.emit(0xb8).imm32(231).emit(0x0f, 0x05).finish();
}

/** Entry: exits with `status` (padded with leading `nop`s to at least `minSize` bytes). */
export function startExit(status: number, minSize = 0): X86Function {
  const c = new Code();
  for (let i = 12; i < minSize; i++) c.emit(0x90);
  return exitWith(c, status).finish();
}

/** Waits for a signal (`pause`), then exits with `status`. */
export function pauseThenExit(status: number): X86Function {
  return exitWith(new Code().emit(0xb8).imm32(34).emit(0x0f, 0x05), status).finish();
}

/** `jmp rel32` to a function decl (a direct, non-GOT reference). */
export function jumpToDecl(name: string): X86Function {
  return new Code().emit(0xe9).reloc('rel32', decl(name), 4, -4).finish();
}

export type AddressMode = 'lea' | 'movabs';

/** write(1, <data atom>, len) with the address from `lea [rip+x]` (rel32) or `movabs` (abs64); then a call through the GOT, then exit. */
export function writeData(atom: string, len: number, mode: AddressMode, thenCall?: string, status = 0): X86Function {
  const c = new Code();
  if (mode === 'lea') c.emit(0x48, 0x8d, 0x35).reloc('rel32', decl(atom), 4, -4);
  else c.emit(0x48, 0xbe).reloc('abs64', decl(atom), 8, 0);
  c.emit(0xba).imm32(len).emit(0xbf).imm32(1).emit(0xb8).imm32(1).emit(0x0f, 0x05);
  if (thenCall) c.emit(0xff, 0x15).reloc('got_rel32', decl(thenCall), 4, -4);
  return exitWith(c, status).finish();
}

/** Loads a pointer stored in data atom `ptrAtom` (`mov rsi, [rip+x]`) and writes `len` bytes from it. */
export function writeThroughPointer(ptrAtom: string, len: number, status = 0): X86Function {
  const c = new Code();
  c.emit(0x48, 0x8b, 0x35).reloc('rel32', decl(ptrAtom), 4, -4);
  c.emit(0xba).imm32(len).emit(0xbf).imm32(1).emit(0xb8).imm32(1).emit(0x0f, 0x05);
  return exitWith(c, status).finish();
}

/** Stores `value` into the u32 at data atom `atom` (`mov dword [rip+x], imm`), reads it back, exits with it. */
export function storeLoadExit(atom: string, value: number): X86Function {
  const c = new Code();
  c.emit(0xc7, 0x05).reloc('rel32', decl(atom), 4, -8).imm32(value); // mov dword [rip+x], imm32
  c.emit(0x8b, 0x3d).reloc('rel32', decl(atom), 4, -4); // mov edi, [rip+x]
  return c.emit(0xb8).imm32(231).emit(0x0f, 0x05).finish();
}

/** `jmp rel32` straight to a runtime routine (as codegen does for a failed safety check). */
export function jumpToRuntime(sym: RuntimeSymbol): X86Function {
  return new Code().emit(0xe9).reloc('rel32', { kind: 'runtime', name: sym }, 4, -4).finish();
}

/** Calls an extern (e.g. WASI fd_write) through the GOT with an iovec built on the stack. */
export function callFdWrite(atom: string, len: number, status: number): X86Function {
  const c = new Code();
  c.emit(0x48, 0x83, 0xec, 0x28); // sub rsp, 40  (iovec at [rsp], nwritten at [rsp+16])
  c.emit(0x48, 0x8d, 0x05).reloc('rel32', decl(atom), 4, -4); // lea rax, [rip+atom]
  c.emit(0x48, 0x89, 0x04, 0x24); // mov [rsp], rax
  c.emit(0x48, 0xc7, 0x44, 0x24, 0x08).imm32(len); // mov qword [rsp+8], len
  c.emit(0xbf).imm32(1); // mov edi, 1
  c.emit(0x48, 0x89, 0xe6); // mov rsi, rsp
  c.emit(0xba).imm32(1); // mov edx, 1
  c.emit(0x48, 0x8d, 0x4c, 0x24, 0x10); // lea rcx, [rsp+16]
  c.emit(0xff, 0x15).reloc('got_rel32', { kind: 'extern', name: 'fd_write', lib: 'wasi_snapshot_preview1' }, 4, -4);
  return exitWith(c, status).finish();
}

/** `call [rip+got(extern)]; ret` */
export function callExtern(name: string, lib: string): X86Function {
  return new Code().emit(0xff, 0x15).reloc('got_rel32', { kind: 'extern', name, lib }, 4, -4).emit(0xc3).finish();
}

/** A stand-in runtime routine: writes `panic: <sym>\n` (its own constant `message`) to stderr and exits 134. */
export function fakeRuntime(sym: RuntimeSymbol): X86Function {
  const msg = enc.encode(`panic: ${sym}\n`);
  const c = new Code();
  c.emit(0x48, 0x8d, 0x35).reloc('rel32', { kind: 'constant', name: 'message' }, 4, -4); // lea rsi, [rip+message]
  c.emit(0xba).imm32(msg.length).emit(0xbf).imm32(2).emit(0xb8).imm32(1).emit(0x0f, 0x05);
  exitWith(c, 134);
  return { ...c.finish(), constants: [{ name: 'message', bytes: msg, align: 1 }] };
}

/**
 * Exits with `status`, followed by `text` inside the function's own bytes: data in code,
 * as the backend's routines once had, which objdump decodes as "(bad)" (a probe for
 * tests that check such bytes are gone from the file).
 */
export function exitThenInlineText(status: number, text: string): X86Function {
  return { code: new Uint8Array([...exitWith(new Code(), status).bytes, ...enc.encode(text)]), relocs: [] };
}

export function airFunction(name: string): AirFunction {
  return { name, type: { kind: 'fn', params: [], ret: { kind: 'void' }, cc: 'C' }, insts: [], body: [] };
}

/** Linker options whose code generator looks functions up in `table` by name. */
export function tableBackend(table: Map<string, X86Function>, extra: Partial<ElfLinkerOptions> = {}): ElfLinkerOptions {
  return {
    generate: (f) => {
      const code = table.get(f.name);
      if (!code) throw new Error(`no test code for ${f.name}`);
      return code;
    },
    runtime: fakeRuntime,
    wasiBuiltin: () => null,
    ...extra,
  };
}

export function tempDir(prefix = 'zirc-elf-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface RunResult {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool the tests need; a missing tool fails the test (never skips it). */
function runTool(tool: string, args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) throw new Error(`${tool} could not run (${r.error.message}): install binutils`);
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

export function runExecutable(file: string): RunResult {
  const r = spawnSync(file, [], { encoding: 'utf8', timeout: 10000 });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** `readelf --all --wide`; returns stdout and any warning/error lines. */
export function readelfAll(file: string): { text: string; problems: string[] } {
  const r = runTool('readelf', ['--all', '--wide', file]);
  const all = `${r.stdout}\n${r.stderr}`;
  const problems = all.split('\n').filter((l) => /warning|error/i.test(l));
  if (r.status !== 0) problems.push(`readelf exit status ${r.status}`);
  return { text: r.stdout, problems };
}

export interface ElfSymbol {
  value: number;
  size: number;
  type: string;
  bind: string;
  ndx: string;
  name: string;
}

export function readSymbols(file: string): ElfSymbol[] {
  const r = runTool('readelf', ['--syms', '--wide', file]);
  const out: ElfSymbol[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*\d+:\s+([0-9a-f]+)\s+(\d+)\s+(\w+)\s+(\w+)\s+\w+\s+(\w+)\s*(.*)$/.exec(line);
    if (m) out.push({ value: parseInt(m[1]!, 16), size: Number(m[2]), type: m[3]!, bind: m[4]!, ndx: m[5]!, name: m[6]!.trim() });
  }
  return out;
}

/** Function labels `objdump -d` prints (`<name>:`) and the addresses they start at. */
export function objdumpFunctions(file: string): { labels: Set<string>; addresses: Set<number>; text: string; stderr: string } {
  const r = runTool('objdump', ['-d', file]);
  const labels = new Set<string>();
  const addresses = new Set<number>();
  for (const m of r.stdout.matchAll(/^([0-9a-f]+) <([^>]+)>:$/gm)) {
    labels.add(m[2]!);
    addresses.add(parseInt(m[1]!, 16));
  }
  return { labels, addresses, text: r.stdout, stderr: r.stderr };
}

/** Every FUNC symbol has a disassembly block starting at its address (aliases share one label). */
export function expectEveryFunctionDisassembled(file: string): string[] {
  const { addresses, text, stderr } = objdumpFunctions(file);
  const missing: string[] = [];
  if (stderr) missing.push(`objdump: ${stderr}`);
  if (/\(bad\)/.test(text)) missing.push('objdump printed (bad)');
  for (const s of readSymbols(file)) if (s.type === 'FUNC' && !addresses.has(s.value)) missing.push(s.name);
  return missing;
}

/**
 * The file's bytes at virtual addresses [addr, addr + len): the section that starts
 * nearest below `addr` maps them (past its end too, so the space a removed last block
 * left can be read).
 */
export function fileBytesAt(file: string, addr: number, len: number): Buffer {
  const elf = fs.readFileSync(file);
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  let best: { addr: number; offset: number } | null = null;
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * shentsize;
    const type = elf.readUInt32LE(sh + 4);
    const shAddr = Number(elf.readBigUInt64LE(sh + 0x10));
    const shOffset = Number(elf.readBigUInt64LE(sh + 0x18));
    if (type === 8 /* SHT_NOBITS */ || shAddr === 0 || shAddr > addr) continue;
    if (!best || shAddr > best.addr) best = { addr: shAddr, offset: shOffset };
  }
  if (!best) throw new Error(`no section holds address 0x${addr.toString(16)}`);
  const at = best.offset + (addr - best.addr);
  return elf.subarray(at, at + len);
}
