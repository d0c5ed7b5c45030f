//! Copies every input section in the image into the output bytes and applies its
//! relocations there (the x86-64 arithmetic and relaxations are in arch_x86_64.ts), then
//! fills the GOT and the IFUNC stubs, slots and IRELATIVE relocations (a reference to an
//! IFUNC symbol goes to its `.iplt` stub; the stub's slot starts as the resolver's
//! address, which glibc's start-up replaces by the resolver's answer). Runs after layout, when every address is known. Gaps inside code
//! sections are filled with int3 (0xcc), as ld.lld does.

import { relocationTypeName, SHF_EXECINSTR, SHF_TLS, SHT_NOBITS, STT_GNU_IFUNC, STT_SECTION, STT_TLS } from '../input/index.js';
import { applyRelocation, GotAccess, gotAccess, isDynamicTlsRelocation, R_32, R_32S, R_64, R_PC32, R_PLT32 } from './arch_x86_64.js';
import type { RelocationTable } from '../input/index.js';
import { Def, type LinkContext } from './context.js';
import { tpOffset } from './layout.js';
import { dynamicTlsForm, gotKey, IPLT_ENTRY_SIZE, placeName, RELA_SIZE } from './scan_relocations.js';
import { consumesNextRelocation, relaxTlsToLocalExec } from './tls_relaxation.js';
import { symbolName, symbolTarget, targetAddress, targetSize, targetType, type SymbolTarget } from './symbol_values.js';

const R_X86_64_IRELATIVE = 37;

/** The address references to `t` resolve to: its `.iplt` stub for an IFUNC, else its own. */
export function referenceAddress(ctx: LinkContext, t: SymbolTarget): number | null {
  const S = targetAddress(ctx, t);
  if (S === null || ctx.iplt.plt < 0 || t.def === Def.Undefined || targetType(ctx, t) !== STT_GNU_IFUNC) return S;
  const i = ctx.iplt.byKey.get(gotKey(t, false));
  return i === undefined ? S : ctx.outputs[ctx.iplt.plt]!.addr + IPLT_ENTRY_SIZE * i;
}

export function copySectionsAndApplyRelocations(ctx: LinkContext, image: Uint8Array): void {
  const gotBase = gotAddress(ctx);
  for (const os of ctx.outputs) {
    if (os.type === SHT_NOBITS) continue;
    // Code sections' gaps (alignment, what the linker appends later) are int3; the members are copied over the rest.
    const code = (os.flags & SHF_EXECINSTR) !== 0;
    let filledTo = os.offset;
    for (const m of os.members) {
      const lo = ctx.objects[m.object]!;
      const sec = lo.object.sections[m.section]!;
      if (sec.data === null) continue;
      const at = os.offset + (lo.address[m.section]! - os.addr);
      if (code && at > filledTo) image.fill(0xcc, filledTo, at);
      image.set(sec.data, at);
      filledTo = Math.max(filledTo, at + sec.data.length);
    }
    if (code && os.offset + os.size > filledTo) image.fill(0xcc, filledTo, os.offset + os.size);
  }
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  for (let o = 0; o < ctx.objects.length; o++) applyObjectRelocations(ctx, image, view, o, gotBase);
  writeGot(ctx, image, gotBase);
  writeIplt(ctx, image);
}

/**
 * Applies the relocations of object `o`, whose sections are already copied into `image`
 * (`view` over it); returns how many it applied (a relink in place reports it).
 */
export function applyObjectRelocations(ctx: LinkContext, image: Uint8Array, view: DataView, o: number, gotBase: number): number {
  const lo = ctx.objects[o]!;
  const obj = lo.object;
  const targets = new SymbolAddresses(ctx, o);
  let applied = 0;
  for (const rt of obj.relocations) {
    const out = lo.outputOf[rt.target]!;
    if (out < 0) continue;
    const os = ctx.outputs[out]!;
    const sec = obj.sections[rt.target]!;
    if (sec.data === null) continue;
    const secAddr = lo.address[rt.target]!;
    const base = os.offset + (secAddr - os.addr);
    let data: Uint8Array | null = null;
    for (let r = 0; r < rt.count; r++) {
      const type = rt.type[r]!;
      if (type === 0) continue;
      const offset = rt.offset[r]!;
      const sym = rt.symbol[r]!;
      // The common case first, with no allocation: a plain absolute or PC-relative
      // reference to a symbol that is not TLS. Anything else (or a value that does not
      // fit, which the general path reports) takes the general path.
      if (type === R_PC32 || type === R_PLT32 || type === R_64 || type === R_32 || type === R_32S) {
        const S = targets.address(sym);
        if (S === NOT_IN_IMAGE) continue; // reported by the scan
        if (!targets.isTls(sym) && writePlain(view, base + offset, type, S + rt.addend[r]!, secAddr + offset)) {
          applied++;
          continue;
        }
      }
      data ??= image.subarray(base, base + sec.size);
      applied++;
      r += applyGeneral(ctx, data, o, rt, r, secAddr, gotBase);
    }
  }
  return applied;
}

