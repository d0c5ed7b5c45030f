//! The C twin of a generated ZIR program, on disk: `common.h` (integer typedefs, runtime
//! declarations), `consts.h` (one macro per top-level integer constant), `rt.c` (the
//! WASI functions, panics and the exported entry) and one translation unit per 100
//! functions, in source order. After an edit of the ZIR source it rewrites only what
//! the edit changed and says which units a build system must recompile: the unit of an
//! edited function, or every unit that uses an edited constant (as if each constant had
//! its own header: the least any C build could recompile).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ArgValue, Decl, Inst } from '../zir/ast.js';
import { parseFile } from '../zir/parse.js';
import type { CArch } from './c_translate.js';
import { ZirToC, cFunctionName } from './c_translate.js';
import { CTypeNames, UnsupportedForC } from './c_types.js';

export interface CEditResult {
  /** Absolute paths of the .c files to compile again. */
  dirty: string[];
}

export class CProject {
  private source: Buffer = Buffer.alloc(0);
  private declText = new Map<string, string>();
  private units: string[][] = [];
  private unitOf = new Map<string, number>();
  private unitConsts: Set<string>[] = [];
  private translator: ZirToC | null = null;

  constructor(
    readonly dir: string,
    readonly arch: CArch,
    readonly safety: boolean,
    readonly functionsPerUnit = 100,
  ) {}

  /** Every .c file of the project (units and runtime). */
  get sources(): string[] {
    return [...this.units.map((_, i) => this.unitPath(i)), path.join(this.dir, 'rt.c')];
  }

  objectFor(cPath: string): string {
    return cPath.replace(/\.c$/, '.o');
  }

  get unitCount(): number {
    return this.units.length;
  }

