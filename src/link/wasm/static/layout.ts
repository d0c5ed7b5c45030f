//! The module's index spaces and memory, laid out as wasm-ld 14 does for a non-PIC module:
//! imports (memory, table, then the undefined symbols in symbol-table order), functions
//! (live synthetic functions first, then each object's live functions in link order, then
//! the command export wrappers), types (those `call_indirect` names, then imports', then
//! functions', deduplicated), globals (`__stack_pointer`, the objects' live globals, then
//! one per exported data symbol), memory (data_layout.ts), and the exports. In watch mode
//! the functions and table slots keep their indices from link to link (stable_placement.ts).

import {
  EXTERNAL_FUNCTION, EXTERNAL_GLOBAL, EXTERNAL_MEMORY, EXTERNAL_TABLE, SYM_ABSOLUTE, SYM_EXPLICIT_NAME,
  SYMTAB_DATA, SYMTAB_FUNCTION, SYMTAB_GLOBAL, SYMTAB_TABLE, TYPE_I32, type FuncType,
} from '../input/index.js';
import { SymState, typeKey, type LinkContext } from './context.js';
import { addSynthetic } from './linker_symbols.js';
import { isExported, liveInitFunctions } from './mark_live.js';
import { functionKey } from './scan_relocations.js';
import { constI32, encodeUleb } from './leb.js';
import { layoutMemory, pieceAddress } from './data_layout.js';
import { placeStableFunctions, placeStableTable } from './stable_placement.js';
import { internIndex } from '../../intern_index.js';

export { constI32 };


export function registerType(ctx: LinkContext, t: FuncType): number {
  return internIndex(ctx.typeKeys, ctx.types, typeKey(t), () => t);
}

/** The function type of function symbol `id`. */
export function functionType(ctx: LinkContext, id: number): FuncType {
  const s = ctx.syms;
  if (s.state[id] === SymState.Synthetic) return ctx.synthetic[s.value[id]!]!.type;
  const defined = s.state[id] === SymState.Defined;
  const lo = ctx.objects[defined ? s.object[id]! : s.refObject[id]!]!;
  const index = lo.obj.linking.symbols.index[defined ? s.symbol[id]! : s.refSymbol[id]!]!;
  if (index < lo.obj.importedFunctions) return lo.obj.types[lo.obj.imports[lo.funcImport[index]!]!.typeIndex]!;
  return lo.obj.types[lo.obj.functionTypes[index - lo.obj.importedFunctions]!]!;
}

/** Command modules wrap each exported function to run the constructors before and `__wasm_call_dtors` after. */
export function createCommandExportWrappers(ctx: LinkContext): void {
  const s = ctx.syms;
  const ctorsUsed = ctx.callCtors < 0 || s.refObject[ctx.callCtors]! >= 0 || isExported(ctx, ctx.callCtors);
  if (ctorsUsed || ctx.options.entry === '__wasm_call_ctors') return;
  if (liveInitFunctions(ctx).length === 0 && ctx.callDtors < 0) return;
  const n = s.names.length;
  for (let id = 0; id < n; id++) {
    if (s.kind[id] !== SYMTAB_FUNCTION || !isExported(ctx, id)) continue;
    const k = addSynthetic(ctx, `${s.names[id]}.command_export`, functionType(ctx, id), id, 'export', id);
    ctx.synthetic[k]!.live = true;
  }
}

export function layoutModule(ctx: LinkContext): void {
  assignImports(ctx);
  assignFunctions(ctx);
  assignTypes(ctx);
  assignGlobals(ctx);
  layoutMemory(ctx);
  assignExports(ctx);
}

