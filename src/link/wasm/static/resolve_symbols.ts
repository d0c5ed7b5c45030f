//! Symbol resolution, as wasm-ld does it: objects in command-line order, each archive's
//! index entered as lazy symbols, and an archive member loaded the moment one of its
//! symbols is needed (a strong undefined reference meets a lazy symbol, or a lazy symbol
//! arrives for a name already strongly undefined): loading is recursive, and an object
//! joins the link order after the members its own loading pulled in. Strong beats weak,
//! two strong definitions are a duplicate, the first COMDAT group of a name is kept and
//! later copies are discarded (their symbols then refer to the kept one). Then `-u`,
//! `--export` and the entry pull what they name, and `__wasm_call_dtors` is looked up.

import {
  isArchive, isWasmObject, ObjectFormatError, readWasmArchive, readWasmMember, readWasmObject,
  COMDAT_DATA, COMDAT_FUNCTION, COMDAT_GLOBAL, COMDAT_SECTION, EXTERNAL_FUNCTION,
  SYM_BINDING_LOCAL, SYM_BINDING_WEAK, SYM_UNDEFINED, SYMTAB_DATA, SYMTAB_FUNCTION, SYMTAB_GLOBAL, SYMTAB_SECTION, SYMTAB_TABLE,
  type WasmObject,
} from '../input/index.js';
import { addSymbol, objectName, SymState, type LinkContext, type LoadedObject, type WasmLinkInput } from './context.js';

const KIND_NAMES = ['function', 'data', 'global', 'section', 'tag', 'table'];

export function resolveSymbols(ctx: LinkContext, inputs: readonly WasmLinkInput[]): void {
  for (const input of inputs) {
    const { bytes, path } = input;
    try {
      if (isArchive(bytes)) addArchive(ctx, path, bytes, input.wholeArchive === true);
      else if (isWasmObject(bytes)) loadObject(ctx, readWasmObject(path, bytes), true);
      else ctx.errors.push(`${path}: unknown file type: not a wasm object or archive${describeStart(bytes)}`);
    } catch (e) {
      if (!(e instanceof ObjectFormatError)) throw e;
      ctx.errors.push(e.message);
    }
  }
}

/** `-u`, `--export`, the entry: pull what they name; then find `__wasm_call_dtors` as wasm-ld does. */
export function resolveCommandLineSymbols(ctx: LinkContext): void {
  const o = ctx.options;
  for (const name of o.undefinedSymbols) handleUndefined(ctx, name);
  for (const name of o.exports) {
    const id = handleUndefined(ctx, name);
    if (id >= 0) ctx.syms.forceExport[id] = 1;
  }
  for (const name of o.exportsIfDefined) {
    const id = handleUndefined(ctx, name);
    if (id >= 0) ctx.syms.forceExport[id] = 1;
  }
  if (o.entry !== null) {
    const id = handleUndefined(ctx, o.entry);
    if (id >= 0 && isDefined(ctx, id)) ctx.syms.forceExport[id] = 1;
    else ctx.errors.push(`entry symbol not defined (pass --no-entry to suppress): ${o.entry}`);
  }
  // Command modules call `__wasm_call_dtors` after the entry, unless the inputs run ctors themselves.
  const ctors = ctx.syms.byName.get('__wasm_call_ctors');
  const ctorsUsed = ctors !== undefined && ctx.syms.refObject[ctors]! >= 0;
  if (!ctorsUsed && o.entry !== '__wasm_call_ctors' && !o.exports.includes('__wasm_call_ctors')) {
    const id = handleUndefined(ctx, '__wasm_call_dtors');
    if (id >= 0 && isDefined(ctx, id)) {
      if (ctx.syms.kind[id] !== SYMTAB_FUNCTION) ctx.errors.push('__wasm_call_dtors must be a function');
      else ctx.callDtors = id;
    }
  }
}

export function isDefined(ctx: LinkContext, id: number): boolean {
  const st = ctx.syms.state[id];
  return st === SymState.Defined || st === SymState.Synthetic;
}

/** Pulls the member defining `name` if it is lazy; the id, or -1 if no input knows the name. */
function handleUndefined(ctx: LinkContext, name: string): number {
  const id = ctx.syms.byName.get(name);
  if (id === undefined) return -1;
  if (ctx.syms.state[id] === SymState.Lazy) fetch(ctx, id);
  return id;
}

