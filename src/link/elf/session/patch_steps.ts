//! The steps of a relink in place (fast_relink.ts) that write the output image, once the
//! swapped-in objects are known to fit: each writes what a whole link would write there,
//! through an ImagePatch, so only the bytes that changed are marked for the flush.
//! Each costs what it touches: an object's sections and relocations, the relocations to
//! a symbol that moved, a few GOT slots and `.symtab` entries — except `.eh_frame_hdr`
//! (the whole search table, sorted again: O(FDEs log FDEs), only with --eh-frame-hdr)
//! and the build id (the whole file hashed again, only with --build-id).

import { STT_TLS, type ElfObject } from '../input/index.js';
import { isTlsTarget, reapplyRelocation, referenceAddress, writeGotSlot } from '../static/apply_relocations.js';
import { buildIdDescriptor } from '../static/build_id.js';
import { Def, type LinkContext } from '../static/context.js';
import { writeEhFrameHdr } from '../static/eh_frame_hdr.js';
import { localSymbolValue, setU64, symbolHeaderIndex, writesLocalSymbol } from '../static/write_executable.js';
import { targetAddress } from '../static/symbol_values.js';
import type { GlobalReferences } from './global_references.js';
import type { ImagePatch } from './image_patch.js';
import { isCodeOutput } from './swap_plan.js';

const SYM_SIZE = 24;
const NOTE_HEADER = 16;

/**
 * Copies the sections of (swapped-in) object `o` to their places; what `before` had beyond
 * the new end becomes gap (int3 in code, zeros in data). Returns how many it copied.
 */
export function copyObjectSections(ctx: LinkContext, patch: ImagePatch, o: number, before: ElfObject): number {
  const bytes = patch.bytes;
  const lo = ctx.objects[o]!;
  let copied = 0;
  for (let i = 1; i < lo.object.sections.length; i++) {
    const out = lo.outputOf[i]!;
    const sec = lo.object.sections[i]!;
    if (out < 0 || sec.data === null) continue;
    const os = ctx.outputs[out]!;
    const at = os.offset + (lo.address[i]! - os.addr);
    const oldSize = before.sections[i]!.size;
    patch.track(at, at + Math.max(oldSize, sec.data.length));
    bytes.set(sec.data, at);
    if (oldSize > sec.data.length) bytes.fill(isCodeOutput(ctx, out) ? 0xcc : 0, at + sec.data.length, at + oldSize);
    copied++;
  }
  return copied;
}

/** The address and size a global has now (0 when it has no address), for telling whether it moved. */
export function globalPlace(ctx: LinkContext, g: number): { addr: number; size: number } {
  const s = ctx.symbols;
  const addr = targetAddress(ctx, { global: g, def: s.def[g]!, object: s.object[g]!, symbol: s.symbol[g]! }) ?? 0;
  return { addr, size: s.size[g]! };
}

/**
 * Applies again every relocation naming global `g` outside the objects in `skip` (which
 * were relocated whole); each word is compared as written, in a window wide enough for a
 * TLS rewrite around it. No allocation per relocation. Returns how many it applied.
 */
export function reapplyReferences(ctx: LinkContext, patch: ImagePatch, view: DataView, refs: GlobalReferences, g: number, skip: ReadonlySet<number>, gotBase: number): number {
  const s = ctx.symbols;
  const t = { global: g, def: s.def[g]!, object: s.object[g]!, symbol: s.symbol[g]! };
  const S = referenceAddress(ctx, t);
  if (S === null) return 0;
  let applied = 0;
  const tls = S !== 0 && t.def !== Def.Undefined && isTlsTarget(ctx, t);
  const bytes = patch.bytes;
  const scratch = new Uint8Array(WINDOW * 2);
  refs.forEach(g, skip, (o, table, r) => {
    const lo = ctx.objects[o]!;
    const rt = lo.object.relocations[table]!;
    const os = ctx.outputs[lo.outputOf[rt.target]!]!;
    const at = os.offset + (lo.address[rt.target]! - os.addr) + rt.offset[r]!;
    const from = Math.max(0, at - WINDOW), to = Math.min(bytes.length, at + WINDOW);
    for (let k = from; k < to; k++) scratch[k - from] = bytes[k]!;
    reapplyRelocation(ctx, bytes, view, o, table, r, gotBase, S, tls);
    applied++;
    let first = -1, last = -1;
    for (let k = from; k < to; k++) {
      if (scratch[k - from] === bytes[k]) continue;
      if (first < 0) first = k;
      last = k;
    }
    if (first >= 0) patch.changed(first, last - first + 1);
  });
  return applied;
}

