//! The in-place ELF linker: the driver that `Compilation` talks to through `Linker`.
//!
//! It owns the state of one static x86-64 executable — the file image, the regions in the
//! file, the blocks in each section, the offset table, the symbol and string tables, the
//! relocation index — and keeps the image consistent after each call:
//!   updateFunc/updateData → place the atom (in place, or moved), write its bytes,
//!     resolve its relocations, and if its address changed rewrite its offset-table slot,
//!     its symbol, its exports and the relocations that point at it; a function's own
//!     constants become .rodata atoms that live and leave with it;
//!   deleteSymbol → free its block (its bytes become padding), symbol slot, name and slot;
//!   updateExports → add/remove/rewrite global symbols; `_start` becomes e_entry;
//!   flush → re-encode the header page, write the dirty ranges (or everything), close.
//! With `hotSwap` (zirc watch --run --hot) the image must also stay swappable into a
//! process running an earlier version: changed code and read-only data always move to
//! space the process never ran (the old blocks stay as tombstones until the next
//! `beginHotEpoch`), freed offset-table slots are held, the segments map room to grow,
//! and what changed is recorded (hot_swap_log.ts) for `takeHotSwapPlan`. A function
//! replaced together with every caller (as when its type changes) gets a new slot, so
//! code still running in an old caller keeps calling the old version it was made for.
//! Code generation happens here (x86-64 backend, injectable for tests).
//! Symbol keys are interned into ids (symbol_ids.ts) where they come in; every table
//! inside is indexed by id.

import type { X86Constant, X86Function, X86RelocTarget } from '../../codegen/x86_64/output.js';
import { symbolKey, type DataAtom, type RuntimeSymbol, type SymbolTarget } from '../../sema/air.js';
import type { ExportEntry, FlushReport, Linker } from '../Linker.js';
import { STB_GLOBAL, STB_LOCAL, STT_FUNC, STT_NOTYPE, STT_OBJECT, SHN_UNDEF } from './elf_format.js';
import { FileImage } from './file_image.js';
import { FileRegions, type FileRegion } from './file_regions.js';
import { GOT_ENTRY_SIZE, OffsetTable } from './got.js';
import { HotSwapLog, type HotSwapPlan } from './hot_swap_log.js';
import { buildHotSwapPlan } from './hot_swap_plan.js';
import { writeHeaders } from './headers.js';
import { SectionLayout } from './layout.js';
import type { ImageSink } from '../output_sink.js';
import { applyRelocation, RelocationIndex, type AddressResolver, type LinkReloc } from './relocations.js';
import { HEADER_PAGE, SECTION_INDEX, segmentSpec, type AllocSectionName } from './segments.js';
import { ById, SymbolIds, type SymbolId } from './symbol_ids.js';
import { StringTable, SymbolTable } from './symtab.js';
import { AtomTable, type Atom, type AtomSection } from './atom_table.js';
import { NameTable } from '../../zir/intern.js';

/**
 * What the linker defines itself when code refers to it, made by the code generator and
 * given by whoever opens the linker (compile/target_backend.ts): it never runs codegen.
 */
export interface ElfLinkerOptions {
  /** Code of a backend runtime routine such as a safety panic. */
  runtime: (sym: RuntimeSymbol) => X86Function;
  /** Code of a WASI built-in (`fd_write`, `proc_exit`), or null if there is none by that name. */
  wasiBuiltin: (name: string) => X86Function | null;
  /** Where the image goes: a file (elf/output_file.ts, from the Node layer), memory, an embedder's target (output_sink.ts). */
  sink: ImageSink;
  /** Keep the output swappable into a running process (see the file comment). */
  hotSwap?: boolean;
  /** The compilation's name table: decl symbols and symbol names are found by their name's id there (symbol_ids.ts). */
  declNames?: NameTable;
}

/**
 * Virtual memory each segment maps beyond its content in hot-swap mode, so that code and
 * data placed later lie in memory a process started earlier has mapped (zero pages cost
 * nothing until written). The mutable segments get none: their changes restart.
 */