function assignImports(ctx: LinkContext): void {
  const s = ctx.syms;
  const o = ctx.options;
  if (o.importMemory) ctx.imports.push({ module: o.importMemoryModule, field: o.importMemoryName, kind: EXTERNAL_MEMORY, typeIndex: -1, valueType: 0, mutable: false, symbol: -1 });
  if (o.importTable) ctx.imports.push({ module: 'env', field: '__indirect_function_table', kind: EXTERNAL_TABLE, typeIndex: -1, valueType: 0, mutable: false, symbol: -1 });
  const ids = [...ctx.importSymbols].sort((a, b) => a - b);
  let funcs = 0;
  let globals = 0;
  for (const id of ids) {
    const lo = ctx.objects[s.refObject[id]!]!;
    const t = lo.obj.linking.symbols;
    const ref = s.refSymbol[id]!;
    const kind = s.kind[id];
    const imp = lo.obj.imports.find((im) => im.kind === (kind === SYMTAB_FUNCTION ? EXTERNAL_FUNCTION : EXTERNAL_GLOBAL) && im.kindIndex === t.index[ref]!)!;
    const field = t.flags[ref]! & SYM_EXPLICIT_NAME ? imp.field : s.names[id]!;
    if (kind === SYMTAB_FUNCTION) {
      s.value[id] = funcs++;
      ctx.imports.push({ module: imp.module, field, kind: EXTERNAL_FUNCTION, typeIndex: -1, valueType: 0, mutable: false, symbol: id });
    } else {
      s.value[id] = globals++;
      ctx.imports.push({ module: imp.module, field, kind: EXTERNAL_GLOBAL, typeIndex: -1, valueType: imp.global!.valueType, mutable: imp.global!.mutable, symbol: id });
    }
  }
  ctx.importedFunctionCount = funcs;
  ctx.importedGlobalCount = globals;
}

function assignFunctions(ctx: LinkContext): void {
  // wasm-ld's order: the linker's own functions, each object's in link order, the export wrappers.
  const order: Array<{ name: string; object: number; func: number; synthetic: number }> = [];
  ctx.synthetic.forEach((f, k) => {
    if (f.live && f.role !== 'export') order.push({ name: f.name, object: -1, func: -1, synthetic: k });
  });
  for (const o of ctx.order) {
    const lo = ctx.objects[o]!;
    const names = functionNames(lo.obj);
    for (let f = 0; f < lo.funcLive.length; f++) if (lo.funcLive[f]) order.push({ name: displayName(names[f] ?? `function ${f}`), object: o, func: f, synthetic: -1 });
  }
  ctx.synthetic.forEach((f, k) => {
    if (f.live && f.role === 'export') order.push({ name: f.name, object: -1, func: -1, synthetic: k });
  });
  const place = (e: (typeof order)[number]): void => {
    const index = ctx.importedFunctionCount + ctx.functions.length;
    ctx.functions.push({ name: e.name, typeIndex: -1, object: e.object, func: e.func, synthetic: e.synthetic });
    if (e.synthetic >= 0) ctx.synthetic[e.synthetic]!.outIndex = index;
    else ctx.objects[e.object]!.funcOut[e.func] = index;
  };
  if (!ctx.stable) {
    for (const e of order) place(e);
    return;
  }
  // Watch mode: each function keeps its index (stable_placement.ts).
  const { placed, keys } = placeStableFunctions(ctx, order);
  for (const p of placed) {
    if ('entry' in p) place(order[p.entry]!);
    else ctx.functions.push({ name: p.gone.name, typeIndex: -1, object: -1, func: -1, synthetic: -1, gone: p.gone.type });
  }
  placeStableTable(ctx, keys);
}

/** wasm-ld's name-section spelling: `main` for the `main(argc, argv)` clang mangles. */
export function displayName(name: string): string {
  return name === '__main_argc_argv' ? 'main' : name;
}

/** The name of each defined function: the first symbol defining it, as wasm-ld's names. */
export function functionNames(obj: LinkContext['objects'][number]['obj']): string[] {
  const names: string[] = [];
  const t = obj.linking.symbols;
  for (let i = 0; i < t.count; i++) {
    if (t.kind[i] !== SYMTAB_FUNCTION || t.flags[i]! & 0x10) continue;
    const f = t.index[i]! - obj.importedFunctions;
    if (f >= 0 && names[f] === undefined) names[f] = t.names[i]!;
  }
  return names;
}

function assignTypes(ctx: LinkContext): void {
  for (const imp of ctx.imports) if (imp.kind === EXTERNAL_FUNCTION) imp.typeIndex = registerType(ctx, functionType(ctx, imp.symbol));
  for (const f of ctx.functions) {
    if (f.synthetic >= 0) f.typeIndex = registerType(ctx, ctx.synthetic[f.synthetic]!.type);
    else if (f.gone) f.typeIndex = registerType(ctx, f.gone);
    else {
      const lo = ctx.objects[f.object]!;
      const t = lo.obj.functionTypes[f.func]!;
      if (lo.typeOut[t]! < 0) lo.typeOut[t] = registerType(ctx, lo.obj.types[t]!);
      f.typeIndex = lo.typeOut[t]!;
    }
  }
}

