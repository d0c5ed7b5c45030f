//! The module's index spaces and memory, laid out as wasm-ld 14 does for a non-PIC module:
//! imports (memory, table, then the undefined symbols in symbol-table order), functions
//! (live synthetic functions first, then each object's live functions in link order, then
//! the command export wrappers), types (those `call_indirect` names, then imports', then
//! functions', deduplicated), globals (`__stack_pointer`, the objects' live globals, then
//! one per exported data symbol), data segments merged by output name and placed from
//! --global-base (or after the stack with --stack-first), then the stack, then
//! `__heap_base`; and the exports.

import {
  EXTERNAL_FUNCTION, EXTERNAL_GLOBAL, EXTERNAL_MEMORY, EXTERNAL_TABLE, SEG_FLAG_STRINGS, SEG_FLAG_TLS, SYM_ABSOLUTE, SYM_EXPLICIT_NAME,
  SYMTAB_DATA, SYMTAB_FUNCTION, SYMTAB_GLOBAL, SYMTAB_TABLE, TYPE_I32, type FuncType,
} from '../input/index.js';
import { objectName, SymState, typeKey, type LinkContext, type OutputSegment } from './context.js';
import { addSynthetic } from './linker_symbols.js';
import { dataRelocations, isExported, liveInitFunctions } from './mark_live.js';
import { functionKey } from './scan_relocations.js';
import { encodeSleb, encodeUleb } from './leb.js';

const PAGE = 65536;
const STACK_ALIGN = 16;

export function registerType(ctx: LinkContext, t: FuncType): number {
  const key = typeKey(t);
  let idx = ctx.typeKeys.get(key);
  if (idx === undefined) {
    idx = ctx.types.length;
    ctx.types.push(t);
    ctx.typeKeys.set(key, idx);
  }
  return idx;
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
  let next = ctx.importedFunctionCount;
  const defined = (name: string, typeIndex: number, object: number, func: number, synthetic: number) => {
    ctx.functions.push({ name, typeIndex, object, func, synthetic });
    return next++;
  };
  ctx.synthetic.forEach((f, k) => {
    if (f.live && f.role !== 'export') f.outIndex = defined(f.name, -1, -1, -1, k);
  });
  for (const o of ctx.order) {
    const lo = ctx.objects[o]!;
    const names = functionNames(lo.obj);
    for (let f = 0; f < lo.funcLive.length; f++) if (lo.funcLive[f]) lo.funcOut[f] = defined(displayName(names[f] ?? `function ${f}`), -1, o, f, -1);
  }
  ctx.synthetic.forEach((f, k) => {
    if (f.live && f.role === 'export') f.outIndex = defined(f.name, -1, -1, -1, k);
  });
}

/** wasm-ld's name-section spelling: `main` for the `main(argc, argv)` clang mangles. */
export function displayName(name: string): string {
  return name === '__main_argc_argv' ? 'main' : name;
}

