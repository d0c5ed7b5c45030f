//! A small, non-incremental driver for sema tests: parses a source, analyzes decls on
//! demand starting from the exports (with cycle detection), then the bodies of every
//! reachable function, and collects values, AIR, data and errors. The real incremental
//! driver is src/compile/Compilation.ts; this one exists so sema can be tested alone.

import { parseFile } from '../../src/zir/parse.js';
import { formatDiagnosticLine } from '../../src/zir/diagnostic.js';
import type { Decl } from '../../src/zir/ast.js';
import { analyzeDecl, analyzeFunctionBody, emitZir, functionOwner } from '../../src/sema/index.js';
import type { DeclAnalysis, FunctionAnalysis, ResolvedDecl, SemaOptions } from '../../src/sema/api.js';
import type { AirFunction, AirInst } from '../../src/sema/air.js';
import { WASM32_TARGET, X86_64_TARGET, typeName, type FnType } from '../../src/sema/types.js';
import { checkInlineAsm } from '../../src/codegen/x86_64/asm.js';

export const X86: SemaOptions = { target: X86_64_TARGET, safety: true, checkInlineAsm };
export const WASM: SemaOptions = { target: WASM32_TARGET, safety: true };

export interface ProgramError {
  offset: number;
  message: string;
  /** `main.zir:line:col: error: message` */
  line: string;
}

export interface Program {
  source: Uint8Array;
  decls: Map<string, Decl>;
  values: Map<string, DeclAnalysis>;
  bodies: Map<string, FunctionAnalysis>;
  /** Reachable decls, in source order. */
  reachable: Decl[];
  errors: ProgramError[];
}

export function analyzeProgram(text: string | Uint8Array, opts: SemaOptions = X86, path = 'main.zir'): Program {
  const source = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const errors: ProgramError[] = [];
  const report = (offset: number, message: string) =>
    errors.push({ offset, message, line: formatDiagnosticLine(path, source, offset, message) });
  const parsed = parseFile(source);
  const program: Program = { source, decls: new Map(), values: new Map(), bodies: new Map(), reachable: [], errors };
  if (!parsed.ok) {
    report(parsed.error.offset, parsed.error.message);
    return program;
  }
  for (const d of parsed.module.decls) program.decls.set(d.name, d);
  const inProgress = new Set<string>();
  const reached = new Set<string>();

  const resolve = (name: string): ResolvedDecl => {
    const decl = program.decls.get(name);
    if (decl === undefined) return 'not_found';
    reached.add(name);
    const done = program.values.get(name);
    if (done !== undefined) return done.typedValue ? done.typedValue : 'failed';
    if (inProgress.has(name)) return 'cycle';
    inProgress.add(name);
    const r = analyzeDecl(decl, { resolveDecl: resolve }, opts);
    inProgress.delete(name);
    program.values.set(name, r);
    for (const e of r.errors) report(decl.start + e.offset, e.message);
    return r.typedValue ? r.typedValue : 'failed';
  };

  const exportSymbols = new Map<string, string>();
  for (const d of parsed.module.decls) {
    if (d.inst.tag !== 'export') continue;
    resolve(d.name);
    const info = program.values.get(d.name)?.export;
    if (info) {
      if (exportSymbols.has(info.symbolName)) report(d.start + info.offset, `exported symbol collision: ${info.symbolName}`);
      else exportSymbols.set(info.symbolName, d.name);
    }
  }
  // Bodies of reachable functions, until no new function is reached.
  for (let progress = true; progress; ) {
    progress = false;
    for (const name of reached) {
      if (program.bodies.has(name)) continue;
      const tv = program.values.get(name)?.typedValue;
      if (!tv || functionOwner(tv) !== name) continue;
      const decl = program.decls.get(name)!;
      const r = analyzeFunctionBody(decl, tv.type as FnType, { resolveDecl: resolve }, opts);
      program.bodies.set(name, r);
      for (const e of r.errors) report(decl.start + e.offset, e.message);
      progress = true;
    }
  }
  program.reachable = parsed.module.decls.filter((d) => reached.has(d.name));
  errors.sort((a, b) => a.offset - b.offset);
  return program;
}

/** The AIR of function `name` (throws if it has none). */
export function airOf(p: Program, name: string): AirFunction {
  const air = p.bodies.get(name)?.air;
  if (!air) throw new Error(`no AIR for ${name}: ${p.errors.map((e) => e.line).join('; ')}`);
  return air;
}

/** All instructions of a function reachable from its body, in execution-nesting order. */
export function walkAir(f: AirFunction): AirInst[] {
  const out: AirInst[] = [];
  const visit = (refs: number[]) => {
    for (const r of refs) {
      const inst = f.insts[r]!;
      out.push(inst);
      if (inst.op === 'block' || inst.op === 'loop') visit(inst.body);
      if (inst.op === 'condbr') {
        visit(inst.then);
        visit(inst.else);
      }
    }
  };
  visit(f.body);
  return out;
}

/** `zirc ir` of an analyzed program (reachable decls in source order). */
export function emitProgram(p: Program, opts: SemaOptions): string {
  return emitZir(
    p.reachable.map((decl) => ({ decl, analysis: p.values.get(decl.name)!, body: p.bodies.get(decl.name) ?? null })),
    opts,
  );
}

/**
 * A program's functions, exports and the contents of the data they reach, as text with
 * anonymous constant names replaced by their bytes: two programs that behave alike give
 * the same text whatever their anonymous constants are called.
 */
export function normalizedProgram(p: Program): string {
  const atoms = new Map<string, string>();
  for (const a of p.values.values()) for (const d of a.data) atoms.set(d.name, Buffer.from(d.bytes).toString('hex'));
  for (const b of p.bodies.values()) for (const d of b.data) atoms.set(d.name, Buffer.from(d.bytes).toString('hex'));
  const lines: string[] = [];
  const show = (x: unknown): string =>
    JSON.stringify(x, (_k, v) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (v && typeof v === 'object' && 'kind' in v && typeof v.kind === 'string' && ['int', 'pointer', 'array', 'fn', 'bool', 'void', 'noreturn', 'comptime_int'].includes(v.kind) && !('value' in v) && !('target' in v)) {
        return typeName(v);
      }
      if (v && typeof v === 'object' && v.kind === 'decl' && typeof v.name === 'string' && atoms.has(v.name)) {
        return `atom:${atoms.get(v.name)}`;
      }
      return v;
    });
  for (const [name, body] of [...p.bodies.entries()].sort()) {
    lines.push(`fn ${name}: ${show(body.air)}`);
  }
  for (const a of p.values.values()) if (a.export) lines.push(`export ${a.export.symbolName} = ${a.export.declName}`);
  return lines.sort().join('\n');
}