export const HOT_SWAP_ROOM: Partial<Record<AllocSectionName, number>> = { text: 8 << 20, rodata: 2 << 20, got: 256 << 10 };

/** Sections whose atoms a running process only reads: a change moves them to new space. */
function swapsByMoving(section: AtomSection): boolean {
  return section === 'text' || section === 'rodata';
}

/** Width of a relocation's field. */
function fieldSize(kind: LinkReloc['kind']): number {
  return kind === 'abs64' ? 8 : 4;
}

/** The extern library whose functions zirc defines itself on x86-64 (spec §7). */
export const WASI_LIB = 'wasi_snapshot_preview1';
const FUNCTION_ALIGN = 16;
const INT3 = 0xcc;

/** What fills bytes no atom holds: padding after a shrink, the space a move or removal frees. */
function paddingByte(kind: Atom['kind']): number {
  return kind === 'func' ? INT3 : 0;
}

/** The symbol key of a function's own constant (`X86Constant`): `c:<function key>:<name>`. */
export function constantKey(ownerKey: string, name: string): string {
  return `c:${ownerKey}:${name}`;
}

type FileSection = 'text' | 'rodata' | 'data' | 'got';

/**
 * Room to grow a region gets when the file is laid out again for a full write: half its
 * content, at least a little. The room is a hole in the file, so it costs no disk and no
 * write; it makes the region moves of later updates (which do write) rare.
 */
function regionSlack(r: FileRegion): number {
  if (r.name === 'header') return 0;
  return Math.max(r.used >> 1, r.name === '.text' ? 64 * 1024 : 16 * 1024);
}

export class ElfLinker implements Linker {
  private readonly image = new FileImage();
  private readonly regions = new FileRegions(this.image);
  private readonly fileRegions: Record<FileSection, FileRegion>;
  private readonly layouts: Record<AtomSection, SectionLayout>;
  private readonly maxAlign: Record<AtomSection, number> = { text: FUNCTION_ALIGN, rodata: 1, data: 1, bss: 1 };
  private readonly got = new OffsetTable();
  private readonly symtab: SymbolTable;
  private readonly strtab: StringTable;
  private readonly ids: SymbolIds;
  private readonly relocs = new RelocationIndex();
  private readonly resolver: AddressResolver = {
    addressOf: (id) => this.addressOfId(id),
    gotAddressOf: (id) => this.gotAddressOfId(id),
    keyOf: (id) => this.ids.keyOf(id),
  };
  private readonly atoms = new AtomTable();
  /** The constants each function owns, by the function's id (only those that have some). */
  private readonly constantsOf = new ById<SymbolId[]>();
  /** Externs with no built-in definition (their references resolve to 0), by id, with
   * the global undefined symbol each has while something refers to it. */
  private readonly undefinedExterns = new Map<SymbolId, { name: string; nameOffset: number | null }>();
  /** Runtime routines and WASI built-ins the linker defined itself (removed when unused). */
  private readonly provided = new Set<SymbolId>();
  /** Exports by symbol name, each with the decl it names. */
  private readonly exports = new Map<string, { declName: string; nameOffset: number }>();
  /** The exports' symbol names, by the id of the decl they name. */
  private readonly exportsByDecl = new Map<SymbolId, Set<string>>();
  private readonly output: ImageSink;
  private readonly runtime: (sym: RuntimeSymbol) => X86Function;
  private readonly wasiBuiltin: (name: string) => X86Function | null;
  private closed = false;
  /** Hot-swap mode: what changed since the process caught up, the blocks it may still run, the entry it started at. */
  private readonly hot: {
    log: HotSwapLog;
    tombstones: Record<'text' | 'rodata', number[]>;
    entry: SymbolId | null;
    /** The atoms calling each id through the offset table. */
    gotCallers: ById<Set<SymbolId>>;
  } | null;