  /** Writes the whole project for `source`. Throws `UnsupportedForC` for programs outside the subset. */
  generate(source: Uint8Array): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(this.dir, { recursive: true });
    const mod = parseOrThrow(source);
    this.source = Buffer.from(source);
    this.declText = declTexts(mod.decls, this.source);
    this.translator = new ZirToC(mod.decls, this.arch, this.safety);
    const fns = reachableFunctions(this.translator, mod.decls);
    this.units = [];
    this.unitOf.clear();
    for (let i = 0; i < fns.length; i += this.functionsPerUnit) {
      const unit = fns.slice(i, i + this.functionsPerUnit);
      for (const f of unit) this.unitOf.set(f, this.units.length);
      this.units.push(unit);
    }
    this.unitConsts = this.units.map(() => new Set());
    write(path.join(this.dir, 'common.h'), commonHeader(this.arch));
    write(path.join(this.dir, 'consts.h'), this.constsHeader(mod.decls));
    write(path.join(this.dir, 'rt.c'), this.runtimeUnit());
    for (let i = 0; i < this.units.length; i++) write(this.unitPath(i), this.unitText(i));
  }

  /** Brings the files up to date with an edited source; returns the units to recompile. */
  applyEdit(source: Uint8Array): CEditResult {
    if (!this.translator) throw new Error('CProject.applyEdit before generate');
    const mod = parseOrThrow(source);
    const buf = Buffer.from(source);
    const texts = declTexts(mod.decls, buf);
    const changed: Decl[] = [];
    let structural = texts.size !== this.declText.size;
    for (const d of mod.decls) {
      const old = this.declText.get(d.name);
      if (old === undefined) structural = true;
      else if (old !== texts.get(d.name)) changed.push(d);
    }
    if (structural) {
      this.generate(source);
      return { dirty: this.sources };
    }
    this.source = buf;
    this.declText = texts;
    this.translator.replaceDecls(changed);
    const dirtyUnits = new Set<number>();
    let constsChanged = false;
    for (const d of changed) {
      const tag = d.inst.tag;
      const unit = this.unitOf.get(d.name);
      if (tag === 'fn' && unit !== undefined) dirtyUnits.add(unit);
      else if (tag === 'int') {
        constsChanged = true;
        this.unitConsts.forEach((s, i) => {
          if (s.has(d.name)) dirtyUnits.add(i);
        });
      } else if (tag === 'fn' || tag === 'str') {
        // An unreachable function or a string: units using it are found by retranslation below.
        this.units.forEach((_, i) => dirtyUnits.add(i));
      } else {
        this.generate(source);
        return { dirty: this.sources };
      }
    }
    if (constsChanged) write(path.join(this.dir, 'consts.h'), this.constsHeader(mod.decls));
    const dirty: string[] = [];
    for (const i of [...dirtyUnits].sort((a, b) => a - b)) {
      write(this.unitPath(i), this.unitText(i));
      dirty.push(this.unitPath(i));
    }
    return { dirty };
  }

  private unitPath(i: number): string {
    return path.join(this.dir, `tu_${String(i).padStart(4, '0')}.c`);
  }

  private constsHeader(decls: readonly Decl[]): string {
    const lines = ['/* Top-level integer constants of the ZIR program. */'];
    for (const d of decls) {
      const line = this.translator!.constantDefine(d.name);
      if (line) lines.push(line);
    }
    return `${lines.join('\n')}\n`;
  }

  private unitText(i: number): string {
    const t = this.translator!;
    const names = new CTypeNames();
    const bodies: string[] = [];
    const calls = new Set<string>();
    const strings = new Set<string>();
    const consts = new Set<string>();
    for (const f of this.units[i]) {
      const tf = t.translateFunction(f, names);
      bodies.push(tf.text);
      for (const c of tf.calls) calls.add(c);
      for (const s of tf.strings) strings.add(s);
      for (const c of tf.consts) consts.add(c);
    }
    this.unitConsts[i] = consts;
    for (const f of this.units[i]) calls.add(f);
    const protos = [...calls].sort().map((c) => `${t.prototype(c, names)};`);
    const data = [...strings].sort().map((s) => t.stringDefinition(s));
    return ['#include "common.h"', '#include "consts.h"', ...names.typedefs, ...data, ...protos, '', ...bodies].join('\n');
  }

  private runtimeUnit(): string {
    const t = this.translator!;
    const names = new CTypeNames();
    const lines: string[] = [];
    for (const e of t.exports()) {
      const ft = t.functionType(e.declName);
      if (ft.params.length !== 0) throw new UnsupportedForC(`export ${e.symbol} takes parameters`);
      lines.push(`${t.prototype(e.declName, names)};`);
      const call = `${cFunctionName(e.declName)}();`;
      if (e.symbol === '_start') {
        lines.push(
          this.arch === 'x86_64'
            ? `__attribute__((force_align_arg_pointer)) void _start(void) { ${call} zrt_proc_exit(0); }`
            : `__attribute__((export_name("_start"))) void _start(void) { ${call} }`,
        );
      } else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.symbol)) {
        lines.push(
          this.arch === 'x86_64'
            ? `void ${e.symbol}(void) { ${call} }`
            : `__attribute__((export_name("${e.symbol}"))) void ${e.symbol}(void) { ${call} }`,
        );
      } else {
        throw new UnsupportedForC(`export symbol '${e.symbol}' is not a C identifier`);
      }
    }
    return ['#include "common.h"', ...names.typedefs, runtimeSupport(this.arch), ...lines, ''].join('\n');
  }
}

function parseOrThrow(source: Uint8Array): { decls: Decl[] } {
  const r = parseFile(source);
  if (!r.ok) throw new UnsupportedForC(`the program does not parse: ${r.error.message}`);
  return r.module;
}

function declTexts(decls: readonly Decl[], buf: Buffer): Map<string, string> {
  const m = new Map<string, string>();
  for (const d of decls) m.set(d.name, buf.toString('latin1', d.start, d.end));
  return m;
}

function write(file: string, text: string): void {
  fs.writeFileSync(file, text);
}

