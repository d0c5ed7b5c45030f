//! Writes the laid-out link as ET_EXEC bytes: the ELF header, the program headers, the
//! section contents (via apply_relocations.ts), and after the loaded image the
//! non-allocated `.symtab` (the global symbols, TLS ones as offsets into PT_TLS), `.strtab`,
//! `.shstrtab` and the section header table.

import {
  buildShstrtab, encodeElfHeader, encodeProgramHeader, encodeSectionHeader, encodeSymbol, SHDR_SIZE, SHN_ABS, SHT_STRTAB,
  SHT_SYMTAB, STB_GLOBAL, STB_WEAK, STT_SECTION, STT_TLS, SYM_ABS, SYM_SIZE,
} from '../elf_format.js';
import { copySectionsAndApplyRelocations } from './apply_relocations.js';
import { alignUp, Def, type LinkContext } from './context.js';
import { targetAddress } from './symbol_values.js';

interface OutSymbol { name: string; bind: number; type: number; shndx: number; value: number; size: number }

export function writeExecutable(ctx: LinkContext): Uint8Array | null {
  const symbols = collectSymbols(ctx);
  const enc = new TextEncoder();
  const strParts: Uint8Array[] = [new Uint8Array(1)];
  let strSize = 1;
  const nameOffsets = symbols.map((s) => {
    if (s.name === '') return 0;
    const b = enc.encode(s.name);
    strParts.push(b, new Uint8Array(1));
    const at = strSize;
    strSize += b.length + 1;
    return at;
  });
  const outputs = ctx.order.map((i) => ctx.outputs[i]!);
  const shnames = buildShstrtab([...outputs.map((o) => o.name), '.symtab', '.strtab', '.shstrtab']);
  const symtabOff = alignUp(ctx.fileSize, 8);
  const symtabSize = (symbols.length + 1) * SYM_SIZE;
  const strtabOff = symtabOff + symtabSize;
  const shstrOff = strtabOff + strSize;
  const shOff = alignUp(shstrOff + shnames.bytes.length, 8);
  const shnum = 1 + outputs.length + 3;
  const image = new Uint8Array(shOff + shnum * SHDR_SIZE);
  const view = new DataView(image.buffer);

  copySectionsAndApplyRelocations(ctx, image);
  if (ctx.errors.length > 0) return null;

  const entryId = ctx.symbols.byName.get(ctx.entry);
  const entry = entryId === undefined ? 0 : ctx.symbols.def[entryId] === Def.Undefined ? 0 : (targetAddress(ctx, { global: entryId, def: ctx.symbols.def[entryId]!, object: ctx.symbols.object[entryId]!, symbol: ctx.symbols.symbol[entryId]! }) ?? 0);
  encodeElfHeader(view, 0, { entry: BigInt(entry), phoff: 64, shoff: shOff, phnum: ctx.segments.length, shnum, shstrndx: shnum - 1 });
  ctx.segments.forEach((p, i) => encodeProgramHeader(view, 64 + 56 * i, p));

  for (let i = 0; i < symbols.length; i++) {
    const s = symbols[i]!;
    encodeSymbol(view, symtabOff + SYM_SIZE * (i + 1), { name: nameOffsets[i]!, bind: s.bind, type: s.type, shndx: s.shndx, value: s.value, size: s.size });
  }
  let at = strtabOff;
  for (const p of strParts) {
    image.set(p, at);
    at += p.length;
  }
  image.set(shnames.bytes, shstrOff);

  outputs.forEach((os, i) => {
    encodeSectionHeader(view, shOff + SHDR_SIZE * (i + 1), {
      name: shnames.offsets[i]!, type: os.type, flags: os.flags, addr: os.addr, offset: os.offset, size: os.size,
      link: 0, info: 0, addralign: os.align, entsize: 0,
    });
  });
  const n = outputs.length;
  encodeSectionHeader(view, shOff + SHDR_SIZE * (n + 1), {
    name: shnames.offsets[n]!, type: SHT_SYMTAB, flags: 0, addr: 0, offset: symtabOff, size: symtabSize,
    link: n + 2, info: 1, addralign: 8, entsize: SYM_SIZE,
  });
  encodeSectionHeader(view, shOff + SHDR_SIZE * (n + 2), {
    name: shnames.offsets[n + 1]!, type: SHT_STRTAB, flags: 0, addr: 0, offset: strtabOff, size: strSize, link: 0, info: 0, addralign: 1, entsize: 0,
  });
  encodeSectionHeader(view, shOff + SHDR_SIZE * (n + 3), {
    name: shnames.offsets[n + 2]!, type: SHT_STRTAB, flags: 0, addr: 0, offset: shstrOff, size: shnames.bytes.length, link: 0, info: 0, addralign: 1, entsize: 0,
  });
  return image;
}

/** The defined global symbols, in id order, with their output section header index. */
function collectSymbols(ctx: LinkContext): OutSymbol[] {
  ctx.order.forEach((i, k) => { ctx.outputs[i]!.headerIndex = k + 1; });
  const s = ctx.symbols;
  const out: OutSymbol[] = [];
  const bss = ctx.outputs.find((o) => o.name === '.bss');
  for (let g = 0; g < s.names.length; g++) {
    const def = s.def[g]!;
    if (def === Def.Undefined) continue;
    const t = { global: g, def, object: s.object[g]!, symbol: s.symbol[g]! };
    let value = targetAddress(ctx, t) ?? 0;
    let shndx = SHN_ABS;
    let type = s.type[g]!;
    if (def === Def.Common) {
      shndx = bss?.headerIndex ?? SHN_ABS;
      type = type === 5 ? 1 : type; // STT_COMMON → STT_OBJECT
    } else if (def === Def.Strong || def === Def.Weak) {
      const lo = ctx.objects[t.object]!;
      const sec = lo.object.symbols.shndx[t.symbol]!;
      if (sec !== SYM_ABS && sec < lo.object.sections.length && lo.outputOf[sec]! >= 0) shndx = ctx.outputs[lo.outputOf[sec]!]!.headerIndex;
    }
    if (type === STT_SECTION) continue;
    if (type === STT_TLS) value -= ctx.tls.start;
    out.push({ name: s.names[g]!, bind: def === Def.Weak ? STB_WEAK : STB_GLOBAL, type, shndx, value, size: s.size[g]! });
  }
  return out;
}