  private constructor(path: string, opts: ElfLinkerOptions) {
    this.runtime = opts.runtime;
    const names = opts.declNames ?? new NameTable();
    this.ids = new SymbolIds(names);
    this.wasiBuiltin = opts.wasiBuiltin;
    this.hot = opts.hotSwap ? { log: new HotSwapLog(), tombstones: { text: [], rodata: [] }, entry: null, gotCallers: new ById() } : null;
    this.got.holdFreed = !!opts.hotSwap;
    this.output = opts.sink;
    this.regions.add('header', HEADER_PAGE.size, HEADER_PAGE.size, 0).used = HEADER_PAGE.size;
    const fileRegion = (name: FileSection) => {
      const spec = segmentSpec(name);
      return this.regions.add(spec.sectionName, spec.initialCapacity, 0x1000);
    };
    this.fileRegions = { text: fileRegion('text'), rodata: fileRegion('rodata'), data: fileRegion('data'), got: fileRegion('got') };
    this.symtab = new SymbolTable(this.image, this.regions, this.regions.add('.symtab', 2048, 8));
    this.strtab = new StringTable(this.image, this.regions, this.regions.add('.strtab', 1024, 8), names);
    const layout = (name: AtomSection) => new SectionLayout(name, segmentSpec(name).range);
    this.layouts = { text: layout('text'), rodata: layout('rodata'), data: layout('data'), bss: layout('bss') };
  }

  /**
   * A linker for the executable at `path`. Whatever is there now is never read or
   * trusted: the first flush writes the whole file.
   */
  static open(path: string, opts: ElfLinkerOptions): ElfLinker {
    return new ElfLinker(path, opts);
  }

  // ---------------------------------------------------------------------------------
  // Linker interface

  updateFunc(name: string, code: X86Function): void {
    this.checkOpen();
    this.placeFunction(this.declId(name), name, code);
  }

  updateData(atom: DataAtom): void {
    this.checkOpen();
    const relocs: LinkReloc[] = atom.relocs.map((r) => ({ offset: r.offset, kind: 'abs64', target: this.targetId(r.target), addend: r.addend }));
    this.placeAtom(this.declId(atom.name), atom.name, 'data', atom.section, atom.bytes, Math.max(1, atom.align), relocs);
  }

  deleteSymbol(name: string): void {
    this.checkOpen();
    const id = this.ids.find(symbolKey({ kind: 'decl', name }));
    const atom = id === undefined ? undefined : this.atoms.get(id);
    if (atom) this.removeAtom(atom);
  }

  updateExports(exports: readonly ExportEntry[]): void {
    this.checkOpen();
    const wanted = new Map(exports.map((e) => [e.symbolName, e.declName]));
    for (const [symbolName, e] of [...this.exports]) {
      if (wanted.get(symbolName) !== e.declName) this.removeExport(symbolName);
    }
    for (const [symbolName, declName] of wanted) {
      if (this.exports.has(symbolName)) continue;
      const nameOffset = this.strtab.intern(symbolName);
      this.exports.set(symbolName, { declName, nameOffset });
      const declId = this.declId(declName);
      let set = this.exportsByDecl.get(declId);
      if (!set) this.exportsByDecl.set(declId, (set = new Set()));
      set.add(symbolName);
      this.writeExportSymbol(symbolName);
    }
  }

  flush(): FlushReport {
    this.checkOpen();
    this.removeUnusedProvided();
    this.syncUndefinedSymbols();
    this.reslotReplacedWithCallers();
    const full = this.output.needsFullWrite(this.image);
    if (full) {
      this.image.requireFullWrite();
      this.regions.relayout(regionSlack);
      this.hot?.log.block('the output was written whole (a first build, or a fresh compilation)');
    }
    writeHeaders(this.image, this.layoutSnapshot());
    return this.output.flush(this.image, full, this.regions.contentRanges());
  }

  close(): void {
    this.closed = true;
  }

  // ---------------------------------------------------------------------------------
  // Hot swap