/**
 * Applies relocation `r` of table `table` of object `o` again, its symbol's reference
 * address being `S` (`tls`: a TLS symbol): a relink in place re-applies the relocations
 * to a symbol that moved. No allocation on the plain path.
 */
export function reapplyRelocation(ctx: LinkContext, image: Uint8Array, view: DataView, o: number, table: number, r: number, gotBase: number, S: number, tls: boolean): void {
  const lo = ctx.objects[o]!;
  const rt = lo.object.relocations[table]!;
  const os = ctx.outputs[lo.outputOf[rt.target]!]!;
  const secAddr = lo.address[rt.target]!;
  const base = os.offset + (secAddr - os.addr);
  const type = rt.type[r]!;
  const offset = rt.offset[r]!;
  if (!tls && (type === R_PC32 || type === R_PLT32 || type === R_64 || type === R_32 || type === R_32S)) {
    if (writePlain(view, base + offset, type, S + rt.addend[r]!, secAddr + offset)) return;
  }
  applyGeneral(ctx, image.subarray(base, base + lo.object.sections[rt.target]!.size), o, rt, r, secAddr, gotBase);
}

/**
 * Relocation `r` of `rt` (object `o`) on `data`, its section's bytes in the image at
 * `secAddr`: GOT accesses, relaxations, TLS, sizes, and what did not fit the plain path.
 * Returns how many of the following relocations it consumed (the call a TLS relaxation removes).
 */
function applyGeneral(ctx: LinkContext, data: Uint8Array, o: number, rt: RelocationTable, r: number, secAddr: number, gotBase: number): number {
  const sec = ctx.objects[o]!.object.sections[rt.target]!;
  const type = rt.type[r]!;
  const offset = rt.offset[r]!;
  const sym = rt.symbol[r]!;
  const t = symbolTarget(ctx, o, sym);
  const S = referenceAddress(ctx, t);
  if (S === null) return 0; // reported by the scan
  const isTls = S !== 0 && t.def !== Def.Undefined && isTlsTarget(ctx, t);
  if (isDynamicTlsRelocation(type)) {
    const form = dynamicTlsForm(ctx, o, rt, r, sec.data!);
    if (typeof form === 'string') return 0; // reported by the scan
    const problem = relaxTlsToLocalExec(form, data, offset, (isTls ? tpOffset(ctx, S) : 0) + rt.addend[r]! + 4);
    if (problem !== null) ctx.errors.push(`${placeName(ctx, o, rt.target, offset)}: ${relocationTypeName(type)} against ${symbolName(ctx, o, sym)}: ${problem}`);
    return consumesNextRelocation(form) ? 1 : 0; // the call to __tls_get_addr is gone
  }
  const access = gotAccess(type, sec.data!, offset, t.def !== Def.Undefined);
  const usesSlot = access === GotAccess.GotAddress || access === GotAccess.GotTpoff;
  const slot = usesSlot ? ctx.got.byKey.get(gotKey(t, access === GotAccess.GotTpoff)) : undefined;
  const problem = applyRelocation(type, access, data, offset, {
    S, A: rt.addend[r]!, P: secAddr + offset, Z: targetSize(ctx, t),
    TP: isTls ? tpOffset(ctx, S) : 0, G: slot === undefined ? 0 : gotBase + 8 * slot, GOT: gotBase,
  });
  if (problem !== null) {
    ctx.errors.push(`${placeName(ctx, o, rt.target, offset)}: ${relocationTypeName(type)} against ${symbolName(ctx, o, sym)}: ${problem}`);
  }
  return 0;
}

/**
 * Writes S+A (or S+A-P) for R_X86_64_64, PC32, PLT32, 32 and 32S at `at`; false, with
 * nothing written, when the value does not fit (the general path then reports it).
 */
function writePlain(view: DataView, at: number, type: number, SA: number, P: number): boolean {
  if (type === R_64) {
    if (SA < 0 || SA > Number.MAX_SAFE_INTEGER) return false;
    view.setUint32(at, SA % 0x1_0000_0000, true);
    view.setUint32(at + 4, Math.floor(SA / 0x1_0000_0000), true);
    return true;
  }
  if (type === R_32) {
    if (SA < 0 || SA > 0xffffffff) return false;
    view.setUint32(at, SA, true);
    return true;
  }
  const x = type === R_32S ? SA : SA - P;
  if (x < -0x80000000 || x > 0x7fffffff) return false;
  view.setInt32(at, x, true);
  return true;
}

/** A symbol whose section is not in the image (its relocations were reported by the scan). */
const NOT_IN_IMAGE = -Infinity;

