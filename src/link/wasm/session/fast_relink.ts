//! The fast path of a wasm relink (issue 14): when only plain objects changed and each
//! can be swapped in place, the last whole link's context and module image are patched
//! instead of linking again, so the cost follows the edit. The session hands each whole
//! link's context here (`adopt`); the layout memory (static/stable_layout.ts) gave every
//! body a slot and every data segment a block with room to grow.
//!
//! A relink takes the fast path when (else the session links whole, and says why): the
//! inputs are those of the last whole link; every changed file is an object (not an
//! archive) that is in the link once; each new object has the same interface
//! (object_interface.ts); its relocations are all of types the linker applies and name
//! only types and table slots the module has; each live data segment fits its block; a
//! body that outgrew its slot pushes only a few slots after it (body_slots.ts: not to the
//! end of the code, and none that debug info points at); and a global data symbol that
//! moves within its segment is not exported and no debug info points at it
//! (debug_references.ts). Then the steps (patch_steps.ts): swap the
//! objects in, write the pushed slots again where they now lie, write the objects' bodies
//! and segments where they lie with their relocations applied, and apply again the
//! relocations elsewhere to each global data symbol of theirs that moved. The module is
//! byte for byte the whole link's with the same layout memory (the session's `verify`).
//! The steps count their work as they write (`RelinkWork`: bodies and segments placed,
//! data symbols moved and bodies pushed, relocations applied), for the watch line.

import { changedObject, type ObjectReader } from '../../changed_object.js';
import { isArchive, ObjectFormatError, readWasmObject, type WasmObject } from '../input/index.js';
import type { FileImage } from '../../elf/file_image.js';
import { ImagePatch } from '../../elf/session/image_patch.js';
import { timed, type LinkContext, type LoadedObject, type PassTiming, type WasmLinkInput } from '../static/context.js';
import { DataReferences } from './data_references.js';
import { DebugReferences } from './debug_references.js';
import { interfaceDifference } from './object_interface.js';
import {
  fitDifference, movedDataSymbols, moveSlots, outgrownSlots, planSlotMove, relocationDifference, reapplyReferences, writeObject, type SlotMove,
} from './patch_steps.js';
import type { RelinkWork } from '../../relink_work.js';

/** When ok, what the patch did (counted by the steps as they write). */
export type FastRelinkOutcome = { ok: true; work: RelinkWork } | { ok: false; reason: string };

/** One object being swapped: where it is, the old and the new. */
interface Swap {
  o: number;
  before: LoadedObject;
  after: LoadedObject;
}

const WASM_OBJECTS: ObjectReader<WasmObject> = { isArchive, read: readWasmObject, isFormatError: (e) => e instanceof ObjectFormatError };

export class WasmFastRelinker {
  private ctx: LinkContext | null = null;
  private command: string[] = [];
  /** Input path → object index (-1: more than one object has the path). */
  private objectByPath = new Map<string, number>();
  private refs: DataReferences | null = null;
  /** What the inputs' debug sections point at (built on first need). */
  private debug: DebugReferences | null = null;

  /** Keeps a whole link's context (its image is the session's). */
  adopt(ctx: LinkContext, inputs: readonly WasmLinkInput[]): void {
    this.ctx = ctx;
    this.command = inputs.map(commandEntry);
    this.refs = null;
    this.objectByPath = new Map();
    ctx.objects.forEach((lo, o) => this.objectByPath.set(lo.obj.path, this.objectByPath.has(lo.obj.path) ? -1 : o));
    this.debug = null;
  }

  private debugOf(ctx: LinkContext): DebugReferences {
    this.debug ??= new DebugReferences(ctx);
    return this.debug;
  }

  /** How long each step of the last relink in place took. */
  get timings(): readonly PassTiming[] {
    return this.ctx?.timings ?? [];
  }

  /** Drops the state: the next relink is whole (a whole link failed, or a patch did). */
  forget(): void {
    this.ctx = null;
    this.refs = null;
    this.debug = null;
  }

  /** Patches `image` for the `changed` inputs, or says why only a whole link will do (then nothing was changed). */
  relink(inputs: readonly WasmLinkInput[], changed: readonly string[], image: FileImage): FastRelinkOutcome {
    const ctx = this.ctx;
    if (ctx === null || ctx.placed === null || ctx.stable === null) return { ok: false, reason: 'no whole link to patch' };
    ctx.timings = [];
    if (inputs.length !== this.command.length || inputs.some((f, i) => commandEntry(f) !== this.command[i])) return { ok: false, reason: 'the inputs are not those of the last whole link' };
    const planned = timed(ctx, 'planSwaps', () => this.planSwaps(ctx, inputs, changed));
    if (typeof planned === 'string') return { ok: false, reason: planned };
    const checked = timed(ctx, 'checkSwaps', () => this.checkSwaps(ctx, planned));
    if (typeof checked === 'string') return { ok: false, reason: checked };
    let work: RelinkWork;
    try {
      work = timed(ctx, 'patchImage', () => this.patchImage(ctx, planned, checked.move, image));
    } catch (e) {
      this.forget();
      throw e;
    }
    return { ok: true, work };
  }