  /**
   * A process now runs a copy of the output as the last flush left it: from here on,
   * what it may run is kept (tombstones, held slots) and changes are recorded afresh.
   * What was kept for an earlier process is released.
   */
  beginHotEpoch(): void {
    const hot = this.hot;
    if (!hot) throw new Error('beginHotEpoch: the linker was not opened with hotSwap');
    for (const section of ['text', 'rodata'] as const) {
      for (const id of hot.tombstones[section]) this.layouts[section].free(id);
      hot.tombstones[section] = [];
      this.fitSection(section);
    }
    this.got.releaseHeld();
    hot.log.clear();
    hot.entry = this.entryId();
  }

  /**
   * The writes that bring a process running the output of the last `beginHotEpoch` (or
   * of the last plan taken) to the output as flushed now, or why that cannot be done;
   * then starts recording afresh (the process is expected to take these writes, or be
   * restarted from the file).
   */
  takeHotSwapPlan(): HotSwapPlan {
    const hot = this.hot;
    if (!hot) throw new Error('takeHotSwapPlan: the linker was not opened with hotSwap');
    const log = hot.log;
    const entry = this.entryId();
    if (entry !== hot.entry) log.block('the entry point `_start` names another function');
    else if (entry !== null && log.placed.has(entry)) log.block('`_start` changed (the program is already past it)');
    const plan = buildHotSwapPlan(log, {
      atom: (id) => {
        const atom = this.atoms.get(id);
        if (!atom || atom.section === 'bss') return null;
        const at = this.fileOffsetOf(atom);
        return { vaddr: this.atomAddress(atom), bytes: this.image.bytes.slice(at, at + this.layouts[atom.section].size(atom.block)), kind: atom.kind };
      },
      slot: (id) => {
        const slot = this.got.slotOf(id);
        if (slot === undefined || this.addressOfId(id) === null) return null;
        const at = this.fileRegions.got.offset + slot * GOT_ENTRY_SIZE;
        return { vaddr: segmentSpec('got').vaddr + slot * GOT_ENTRY_SIZE, bytes: this.image.bytes.slice(at, at + GOT_ENTRY_SIZE) };
      },
    });
    log.clear();
    hot.entry = entry;
    return plan;
  }

  private entryId(): SymbolId | null {
    const start = this.exports.get('_start');
    return start ? this.declId(start.declName) : null;
  }

  // ---------------------------------------------------------------------------------
  // Queries (tests, diagnostics)

  /** Virtual address of a symbol by key (`d:name`, `r:panic_...`, `e:lib:name`, `c:<owner key>:<constant>`), or null. */
  addressOf(key: string): number | null {
    const id = this.ids.find(key);
    return id === undefined ? null : this.addressOfId(id);
  }

  gotAddressOf(key: string): number | null {
    const id = this.ids.find(key);
    return id === undefined ? null : this.gotAddressOfId(id);
  }

  /** Names of externs referenced that have no definition (not WASI built-ins). */
  undefinedSymbols(): string[] {
    return [...this.undefinedExterns.values()].filter((u) => u.nameOffset !== null).map((u) => u.name);
  }

  // ---------------------------------------------------------------------------------
  // Symbol ids and addresses

  private declId(name: string): SymbolId {
    return this.ids.declIdOf(name);
  }

  /** The id of a relocation's target; defines the routine or built-in it names, if needed. */
  private targetId(target: SymbolTarget): SymbolId {
    const id = this.ids.idOfTarget(target);
    this.provide(target, id);
    return id;
  }

  /** The id of a function's relocation target (its own constants included). */
  private functionTargetId(ownerId: SymbolId, target: X86RelocTarget): SymbolId {
    if (target.kind === 'constant') return this.ids.idOf(constantKey(this.ids.keyOf(ownerId), target.name));
    return this.targetId(target);
  }

  private addressOfId(id: SymbolId): number | null {
    const atom = this.atoms.get(id);
    return atom ? this.atomAddress(atom) : null;
  }

  private gotAddressOfId(id: SymbolId): number | null {
    const slot = this.got.slotOf(id);
    return slot === undefined ? null : segmentSpec('got').vaddr + slot * GOT_ENTRY_SIZE;
  }

