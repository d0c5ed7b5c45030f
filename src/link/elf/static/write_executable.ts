//! Writes the laid-out link as ET_EXEC bytes: the ELF header, the program headers, the
//! section contents (via apply_relocations.ts; `.eh_frame_hdr` via eh_frame_hdr.ts), and after the loaded image the
//! non-allocated `.symtab` (left out with `-s`; named local symbols, hidden globals made local, then the
//! globals, `--defsym`s absolute or in their target's section; TLS ones as offsets into PT_TLS), `.strtab`,
//! `.shstrtab` and the section header table; last the `--build-id` note, which may hash all of it.

import {
  buildShstrtab, encodeElfHeader, encodeProgramHeader, encodeSectionHeader, encodeSymbol, SHDR_SIZE, SHN_ABS, SHT_STRTAB,
  SHT_SYMTAB, STB_GLOBAL, STB_LOCAL, STB_WEAK, STT_COMMON, STT_FILE, STT_OBJECT, STT_SECTION, STT_TLS, STV_HIDDEN,
  STV_INTERNAL, SYM_ABS, SYM_SIZE,
} from '../elf_format.js';
import { copySectionsAndApplyRelocations } from './apply_relocations.js';
import { alignUp, Def, type LinkContext } from './context.js';
import { writeEhFrameHdr } from './eh_frame_hdr.js';
import { writeBuildId } from './build_id.js';
import { targetAddress } from './symbol_values.js';

interface OutSymbol { name: string; bind: number; type: number; shndx: number; value: number; size: number }

export function writeExecutable(ctx: LinkContext): Uint8Array | null {
  // `-s` leaves the symbol table out: then only .shstrtab follows the image.
  const { symbols, locals } = ctx.stripAll ? { symbols: [], locals: 0 } : collectSymbols(ctx);
  if (ctx.stripAll) ctx.order.forEach((i, k) => { ctx.outputs[i]!.headerIndex = k + 1; });
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
  const tableNames = ctx.stripAll ? ['.shstrtab'] : ['.symtab', '.strtab', '.shstrtab'];
  const shnames = buildShstrtab([...outputs.map((o) => o.name), ...tableNames]);
  const symtabOff = alignUp(ctx.fileSize, 8);
  const symtabSize = ctx.stripAll ? 0 : (symbols.length + 1) * SYM_SIZE;
  const strtabOff = symtabOff + symtabSize;
  const shstrOff = ctx.stripAll ? ctx.fileSize : strtabOff + strSize;
  const shOff = alignUp(shstrOff + shnames.bytes.length, 8);
  const shnum = 1 + outputs.length + tableNames.length;
  const image = new Uint8Array(shOff + shnum * SHDR_SIZE);
  const view = new DataView(image.buffer);

  copySectionsAndApplyRelocations(ctx, image);
  if (ctx.errors.length > 0) return null;
  writeEhFrameHdr(ctx, image);

  const entryId = ctx.symbols.byName.get(ctx.entry);
  const entry = entryId === undefined ? 0 : ctx.symbols.def[entryId] === Def.Undefined ? 0 : (targetAddress(ctx, { global: entryId, def: ctx.symbols.def[entryId]!, object: ctx.symbols.object[entryId]!, symbol: ctx.symbols.symbol[entryId]! }) ?? 0);
  encodeElfHeader(view, 0, { entry: BigInt(entry), phoff: 64, shoff: shOff, phnum: ctx.segments.length, shnum, shstrndx: shnum - 1 });
  ctx.segments.forEach((p, i) => encodeProgramHeader(view, 64 + 56 * i, p));

  for (let i = 0; i < symbols.length; i++) {
    const s = symbols[i]!;
    encodeSymbol(view, symtabOff + SYM_SIZE * (i + 1), { name: nameOffsets[i]!, bind: s.bind, type: s.type, shndx: s.shndx, value: s.value, size: s.size });
  }
  let at = strtabOff;
  if (!ctx.stripAll) {
    for (const p of strParts) {
      image.set(p, at);
      at += p.length;
    }
  }
  image.set(shnames.bytes, shstrOff);

  outputs.forEach((os, i) => {
    encodeSectionHeader(view, shOff + SHDR_SIZE * (i + 1), {
      name: shnames.offsets[i]!, type: os.type, flags: os.flags, addr: os.addr, offset: os.offset, size: os.size,
      link: 0, info: os.infoSection !== undefined && os.infoSection >= 0 ? ctx.outputs[os.infoSection]!.headerIndex : 0,
      addralign: os.align, entsize: os.entsize ?? 0,
    });
  });
  const n = outputs.length;
  if (!ctx.stripAll) {
    encodeSectionHeader(view, shOff + SHDR_SIZE * (n + 1), {
      name: shnames.offsets[n]!, type: SHT_SYMTAB, flags: 0, addr: 0, offset: symtabOff, size: symtabSize,
      link: n + 2, info: locals + 1, addralign: 8, entsize: SYM_SIZE,
    });
    encodeSectionHeader(view, shOff + SHDR_SIZE * (n + 2), {
      name: shnames.offsets[n + 1]!, type: SHT_STRTAB, flags: 0, addr: 0, offset: strtabOff, size: strSize, link: 0, info: 0, addralign: 1, entsize: 0,
    });
  }
  const last = shnum - 1;
  encodeSectionHeader(view, shOff + SHDR_SIZE * last, {
    name: shnames.offsets[last - 1]!, type: SHT_STRTAB, flags: 0, addr: 0, offset: shstrOff, size: shnames.bytes.length, link: 0, info: 0, addralign: 1, entsize: 0,
  });
  writeBuildId(ctx, image);
  return image;
}