function assignGlobals(ctx: LinkContext): void {
  let next = ctx.importedGlobalCount;
  if (ctx.stackPointer >= 0) {
    ctx.syms.value[ctx.stackPointer] = next++;
    ctx.globals.push({ name: '__stack_pointer', valueType: TYPE_I32, mutable: true, init: new Uint8Array(0) });
  }
  for (const o of ctx.order) {
    const lo = ctx.objects[o]!;
    const t = lo.obj.linking.symbols;
    for (let g = 0; g < lo.globalLive.length; g++) {
      if (!lo.globalLive[g]) continue;
      const gl = lo.obj.globals[g]!;
      if (gl.init.kind === 'global') ctx.errors.push(`${lo.obj.path}: global ${g}'s initializer reads another global: not supported`);
      let name = `global ${g}`;
      for (let i = 0; i < t.count; i++) if (t.kind[i] === SYMTAB_GLOBAL && !(t.flags[i]! & 0x10) && t.index[i] === g + lo.obj.importedGlobals) { name = t.names[i]!; break; }
      lo.globalOut[g] = next++;
      ctx.globals.push({ name, valueType: gl.type.valueType, mutable: gl.type.mutable, init: gl.init.bytes });
    }
  }
}


/** The address of data symbol `id` plus `addend` (0 for an undefined one). */
export function dataAddress(ctx: LinkContext, id: number, addend = 0): number {
  const s = ctx.syms;
  if (s.state[id] === SymState.Synthetic) return s.value[id]! + addend;
  if (s.state[id] !== SymState.Defined) return 0;
  const lo = ctx.objects[s.object[id]!]!;
  const t = lo.obj.linking.symbols;
  const i = s.symbol[id]!;
  if (t.flags[i]! & SYM_ABSOLUTE) return t.offset[i]! + addend;
  const pieces = lo.pieces.get(t.index[i]!);
  if (pieces) return pieceAddress(pieces, t.offset[i]! + addend);
  return lo.segAddr[t.index[i]!]! + t.offset[i]! + addend;
}

/** The output function index of function symbol `id`. */
export function functionIndex(ctx: LinkContext, id: number): number {
  const s = ctx.syms;
  if (s.state[id] === SymState.Synthetic) return ctx.synthetic[s.value[id]!]!.outIndex;
  if (s.state[id] === SymState.Defined) {
    const lo = ctx.objects[s.object[id]!]!;
    return lo.funcOut[lo.obj.linking.symbols.index[s.symbol[id]!]! - lo.obj.importedFunctions]!;
  }
  return s.value[id]!;
}

/** The output function index of a table entry's `functionKey`. */
export function functionIndexOfKey(ctx: LinkContext, key: number): number {
  if (key >= 0) return ctx.objects[Math.floor(key / 4194304)]!.funcOut[key % 4194304]!;
  if (key > -(2 ** 40)) return ctx.synthetic[-1 - key]!.outIndex;
  return ctx.syms.value[-(key + 2 ** 40)]!;
}

export function globalIndex(ctx: LinkContext, id: number): number {
  const s = ctx.syms;
  if (s.state[id] === SymState.Defined) {
    const lo = ctx.objects[s.object[id]!]!;
    return lo.globalOut[lo.obj.linking.symbols.index[s.symbol[id]!]! - lo.obj.importedGlobals]!;
  }
  return s.value[id]!;
}

function exportNameOf(ctx: LinkContext, id: number): string {
  const s = ctx.syms;
  if (s.state[id] === SymState.Defined && s.kind[id] === SYMTAB_FUNCTION) {
    const lo = ctx.objects[s.object[id]!]!;
    const index = lo.obj.linking.symbols.index[s.symbol[id]!]!;
    const e = lo.obj.exports.find((x) => x.kind === EXTERNAL_FUNCTION && x.index === index);
    if (e) return e.name;
  }
  return s.names[id]!;
}