  private atomAddress(atom: Atom): number {
    return segmentSpec(atom.section).vaddr + this.layouts[atom.section].offset(atom.block);
  }

  // ---------------------------------------------------------------------------------
  // Placing atoms

  private placeFunction(id: SymbolId, symbolName: string, code: X86Function): void {
    const relocs: LinkReloc[] = code.relocs.map((r) => ({ offset: r.offset, kind: r.kind, target: this.functionTargetId(id, r.target), addend: r.addend }));
    this.placeAtom(id, symbolName, 'func', 'text', code.code, FUNCTION_ALIGN, relocs);
    this.placeConstants(id, symbolName, code.constants ?? []);
  }

  /**
   * A function's constants, each a .rodata atom `<function>.<name>`, after the function
   * (placing one patches the function's references to it); the ones it no longer has go.
   */
  private placeConstants(ownerId: SymbolId, ownerName: string, constants: readonly X86Constant[]): void {
    const ownerKey = this.ids.keyOf(ownerId);
    const ids = constants.map((c) => this.ids.idOf(constantKey(ownerKey, c.name)));
    for (const old of this.constantsOf.get(ownerId) ?? []) {
      const atom = this.atoms.get(old);
      if (atom && !ids.includes(old)) this.removeAtom(atom);
    }
    constants.forEach((c, i) => this.placeAtom(ids[i]!, `${ownerName}.${c.name}`, 'data', 'rodata', c.bytes, Math.max(1, c.align), []));
    if (ids.length > 0) this.constantsOf.set(ownerId, ids);
    else this.constantsOf.delete(ownerId);
  }

  /** Defines runtime routines and WASI built-ins the first time something refers to them. */
  private provide(target: SymbolTarget, id: SymbolId): void {
    if (target.kind === 'decl') return;
    if (this.atoms.get(id)) return;
    if (target.kind === 'runtime') {
      this.provided.add(id);
      this.placeFunction(id, `__zirc_${target.name}`, this.runtime(target.name));
    } else if (target.kind === 'extern' && !this.undefinedExterns.has(id)) {
      const code = target.lib === WASI_LIB ? this.wasiBuiltin(target.name) : null;
      if (code) {
        this.provided.add(id);
        this.placeFunction(id, target.name, code);
      }
      else this.undefinedExterns.set(id, { name: target.name, nameOffset: null });
    }
  }

  private placeAtom(
    id: SymbolId,
    symbolName: string,
    kind: Atom['kind'],
    section: AllocSectionName & AtomSection,
    bytes: Uint8Array,
    align: number,
    relocs: LinkReloc[],
  ): void {
    let atom = this.atoms.get(id);
    if (atom && (atom.kind !== kind || atom.section !== section || atom.symbolName !== symbolName)) {
      this.removeAtom(atom);
      atom = undefined;
    }
    const layout = this.layouts[section];
    this.maxAlign[section] = Math.max(this.maxAlign[section], align);
    let moved: boolean;
    let oldOffset = 0;
    let oldSize = 0;
    const isNew = !atom;
    if (!atom) {
      atom = this.atoms.add({
        id,
        symbolName,
        kind,
        section,
        block: layout.allocate(bytes.length, align),
        symIndex: this.symtab.allocLocal(),
        nameOffset: this.strtab.intern(symbolName),
      });
      moved = true;
    } else if (this.hot && swapsByMoving(section)) {
      // A process may be running the old version: it stays where it is, as a tombstone.
      oldSize = layout.size(atom.block);
      oldOffset = layout.offset(atom.block);
      this.hot.tombstones[section as 'text' | 'rodata'].push(atom.block);
      atom.block = layout.allocate(bytes.length, align);
      moved = true;
    } else {
      oldSize = layout.size(atom.block);
      const placement = layout.resize(atom.block, bytes.length, align);
      moved = placement.moved;
      oldOffset = placement.oldOffset;
    }
    if (this.hot) {
      if (swapsByMoving(section)) {
        this.hot.log.placed.add(id);
        if (!isNew) this.hot.log.replaced.add(id);
      }
      else this.hot.log.block(`global '${symbolName}' ${isNew ? 'was added' : 'changed'} (mutable data the process holds)`);
    }
    this.fitSection(section);
    if (section !== 'bss') {
      const region = this.fileRegions[section];
      // Moved: the old place becomes padding, as in a fresh build nothing is there (filled
      // first, so the new bytes win where the two places overlap).
      if (moved && oldSize > 0) this.image.fill(region.offset + oldOffset, oldSize, paddingByte(kind));
      const at = this.fileOffsetOf(atom);
      this.image.write(at, bytes);
      // Shrunk in place: the old tail becomes padding.
      if (!moved && oldSize > bytes.length) this.image.fill(at + bytes.length, oldSize - bytes.length, paddingByte(kind));
    }
    this.setRelocations(atom, relocs);
    // A function keeps its slot for life; an existing atom that did not move has its slot right.
    if (kind === 'func') this.got.pin(id);
    if (moved) {
      this.writeGotSlotIfAny(id);
      this.reapplyRelocationsTo(id);
    }
    this.writeLocalSymbol(atom);
    this.refreshExports(id);
  }

