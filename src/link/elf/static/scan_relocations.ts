//! Scans the relocations of every section in the image before layout: rejects the types
//! this linker does not handle and relocations against sections that are not in the image
//! (except from `.eh_frame`, whose FDE for a dropped section is left pointing nowhere),
//! each error naming object, section, offset, type and symbol; decides which GOT-using
//! relocations cannot be relaxed and gives their symbols a GOT entry; gives every IFUNC
//! symbol referred to an `.iplt` stub, a `.got.plt` slot and an IRELATIVE relocation in
//! `.rela.iplt` (every reference then goes to the stub, as ld.lld does for a non-PIC static
//! link); checks that each general-/local-dynamic TLS relocation sits in a sequence
//! tls_relaxation.ts can rewrite (the call to `__tls_get_addr` after it then needs nothing);
//! creates `.got` when something needs it and `.bss` room for COMMON symbols.

import {
  hex, relocationTypeName, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHT_NOBITS, SHT_PROGBITS, SHT_RELA, STT_GNU_IFUNC,
} from '../input/index.js';
import type { RelocationTable } from '../input/index.js';
import { GotAccess, gotAccess, isDynamicTlsRelocation, isSupportedRelocation } from './arch_x86_64.js';
import { Def, type LinkContext } from './context.js';
import { consumesNextRelocation, recognizeTlsSequence, type TlsForm } from './tls_relaxation.js';
import { TLS_GET_ADDR } from './undefined_symbols.js';
import { ensureOutputSection } from './output_sections.js';
import { symbolName, symbolTarget, targetType, type SymbolTarget } from './symbol_values.js';

/** `obj:(.text+0x12)`, as ld.lld names a place. */
export function placeName(ctx: LinkContext, o: number, section: number, offset: number): string {
  const obj = ctx.objects[o]!.object;
  return `${obj.path}:(${obj.sections[section]!.name}+${hex(offset)})`;
}

export function gotKey(t: SymbolTarget, tpoff: boolean): string {
  return `${tpoff ? 't' : 'a'}${t.global >= 0 ? `g${t.global}` : `l${t.object}:${t.symbol}`}`;
}

/** The dynamic-TLS sequence relocation `r` of `rt` (in object `o`, over `data`) sits in, or what is wrong with it. */
export function dynamicTlsForm(ctx: LinkContext, o: number, rt: RelocationTable, r: number, data: Uint8Array): TlsForm | string {
  const next = r + 1 < rt.count ? { offset: rt.offset[r + 1]!, type: rt.type[r + 1]!, symbolName: symbolName(ctx, o, rt.symbol[r + 1]!) } : null;
  return recognizeTlsSequence(rt.type[r]!, data, rt.offset[r]!, next);
}

/**
 * What the scan of one object finds, in the order it finds it: GOT entries and IFUNC
 * stubs it needs (each key may come more than once) and whether `_GLOBAL_OFFSET_TABLE_`
 * is used. The whole link adds them to the context; a relink in place compares them.
 */
export interface RelocationScanSink {
  gotEntry(key: string, kind: 'address' | 'tpoff', object: number, symbol: number): void;
  ipltEntry(key: string, object: number, symbol: number): void;
  gotNeeded(): void;
}

/** The whole link's sink: the first time a key comes, its entry is added. */
function contextSink(ctx: LinkContext): RelocationScanSink {
  return {
    gotEntry(key, kind, object, symbol) {
      if (ctx.got.byKey.has(key)) return;
      ctx.got.byKey.set(key, ctx.got.entries.length);
      ctx.got.entries.push({ kind, object, symbol });
    },
    ipltEntry(key, object, symbol) {
      if (ctx.iplt.byKey.has(key)) return;
      ctx.iplt.byKey.set(key, ctx.iplt.entries.length);
      ctx.iplt.entries.push({ object, symbol });
    },
    gotNeeded() {
      ctx.got.needed = true;
    },
  };
}

export function scanRelocations(ctx: LinkContext): void {
  const sink = contextSink(ctx);
  const tlsGetAddr = { reported: false };
  for (let o = 0; o < ctx.objects.length; o++) scanObjectRelocations(ctx, o, sink, ctx.errors, tlsGetAddr);
  createGotAndIplt(ctx);
}