/** `fn` decls reachable from the exports, in source order. */
function reachableFunctions(t: ZirToC, decls: readonly Decl[]): string[] {
  const seen = new Set<string>();
  const stack: string[] = [];
  for (const d of decls) {
    if (d.inst.tag !== 'export') continue;
    stack.push(d.name);
    const target = d.inst.args[1];
    if (target && target.kind === 'string') stack.push(Buffer.from(target.bytes).toString('latin1'));
  }
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const d = t.decl(name);
    if (d) collectRefs(d.inst, stack);
  }
  return decls.filter((d) => d.inst.tag === 'fn' && seen.has(d.name)).map((d) => d.name);
}

function collectRefs(inst: Inst, out: string[]): void {
  const visit = (a: ArgValue): void => {
    switch (a.kind) {
      case 'ref':
        if (a.scope === 'decl') out.push(a.name);
        break;
      case 'list':
        a.items.forEach(visit);
        break;
      case 'body':
        for (const l of a.locals) collectRefs(l.inst, out);
        break;
      case 'switch_case':
        visit(a.item);
        visit(a.body);
        break;
      default:
        break;
    }
  };
  inst.args.forEach(visit);
  for (const v of inst.kwargs.values()) visit(v);
  if ((inst.tag === 'declval' || inst.tag === 'declref') && inst.args[0]?.kind === 'string') {
    out.push(Buffer.from(inst.args[0].bytes).toString('latin1'));
  }
}

function commonHeader(arch: CArch): string {
  const wasiImport = (name: string): string =>
    arch === 'wasm32' ? `__attribute__((import_module("wasi_snapshot_preview1"), import_name("${name}"))) ` : '';
  return `/* Shared by every unit of the C twin of a ZIR program. */
typedef __UINT8_TYPE__ u8; typedef __INT8_TYPE__ i8;
typedef __UINT16_TYPE__ u16; typedef __INT16_TYPE__ i16;
typedef __UINT32_TYPE__ u32; typedef __INT32_TYPE__ i32;
typedef __UINT64_TYPE__ u64; typedef __INT64_TYPE__ i64;
typedef ${arch === 'x86_64' ? 'u64' : 'u32'} usize;
${wasiImport('fd_write')}u32 zrt_fd_write(u32 fd, usize iovs, usize iovs_len, usize nwritten);
${wasiImport('proc_exit')}_Noreturn void zrt_proc_exit(u32 code);
_Noreturn void zrt_panic_overflow(void);
_Noreturn void zrt_panic_div_zero(void);
_Noreturn void zrt_panic_cast(void);
_Noreturn void zrt_panic_shift(void);
_Noreturn void zrt_panic_unreachable(void);
`;
}

/** The WASI functions (x86-64: Linux system calls, as zirc's built-ins) and the panics of spec §8. */
function runtimeSupport(arch: CArch): string {
  const panics = [
    ['overflow', 'integer overflow'],
    ['div_zero', 'division by zero'],
    ['cast', 'integer cast truncated bits'],
    ['shift', 'shift amount is too large'],
    ['unreachable', 'reached unreachable code'],
  ]
    .map(([n, m]) => `_Noreturn void zrt_panic_${n}(void) { static const char m[] = "panic: ${m}\\n"; zrt_panic(m, sizeof m - 1); }`)
    .join('\n');
  if (arch === 'x86_64') {
    return `static long zrt_syscall3(long n, long a, long b, long c) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}
u32 zrt_fd_write(u32 fd, usize iovs, usize iovs_len, usize nwritten) {
  long r = zrt_syscall3(20, fd, (long)iovs, (long)iovs_len);
  if (r < 0) return (u32)-r;
  *(usize *)nwritten = (usize)r;
  return 0;
}
_Noreturn void zrt_proc_exit(u32 code) { zrt_syscall3(231, code, 0, 0); __builtin_unreachable(); }
static _Noreturn void zrt_panic(const char *m, long len) { zrt_syscall3(1, 2, (long)m, len); zrt_proc_exit(134); }
${panics}
`;
  }
  return `static _Noreturn void zrt_panic(const char *m, usize len) {
  usize iov[2] = { (usize)m, len };
  u32 written;
  zrt_fd_write(2, (usize)iov, 1, (usize)&written);
  zrt_proc_exit(134);
}
${panics}
`;
}