  private removeAtom(atom: Atom): void {
    const id = atom.id;
    this.atoms.delete(id);
    // Its bytes leave the file: the space becomes padding (only those bytes are written).
    const layout = this.layouts[atom.section];
    if (atom.section !== 'bss') this.image.fill(this.fileOffsetOf(atom), layout.size(atom.block), paddingByte(atom.kind));
    if (this.hot && swapsByMoving(atom.section)) this.hot.tombstones[atom.section as 'text' | 'rodata'].push(atom.block);
    else {
      if (this.hot) this.hot.log.block(`global '${atom.symbolName}' was removed (mutable data the process holds)`);
      layout.free(atom.block);
    }
    this.fitSection(atom.section);
    this.symtab.freeLocal(atom.symIndex);
    this.strtab.release(atom.symbolName);
    this.setRelocations(atom, []);
    if (atom.kind === 'func') this.got.unpin(id);
    // A slot still referenced by stale code points nowhere now.
    this.writeGotSlotIfAny(id);
    this.reapplyRelocationsTo(id);
    this.refreshExports(id);
    // The function's constants leave with it.
    const constants = this.constantsOf.get(id);
    if (constants) {
      this.constantsOf.delete(id);
      for (const c of constants) {
        const owned = this.atoms.get(c);
        if (owned) this.removeAtom(owned);
      }
    }
  }

  /** Replaces the relocations in `atom`, keeps offset-table references counted, applies them. */
  private setRelocations(atom: Atom, relocs: LinkReloc[]): void {
    for (const r of relocs) {
      if (r.kind === 'got_rel32' && this.got.addRef(r.target).isNew) this.writeGotSlot(r.target);
    }
    const old = this.relocs.replace(atom.id, relocs);
    for (const r of old) if (r.kind === 'got_rel32') this.got.dropRef(r.target);
    if (this.hot) this.trackGotCallers(atom.id, old, relocs);
    if (this.atoms.get(atom.id)) this.applyRelocationsIn(atom);
  }

  private applyRelocationsIn(atom: Atom): void {
    if (atom.section === 'bss') return;
    const list = this.relocs.relocsIn(atom.id);
    if (list.length === 0) return;
    const fileBase = this.fileOffsetOf(atom);
    const addrBase = this.atomAddress(atom);
    for (const r of list) applyRelocation(this.image, fileBase, addrBase, r, this.resolver);
  }

  /** `target` moved (or appeared, or vanished): patch every relocation that points at it. */
  private reapplyRelocationsTo(target: SymbolId): void {
    const sources = this.relocs.sourcesOf(target);
    if (!sources) return;
    for (const src of sources) {
      const atom = this.atoms.get(src);
      if (!atom || atom.section === 'bss') continue;
      const fileBase = this.fileOffsetOf(atom);
      const addrBase = this.atomAddress(atom);
      for (const r of this.relocs.relocsIn(src)) {
        if (r.target === target && r.kind !== 'got_rel32') {
          applyRelocation(this.image, fileBase, addrBase, r, this.resolver);
          this.noteFieldPatched(atom, r);
        }
      }
    }
  }

