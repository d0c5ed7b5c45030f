//! The fast path of an ELF relink (issue 14): when only plain objects changed and each
//! can be swapped in place, the last whole link's context and output image are patched
//! instead of linking again, so the cost follows the edit. After each whole link the
//! session hands its context here (`adopt`), which builds the indexes once: the
//! relocations to each global (global_references.ts), each input object by path, and
//! the GOT slots whose symbol each object defines.
//!
//! A relink takes the fast path when (else the session links whole, and says why):
//! the command line is the one of the last whole link, without --gc-sections or
//! --defsym; every changed file is an object (not an archive) that is in the link once;
//! each new object has the same interface (object_interface.ts: sections, groups, global
//! symbols); each allocated section fits its block (stable_layout.ts) or, in a packed
//! output section, keeps its size; its relocations ask for the same GOT entries and IFUNC
//! stubs and are all valid; it has the same FDEs and writes the same local symbols.
//! Then the steps: swap the objects in, copy their sections, apply their relocations,
//! apply again the relocations elsewhere to each global of theirs that moved or changed
//! size, and rewrite those globals' GOT slots, their `.symtab` entries, the entry point,
//! `.eh_frame_hdr` and the build id. The output is byte for byte the whole link's (the
//! session's `verify` option checks it). The steps count their work as they write
//! (`RelinkWork`: sections placed, globals moved, relocations applied), for the watch line.

import { changedObject, type ObjectReader } from '../../changed_object.js';
import { isArchive, ObjectFormatError, readElfObjectCached, type ElfObject } from '../input/index.js';
import type { FileImage } from '../file_image.js';
import { applyObjectRelocations, gotAddress } from '../static/apply_relocations.js';
import { Def, timed, type LinkContext, type LinkedObject, type LinkInput, type PassTiming } from '../static/context.js';
import { symbolTarget } from '../static/symbol_values.js';
import { GlobalReferences } from './global_references.js';
import { ImagePatch } from './image_patch.js';
import { interfaceDifference } from './object_interface.js';
import {
  copyObjectSections, globalPlace, reapplyReferences, rewriteBuildId, rewriteEhFrameHdr, rewriteEntry, rewriteGotSlots, rewriteSymbols,
} from './patch_steps.js';
import { fdeDifference, layoutDifference, needsDifference, scanNeeds, writtenLocalNames, type ScanNeeds } from './swap_plan.js';
import type { RelinkWork } from '../../relink_work.js';

/** When ok, what the patch did (counted by the steps as they write). */
export type FastRelinkOutcome = { ok: true; work: RelinkWork } | { ok: false; reason: string };

/** One object being swapped: where it is, the old and the new, and what the old asked of the link. */
interface Swap {
  o: number;
  before: LinkedObject;
  after: LinkedObject;
  needs: ScanNeeds;
  /** The new object's, once swapped in. */
  needsAfter: ScanNeeds | null;
  locals: string[];
  /** Globals this object's definitions won, with their place before. */
  won: number[];
  placeBefore: Array<{ addr: number; size: number }>;
  symbolBefore: number[];
  sizeBefore: number[];
}

const ELF_OBJECTS: ObjectReader<ElfObject> = { isArchive, read: readElfObjectCached, isFormatError: (e) => e instanceof ObjectFormatError };

export class FastRelinker {
  private ctx: LinkContext | null = null;
  private refs: GlobalReferences | null = null;
  private command: string[] = [];
  /** Input path → object index (-1: more than one object has the path). */
  private objectByPath = new Map<string, number>();
  /** Per object, the GOT entries whose symbol it defines. */
  private gotSlotsOf: number[][] = [];

  /** Keeps a whole link's context (its image is the session's) and builds the indexes. */
  adopt(ctx: LinkContext, inputs: readonly LinkInput[]): void {
    this.ctx = ctx;
    this.command = inputs.map(commandEntry);
    timed(ctx, 'indexForRelink', () => {
      this.refs = new GlobalReferences(ctx);
      this.objectByPath = new Map();
      ctx.objects.forEach((lo, o) => this.objectByPath.set(lo.object.path, this.objectByPath.has(lo.object.path) ? -1 : o));
      this.gotSlotsOf = ctx.objects.map(() => []);
      ctx.got.entries.forEach((e, i) => {
        const t = symbolTarget(ctx, e.object, e.symbol);
        const definer = t.def === Def.Strong || t.def === Def.Weak ? t.object : -1;
        if (definer >= 0) this.gotSlotsOf[definer]!.push(i);
      });
    });
  }

