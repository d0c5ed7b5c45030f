//! Copies every input section in the image into the output bytes and applies its
//! relocations there (the x86-64 arithmetic and relaxations are in arch_x86_64.ts), then
//! fills the GOT. Runs after layout, when every address is known. Gaps inside code
//! sections are filled with int3 (0xcc), as ld.lld does.

import { relocationTypeName, SHF_EXECINSTR, SHT_NOBITS, STT_TLS } from '../input/index.js';
import { applyRelocation, GotAccess, gotAccess } from './arch_x86_64.js';
import { Def, type LinkContext } from './context.js';
import { tpOffset } from './layout.js';
import { gotKey, placeName } from './scan_relocations.js';
import { symbolName, symbolTarget, targetAddress, targetSize } from './symbol_values.js';

export function copySectionsAndApplyRelocations(ctx: LinkContext, image: Uint8Array): void {
  const gotBase = gotAddress(ctx);
  for (const os of ctx.outputs) {
    if (os.type === SHT_NOBITS) continue;
    if (os.flags & SHF_EXECINSTR) image.fill(0xcc, os.offset, os.offset + os.size);
    for (const m of os.members) {
      const lo = ctx.objects[m.object]!;
      const sec = lo.object.sections[m.section]!;
      if (sec.data === null) continue;
      const at = os.offset + (lo.address[m.section]! - os.addr);
      image.set(sec.data, at);
    }
  }
  for (let o = 0; o < ctx.objects.length; o++) {
    const lo = ctx.objects[o]!;
    const obj = lo.object;
    for (const rt of obj.relocations) {
      const out = lo.outputOf[rt.target]!;
      if (out < 0) continue;
      const os = ctx.outputs[out]!;
      const sec = obj.sections[rt.target]!;
      if (sec.data === null) continue;
      const secAddr = lo.address[rt.target]!;
      const data = image.subarray(os.offset + (secAddr - os.addr), os.offset + (secAddr - os.addr) + sec.size);
      for (let r = 0; r < rt.count; r++) {
        const type = rt.type[r]!;
        if (type === 0) continue;
        const offset = rt.offset[r]!;
        const t = symbolTarget(ctx, o, rt.symbol[r]!);
        const S = targetAddress(ctx, t);
        if (S === null) continue; // reported by the scan
        const access = gotAccess(type, sec.data, offset, t.def !== Def.Undefined);
        const slot = ctx.got.byKey.get(gotKey(t, access === GotAccess.GotTpoff));
        const isTls = S !== 0 && t.def !== Def.Undefined && isTlsTarget(ctx, t);
        const problem = applyRelocation(type, access, data, offset, {
          S, A: Number(rt.addend[r]!), P: secAddr + offset, Z: targetSize(ctx, t),
          TP: isTls ? tpOffset(ctx, S) : 0, G: slot === undefined ? 0 : gotBase + 8 * slot, GOT: gotBase,
        });
        if (problem !== null) {
          ctx.errors.push(`${placeName(ctx, o, rt.target, offset)}: ${relocationTypeName(type)} against ${symbolName(ctx, o, rt.symbol[r]!)}: ${problem}`);
        }
      }
    }
  }
  writeGot(ctx, image, gotBase);
}

function isTlsTarget(ctx: LinkContext, t: ReturnType<typeof symbolTarget>): boolean {
  if (t.global >= 0 && t.def !== Def.Strong && t.def !== Def.Weak) return ctx.symbols.type[t.global] === STT_TLS;
  return ctx.objects[t.object]!.object.symbols.type[t.symbol] === STT_TLS;
}

/** Address of the first GOT entry (after any input `.got` contents). */
function gotAddress(ctx: LinkContext): number {
  if (ctx.got.section < 0) return 0;
  const os = ctx.outputs[ctx.got.section]!;
  return os.addr + os.size - 8 * ctx.got.entries.length;
}

function writeGot(ctx: LinkContext, image: Uint8Array, gotBase: number): void {
  if (ctx.got.section < 0) return;
  const os = ctx.outputs[ctx.got.section]!;
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  ctx.got.entries.forEach((e, i) => {
    const t = symbolTarget(ctx, e.object, e.symbol);
    const S = targetAddress(ctx, t) ?? 0;
    const value = e.kind === 'tpoff' ? tpOffset(ctx, S) : S;
    view.setBigUint64(os.offset + (gotBase - os.addr) + 8 * i, BigInt.asUintN(64, BigInt(value)), true);
  });
}