/**
 * The reference address of each symbol of one object, and whether it is TLS, computed
 * the first time a relocation names it: an object's relocations name few symbols many
 * times, and this keeps the per-relocation work free of allocation.
 */
class SymbolAddresses {
  private readonly addr: Float64Array;
  /** 0: not computed; 1: not TLS; 2: TLS. */
  private readonly tls: Uint8Array;

  constructor(
    private readonly ctx: LinkContext,
    private readonly o: number,
  ) {
    const n = ctx.objects[o]!.object.symbols.count;
    this.addr = new Float64Array(n);
    this.tls = new Uint8Array(n);
  }

  address(sym: number): number {
    if (this.tls[sym] === 0) this.compute(sym);
    return this.addr[sym]!;
  }

  isTls(sym: number): boolean {
    if (this.tls[sym] === 0) this.compute(sym);
    return this.tls[sym] === 2;
  }

  private compute(sym: number): void {
    const t = symbolTarget(this.ctx, this.o, sym);
    const S = referenceAddress(this.ctx, t);
    this.addr[sym] = S === null ? NOT_IN_IMAGE : S;
    this.tls[sym] = S !== null && S !== 0 && t.def !== Def.Undefined && isTlsTarget(this.ctx, t) ? 2 : 1;
  }
}

/** Each stub is `jmp *slot(%rip)` padded with int3; each slot holds the resolver; each IRELATIVE names both. */
function writeIplt(ctx: LinkContext, image: Uint8Array): void {
  if (ctx.iplt.plt < 0) return;
  const plt = ctx.outputs[ctx.iplt.plt]!, slots = ctx.outputs[ctx.iplt.slots]!, rela = ctx.outputs[ctx.iplt.rela]!;
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const pltBase = plt.size - IPLT_ENTRY_SIZE * ctx.iplt.entries.length;
  const slotBase = slots.size - 8 * ctx.iplt.entries.length;
  const relaBase = rela.size - RELA_SIZE * ctx.iplt.entries.length;
  ctx.iplt.entries.forEach((e, i) => {
    const resolver = targetAddress(ctx, { global: -1, def: Def.Strong, object: e.object, symbol: e.symbol }) ?? 0;
    const stub = pltBase + IPLT_ENTRY_SIZE * i;
    const slot = slots.addr + slotBase + 8 * i;
    image[plt.offset + stub] = 0xff;
    image[plt.offset + stub + 1] = 0x25;
    view.setInt32(plt.offset + stub + 2, slot - (plt.addr + stub + 6), true);
    view.setBigUint64(slots.offset + slotBase + 8 * i, BigInt(resolver), true);
    const r = rela.offset + relaBase + RELA_SIZE * i;
    view.setBigUint64(r, BigInt(slot), true);
    view.setBigUint64(r + 8, BigInt(R_X86_64_IRELATIVE), true);
    view.setBigInt64(r + 16, BigInt(resolver), true);
  });
}

/** A TLS symbol, or a section symbol of a TLS section (`.tbss+8`). */
export function isTlsTarget(ctx: LinkContext, t: ReturnType<typeof symbolTarget>): boolean {
  if (t.global >= 0 && t.def !== Def.Strong && t.def !== Def.Weak) return ctx.symbols.type[t.global] === STT_TLS;
  const obj = ctx.objects[t.object]!.object;
  const type = obj.symbols.type[t.symbol];
  if (type === STT_SECTION) return ((obj.sections[obj.symbols.shndx[t.symbol]!]?.flags ?? 0) & SHF_TLS) !== 0;
  return type === STT_TLS;
}

/** Address of the first GOT entry (after any input `.got` contents). */
export function gotAddress(ctx: LinkContext): number {
  if (ctx.got.section < 0) return 0;
  const os = ctx.outputs[ctx.got.section]!;
  return os.addr + os.size - 8 * ctx.got.entries.length;
}

function writeGot(ctx: LinkContext, image: Uint8Array, gotBase: number): void {
  if (ctx.got.section < 0) return;
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  for (let i = 0; i < ctx.got.entries.length; i++) writeGotSlot(ctx, view, gotBase, i);
}

/** Writes GOT entry `i`: its symbol's address, or its offset from the thread pointer. */
export function writeGotSlot(ctx: LinkContext, view: DataView, gotBase: number, i: number): void {
  const os = ctx.outputs[ctx.got.section]!;
  const e = ctx.got.entries[i]!;
  const t = symbolTarget(ctx, e.object, e.symbol);
  const S = referenceAddress(ctx, t) ?? 0;
  const value = e.kind === 'tpoff' ? tpOffset(ctx, S) : S;
  view.setBigUint64(os.offset + (gotBase - os.addr) + 8 * i, BigInt.asUintN(64, BigInt(value)), true);
}