  /** How long each step of the last relink in place took. */
  get timings(): readonly PassTiming[] {
    return this.ctx?.timings ?? [];
  }

  /** Drops the state: the next relink is whole (a whole link failed, or a patch did). */
  forget(): void {
    this.ctx = null;
    this.refs = null;
  }

  /** Patches `image` for the `changed` inputs, or says why only a whole link will do (then nothing was changed). */
  relink(inputs: readonly LinkInput[], changed: readonly string[], image: FileImage): FastRelinkOutcome {
    const ctx = this.ctx;
    if (ctx === null || this.refs === null) return { ok: false, reason: 'no whole link to patch' };
    ctx.timings = [];
    const commandProblem = timed(ctx, 'commandLineDifference', () => this.commandLineDifference(ctx, inputs));
    if (commandProblem) return { ok: false, reason: commandProblem };
    const planned = timed(ctx, 'planSwaps', () => this.planSwaps(ctx, inputs, changed));
    if (typeof planned === 'string') return { ok: false, reason: planned };
    const problem = timed(ctx, 'swapIn', () => this.swapIn(ctx, planned));
    if (problem) return { ok: false, reason: problem };
    let work: RelinkWork | string;
    try {
      work = this.patchImage(ctx, planned, image);
      if (typeof work === 'string') {
        this.forget();
        return { ok: false, reason: work };
      }
    } catch (e) {
      this.forget();
      throw e;
    }
    timed(ctx, 'indexSwappedObjects', () => { for (const w of planned) this.refs!.replaceObject(w.o); });
    return { ok: true, work };
  }

  private commandLineDifference(ctx: LinkContext, inputs: readonly LinkInput[]): string | null {
    if (ctx.gcSections) return '--gc-sections is in use';
    if (ctx.defsyms.length > 0) return '--defsym is in use';
    if (inputs.length !== this.command.length || inputs.some((f, i) => commandEntry(f) !== this.command[i])) return 'the inputs are not those of the last whole link';
    return null;
  }

  /** Reads each changed object and checks it alone against the one it replaces. */
  private planSwaps(ctx: LinkContext, inputs: readonly LinkInput[], changed: readonly string[]): Swap[] | string {
    const swaps: Swap[] = [];
    for (const path of changed) {
      const found = changedObject(inputs, path, this.objectByPath, ELF_OBJECTS);
      if (typeof found === 'string') return found;
      const { o, next } = found;
      const before = ctx.objects[o]!;
      const difference = interfaceDifference(before.object, next);
      if (difference) return `${path}: ${difference}`;
      const after: LinkedObject = { ...before, object: next, globalOf: remapGlobals(before, next) };
      const won: number[] = [];
      const syms = before.object.symbols;
      for (let i = syms.firstGlobal; i < syms.count; i++) {
        const g = before.globalOf[i]!;
        const def = g >= 0 ? ctx.symbols.def[g]! : Def.Undefined;
        if (g >= 0 && ctx.symbols.object[g] === o && ctx.symbols.symbol[g] === i && def !== Def.Undefined) won.push(g);
      }
      swaps.push({
        o, before, after, needs: scanNeeds(ctx, o), needsAfter: null, locals: writtenLocalNames(before), won,
        placeBefore: won.map((g) => globalPlace(ctx, g)), symbolBefore: [], sizeBefore: [],
      });
    }
    return swaps;
  }