/** Scans the relocations of object `o`: errors go to `errors`, needs to `sink`. */
export function scanObjectRelocations(ctx: LinkContext, o: number, sink: RelocationScanSink, errors: string[], tlsGetAddr: { reported: boolean }): void {
  const lo = ctx.objects[o]!;
  const obj = lo.object;
  for (const rt of obj.relocations) {
    if (lo.outputOf[rt.target]! < 0) continue;
    const inEhFrame = ctx.outputs[lo.outputOf[rt.target]!]!.name === '.eh_frame';
    const data = obj.sections[rt.target]!.data;
    for (let r = 0; r < rt.count; r++) {
      const type = rt.type[r]!;
      const offset = rt.offset[r]!;
      const sym = rt.symbol[r]!;
      const where = () => `${placeName(ctx, o, rt.target, offset)}: ${relocationTypeName(type)} against ${symbolName(ctx, o, sym)}`;
      if (!isSupportedRelocation(type)) {
        errors.push(`${where()}: relocation type not supported by the static linker`);
        continue;
      }
      if (type === 0) continue;
      const t = symbolTarget(ctx, o, sym);
      if (t.def === Def.Undefined && t.global >= 0 && ctx.symbols.strongRef[t.global] && ctx.symbols.names[t.global] === TLS_GET_ADDR && !tlsGetAddr.reported) {
        tlsGetAddr.reported = true;
        errors.push(`${placeName(ctx, o, rt.target, offset)}: undefined symbol: ${TLS_GET_ADDR} (not a call a TLS relaxation removes)`);
      }
      if (t.def === Def.Strong || t.def === Def.Weak) {
        const tobj = ctx.objects[t.object]!;
        const shndx = tobj.object.symbols.shndx[t.symbol]!;
        if (shndx < tobj.object.sections.length && shndx !== 0 && tobj.outputOf[shndx]! < 0) {
          if (inEhFrame) continue;
          const sec = tobj.object.sections[shndx]!;
          errors.push(`${where()}: refers to section ${sec.name} of ${tobj.object.path}, which is not in the image${tobj.discarded[shndx] ? ' (a discarded COMDAT copy)' : ''}`);
          continue;
        }
      }
      if (t.def !== Def.Undefined && targetType(ctx, t) === STT_GNU_IFUNC) sink.ipltEntry(gotKey(t, false), t.object, t.symbol);
      if (data === null) continue;
      if (isDynamicTlsRelocation(type)) {
        const form = dynamicTlsForm(ctx, o, rt, r, data);
        if (typeof form === 'string') errors.push(`${where()}: cannot relax to local-exec: ${form}`);
        else if (consumesNextRelocation(form)) r++; // the call to __tls_get_addr goes away
        continue;
      }
      const access = gotAccess(type, data, offset, t.def !== Def.Undefined);
      if (access === GotAccess.GotAddress || access === GotAccess.GotTpoff) {
        const tpoff = access === GotAccess.GotTpoff;
        sink.gotEntry(gotKey(t, tpoff), tpoff ? 'tpoff' : 'address', o, sym);
      }
      if (type === 26) sink.gotNeeded(); // GOTPC32: relative to _GLOBAL_OFFSET_TABLE_
    }
  }
}

/** Creates `.got`, `.iplt`, `.got.plt` and `.rela.iplt` for what the scan found. */
function createGotAndIplt(ctx: LinkContext): void {
  if (ctx.got.entries.length > 0 || ctx.got.needed) {
    ctx.got.section = ensureOutputSection(ctx, '.got', SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 8);
    ctx.outputs[ctx.got.section]!.syntheticSize = 8 * ctx.got.entries.length;
  }
  const n = ctx.iplt.entries.length;
  if (n > 0) {
    ctx.iplt.plt = ensureOutputSection(ctx, '.iplt', SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 16);
    ctx.iplt.slots = ensureOutputSection(ctx, '.got.plt', SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 8);
    ctx.iplt.rela = ensureOutputSection(ctx, '.rela.iplt', SHT_RELA, SHF_ALLOC | SHF_INFO_LINK, 8);
    ctx.outputs[ctx.iplt.plt]!.syntheticSize = IPLT_ENTRY_SIZE * n;
    ctx.outputs[ctx.iplt.slots]!.syntheticSize = 8 * n;
    const rela = ctx.outputs[ctx.iplt.rela]!;
    for (const os of [ctx.outputs[ctx.iplt.plt]!, ctx.outputs[ctx.iplt.slots]!, rela]) os.linkerContent = true;
    rela.syntheticSize = RELA_SIZE * n;
    rela.entsize = RELA_SIZE;
    rela.infoSection = ctx.iplt.slots;
  }
}

export const IPLT_ENTRY_SIZE = 16;
export const RELA_SIZE = 24;
const SHF_INFO_LINK = 0x40;

/** COMMON symbols go at the end of `.bss`. */
export function allocateCommons(ctx: LinkContext): void {
  if (ctx.commons.length === 0) return;
  let align = 1;
  for (const g of ctx.commons) align = Math.max(align, ctx.symbols.align[g]!);
  ensureOutputSection(ctx, '.bss', SHT_NOBITS, SHF_ALLOC | SHF_WRITE, align);
}