/** Bytes either side of a relocated word that a relocation may rewrite (a TLS sequence). */
const WINDOW = 16;

/** Writes GOT entries `slots` again (those whose symbol a swapped-in object defines). */
export function rewriteGotSlots(ctx: LinkContext, patch: ImagePatch, view: DataView, slots: readonly number[], gotBase: number): void {
  if (slots.length === 0) return;
  const os = ctx.outputs[ctx.got.section]!;
  for (const i of slots) {
    const at = os.offset + (gotBase - os.addr) + 8 * i;
    patch.track(at, at + 8);
    writeGotSlot(ctx, view, gotBase, i);
  }
}

/** Writes the `.symtab` entries of object `o`'s local symbols and of the globals in `globals` (their names stay). */
export function rewriteSymbols(ctx: LinkContext, patch: ImagePatch, view: DataView, o: number, globals: readonly number[]): void {
  const slots = ctx.symtab;
  if (slots === null) return;
  const lo = ctx.objects[o]!;
  const syms = lo.object.symbols;
  const entry = (slot: number): number => slots.offset + SYM_SIZE * (slot + 1);
  const [start, end] = localSymbolRange(ctx, o);
  patch.track(start, end);
  let slot = slots.objectFirst[o]!;
  for (let i = 1; i < syms.firstGlobal; i++) {
    if (!writesLocalSymbol(lo, i)) continue;
    const at = entry(slot++);
    patch.bytes[at + 4] = syms.type[i]! & 0xf; // STB_LOCAL << 4 | type
    view.setUint16(at + 6, symbolHeaderIndex(ctx, o, syms.shndx[i]!), true);
    setU64(view, at + 8, localSymbolValue(ctx, o, i));
    setU64(view, at + 16, syms.size[i]!);
  }
  for (const g of globals) {
    const k = slots.globalSlot[g]!;
    if (k < 0) continue;
    const at = entry(k);
    patch.track(at + 8, at + SYM_SIZE);
    let { addr } = globalPlace(ctx, g);
    if (ctx.symbols.type[g] === STT_TLS) addr -= ctx.tls.start;
    setU64(view, at + 8, addr);
    setU64(view, at + 16, ctx.symbols.size[g]!);
  }
}

/** The range of `.symtab` entries object `o`'s local symbols take. */
function localSymbolRange(ctx: LinkContext, o: number): [number, number] {
  const slots = ctx.symtab;
  if (slots === null) return [0, 0];
  const lo = ctx.objects[o]!;
  let n = 0;
  for (let i = 1; i < lo.object.symbols.firstGlobal; i++) if (writesLocalSymbol(lo, i)) n++;
  const start = slots.offset + SYM_SIZE * (slots.objectFirst[o]! + 1);
  return [start, start + SYM_SIZE * n];
}

/** The ELF header's entry point, when the entry symbol is one that moved. */
export function rewriteEntry(ctx: LinkContext, patch: ImagePatch, view: DataView): void {
  const g = ctx.symbols.byName.get(ctx.entry);
  if (g === undefined || ctx.symbols.def[g] === Def.Undefined) return;
  patch.track(24, 32);
  view.setBigUint64(24, BigInt(globalPlace(ctx, g).addr), true);
}

/** `.eh_frame_hdr`'s table (and the dead FDEs) from the FDEs as they are now. */
export function rewriteEhFrameHdr(ctx: LinkContext, patch: ImagePatch): void {
  if (ctx.ehFrame.fdes.length === 0) return;
  if (ctx.ehFrame.hdr >= 0) {
    const hdr = ctx.outputs[ctx.ehFrame.hdr]!;
    patch.track(hdr.offset, hdr.offset + hdr.size);
  }
  writeEhFrameHdr(ctx, patch.bytes);
}

/** The build id hashed again over the patched file (its descriptor zero while hashing, as a whole link does). */
export function rewriteBuildId(ctx: LinkContext, patch: ImagePatch): void {
  if (ctx.buildId.section < 0) return;
  const os = ctx.outputs[ctx.buildId.section]!;
  const at = os.offset + os.size - os.syntheticSize + NOTE_HEADER;
  patch.track(at, at + ctx.buildId.size);
  patch.bytes.fill(0, at, at + ctx.buildId.size);
  patch.bytes.set(buildIdDescriptor(ctx.buildId.style, patch.bytes), at);
}
