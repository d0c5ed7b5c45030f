//! The state one static link passes from pass to pass: the loaded objects and archives,
//! the global symbol table (parallel arrays indexed by an integer symbol id, with one
//! name → id map), the output sections, the GOT and the laid-out segments. Every pass
//! takes the context and fills in its part; errors are collected here, never thrown.
//! The command line's symbols (`-u`, `--defsym`) arrive in the options.

import type { Archive, ElfObject } from '../input/index.js';
import type { ProgramHeader } from '../elf_format.js';
import type { StableLayout } from './stable_layout.js';

export interface LinkInput {
  path: string;
  bytes: Uint8Array;
  /** `--whole-archive` was in force for this input: every member of the archive is linked. */
  wholeArchive?: boolean;
}

/** `--defsym=NAME=EXPR`: an absolute value, or another symbol plus an addend (possibly negative). */
export type Defsym =
  | { name: string; kind: 'absolute'; value: bigint }
  | { name: string; kind: 'symbol'; target: string; addend: bigint };

export interface StaticLinkOptions {
  /** The entry symbol (default `_start`). */
  entry?: string;
  /** The output path, for messages. */
  output?: string;
  /** `-u SYM`: undefined from the start, so an archive member defining it is pulled; never an error if left undefined. */
  undefinedSymbols?: readonly string[];
  /** `--defsym`s in command-line order; each replaces any definition from the inputs. */
  defsyms?: readonly Defsym[];
  /** `--eh-frame-hdr`: a `.eh_frame_hdr` search table and its PT_GNU_EH_FRAME segment. */
  ehFrameHdr?: boolean;
  /** `--build-id`: a `.note.gnu.build-id` note and its PT_NOTE segment (none by default). */
  buildId?: BuildIdStyle;
  /** `-s`/`--strip-all`: no `.symtab` and `.strtab`. */
  stripAll?: boolean;
  /** `--gc-sections`: drop the input sections nothing live refers to. */
  gcSections?: boolean;
  /** `-z start-stop-gc`: a `__start_X`/`__stop_X` reference does not keep the sections named X alive. */
  startStopGc?: boolean;
  /**
   * Where the last link of the same command line put each input section (a relink in
   * place keeps them there, stable_layout.ts); the link updates it. Without it, members
   * are packed as ld.lld packs them.
   */
  stableLayout?: StableLayout;
  /**
   * Return the link's context and output bytes (`context`), for a relink in place that
   * patches them (session/fast_relink.ts); also records where each symbol's `.symtab`
   * entry lies. Off for a one-shot link.
   */
  keepContext?: boolean;
}

/** What `--build-id` asks for: a hash of the output, random bytes, or given bytes (hex digits). */
export type BuildIdStyle = { kind: 'none' | 'fast' | 'md5' | 'sha1' | 'uuid' } | { kind: 'hex'; hex: string };

export type StaticLinkResult =
  /** `removedSections`: what --gc-sections dropped, as `obj:(section)` (for --print-gc-sections). */
  | { ok: true; bytes: Uint8Array; timings: PassTiming[]; removedSections: string[]; context?: LinkContext }
  | { ok: false; errors: string[]; timings: PassTiming[] };

export interface PassTiming {
  pass: string;
  ms: number;
}

/** One object in the link: a command-line object or an archive member pulled in. */
export interface LinkedObject {
  object: ElfObject;
  /** For symbol `i` at or past `firstGlobal`: its id in the global table (else -1). */
  globalOf: Int32Array;
  /** Per section: 1 when it belongs to a COMDAT group another object already supplied. */
  discarded: Uint8Array;
  /** Per section: the output section it goes to, or -1 when it is not in the image. */
  outputOf: Int32Array;
  /** Per section: its virtual address once laid out. */
  address: Float64Array;
}

export interface LinkedArchive {
  archive: Archive;
  /** Per member: 1 once pulled into the link. */
  pulled: Uint8Array;
}

/** How a global symbol is defined at this point of the resolution. */
export const enum Def {
  Undefined = 0,
  Weak = 1,
  Strong = 2,
  Common = 3,
  /** Defined by the linker (`_end`, `__init_array_start`, …): its value is set at layout. */
  Linker = 4,
  /** Defined by `--defsym`: its value (and output section, for an alias) is set after layout. */
  Defsym = 5,
}

