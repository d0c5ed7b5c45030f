//! The symbols the linker defines itself, as wasm-ld 14 does for a non-PIC module: the
//! mutable `__stack_pointer` global, `__wasm_call_ctors` (a function calling the live
//! objects' constructors in priority order), the data symbols `__data_end`,
//! `__heap_base`, `__global_base`, `__dso_handle` and the table `__indirect_function_table`
//! when an input refers to them, a trapping stub for each weak undefined function, and
//! (after --gc-sections) the command export wrappers. Bodies are encoded at layout, once
//! every function has its output index.

import { SYM_BINDING_WEAK, SYM_EXPLICIT_NAME, SYM_VISIBILITY_HIDDEN, SYM_UNDEFINED, SYMTAB_DATA, SYMTAB_FUNCTION, SYMTAB_GLOBAL, SYMTAB_TABLE, type FuncType } from '../input/index.js';
import { addSymbol, SymState, type LinkContext } from './context.js';

/** wasm-ld's optional data symbols, in the order it creates them: defined when referenced, exported or under --export-all. */
const LINKER_DATA_SYMBOLS = ['__dso_handle', '__data_end', '__global_base', '__heap_base', '__memory_base', '__table_base'];
const EMPTY = new Uint8Array(0);
export const VOID_TYPE: FuncType = { params: EMPTY, results: EMPTY };

/**
 * wasm-ld enters `__stack_pointer` and `__wasm_call_ctors` before reading any input, so they
 * come first in the symbol table (which orders exports and imports).
 */
export function reserveLinkerSymbols(ctx: LinkContext): void {
  addSymbol(ctx, '__stack_pointer', SYMTAB_GLOBAL, false);
  addSymbol(ctx, '__wasm_call_ctors', SYMTAB_FUNCTION, false);
}

/** Claims `name` for the linker if it is absent or undefined; returns its id, or -1 if an input defines it. */
function claim(ctx: LinkContext, name: string, kind: number, create: boolean): number {
  const s = ctx.syms;
  let id = s.byName.get(name);
  if (id === undefined) {
    if (!create) return -1;
    id = addSymbol(ctx, name, kind, false);
  } else if (s.state[id] === SymState.Defined || s.state[id] === SymState.Synthetic || (s.kind[id] !== -1 && s.kind[id] !== kind)) {
    return -1;
  }
  s.state[id] = SymState.Synthetic;
  s.kind[id] = kind;
  s.object[id] = -1;
  // The linker's symbols are hidden: --export-dynamic leaves them out.
  s.flags[id] = SYM_VISIBILITY_HIDDEN;
  if (ctx.options.exports.includes(name)) s.forceExport[id] = 1;
  return id;
}

export function defineLinkerSymbols(ctx: LinkContext): void {
  const s = ctx.syms;
  const sp = claim(ctx, '__stack_pointer', SYMTAB_GLOBAL, true);
  if (sp < 0) ctx.errors.push('__stack_pointer is defined by an input: it is the linker\'s');
  ctx.stackPointer = sp;
  const ctors = claim(ctx, '__wasm_call_ctors', SYMTAB_FUNCTION, true);
  if (ctors >= 0) {
    ctx.callCtors = ctors;
    s.value[ctors] = addSynthetic(ctx, '__wasm_call_ctors', VOID_TYPE, ctors, 'ctors', -1);
  }
  for (const name of LINKER_DATA_SYMBOLS) {
    const id = claim(ctx, name, SYMTAB_DATA, ctx.options.exportAll || ctx.options.exports.includes(name));
    if (id >= 0) ctx.linkerData.set(name, id);
  }
  const table = s.byName.get('__indirect_function_table');
  if (table !== undefined && s.state[table] !== SymState.Defined) ctx.indirectTable = claim(ctx, '__indirect_function_table', SYMTAB_TABLE, false);
  else if (table === undefined && (ctx.options.importTable || ctx.options.exportTable)) ctx.indirectTable = claim(ctx, '__indirect_function_table', SYMTAB_TABLE, true);
}

/**
 * A weak undefined function nobody defines becomes a stub that traps (`undefined_weak:NAME`),
 * never a table entry: its address is null. One that may be imported stays an import.
 */