  /** Reads each changed object and checks it alone against the one it replaces. */
  private planSwaps(ctx: LinkContext, inputs: readonly WasmLinkInput[], changed: readonly string[]): Swap[] | string {
    const swaps: Swap[] = [];
    for (const path of changed) {
      const found = changedObject(inputs, path, this.objectByPath, WASM_OBJECTS);
      if (typeof found === 'string') return found;
      const { o, next } = found;
      const before = ctx.objects[o]!;
      const difference = interfaceDifference(before.obj, next);
      if (difference) return `${path}: ${difference}`;
      const after: LoadedObject = {
        ...before, obj: next, typeOut: before.typeOut.slice(),
        codeRelocs: next.code.section < 0 ? null : (next.relocations.find((r) => r.target === next.code.section) ?? null),
        dataRelocs: next.dataSection < 0 ? null : (next.relocations.find((r) => r.target === next.dataSection) ?? null),
      };
      swaps.push({ o, before, after });
    }
    return swaps;
  }

  /** What needs the link: relocations, slots and blocks, moved data symbols; the slots a grown body pushes. Nothing is changed. */
  private checkSwaps(ctx: LinkContext, swaps: readonly Swap[]): { move: SlotMove | null } | string {
    const outgrown: number[] = [];
    for (const w of swaps) {
      const problem = relocationDifference(ctx, w.after) ?? fitDifference(ctx, w.o, w.after);
      if (problem) return `${w.after.obj.path}: ${problem}`;
      const moved = movedDataSymbols(ctx, w.o, w.before, w.after);
      if (typeof moved === 'string') return `${w.after.obj.path}: ${moved}`;
      const named = moved.find((id) => this.debugOf(ctx).namesSymbol(id));
      if (named !== undefined) return `${w.after.obj.path}: data symbol ${ctx.syms.names[named]} moved and a debug section points at it`;
      outgrown.push(...outgrownSlots(ctx, w.after));
    }
    if (outgrown.length === 0) return { move: null };
    const name = ctx.functions[outgrown[0]!]!.name;
    const move = planSlotMove(ctx, outgrown, new Map(swaps.map((w) => [w.o, w.after])));
    if (!move) return `function ${name} outgrew its slot and would push the end of the code section`;
    // Debug info locates functions by their offset in the code section: such a body cannot move in place.
    for (let i = move.from; i < move.to; i++) {
      const f = ctx.functions[i]!;
      if (f.object >= 0 && this.debugOf(ctx).namesFunction(f.object, f.func)) return `function ${name} outgrew its slot and would move ${f.name}, which debug info points at`;
    }
    return { move };
  }

  /** The steps that write: the swapped objects' bytes, and what refers to their data symbols that moved; what they did. */
  private patchImage(ctx: LinkContext, swaps: readonly Swap[], move: SlotMove | null, image: FileImage): RelinkWork {
    const patch = new ImagePatch(image);
    const bytes = patch.bytes;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const work: RelinkWork = { sectionsPlaced: 0, symbolsMoved: 0, relocationsApplied: 0 };
    try {
      const moved: number[] = [];
      for (const w of swaps) {
        moved.push(...(movedDataSymbols(ctx, w.o, w.before, w.after) as number[]));
        ctx.objects[w.o] = w.after;
      }
      work.symbolsMoved += moved.length;
      if (move) timed(ctx, 'moveSlots', () => moveSlots(ctx, patch, view, move, work));
      for (const w of swaps) timed(ctx, 'writeObject', () => writeObject(ctx, patch, view, w.o, move, work));
      if (moved.length > 0) {
        timed(ctx, 'reapplyReferences', () => {
          this.refs ??= new DataReferences(ctx);
          for (const w of swaps) this.refs.replaceObject(w.o);
          const skip = new Set(swaps.map((w) => w.o));
          for (const id of moved) work.relocationsApplied += reapplyReferences(ctx, patch, view, this.refs.to(id), skip);
        });
      } else if (this.refs) {
        for (const w of swaps) this.refs.replaceObject(w.o);
      }
    } finally {
      timed(ctx, 'markChangedBytes', () => patch.finish());
    }
    return work;
  }
}

/** An input as the command line gives it, for telling whether the command line changed. */
function commandEntry(f: WasmLinkInput): string {
  return `${f.wholeArchive ? 'W' : '-'}${f.path}`;
}
