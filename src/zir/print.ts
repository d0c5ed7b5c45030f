//! The canonical ZIR text of a tree: one `@name = tag(args)` per line, bodies indented
//! two spaces per level, keyword arguments after the positionals in schema order,
//! strings with Zig escapes (`\xHH` for every other non-printable byte). Parsing the
//! output gives the same tree, offsets aside.
//!
//! Works with an explicit stack (no recursion), so a deeply nested tree cannot overflow
//! the JS stack. Names are latin1-kept bytes (see ast.ts): `printModule`/`printDecl` give
//! the text as a JS string (names shown as UTF-8), `printModuleBytes` the exact bytes.

import type { ArgValue, BodyValue, Decl, Inst, ListValue, Module } from './ast.js';
import { nameForDisplay } from './ast.js';
import type { ParamSchema } from './schema.js';
import { lookupTag } from './schema.js';
import { encodeStringLiteral } from './string_literal.js';
import { latin1Bytes } from './bytes.js';

/** The canonical text of a module: each decl on its own line. */
export function printModule(m: Module): string {
  return nameForDisplay(printModuleLatin1(m));
}

/** The canonical text of one decl (no trailing newline). */
export function printDecl(d: Decl): string {
  return nameForDisplay(printDeclLatin1(d));
}

/** The canonical text of a module as bytes, byte-exact for any name. */
export function printModuleBytes(m: Module): Uint8Array {
  return latin1Bytes(printModuleLatin1(m));
}

/** The canonical text of one instruction, at body depth 0. */
export function printInst(inst: Inst): string {
  const out: string[] = [];
  emit(out, { t: INST, inst, indent: '' });
  return nameForDisplay(out.join(''));
}

function printModuleLatin1(m: Module): string {
  const out: string[] = [];
  for (const d of m.decls) {
    out.push('@', d.name, ' = ');
    emit(out, { t: INST, inst: d.inst, indent: '' });
    out.push('\n');
  }
  return out.join('');
}

function printDeclLatin1(d: Decl): string {
  const out: string[] = ['@', d.name, ' = '];
  emit(out, { t: INST, inst: d.inst, indent: '' });
  return out.join('');
}

const INST = 0;
const BODY = 1;
const CASES = 2;

interface InstTask { t: typeof INST; inst: Inst; indent: string }
interface BodyTask { t: typeof BODY; body: BodyValue; indent: string }
interface CasesTask { t: typeof CASES; cases: ListValue; indent: string }
type Task = string | InstTask | BodyTask | CasesTask;

/** Expand `root` into `out`, depth-first, with an explicit stack. */
function emit(out: string[], root: Task): void {
  const stack: Task[] = [root];
  const parts: Task[] = [];
  while (stack.length > 0) {
    const task = stack.pop()!;
    if (typeof task === 'string') {
      out.push(task);
      continue;
    }
    parts.length = 0;
    if (task.t === INST) expandInst(parts, task.inst, task.indent);
    else if (task.t === BODY) expandBody(parts, task.body, task.indent);
    else expandCases(parts, task.cases, task.indent);
    for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]!);
  }
}

function expandInst(parts: Task[], inst: Inst, indent: string): void {
  const schema = lookupTag(inst.tag);
  parts.push(inst.tag, '(');
  let first = true;
  for (let i = 0; i < inst.args.length; i++) {
    if (!first) parts.push(', ');
    first = false;
    pushValue(parts, inst.args[i]!, schema?.positionals[i], indent);
  }
  const printed = new Set<string>();
  const kwOrder: readonly ParamSchema[] = schema?.kwargs ?? [];
  for (const param of kwOrder) {
    const v = inst.kwargs.get(param.name);
    if (v === undefined) continue;
    printed.add(param.name);
    if (!first) parts.push(', ');
    first = false;
    parts.push(param.name, '=');
    pushValue(parts, v, param, indent);
  }
  for (const [kw, v] of inst.kwargs) {
    if (printed.has(kw)) continue;
    if (!first) parts.push(', ');
    first = false;
    parts.push(kw, '=');
    pushValue(parts, v, undefined, indent);
  }
  parts.push(')');
}

function expandBody(parts: Task[], body: BodyValue, indent: string): void {
  if (body.locals.length === 0) {
    parts.push('{}');
    return;
  }
  const inner = indent + '  ';
  parts.push('{\n');
  for (const local of body.locals) {
    parts.push(inner, '%', local.name, ' = ', { t: INST, inst: local.inst, indent: inner }, '\n');
  }
  parts.push(indent, '}');
}

function expandCases(parts: Task[], cases: ListValue, indent: string): void {
  if (cases.items.length === 0) {
    parts.push('{}');
    return;
  }
  parts.push('{ ');
  let first = true;
  for (const item of cases.items) {
    if (!first) parts.push(', ');
    first = false;
    if (item.kind === 'switch_case') {
      pushValue(parts, item.item, undefined, indent);
      parts.push(' => ', { t: BODY, body: item.body, indent });
    } else {
      pushValue(parts, item, undefined, indent);
    }
  }
  parts.push(' }');
}

function pushValue(parts: Task[], v: ArgValue, param: ParamSchema | undefined, indent: string): void {
  switch (v.kind) {
    case 'ref':
      parts.push(v.scope === 'decl' ? '@' : '%', v.name);
      return;
    case 'string':
      parts.push(encodeStringLiteral(v.bytes));
      return;
    case 'int':
      parts.push(v.value.toString());
      return;
    case 'bool':
      parts.push(v.value ? '1' : '0');
      return;
    case 'word':
      parts.push(v.text);
      return;
    case 'body':
      parts.push({ t: BODY, body: v, indent });
      return;
    case 'switch_case':
      pushValue(parts, v.item, undefined, indent);
      parts.push(' => ', { t: BODY, body: v.body, indent });
      return;
    case 'list': {
      const isCases = param?.kind.kind === 'switch_cases' || v.items[0]?.kind === 'switch_case';
      if (isCases) {
        parts.push({ t: CASES, cases: v, indent });
        return;
      }
      parts.push('[');
      for (let i = 0; i < v.items.length; i++) {
        if (i > 0) parts.push(', ');
        pushValue(parts, v.items[i]!, undefined, indent);
      }
      parts.push(']');
      return;
    }
  }
}