/**
 * The global symbol table: typed arrays indexed by global id (grown by doubling; read
 * them through `ctx.symbols` each time, not from a saved array, since growing replaces
 * them). `names.length` is the number of symbols.
 */
export interface GlobalSymbols {
  byName: Map<string, number>;
  names: string[];
  def: Uint8Array;
  /** Defining object (index into `objects`) and symbol index there; -1 when none. */
  object: Int32Array;
  symbol: Int32Array;
  /** 1 when some object refers to it with a non-weak undefined symbol. */
  strongRef: Uint8Array;
  /** Address (Common and Linker symbols, set at layout) — others come from their section. */
  value: Float64Array;
  /** Size (COMMON: the largest requested) and alignment (COMMON). */
  size: Float64Array;
  align: Float64Array;
  type: Uint8Array;
  /** The most constraining st_other visibility any object gives it (ELF: INTERNAL > HIDDEN > PROTECTED > DEFAULT). */
  visibility: Uint8Array;
}

function newGlobalSymbols(capacity: number): GlobalSymbols {
  return {
    byName: new Map(), names: [], def: new Uint8Array(capacity), object: new Int32Array(capacity), symbol: new Int32Array(capacity),
    strongRef: new Uint8Array(capacity), value: new Float64Array(capacity), size: new Float64Array(capacity),
    align: new Float64Array(capacity), type: new Uint8Array(capacity), visibility: new Uint8Array(capacity),
  };
}

function growGlobalSymbols(s: GlobalSymbols): void {
  const bigger = newGlobalSymbols(s.def.length * 2);
  for (const k of ['def', 'object', 'symbol', 'strongRef', 'value', 'size', 'align', 'type', 'visibility'] as const) {
    (bigger[k] as { set(a: ArrayLike<number>): void }).set(s[k]);
    (s as unknown as Record<string, unknown>)[k] = bigger[k];
  }
}

export interface OutputSection {
  name: string;
  type: number;
  flags: number;
  align: number;
  /** Input sections in placement order, as (object, section) pairs. */
  members: Array<{ object: number; section: number }>;
  /** Bytes the linker itself appends after the members (COMMON symbols, GOT entries). */
  syntheticSize: number;
  addr: number;
  offset: number;
  size: number;
  /** Index in the output section header table, once written. */
  headerIndex: number;
  /** sh_entsize, and the output section sh_info names (SHF_INFO_LINK), -1 for none. */
  entsize?: number;
  infoSection?: number;
  /** The linker writes `syntheticSize` bytes of its own after the members (`.iplt`, `.eh_frame_hdr`, …). */
  linkerContent?: boolean;
}

/** An FDE of an input `.eh_frame`: where it is, how its initial location is encoded, and whether its code is in the image. */
export interface EhFrameFde {
  object: number;
  section: number;
  offset: number;
  encoding: number;
  live: boolean;
}

/**
 * An IFUNC symbol's PLT-like stub (`jmp *slot(%rip)` in `.iplt`), its slot in `.got.plt`
 * and the R_X86_64_IRELATIVE relocation in `.rela.iplt` that fills the slot at start-up.
 * (object, symbol) is where the IFUNC is defined: its value is the resolver.
 */
export interface IpltEntry {
  object: number;
  symbol: number;
}

/** A GOT entry that could not be relaxed away: an address, or a TLS offset from the thread pointer. */
export interface GotEntry {
  kind: 'address' | 'tpoff';
  object: number;
  symbol: number;
}

/** A program header of the output, as elf_format.ts encodes it. */
export type Segment = ProgramHeader;

/** A `--defsym` being applied: `target` is a global id, or -1 for an absolute value (then `addend` is the value). */
export interface DefsymEntry {
  global: number;
  target: number;
  addend: number;
  /** The output section the alias lands in (its target's), or -1 for an absolute symbol; set after layout. */
  section: number;
}

