//! Test helper: a module's tree without offsets (for print→parse round trips), as plain
//! data that `toEqual` compares structurally.

import type { ArgValue, Inst, Module } from '../../src/zir/ast.js';

export type Plain = null | boolean | number | string | Plain[] | { [k: string]: Plain };

export function plainModule(m: Module): Plain {
  return m.decls.map((d) => ({ name: d.name, inst: plainInst(d.inst) }));
}

export function plainInst(inst: Inst): Plain {
  const kwargs = [...inst.kwargs.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => [k, plainArg(v)] as Plain);
  return { tag: inst.tag, args: inst.args.map(plainArg), kwargs };
}

export function plainArg(v: ArgValue): Plain {
  switch (v.kind) {
    case 'ref': return { ref: (v.scope === 'decl' ? '@' : '%') + v.name };
    case 'list': return { list: v.items.map(plainArg) };
    case 'body': return { body: v.locals.map((l) => ({ name: l.name, inst: plainInst(l.inst) })) };
    case 'string': return { string: Array.from(v.bytes) };
    case 'int': return { int: v.value.toString() };
    case 'bool': return { bool: v.value };
    case 'word': return { word: v.text };
    case 'switch_case': return { item: plainArg(v.item), body: plainArg(v.body) };
  }
}