function addArchive(ctx: LinkContext, path: string, bytes: Uint8Array, whole: boolean): void {
  const archive = readWasmArchive(path, bytes);
  const a = ctx.archives.length;
  ctx.archives.push({ archive, path, pulled: new Uint8Array(archive.members.length) });
  if (whole) {
    for (let m = 0; m < archive.members.length; m++) loadMember(ctx, a, m, true);
    return;
  }
  const s = ctx.syms;
  for (const [name, member] of archive.symbols) {
    let id = s.byName.get(name);
    if (id === undefined) {
      id = addSymbol(ctx, name, -1, false);
      s.state[id] = SymState.Lazy;
      s.object[id] = a;
      s.symbol[id] = member;
    } else if (s.state[id] === SymState.Undefined) {
      s.state[id] = SymState.Lazy;
      s.object[id] = a;
      s.symbol[id] = member;
      // Only weak references so far: stay lazy (a weak reference never pulls a member).
      if (s.strongRef[id]) fetch(ctx, id);
    }
  }
}

/** Loads the archive member a lazy symbol stands for. */
function fetch(ctx: LinkContext, id: number): void {
  const s = ctx.syms;
  const a = s.object[id]!;
  const m = s.symbol[id]!;
  s.state[id] = SymState.Undefined;
  s.object[id] = -1;
  s.symbol[id] = -1;
  loadMember(ctx, a, m);
}

function loadMember(ctx: LinkContext, a: number, m: number, explicit = false): void {
  const entry = ctx.archives[a]!;
  if (entry.pulled[m]) return;
  entry.pulled[m] = 1;
  const member = entry.archive.members[m]!;
  if (!isWasmObject(member.data)) {
    ctx.errors.push(`${entry.path}(${member.name}): archive member is not a wasm object`);
    return;
  }
  try {
    loadObject(ctx, readWasmMember(entry.archive, m), explicit);
  } catch (e) {
    if (!(e instanceof ObjectFormatError)) throw e;
    ctx.errors.push(e.message);
  }
}

function loadObject(ctx: LinkContext, obj: WasmObject, explicit: boolean): void {
  const o = ctx.objects.length;
  const nFunc = obj.functionTypes.length;
  const nSeg = obj.dataSegments.length;
  const nGlob = obj.globals.length;
  const symCount = obj.linking.symbols.count;
  const funcImport = new Int32Array(obj.importedFunctions);
  for (let i = 0; i < obj.imports.length; i++) {
    const imp = obj.imports[i]!;
    if (imp.kind === EXTERNAL_FUNCTION) funcImport[imp.kindIndex] = i;
  }
  const lo: LoadedObject = {
    obj, symId: new Int32Array(symCount).fill(-1), funcImport,
    codeRelocs: obj.code.section < 0 ? null : (obj.relocations.find((r) => r.target === obj.code.section) ?? null),
    dataRelocs: obj.dataSection < 0 ? null : (obj.relocations.find((r) => r.target === obj.dataSection) ?? null),
    funcDiscarded: new Uint8Array(nFunc), sectionDiscarded: new Set(), segDiscarded: new Uint8Array(nSeg), globalDiscarded: new Uint8Array(nGlob),
    funcLive: new Uint8Array(nFunc), segLive: new Uint8Array(nSeg), globalLive: new Uint8Array(nGlob), live: false, explicit,
    funcOut: new Int32Array(nFunc).fill(-1), bodyOffset: new Float64Array(nFunc), globalOut: new Int32Array(nGlob).fill(-1), typeOut: new Int32Array(obj.types.length).fill(-1),
    segAddr: new Float64Array(nSeg), segOutput: new Int32Array(nSeg).fill(-1), pieces: new Map(),
  };
  ctx.objects.push(lo);
  discardComdats(ctx, lo, o);
  const t = obj.linking.symbols;
  for (let i = 0; i < symCount; i++) {
    const kind = t.kind[i]!;
    if (kind === SYMTAB_SECTION) continue;
    const flags = t.flags[i]!;
    const name = t.names[i]!;
    if (flags & SYM_BINDING_LOCAL) {
      const id = addSymbol(ctx, name, kind, true);
      ctx.syms.state[id] = flags & SYM_UNDEFINED ? SymState.Undefined : SymState.Defined;
      ctx.syms.flags[id] = flags;
      ctx.syms.object[id] = o;
      ctx.syms.symbol[id] = i;
      lo.symId[i] = id;
    } else if (flags & SYM_UNDEFINED || inDiscardedChunk(lo, kind, t.index[i]!)) {
      lo.symId[i] = reference(ctx, name, kind, flags, o, i, (flags & SYM_UNDEFINED) === 0);
    } else {
      lo.symId[i] = define(ctx, name, kind, flags, o, i);
    }
  }
  // An object from before reference types imports the table without a symbol: wasm-ld gives it one.
  if (obj.importedTables > 0 && !hasTableSymbol(obj)) reference(ctx, '__indirect_function_table', SYMTAB_TABLE, SYM_UNDEFINED, o, -1, false);
  ctx.order.push(o);
}