export interface LinkContext {
  entry: string;
  /** The layout memory of a relink in place, or null for a fresh link (StaticLinkOptions.stableLayout). */
  stableLayout: StableLayout | null;
  stripAll: boolean;
  gcSections: boolean;
  startStopGc: boolean;
  /** With --gc-sections: the globals live sections (or the roots) refer to; an undefined one outside it is no error. */
  gcLiveRefs: Set<number> | null;
  removedSections: string[];
  output: string;
  undefinedSymbols: readonly string[];
  defsymOptions: readonly Defsym[];
  /** Global ids the command line (`-u`, a `--defsym` target) refers to: roots, not errors when left undefined. */
  commandLineRefs: Set<number>;
  defsyms: DefsymEntry[];
  errors: string[];
  timings: PassTiming[];
  objects: LinkedObject[];
  archives: LinkedArchive[];
  symbols: GlobalSymbols;
  /** Global ids of the COMMON symbols still common after resolution, in first-seen order. */
  commons: number[];
  outputs: OutputSection[];
  /** Output section indices in address order (set by layout). */
  order: number[];
  got: { entries: GotEntry[]; byKey: Map<string, number>; section: number; needed: boolean };
  /** IFUNC stubs: entries, key (as gotKey) → index, and the output sections `.iplt`, `.got.plt`, `.rela.iplt` (-1 when none). */
  iplt: { entries: IpltEntry[]; byKey: Map<string, number>; plt: number; slots: number; rela: number };
  segments: Segment[];
  /** The FDEs of the output `.eh_frame` (read when a header is wanted or code may be dropped), and the `.eh_frame_hdr` output section (-1 for none). */
  ehFrame: { wantHeader: boolean; fdes: EhFrameFde[]; hdr: number };
  /** `--build-id`: the style, the note's output section (-1 for none) and its descriptor's size. */
  buildId: { style: BuildIdStyle; section: number; size: number };
  /** The PT_TLS range: start address, memory size (tdata+tbss) and alignment; size 0 when none. */
  tls: { start: number; memsz: number; align: number };
  imageBase: number;
  headersSize: number;
  /** End of the file image (before the non-allocated sections). */
  fileSize: number;
  /** With `keepContext`: where `.symtab` entries lie, once written (else null). */
  symtab: SymtabSlots | null;
}

/**
 * Where the `.symtab` entries are: the table's file offset; per object, the slot of its
 * first local symbol written (they are consecutive); per global id, its slot (-1: not written).
 * Slot k's entry is at `offset + 24 * (k + 1)`.
 */
export interface SymtabSlots {
  offset: number;
  objectFirst: Int32Array;
  globalSlot: Int32Array;
}

export function newLinkContext(options: StaticLinkOptions): LinkContext {
  return {
    entry: options.entry ?? '_start',
    stripAll: options.stripAll ?? false,
    gcSections: options.gcSections ?? false,
    startStopGc: options.startStopGc ?? false,
    gcLiveRefs: null,
    stableLayout: options.stableLayout ?? null,
    removedSections: [],
    output: options.output ?? 'a.out',
    undefinedSymbols: options.undefinedSymbols ?? [],
    defsymOptions: options.defsyms ?? [],
    commandLineRefs: new Set(),
    defsyms: [],
    errors: [],
    timings: [],
    objects: [],
    archives: [],
    symbols: newGlobalSymbols(4096),
    commons: [],
    outputs: [],
    order: [],
    got: { entries: [], byKey: new Map(), section: -1, needed: false },
    iplt: { entries: [], byKey: new Map(), plt: -1, slots: -1, rela: -1 },
    segments: [],
    ehFrame: { wantHeader: options.ehFrameHdr ?? false, fdes: [], hdr: -1 },
    buildId: { style: options.buildId ?? { kind: 'none' }, section: -1, size: 0 },
    tls: { start: 0, memsz: 0, align: 1 },
    imageBase: 0x200000,
    headersSize: 0,
    fileSize: 0,
    symtab: options.keepContext && !options.stripAll ? { offset: 0, objectFirst: new Int32Array(0), globalSlot: new Int32Array(0) } : null,
  };
}

/** The id of the global symbol `name`, created undefined if new. */
export function internGlobal(s: GlobalSymbols, name: string): number {
  let id = s.byName.get(name);
  if (id !== undefined) return id;
  id = s.names.length;
  if (id === s.def.length) growGlobalSymbols(s);
  s.byName.set(name, id);
  s.names.push(name);
  // Zero is the default of every field but these (def 0 is Def.Undefined).
  s.object[id] = -1;
  s.symbol[id] = -1;
  s.align[id] = 1;
  return id;
}

/** Runs one pass and records how long it took. */
export function timed<T>(ctx: LinkContext, pass: string, run: () => T): T {
  const t0 = performance.now();
  try {
    return run();
  } finally {
    ctx.timings.push({ pass, ms: performance.now() - t0 });
  }
}

export function alignUp(n: number, align: number): number {
  return align <= 1 ? n : Math.ceil(n / align) * align;
}