  /** Swaps every object in, then checks what needs the link; on any difference, swaps them all back. */
  private swapIn(ctx: LinkContext, swaps: Swap[]): string | null {
    const s = ctx.symbols;
    for (const w of swaps) {
      ctx.objects[w.o] = w.after;
      const first = w.after.object.symbols.firstGlobal, oldFirst = w.before.object.symbols.firstGlobal;
      for (const g of w.won) {
        w.symbolBefore.push(s.symbol[g]!);
        w.sizeBefore.push(s.size[g]!);
        const i = first + (s.symbol[g]! - oldFirst);
        s.symbol[g] = i;
        if (s.def[g] === Def.Strong || s.def[g] === Def.Weak) s.size[g] = Number(w.after.object.symbols.size[i]!);
      }
    }
    let problem: string | null = null;
    for (const w of swaps) {
      w.needsAfter = scanNeeds(ctx, w.o);
      problem = layoutDifference(ctx, w.o, w.before.object)
        ?? needsDifference(w.needs, w.needsAfter)
        ?? fdeDifference(ctx, w.o)
        ?? (sameNames(w.locals, writtenLocalNames(w.after)) ? null : 'it writes different local symbols to .symtab');
      if (problem) {
        problem = `${w.after.object.path}: ${problem}`;
        break;
      }
    }
    if (problem === null) {
      // The GOT entries first asked for by a swapped object name its new symbols.
      for (const w of swaps) {
        for (const [key, sym] of w.needsAfter!.gotSymbol) {
          const e = ctx.got.entries[ctx.got.byKey.get(key)!]!;
          if (e.object === w.o) e.symbol = sym;
        }
      }
      return null;
    }
    for (const w of swaps) {
      ctx.objects[w.o] = w.before;
      w.won.forEach((g, k) => {
        s.symbol[g] = w.symbolBefore[k]!;
        s.size[g] = w.sizeBefore[k]!;
      });
    }
    return problem;
  }

  /** The steps that write: a whole link's bytes where the swapped objects and what refers to them are; what they did, or why a whole link must report. */
  private patchImage(ctx: LinkContext, swaps: Swap[], image: FileImage): RelinkWork | string {
    const patch = new ImagePatch(image);
    const bytes = patch.bytes;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const gotBase = gotAddress(ctx);
    const errorsBefore = ctx.errors.length;
    const skip = new Set(swaps.map((w) => w.o));
    const work: RelinkWork = { sectionsPlaced: 0, symbolsMoved: 0, relocationsApplied: 0 };
    try {
      for (const w of swaps) timed(ctx, 'copyObjectSections', () => { work.sectionsPlaced += copyObjectSections(ctx, patch, w.o, w.before.object); });
      for (const w of swaps) timed(ctx, 'applyObjectRelocations', () => { work.relocationsApplied += applyObjectRelocations(ctx, bytes, view, w.o, gotBase); });
      let entryMoved = false;
      const entry = ctx.symbols.byName.get(ctx.entry);
      timed(ctx, 'reapplyReferences', () => {
        for (const w of swaps) {
          w.won.forEach((g, k) => {
            const now = globalPlace(ctx, g), then = w.placeBefore[k]!;
            if (now.addr === then.addr && now.size === then.size) return;
            if (now.addr !== then.addr) work.symbolsMoved++;
            if (g === entry) entryMoved = true;
            work.relocationsApplied += reapplyReferences(ctx, patch, view, this.refs!, g, skip, gotBase);
          });
        }
      });
      for (const w of swaps) rewriteGotSlots(ctx, patch, view, this.gotSlotsOf[w.o]!, gotBase);
      for (const w of swaps) timed(ctx, 'rewriteSymbols', () => rewriteSymbols(ctx, patch, view, w.o, w.won));
      if (entryMoved) rewriteEntry(ctx, patch, view);
      timed(ctx, 'rewriteEhFrameHdr', () => rewriteEhFrameHdr(ctx, patch));
      timed(ctx, 'rewriteBuildId', () => rewriteBuildId(ctx, patch));
    } finally {
      timed(ctx, 'markChangedBytes', () => patch.finish());
    }
    if (ctx.errors.length > errorsBefore) {
      const first = ctx.errors[errorsBefore]!;
      ctx.errors.length = errorsBefore;
      return `a relocation needs a whole link to report: ${first}`;
    }
    return work;
  }
}

/** An input as the command line gives it, for telling whether the command line changed. */
function commandEntry(f: LinkInput): string {
  return `${f.wholeArchive ? 'W' : '-'}${f.path}`;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => b[i] === n);
}

/** The global ids of `next`'s symbols: its globals are `before`'s, in the same order. */
function remapGlobals(before: LinkedObject, next: ElfObject): Int32Array {
  const globalOf = new Int32Array(next.symbols.count).fill(-1);
  const shift = next.symbols.firstGlobal - before.object.symbols.firstGlobal;
  for (let i = before.object.symbols.firstGlobal; i < before.object.symbols.count; i++) globalOf[i + shift] = before.globalOf[i]!;
  return globalOf;
}