/**
 * The output symbol table: first the locals — each object's named function, object and
 * TLS symbols, then the hidden globals, made local as ld.lld does — then the globals.
 * Returns the symbols and how many of them are local.
 */
function collectSymbols(ctx: LinkContext): { symbols: OutSymbol[]; locals: number } {
  ctx.order.forEach((i, k) => { ctx.outputs[i]!.headerIndex = k + 1; });
  const s = ctx.symbols;
  const locals: OutSymbol[] = [];
  const globals: OutSymbol[] = [];
  const headerOf = (o: number, sec: number): number => {
    const lo = ctx.objects[o]!;
    if (sec === SYM_ABS || sec >= lo.object.sections.length || lo.outputOf[sec]! < 0) return SHN_ABS;
    return ctx.outputs[lo.outputOf[sec]!]!.headerIndex;
  };
  for (let o = 0; o < ctx.objects.length; o++) {
    const lo = ctx.objects[o]!;
    const syms = lo.object.symbols;
    for (let i = 1; i < syms.firstGlobal; i++) {
      const type = syms.type[i]!, name = syms.names[i]!, sec = syms.shndx[i]!;
      if (name === '' || name.startsWith('.L') || type > STT_TLS || type === STT_SECTION || type === STT_FILE) continue;
      if (sec === 0 || (sec !== SYM_ABS && (sec >= lo.object.sections.length || lo.outputOf[sec]! < 0))) continue;
      let value = targetAddress(ctx, { global: -1, def: Def.Strong, object: o, symbol: i }) ?? 0;
      if (type === STT_TLS) value -= ctx.tls.start;
      locals.push({ name, bind: STB_LOCAL, type, shndx: headerOf(o, sec), value, size: Number(syms.size[i]!) });
    }
  }
  const bss = ctx.outputs.find((o) => o.name === '.bss');
  const defsymSection = new Map(ctx.defsyms.map((d) => [d.global, d.section]));
  for (let g = 0; g < s.names.length; g++) {
    const def = s.def[g]!;
    if (def === Def.Undefined) continue;
    const t = { global: g, def, object: s.object[g]!, symbol: s.symbol[g]! };
    let value = targetAddress(ctx, t) ?? 0;
    let shndx = SHN_ABS;
    let type = s.type[g]!;
    let hidden = def === Def.Linker;
    if (def === Def.Common) {
      shndx = bss?.headerIndex ?? SHN_ABS;
      type = type === STT_COMMON ? STT_OBJECT : type;
    } else if (def === Def.Strong || def === Def.Weak) {
      const lo = ctx.objects[t.object]!, sec = lo.object.symbols.shndx[t.symbol]!;
      if (sec !== 0 && sec < lo.object.sections.length && lo.outputOf[sec]! < 0) continue; // its section was dropped (--gc-sections)
      shndx = headerOf(t.object, sec);
      hidden = s.visibility[g] === STV_HIDDEN || s.visibility[g] === STV_INTERNAL;
    } else if (def === Def.Defsym) {
      const section = defsymSection.get(g) ?? -1;
      shndx = section >= 0 ? ctx.outputs[section]!.headerIndex : SHN_ABS;
      hidden = s.visibility[g] === STV_HIDDEN || s.visibility[g] === STV_INTERNAL;
    }
    if (type === STT_SECTION) continue;
    if (type === STT_TLS) value -= ctx.tls.start;
    const sym = { name: s.names[g]!, bind: hidden ? STB_LOCAL : def === Def.Weak ? STB_WEAK : STB_GLOBAL, type, shndx, value, size: s.size[g]! };
    (hidden ? locals : globals).push(sym);
  }
  return { symbols: [...locals, ...globals], locals: locals.length };
}