export function stubWeakUndefinedFunctions(ctx: LinkContext): void {
  const s = ctx.syms;
  const n = s.names.length;
  for (let id = 0; id < n; id++) {
    const st = s.state[id];
    if ((st !== SymState.Undefined && st !== SymState.Lazy) || s.local[id] || s.strongRef[id] || s.refObject[id]! < 0) continue;
    if (s.kind[id] !== SYMTAB_FUNCTION) continue;
    const o = s.refObject[id]!;
    const lo = ctx.objects[o]!;
    const flags = lo.obj.linking.symbols.flags[s.refSymbol[id]!]!;
    if (!(flags & SYM_UNDEFINED) || !(flags & SYM_BINDING_WEAK)) continue;
    const imp = lo.obj.imports[lo.funcImport[lo.obj.linking.symbols.index[s.refSymbol[id]!]!]!]!;
    const type = lo.obj.types[imp.typeIndex]!;
    s.state[id] = SymState.Synthetic;
    s.object[id] = -1;
    s.flags[id] = SYM_VISIBILITY_HIDDEN;
    s.value[id] = addSynthetic(ctx, `undefined_weak:${s.names[id]}`, type, id, 'stub', -1);
  }
}

export function addSynthetic(ctx: LinkContext, name: string, type: FuncType, symbol: number, role: 'ctors' | 'stub' | 'export', wraps: number): number {
  ctx.synthetic.push({ name, type, symbol, role, wraps, exportName: '', live: false, body: EMPTY, outIndex: -1 });
  return ctx.synthetic.length - 1;
}

/** Whether an undefined symbol may stay undefined: an import for a function or global. */
export function mayImport(ctx: LinkContext, id: number): boolean {
  const s = ctx.syms;
  const o = ctx.options;
  if (s.kind[id] === SYMTAB_FUNCTION && s.refObject[id]! >= 0) {
    const lo = ctx.objects[s.refObject[id]!]!;
    if (lo.obj.linking.symbols.flags[s.refSymbol[id]!]! & SYM_EXPLICIT_NAME) return true;
  }
  return o.allowUndefined || o.allowUndefinedSymbols.includes(s.names[id]!);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function sameType(a: FuncType, b: FuncType): boolean {
  return sameBytes(a.params, b.params) && sameBytes(a.results, b.results);
}

const VALUE_TYPES: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

/** A signature as wasm-ld prints it: `(i32, i32) -> i32`, `() -> void`. */
export function describeType(t: FuncType): string {
  const list = (b: Uint8Array) => Array.from(b, (v) => VALUE_TYPES[v] ?? `0x${v.toString(16)}`).join(', ');
  const results = t.results.length === 0 ? 'void' : t.results.length === 1 ? list(t.results) : `(${list(t.results)})`;
  return `(${list(t.params)}) -> ${results}`;
}

/**
 * An object that calls a function with another signature than its definition's gets, as
 * with wasm-ld, a warning and a stub of its own signature that traps
 * (`signature_mismatch:NAME`): a call through it would not validate otherwise.
 */
export function stubSignatureMismatches(ctx: LinkContext, functionType: (id: number) => FuncType): void {
  const s = ctx.syms;
  const stubs = new Map<string, number>();
  for (const o of ctx.order) {
    const lo = ctx.objects[o]!;
    const t = lo.obj.linking.symbols;
    for (let i = 0; i < t.count; i++) {
      if (t.kind[i] !== SYMTAB_FUNCTION || !(t.flags[i]! & SYM_UNDEFINED)) continue;
      const id = lo.symId[i]!;
      if (id < 0 || s.state[id] !== SymState.Defined) continue;
      const imp = lo.obj.imports[lo.funcImport[t.index[i]!]!]!;
      const want = lo.obj.types[imp.typeIndex]!;
      const have = functionType(id);
      if (sameType(want, have)) continue;
      const name = s.names[id]!;
      const key = `${name}\u0000${describeType(want)}`;
      let stub = stubs.get(key);
      if (stub === undefined) {
        ctx.warnings.push(`function signature mismatch: ${name}\n>>> defined as ${describeType(want)} in ${lo.obj.path}\n>>> defined as ${describeType(have)} in ${ctx.objects[s.object[id]!]!.obj.path}`);
        stub = addSymbol(ctx, `signature_mismatch:${name}`, SYMTAB_FUNCTION, true);
        s.state[stub] = SymState.Synthetic;
        s.flags[stub] = SYM_VISIBILITY_HIDDEN;
        s.value[stub] = addSynthetic(ctx, `signature_mismatch:${name}`, want, stub, 'stub', -1);
        stubs.set(key, stub);
      }
      lo.symId[i] = stub;
    }
  }
}