  /** Hot-swap mode: keeps `gotCallers` right as `source`'s relocations go from `old` to `now`. */
  private trackGotCallers(source: SymbolId, old: readonly LinkReloc[], now: readonly LinkReloc[]): void {
    const callers = this.hot!.gotCallers;
    for (const r of old) if (r.kind === 'got_rel32') callers.get(r.target)?.delete(source);
    for (const r of now) {
      if (r.kind !== 'got_rel32') continue;
      let set = callers.get(r.target);
      if (!set) callers.set(r.target, (set = new Set()));
      set.add(source);
    }
  }

  /**
   * Hot-swap mode, at flush: a function replaced together with every function that calls
   * it may have a new type (its callers were made again for it). Code still running in an
   * old caller must not reach the new version through the old slot, so the function gets
   * a new slot, its new callers call through that, and the process's old slot keeps
   * pointing at the old version (in the file nothing refers to it any more: it is zeroed).
   * A function some unchanged code calls cannot have changed type; its slot is rewritten.
   */
  private reslotReplacedWithCallers(): void {
    const hot = this.hot;
    if (!hot) return;
    for (const id of hot.log.replaced) {
      const atom = this.atoms.get(id);
      const callers = hot.gotCallers.get(id);
      if (!atom || atom.kind !== 'func' || !callers || callers.size === 0) continue;
      if (![...callers].every((c) => hot.log.placed.has(c))) continue;
      const old = this.got.reassign(id);
      if (old === undefined) continue;
      this.image.writeU64(this.fileRegions.got.offset + old * GOT_ENTRY_SIZE, 0n);
      this.writeGotSlot(id);
      for (const c of callers) {
        const caller = this.atoms.get(c);
        if (caller) this.applyRelocationsIn(caller);
      }
    }
  }

  /** Hot-swap mode: a relocation field changed inside `atom`, which may not have moved. */
  private noteFieldPatched(atom: Atom, r: LinkReloc): void {
    // A field now pointing nowhere (its target was removed) is code the new version no longer runs.
    if (!this.hot || this.hot.log.placed.has(atom.id) || this.addressOfId(r.target) === null) return;
    if (swapsByMoving(atom.section)) this.hot.log.fields.push({ id: atom.id, offset: r.offset, size: fieldSize(r.kind) });
    else this.hot.log.block(`global '${atom.symbolName}' holds the address of '${this.ids.keyOf(r.target).slice(2)}', which moved`);
  }

  // ---------------------------------------------------------------------------------
  // Offset table, symbols, exports

  private writeGotSlotIfAny(id: SymbolId): void {
    if (this.got.slotOf(id) !== undefined) this.writeGotSlot(id);
  }

  private writeGotSlot(id: SymbolId): void {
    const slot = this.got.slotOf(id)!;
    this.fitSection('got');
    const region = this.fileRegions.got;
    this.image.writeU64(region.offset + slot * GOT_ENTRY_SIZE, BigInt(this.addressOfId(id) ?? 0));
    this.hot?.log.slots.add(id);
  }

  private writeLocalSymbol(atom: Atom): void {
    this.symtab.writeLocal(atom.symIndex, {
      name: atom.nameOffset,
      bind: STB_LOCAL,
      type: atom.kind === 'func' ? STT_FUNC : STT_OBJECT,
      shndx: SECTION_INDEX[atom.section],
      value: this.atomAddress(atom),
      size: this.layouts[atom.section].size(atom.block),
    });
  }

  private refreshExports(declId: SymbolId): void {
    const names = this.exportsByDecl.get(declId);
    if (names) for (const n of names) this.writeExportSymbol(n);
  }