function assignExports(ctx: LinkContext): void {
  const s = ctx.syms;
  const o = ctx.options;
  if (o.exportMemory && !o.importMemory) ctx.exports.push({ name: o.exportMemoryName, kind: EXTERNAL_MEMORY, index: 0 });
  else if (o.importMemory && o.exportMemory && o.exportMemoryName !== 'memory') ctx.exports.push({ name: o.exportMemoryName, kind: EXTERNAL_MEMORY, index: 0 });
  if (o.exportTable) ctx.exports.push({ name: '__indirect_function_table', kind: EXTERNAL_TABLE, index: 0 });
  const wrapped = new Set<number>();
  for (const f of ctx.synthetic) if (f.role === 'export') wrapped.add(f.wraps);
  for (const name of o.exports) {
    const id = s.byName.get(name);
    if (id === undefined || (s.state[id] !== SymState.Defined && s.state[id] !== SymState.Synthetic)) {
      if (!o.allowUndefined) ctx.errors.push(`symbol exported via --export not found: ${name}`);
    }
  }
  const n = s.names.length;
  for (let id = 0; id < n; id++) {
    if (!isExported(ctx, id)) continue;
    const name = exportNameOf(ctx, id);
    const kind = s.kind[id];
    if (kind === SYMTAB_FUNCTION) {
      if (s.state[id] === SymState.Synthetic && ctx.synthetic[s.value[id]!]!.role === 'stub') continue;
      if (!wrapped.has(id)) ctx.exports.push({ name, kind: EXTERNAL_FUNCTION, index: functionIndex(ctx, id) });
    } else if (kind === SYMTAB_GLOBAL) {
      if (id === ctx.stackPointer && !s.forceExport[id]) continue;
      ctx.exports.push({ name, kind: EXTERNAL_GLOBAL, index: globalIndex(ctx, id) });
    } else if (kind === SYMTAB_DATA) {
      const index = ctx.importedGlobalCount + ctx.globals.length;
      // Unnamed in the name section, as wasm-ld leaves them.
      ctx.globals.push({ name: '', valueType: TYPE_I32, mutable: false, init: constI32(dataAddress(ctx, id)) });
      ctx.exports.push({ name, kind: EXTERNAL_GLOBAL, index });
    } else if (kind === SYMTAB_TABLE && id === ctx.indirectTable && !o.exportTable) {
      ctx.exports.push({ name, kind: EXTERNAL_TABLE, index: 0 });
    }
  }
  // A wrapper is a symbol wasm-ld adds last, so wrapped functions are exported last, under their own names.
  for (const f of ctx.synthetic) if (f.role === 'export') ctx.exports.push({ name: exportNameOf(ctx, f.wraps), kind: EXTERNAL_FUNCTION, index: f.outIndex });
}

/** The bodies the linker writes: `__wasm_call_ctors`, weak stubs, command export wrappers. */
export function encodeSyntheticBodies(ctx: LinkContext): void {
  const ctorsLive = ctx.callCtors >= 0 && ctx.syms.live[ctx.callCtors] === 1;
  for (const f of ctx.synthetic) {
    if (!f.live) continue;
    const b: number[] = [0];
    if (f.role === 'stub') b.push(0x00);
    else if (f.role === 'ctors') {
      for (const id of liveInitFunctions(ctx)) {
        const t = functionType(ctx, id);
        if (t.params.length > 0) ctx.errors.push(`constructor functions cannot take arguments: ${ctx.syms.names[id]}`);
        b.push(0x10, ...encodeUleb(functionIndex(ctx, id)));
        for (let r = 0; r < t.results.length; r++) b.push(0x1a);
      }
    } else {
      if (ctorsLive) b.push(0x10, ...encodeUleb(functionIndex(ctx, ctx.callCtors)));
      for (let p = 0; p < f.type.params.length; p++) b.push(0x20, ...encodeUleb(p));
      b.push(0x10, ...encodeUleb(functionIndex(ctx, f.wraps)));
      if (ctx.callDtors >= 0) b.push(0x10, ...encodeUleb(functionIndex(ctx, ctx.callDtors)));
    }
    b.push(0x0b);
    f.body = Uint8Array.from(b);
  }
}
