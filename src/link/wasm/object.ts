//! The wasm linker's in-memory object (the ZigObject of DESIGN.md "Linking wasm"):
//! per-decl atoms (function bodies or data bytes, with flat relocation arrays), one
//! symbol per referenced name, interned function signatures, and reference counts that
//! decide what is live: an `extern` becomes an import, and a runtime routine (panic
//! function) is linked in, exactly while something installed refers to it. Keeping
//! liveness incremental makes an incrementally updated object identical to a fresh one.

import type { AirFunction, DataAtom, RuntimeSymbol, SymbolTarget } from '../../sema/air.js';
import { runtimeSymbolName } from '../../codegen/wasm/runtime.js';
import { sigKey, type WasmFuncSig, type WasmFunction, type WasmReloc } from '../../codegen/wasm/output.js';

/** Relocation kinds in the flat arrays (stride 4: kind, offset, symbol id or sig id, addend). */
export const RelocKind = {
  FuncIndexLeb: 0,
  AddrSleb: 1,
  TypeIndexLeb: 2,
  StackPointerLeb: 3,
  AddrI32: 4,
} as const;
export const RELOC_STRIDE = 4;

export interface FuncAtom {
  sym: LinkSymbol;
  sigId: number;
  body: Uint8Array;
  relocs: Int32Array;
}

export interface DataRec {
  sym: LinkSymbol;
  bytes: Uint8Array;
  align: number;
  section: 'rodata' | 'data' | 'bss';
  relocs: Int32Array;
}

export interface LinkSymbol {
  id: number;
  kind: 'decl' | 'extern' | 'runtime';
  /** Decl name, extern (import field) name, or runtime symbol. */
  name: string;
  /** Import module for externs. */
  lib: string;
  /** Name in the output's `name` section. */
  outName: string;
  /** `outName` as UTF-8, cached for the name section. */
  outNameBytes: Uint8Array | null;
  func: FuncAtom | null;
  data: DataRec | null;
  /** Signature of an extern's import (-1 until a reference tells it). */
  importSigId: number;
  /** Relocations from installed atoms that point here (all kinds / address-taking ones). */
  refs: number;
  addrRefs: number;
  // Filled by each flush:
  funcIndex: number;
  tableIndex: number;
  address: number;
}

export class LinkError extends Error {}

export class WasmObject {
  readonly symbols: LinkSymbol[] = [];
  private readonly byKey = new Map<string, LinkSymbol>();
  readonly sigs: WasmFuncSig[] = [];
  readonly sigKeys: string[] = [];
  private readonly sigIdByKey = new Map<string, number>();
  /** Uses of each signature by installed atoms (function types and call_indirect). */
  sigRefs: Int32Array = new Int32Array(16);
  /** Symbols that currently own an installed function / data atom. */
  readonly funcSyms = new Set<LinkSymbol>();
  readonly dataSyms = new Set<LinkSymbol>();
  readonly externSyms: LinkSymbol[] = [];
  /** Set when the set of function or data symbols changed (orders must be recomputed). */
  funcSetChanged = true;
  dataSetChanged = true;
  /** Symbols whose function or data atom was installed, replaced or removed since `clearDirty`. */
  readonly dirty = new Set<LinkSymbol>();
  private readonly runtimeCache = new Map<RuntimeSymbol, WasmFunction>();

  /** `runtime`: the code of a backend routine (a safety panic), from the code generator. */
  constructor(private readonly runtime: (sym: RuntimeSymbol) => WasmFunction) {}

  internSig(sig: WasmFuncSig): number {
    const key = sigKey(sig);
    let id = this.sigIdByKey.get(key);
    if (id === undefined) {
      id = this.sigs.length;
      this.sigs.push(sig);
      this.sigKeys.push(key);
      this.sigIdByKey.set(key, id);
      if (id >= this.sigRefs.length) {
        const grown = new Int32Array(this.sigRefs.length * 2);
        grown.set(this.sigRefs);
        this.sigRefs = grown;
      }
    }
    return id;
  }

  declSymbol(name: string): LinkSymbol {
    return this.symbol(`d:${name}`, 'decl', name, '', name);
  }

  /** The symbol of a relocation target. Externs are keyed by signature too, so two
   * declarations of one import with different types stay distinct, valid imports. */
  symbolFor(target: SymbolTarget, sig: WasmFuncSig | null): LinkSymbol {
    switch (target.kind) {
      case 'decl':
        return this.declSymbol(target.name);
      case 'runtime':
        return this.symbol(`r:${target.name}`, 'runtime', target.name, '', runtimeSymbolName(target.name));
      case 'extern': {
        if (sig === null) throw new LinkError(`cannot refer to extern function '${target.name}' from data on wasm32`);
        const sigId = this.internSig(sig);
        const lib = target.lib === '' ? 'env' : target.lib;
        const sym = this.symbol(`e:${lib}:${target.name}#${this.sigKeys[sigId]}`, 'extern', target.name, lib, target.name);
        if (sym.importSigId === -1) {
          sym.importSigId = sigId;
          this.externSyms.push(sym);
        }
        return sym;
      }
    }
  }

  private symbol(key: string, kind: LinkSymbol['kind'], name: string, lib: string, outName: string): LinkSymbol {
    let sym = this.byKey.get(key);
    if (sym === undefined) {
      sym = {
        id: this.symbols.length,
        kind,
        name,
        lib,
        outName,
        outNameBytes: null,
        func: null,
        data: null,
        importSigId: -1,
        refs: 0,
        addrRefs: 0,
        funcIndex: -1,
        tableIndex: -1,
        address: -1,
      };
      this.symbols.push(sym);
      this.byKey.set(key, sym);
    }
    return sym;
  }

