//! Test helper: a small interpreter for the ZIR that `src/bench/generate.ts` writes, so
//! the generator's expected output is checked against the program text itself, not
//! against the generator's own model. Covers the instructions those programs use;
//! `@print_u32` and `@proc_exit` are intercepted (they only format and exit).

import type { ArgValue, BodyValue, Decl, Inst, Module } from '../../src/zir/ast.js';

type Ptr = { arr: Value[]; idx: number };
type Value = bigint | Ptr | null;

const MASK32 = 0xffffffffn;

class Exit {
  constructor(readonly code: number) {}
}

type Signal = { break: string } | { ret: Value } | null;

export interface InterpResult {
  stdout: string;
  exitCode: number;
  steps: number;
}

export function interpret(m: Module, entry = 'entry', maxSteps = 50_000_000): InterpResult {
  const decls = new Map<string, Decl>(m.decls.map((d) => [d.name, d]));
  let stdout = '';
  let steps = 0;

  const declValue = (name: string): Value => {
    const d = decls.get(name);
    if (d === undefined) throw new Error(`decl '${name}' not found`);
    if (d.inst.tag === 'int') return (d.inst.args[0] as { value: bigint }).value;
    if (d.inst.tag === 'array_type') return declValue((d.inst.args[0] as { name: string }).name);
    return null; // types and functions: only their names matter here
  };

  const call = (fnName: string, args: Value[]): Value => {
    if (fnName === 'print_u32') {
      stdout += `${args[0] as bigint}\n`;
      return null;
    }
    if (fnName === 'proc_exit') throw new Exit(Number(args[0] as bigint));
    const d = decls.get(fnName);
    if (d === undefined || d.inst.tag !== 'fn') throw new Error(`no function ${fnName}`);
    const locals = new Map<string, Value>();
    let argIndex = 0;
    const operand = (a: ArgValue): Value => {
      if (a.kind !== 'ref') throw new Error(`operand of kind ${a.kind}`);
      if (a.scope === 'local') {
        if (!locals.has(a.name)) throw new Error(`local %${a.name} has no value`);
        return locals.get(a.name)!;
      }
      return declValue(a.name);
    };
    const num = (a: ArgValue): bigint => operand(a) as bigint;
    const runBody = (body: BodyValue): Signal => {
      for (const local of body.locals) {
        if (++steps > maxSteps) throw new Error('step limit');
        const sig = exec(local.name, local.inst);
        if (sig !== null) return sig;
      }
      return null;
    };
    const exec = (name: string, inst: Inst): Signal => {
      const a = inst.args;
      let v: Value = null;
      switch (inst.tag) {
        case 'arg': v = args[argIndex++]!; break;
        case 'int': v = (a[0] as { value: bigint }).value; break;
        case 'as': case 'intcast': v = num(a[1]!); break;
        case 'mulwrap': v = (num(a[0]!) * num(a[1]!)) & MASK32; break;
        case 'addwrap': v = (num(a[0]!) + num(a[1]!)) & MASK32; break;
        case 'subwrap': v = (num(a[0]!) - num(a[1]!)) & MASK32; break;
        case 'xor': v = num(a[0]!) ^ num(a[1]!); break;
        case 'add': v = num(a[0]!) + num(a[1]!); break;
        case 'sub': v = num(a[0]!) - num(a[1]!); break;
        case 'cmp_lt': v = num(a[0]!) < num(a[1]!) ? 1n : 0n; break;
        case 'cmp_eq': v = num(a[0]!) === num(a[1]!) ? 1n : 0n; break;
        case 'alloc_mut': {
          const len = declValue((a[0] as { name: string }).name);
          v = { arr: new Array<Value>(typeof len === 'bigint' ? Number(len) : 1).fill(null), idx: 0 };
          break;
        }
        case 'elemptr': {
          const p = operand(a[0]!) as Ptr;
          v = { arr: p.arr, idx: Number(num(a[1]!)) };
          if ((v.idx < 0 || v.idx >= p.arr.length)) throw new Error('index out of bounds');
          break;
        }
        case 'store': { const p = operand(a[0]!) as Ptr; p.arr[p.idx] = operand(a[1]!); break; }
        case 'deref': { const p = operand(a[0]!) as Ptr; v = p.arr[p.idx]!; break; }
        case 'call': {
          const callee = (a[0] as { name: string }).name;
          v = call(callee, (a[1] as { items: ArgValue[] }).items.map(operand));
          break;
        }
        case 'return': return { ret: operand(a[0]!) };
        case 'returnvoid': return { ret: null };
        case 'breakvoid': return { break: Buffer.from((a[0] as { bytes: Uint8Array }).bytes).toString('latin1') };
        case 'block': {
          const sig = runBody(a[0] as BodyValue);
          if (sig !== null && !('break' in sig && sig.break === name)) return sig;
          break;
        }
        case 'loop':
          for (;;) {
            const sig = runBody(a[0] as BodyValue);
            if (sig !== null) return sig;
          }
        case 'condbr': return runBody((num(a[0]!) !== 0n ? a[1] : a[2]) as BodyValue);
        default: throw new Error(`mini interpreter: no '${inst.tag}'`);
      }
      locals.set(name, v);
      return null;
    };
    const sig = runBody(d.inst.args[1] as BodyValue);
    return sig !== null && 'ret' in sig ? sig.ret : null;
  };

  try {
    call(entry, []);
    throw new Error('entry returned');
  } catch (e) {
    if (e instanceof Exit) return { stdout, exitCode: e.code, steps };
    throw e;
  }
}