/** The name of each defined function: the first symbol defining it, as wasm-ld's names. */
function functionNames(obj: LinkContext['objects'][number]['obj']): string[] {
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

/** wasm-ld's output segment name: `.data.x` → `.data` and so on, unless --no-merge-data-segments. */
function outputSegmentName(ctx: LinkContext, name: string): string {
  if (!ctx.options.mergeDataSegments) return name;
  for (const prefix of ['.text', '.data', '.bss', '.rodata']) if (name.startsWith(`${prefix}.`)) return prefix;
  return name;
}

function segmentOrder(name: string): number {
  if (name.startsWith('.tdata')) return 0;
  if (name.startsWith('.rodata')) return 1;
  if (name.startsWith('.data')) return 2;
  if (name.startsWith('.bss')) return 4;
  return 3;
}

const alignTo = (v: number, a: number) => Math.ceil(v / a) * a;

/** wasm-ld merges a string segment (not aligned, not empty) unless -O0; one with relocations never is. */
function mergeable(ctx: LinkContext, lo: LinkContext['objects'][number], g: number): boolean {
  const info = lo.obj.linking.segments;
  if (ctx.options.optimize === 0 || !(info.flags[g]! & SEG_FLAG_STRINGS) || info.alignLog2[g] !== 0) return false;
  if (lo.obj.dataSegments[g]!.data.length === 0) return false;
  const relocs = dataRelocations(lo);
  return !relocs?.chunkStart || relocs.chunkStart[g] === relocs.chunkStart[g + 1];
}

export interface PendingMerge {
  /** Each distinct string (NUL included, as a latin1 key) and its bytes. */
  seen: Map<string, Uint8Array>;
  /** Each merged input segment's pieces: where each starts, and its key. */
  inputs: Array<{ object: number; segment: number; start: Uint32Array; keys: string[] }>;
}

/** Splits a string segment at its NULs and notes the strings. */
export function addStrings(m: PendingMerge, object: number, segment: number, data: Uint8Array): void {
  const starts: number[] = [];
  const keys: string[] = [];
  let p = 0;
  while (p < data.length) {
    let e = data.indexOf(0, p);
    e = e < 0 ? data.length : e + 1;
    const piece = data.subarray(p, e);
    let key = '';
    for (let i = 0; i < piece.length; i += 4096) key += String.fromCharCode.apply(null, piece.subarray(i, i + 4096) as unknown as number[]);
    if (!m.seen.has(key)) m.seen.set(key, piece);
    starts.push(p);
    keys.push(key);
    p = e;
  }
  m.inputs.push({ object, segment, start: Uint32Array.from(starts), keys });
}

/**
 * The merged chunk as wasm-ld's string table builds it: the distinct strings sorted by
 * their reversed bytes, descending (so a string follows those it is a suffix of), and a
 * string that ends the previous one placed inside it (tail merging).
 */
export function finishStrings(m: PendingMerge): { bytes: Uint8Array; offsetOf: Map<string, number> } {
  const keys = [...m.seen.keys()];
  const reversed = new Map<string, string>();
  for (const k of keys) reversed.set(k, [...k].reverse().join(''));
  keys.sort((x, y) => {
    const rx = reversed.get(x)!;
    const ry = reversed.get(y)!;
    return rx < ry ? 1 : rx > ry ? -1 : 0;
  });
  const offsetOf = new Map<string, number>();
  const placed: string[] = [];
  let size = 0;
  let previous = '';
  for (const k of keys) {
    if (previous.endsWith(k)) {
      offsetOf.set(k, offsetOf.get(previous)! + previous.length - k.length);
      continue;
    }
    offsetOf.set(k, size);
    placed.push(k);
    size += k.length;
    previous = k;
  }
  const bytes = new Uint8Array(size);
  for (const k of placed) bytes.set(m.seen.get(k)!, offsetOf.get(k)!);
  return { bytes, offsetOf };
}

function layoutMemory(ctx: LinkContext): void {
  const o = ctx.options;
  const byName = new Map<string, OutputSegment>();
  const segments: OutputSegment[] = [];
  // Per output segment, in order: an input segment, or the merged string chunk (placed where its first string segment was).
  const items = new Map<OutputSegment, Array<{ object: number; segment: number } | PendingMerge>>();
  for (const oi of ctx.order) {
    const lo = ctx.objects[oi]!;
    const info = lo.obj.linking.segments;
    for (let g = 0; g < lo.segLive.length; g++) {
      if (!lo.segLive[g]) continue;
      const inName = info.names[g] ?? `segment ${g}`;
      if (info.flags[g]! & SEG_FLAG_TLS || inName.startsWith('.tdata') || inName.startsWith('.tbss')) {
        ctx.errors.push(`${objectName(ctx, oi)}: data segment ${inName}: TLS is not supported (thread-local storage needs shared memory and threads)`);
        continue;
      }
      const name = outputSegmentName(ctx, inName);
      let seg = byName.get(name);
      if (!seg) {
        seg = { name, alignLog2: 0, members: [], address: 0, size: 0, bss: true, merged: [] };
        byName.set(name, seg);
        segments.push(seg);
        items.set(seg, []);
      }
      const list = items.get(seg)!;
      seg.alignLog2 = Math.max(seg.alignLog2, info.alignLog2[g] ?? 0);
      if (!(inName === '.bss' || inName.startsWith('.bss.'))) seg.bss = false;
      lo.segOutput[g] = segments.indexOf(seg);
      if (mergeable(ctx, lo, g)) {
        let m = list.find((x): x is PendingMerge => 'seen' in x);
        if (!m) {
          m = { seen: new Map(), inputs: [] };
          list.push(m);
        }
        addStrings(m, oi, g, lo.obj.dataSegments[g]!.data);
      } else {
        list.push({ object: oi, segment: g });
      }
    }
  }
  for (const seg of segments) {
    for (const item of items.get(seg)!) {
      if ('seen' in item) {
        const offset = seg.size;
        const { bytes, offsetOf } = finishStrings(item);
        seg.merged.push({ offset, bytes });
        for (const inp of item.inputs) {
          const address = Float64Array.from(inp.keys, (k) => offset + offsetOf.get(k)!);
          ctx.objects[inp.object]!.pieces.set(inp.segment, { start: inp.start, address });
        }
        seg.size += bytes.length;
        continue;
      }
      const lo = ctx.objects[item.object]!;
      seg.size = alignTo(seg.size, 2 ** (lo.obj.linking.segments.alignLog2[item.segment] ?? 0));
      lo.segAddr[item.segment] = seg.size;
      seg.size += lo.obj.dataSegments[item.segment]!.data.length;
      seg.members.push(item);
    }
  }
  const sorted = segments.map((s, i) => ({ s, i })).sort((a, b) => segmentOrder(a.s.name) - segmentOrder(b.s.name) || a.i - b.i).map((e) => e.s);
  ctx.segments = sorted;
  let ptr = 0;
  let stackTop = 0;
  const placeStack = () => {
    if (o.stackSize % STACK_ALIGN !== 0) ctx.errors.push(`stack size must be ${STACK_ALIGN}-byte aligned`);
    ptr = alignTo(ptr, STACK_ALIGN) + o.stackSize;
    stackTop = ptr;
  };
  if (o.stackFirst) placeStack();
  else ptr = o.globalBase ?? 1024;
  const dataStart = ptr;
  for (const seg of sorted) {
    ptr = alignTo(ptr, 2 ** seg.alignLog2);
    seg.address = ptr;
    ptr += seg.size;
  }
  const dataEnd = ptr;
  if (!o.stackFirst) placeStack();
  // Allocators may expect an aligned heap start.
  ptr = alignTo(ptr, STACK_ALIGN);
  const heapBase = ptr;
  // Input segments now know their output segment's address.
  for (const seg of sorted) for (const m of seg.members) ctx.objects[m.object]!.segAddr[m.segment]! += seg.address;
  for (const lo of ctx.objects) {
    for (const [g, p] of lo.pieces) {
      const base = segments[lo.segOutput[g]!]!.address;
      for (let k = 0; k < p.address.length; k++) p.address[k]! += base;
    }
  }
  const symbolValues: Record<string, number> = { __data_end: dataEnd, __heap_base: heapBase, __global_base: o.globalBase ?? 1024, __dso_handle: dataStart, __memory_base: 0, __table_base: 1 };
  for (const [name, id] of ctx.linkerData) ctx.syms.value[id] = symbolValues[name]!;
  if (ctx.stackPointer >= 0) ctx.globals[0]!.init = constI32(stackTop);
  let memory = ptr;
  if (o.initialMemory !== null) {
    if (memory > o.initialMemory) ctx.errors.push(`initial memory too small, ${memory} bytes needed`);
    memory = o.initialMemory;
  }
  ctx.memoryPages = Math.ceil(memory / PAGE);
  if (o.maxMemory !== null) {
    if (ptr > o.maxMemory) ctx.errors.push(`maximum memory too small, ${ptr} bytes needed`);
    ctx.maxMemoryPages = o.maxMemory / PAGE;
  }
}

export function constI32(v: number): Uint8Array {
  return Uint8Array.from([0x41, ...encodeSleb(v | 0), 0x0b]);
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

/** The address of input offset `off` of a merged string segment: its string's address plus the offset into it. */
export function pieceAddress(p: { start: Uint32Array; address: Float64Array }, off: number): number {
  let lo = 0;
  let hi = p.start.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (p.start[mid]! <= off) lo = mid;
    else hi = mid - 1;
  }
  return p.address[lo]! + (off - p.start[lo]!);
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