  lookupDecl(name: string): LinkSymbol | undefined {
    return this.byKey.get(`d:${name}`);
  }

  /** The module is up to date with every atom: nothing is dirty. */
  clearDirty(): void {
    this.dirty.clear();
  }

  // ---- atoms -------------------------------------------------------------

  /** Install generated code as the function atom of decl `name`. */
  setFunction(name: string, fn: WasmFunction): void {
    const sym = this.declSymbol(name);
    const atom = this.makeFuncAtom(sym, fn);
    const previous = sym.func;
    if (previous !== null && sym.data === null) {
      // Same symbol, new body: the set of functions (and so their order) is unchanged.
      // Count the new references before dropping the old ones, so a runtime routine
      // both versions use stays linked.
      sym.func = atom;
      this.dirty.add(sym);
      this.sigRefs[atom.sigId]!++;
      this.installRelocs(atom.relocs, +1);
      this.sigRefs[previous.sigId]!--;
      this.installRelocs(previous.relocs, -1);
      return;
    }
    this.removeAtoms(sym);
    this.installFunc(atom);
  }

  setData(atom: DataAtom): void {
    const sym = this.declSymbol(atom.name);
    const relocs = new Int32Array(atom.relocs.length * RELOC_STRIDE);
    atom.relocs.forEach((r, i) => {
      const target = this.symbolFor(r.target, null);
      relocs.set([RelocKind.AddrI32, r.offset, target.id, r.addend], i * RELOC_STRIDE);
    });
    const rec: DataRec = { sym, bytes: atom.bytes.slice(), align: Math.max(1, atom.align), section: atom.section, relocs };
    const previous = sym.data;
    if (previous !== null && sym.func === null && previous.section === rec.section) {
      sym.data = rec;
      this.dirty.add(sym);
      this.installRelocs(relocs, +1);
      this.installRelocs(previous.relocs, -1);
      return;
    }
    this.removeAtoms(sym);
    sym.data = rec;
    this.dataSyms.add(sym);
    this.dataSetChanged = true;
    this.dirty.add(sym);
    this.installRelocs(relocs, +1);
  }

  /** Remove whatever atom decl `name` has. */
  deleteDecl(name: string): void {
    const sym = this.lookupDecl(name);
    if (sym !== undefined) this.removeAtoms(sym);
  }

  private makeFuncAtom(sym: LinkSymbol, fn: WasmFunction): FuncAtom {
    const relocs = new Int32Array(fn.relocs.length * RELOC_STRIDE);
    fn.relocs.forEach((r, i) => relocs.set(this.flatReloc(r), i * RELOC_STRIDE));
    return { sym, sigId: this.internSig(fn.sig), body: fn.body, relocs };
  }

  private flatReloc(r: WasmReloc): [number, number, number, number] {
    switch (r.kind) {
      case 'func_index_leb':
        return [RelocKind.FuncIndexLeb, r.offset, this.symbolFor(r.target!, r.sig).id, 0];
      case 'addr_sleb':
        return [RelocKind.AddrSleb, r.offset, this.symbolFor(r.target!, r.sig).id, r.addend];
      case 'type_index_leb':
        return [RelocKind.TypeIndexLeb, r.offset, this.internSig(r.sig!), 0];
      case 'stack_pointer_leb':
        return [RelocKind.StackPointerLeb, r.offset, 0, 0];
    }
  }

  private installFunc(atom: FuncAtom): void {
    atom.sym.func = atom;
    this.funcSyms.add(atom.sym);
    this.funcSetChanged = true;
    this.dirty.add(atom.sym);
    this.sigRefs[atom.sigId]!++;
    this.installRelocs(atom.relocs, +1);
  }

  private removeAtoms(sym: LinkSymbol): void {
    const f = sym.func;
    if (f !== null || sym.data !== null) this.dirty.add(sym);
    if (f !== null) {
      sym.func = null;
      this.funcSyms.delete(sym);
      this.funcSetChanged = true;
      this.sigRefs[f.sigId]!--;
      this.installRelocs(f.relocs, -1);
    }
    const d = sym.data;
    if (d !== null) {
      sym.data = null;
      this.dataSyms.delete(sym);
      this.dataSetChanged = true;
      this.installRelocs(d.relocs, -1);
    }
  }

  /** Count (delta +1) or uncount (-1) the references of an atom's relocations. */
  private installRelocs(relocs: Int32Array, delta: 1 | -1): void {
    for (let i = 0; i < relocs.length; i += RELOC_STRIDE) {
      const kind = relocs[i]!;
      if (kind === RelocKind.TypeIndexLeb) {
        this.sigRefs[relocs[i + 2]!]! += delta;
        continue;
      }
      if (kind === RelocKind.StackPointerLeb) continue;
      const sym = this.symbols[relocs[i + 2]!]!;
      sym.refs += delta;
      if (kind === RelocKind.AddrSleb || kind === RelocKind.AddrI32) sym.addrRefs += delta;
      if (sym.kind === 'runtime') {
        if (delta > 0 && sym.refs === 1) this.linkRuntime(sym);
        else if (delta < 0 && sym.refs === 0) this.removeAtoms(sym);
      }
    }
  }

  /** Link in a runtime routine (generated once per linker, then cached). */
  private linkRuntime(sym: LinkSymbol): void {
    const name = sym.name as RuntimeSymbol;
    let fn = this.runtimeCache.get(name);
    if (fn === undefined) {
      fn = this.runtime(name);
      this.runtimeCache.set(name, fn);
    }
    this.installFunc(this.makeFuncAtom(sym, fn));
  }
}

export type { AirFunction };