function hasTableSymbol(obj: WasmObject): boolean {
  const t = obj.linking.symbols;
  for (let i = 0; i < t.count; i++) if (t.kind[i] === SYMTAB_TABLE) return true;
  return false;
}

function discardComdats(ctx: LinkContext, lo: LoadedObject, o: number): void {
  const imported = lo.obj.importedFunctions;
  const importedGlobals = lo.obj.importedGlobals;
  for (const c of lo.obj.linking.comdats) {
    if (!ctx.comdats.has(c.name)) {
      ctx.comdats.set(c.name, o);
      continue;
    }
    for (let k = 0; k < c.kinds.length; k++) {
      const idx = c.indices[k]!;
      if (c.kinds[k] === COMDAT_FUNCTION && idx >= imported) lo.funcDiscarded[idx - imported] = 1;
      else if (c.kinds[k] === COMDAT_DATA && idx < lo.segDiscarded.length) lo.segDiscarded[idx] = 1;
      else if (c.kinds[k] === COMDAT_GLOBAL && idx >= importedGlobals) lo.globalDiscarded[idx - importedGlobals] = 1;
      else if (c.kinds[k] === COMDAT_SECTION) lo.sectionDiscarded.add(idx);
    }
  }
}

function inDiscardedChunk(lo: LoadedObject, kind: number, index: number): boolean {
  if (kind === SYMTAB_FUNCTION) return lo.funcDiscarded[index - lo.obj.importedFunctions] === 1;
  if (kind === SYMTAB_DATA) return lo.segDiscarded[index] === 1;
  if (kind === SYMTAB_GLOBAL) return lo.globalDiscarded[index - lo.obj.importedGlobals] === 1;
  return false;
}

/** An undefined reference (or a definition in a discarded COMDAT copy, which never pulls). */
function reference(ctx: LinkContext, name: string, kind: number, flags: number, o: number, i: number, discarded: boolean): number {
  const s = ctx.syms;
  let id = s.byName.get(name);
  if (id === undefined) {
    id = addSymbol(ctx, name, kind, false);
    s.flags[id] = flags;
  } else if (s.kind[id] === -1) {
    s.kind[id] = kind;
  } else if (s.kind[id] !== kind && s.state[id] !== SymState.Lazy) {
    typeMismatch(ctx, id, kind, o);
  }
  if (discarded) return id;
  if (s.refObject[id] === -1) {
    s.refObject[id] = o;
    s.refSymbol[id] = i;
  }
  if (!(flags & SYM_BINDING_WEAK)) {
    s.strongRef[id] = 1;
    if (s.state[id] === SymState.Lazy) fetch(ctx, id);
  }
  return id;
}

function define(ctx: LinkContext, name: string, kind: number, flags: number, o: number, i: number): number {
  const s = ctx.syms;
  let id = s.byName.get(name);
  if (id === undefined) id = addSymbol(ctx, name, kind, false);
  const st = s.state[id]!;
  if (st === SymState.Defined) {
    if (s.kind[id] !== kind) {
      typeMismatch(ctx, id, kind, o);
      return id;
    }
    const oldWeak = (s.flags[id]! & SYM_BINDING_WEAK) !== 0;
    const newWeak = (flags & SYM_BINDING_WEAK) !== 0;
    if (!oldWeak && !newWeak) {
      ctx.errors.push(`duplicate symbol: ${name}\n>>> defined in ${objectName(ctx, s.object[id]!)}\n>>> defined in ${objectName(ctx, o)}`);
      return id;
    }
    if (!(oldWeak && !newWeak)) return id;
  } else if (s.kind[id] !== -1 && s.kind[id] !== kind && st !== SymState.Lazy) {
    typeMismatch(ctx, id, kind, o);
    return id;
  }
  s.kind[id] = kind;
  s.state[id] = SymState.Defined;
  s.flags[id] = flags;
  s.object[id] = o;
  s.symbol[id] = i;
  return id;
}

function typeMismatch(ctx: LinkContext, id: number, kind: number, o: number): void {
  const s = ctx.syms;
  const where = s.object[id]! >= 0 && s.state[id] === SymState.Defined ? s.object[id]! : s.refObject[id]!;
  ctx.errors.push(
    `symbol type mismatch: ${s.names[id]}\n>>> defined as ${KIND_NAMES[s.kind[id]!] ?? '?'} in ${objectName(ctx, where)}\n>>> defined as ${KIND_NAMES[kind] ?? '?'} in ${objectName(ctx, o)}`,
  );
}

function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return ' (the file is empty)';
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return ` (it starts with ${head})`;
}