  private writeExportSymbol(symbolName: string): void {
    const e = this.exports.get(symbolName)!;
    const atom = this.atoms.get(this.declId(e.declName));
    this.symtab.setGlobal(symbolName, {
      name: e.nameOffset,
      bind: STB_GLOBAL,
      type: !atom ? STT_NOTYPE : atom.kind === 'func' ? STT_FUNC : STT_OBJECT,
      shndx: atom ? SECTION_INDEX[atom.section] : SHN_UNDEF,
      value: atom ? this.atomAddress(atom) : 0,
      size: atom ? this.layouts[atom.section].size(atom.block) : 0,
    });
  }

  /** Drops runtime routines and built-ins nothing refers to any more, as a fresh build would not have them. */
  private removeUnusedProvided(): void {
    for (const id of this.provided) {
      if (this.relocs.sourcesOf(id)?.size || this.got.isReferenced(id)) continue;
      const atom = this.atoms.get(id);
      if (atom) this.removeAtom(atom);
      this.provided.delete(id);
    }
  }

  /**
   * An extern with no definition is a global undefined symbol while code refers to it
   * (spec §7). Externs are few, so this walks them all at each flush.
   */
  private syncUndefinedSymbols(): void {
    for (const [id, u] of this.undefinedExterns) {
      const used = !!this.relocs.sourcesOf(id)?.size || this.got.isReferenced(id);
      const globalName = `\0${this.ids.keyOf(id)}`; // cannot collide with an export's name
      if (used && u.nameOffset === null) {
        u.nameOffset = this.strtab.intern(u.name);
        this.symtab.setGlobal(globalName, { name: u.nameOffset, bind: STB_GLOBAL, type: STT_NOTYPE, shndx: SHN_UNDEF, value: 0, size: 0 });
      } else if (!used) {
        if (u.nameOffset !== null) {
          this.symtab.removeGlobal(globalName);
          this.strtab.release(u.name);
        }
        this.undefinedExterns.delete(id);
      }
    }
  }

  private removeExport(symbolName: string): void {
    const e = this.exports.get(symbolName)!;
    this.symtab.removeGlobal(symbolName);
    this.strtab.release(symbolName);
    this.exports.delete(symbolName);
    const declId = this.declId(e.declName);
    const set = this.exportsByDecl.get(declId);
    set?.delete(symbolName);
    if (set && set.size === 0) this.exportsByDecl.delete(declId);
  }

  // ---------------------------------------------------------------------------------
  // File layout

  private fileOffsetOf(atom: Atom): number {
    return this.fileRegions[atom.section as FileSection].offset + this.layouts[atom.section].offset(atom.block);
  }

  /** Grows (or moves) a section's file region so it holds the section's content. */
  private fitSection(section: AllocSectionName): void {
    if (section === 'bss') return;
    const size = section === 'got' ? this.got.count * GOT_ENTRY_SIZE : this.layouts[section].end;
    const region = this.fileRegions[section];
    region.used = Math.max(region.used, size);
    this.regions.ensureCapacity(region, size);
    region.used = size;
  }

  private layoutSnapshot() {
    const start = this.exports.get('_start');
    const entry = start ? this.addressOfId(this.declId(start.declName)) ?? 0 : 0;
    const fileSection = (name: FileSection, size: number) => ({
      offset: this.fileRegions[name].offset,
      size,
      align: name === 'got' ? GOT_ENTRY_SIZE : this.maxAlign[name as AtomSection],
    });
    return {
      entry,
      memRoom: this.hot ? HOT_SWAP_ROOM : undefined,
      alloc: {
        text: fileSection('text', this.layouts.text.end),
        rodata: fileSection('rodata', this.layouts.rodata.end),
        data: fileSection('data', this.layouts.data.end),
        got: fileSection('got', this.got.count * GOT_ENTRY_SIZE),
        bss: { offset: 0, size: this.layouts.bss.end, align: this.maxAlign.bss },
      },
      symtab: { offset: this.symtab.region.offset, count: this.symtab.count, firstGlobal: this.symtab.firstGlobal },
      strtab: { offset: this.strtab.region.offset, size: this.strtab.size },
    };
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('ElfLinker used after close()');
  }
}
