//! Writes the laid-out link as ET_EXEC bytes: the ELF header, the program headers, the
//! section contents (via apply_relocations.ts; `.eh_frame_hdr` via eh_frame_hdr.ts), and after the loaded image the
//! non-allocated `.symtab` (left out with `-s`; named local symbols, hidden globals made local, then the
//! globals, `--defsym`s absolute or in their target's section; TLS ones as offsets into PT_TLS), `.strtab`,
//! `.shstrtab` and the section header table; last the `--build-id` note, which may hash all of it.

import {
  buildShstrtab, encodeElfHeader, encodeProgramHeader, encodeSectionHeader, SHDR_SIZE, SHN_ABS, SHT_STRTAB,
  SHT_SYMTAB, STB_GLOBAL, STB_LOCAL, STB_WEAK, STT_COMMON, STT_FILE, STT_OBJECT, STT_SECTION, STT_TLS, STV_HIDDEN,
  STV_INTERNAL, SYM_ABS, SYM_SIZE,
} from '../elf_format.js';
import { copySectionsAndApplyRelocations } from './apply_relocations.js';
import { alignUp, Def, type LinkContext, type LinkedObject } from './context.js';
import { writeEhFrameHdr } from './eh_frame_hdr.js';
import { writeBuildId } from './build_id.js';
import { targetAddress } from './symbol_values.js';

/**
 * The output symbols as parallel arrays (a link writes hundreds of thousands: one object
 * each would be most of the garbage the link makes). Names are latin1 strings, as the
 * reader decoded them: one char per byte.
 */
class SymbolList {
  names: string[] = [];
  info = new Uint8Array(1024);
  shndx = new Uint16Array(1024);
  value = new Float64Array(1024);
  size = new Float64Array(1024);
  count = 0;

  push(name: string, bind: number, type: number, shndx: number, value: number, size: number): void {
    if (this.count === this.info.length) this.grow();
    const i = this.count++;
    this.names.push(name);
    this.info[i] = (bind << 4) | (type & 0xf);
    this.shndx[i] = shndx;
    this.value[i] = value;
    this.size[i] = size;
  }

  /** This list followed by `other`. */
  concat(other: SymbolList): SymbolList {
    const out = new SymbolList();
    for (const l of [this, other]) for (let i = 0; i < l.count; i++) out.push(l.names[i]!, l.info[i]! >> 4, l.info[i]! & 0xf, l.shndx[i]!, l.value[i]!, l.size[i]!);
    return out;
  }

  private grow(): void {
    const n = this.info.length * 2;
    const info = new Uint8Array(n), shndx = new Uint16Array(n), value = new Float64Array(n), size = new Float64Array(n);
    info.set(this.info);
    shndx.set(this.shndx);
    value.set(this.value);
    size.set(this.size);
    Object.assign(this, { info, shndx, value, size });
  }
}

/** A u64 field from a number: exact up to 2^53; a negative value is its two's complement. */
export function setU64(view: DataView, at: number, v: number): void {
  if (v >= 0 && v <= Number.MAX_SAFE_INTEGER) {
    view.setUint32(at, v % 0x1_0000_0000, true);
    view.setUint32(at + 4, Math.floor(v / 0x1_0000_0000), true);
  } else view.setBigUint64(at, BigInt.asUintN(64, BigInt(v)), true);
}

export function writeExecutable(ctx: LinkContext): Uint8Array | null {
  // `-s` leaves the symbol table out: then only .shstrtab follows the image.
  const { symbols, locals } = ctx.stripAll ? { symbols: new SymbolList(), locals: 0 } : collectSymbols(ctx);
  if (ctx.stripAll) ctx.order.forEach((i, k) => { ctx.outputs[i]!.headerIndex = k + 1; });
  // .strtab: NUL, then each name once per symbol (bytes = the names' latin1 chars).
  let strSize = 1;
  for (let i = 0; i < symbols.count; i++) if (symbols.names[i] !== '') strSize += symbols.names[i]!.length + 1;
  const outputs = ctx.order.map((i) => ctx.outputs[i]!);
  const tableNames = ctx.stripAll ? ['.shstrtab'] : ['.symtab', '.strtab', '.shstrtab'];
  const shnames = buildShstrtab([...outputs.map((o) => o.name), ...tableNames]);
  const symtabOff = alignUp(ctx.fileSize, 8);
  if (ctx.symtab) ctx.symtab.offset = symtabOff;
  const symtabSize = ctx.stripAll ? 0 : (symbols.count + 1) * SYM_SIZE;
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

  let nameAt = 1;
  for (let i = 0; i < symbols.count; i++) {
    const at = symtabOff + SYM_SIZE * (i + 1);
    const name = symbols.names[i]!;
    view.setUint32(at, name === '' ? 0 : nameAt, true);
    image[at + 4] = symbols.info[i]!;
    view.setUint16(at + 6, symbols.shndx[i]!, true);
    setU64(view, at + 8, symbols.value[i]!);
    setU64(view, at + 16, symbols.size[i]!);
    if (name === '') continue;
    const base = strtabOff + nameAt;
    for (let k = 0; k < name.length; k++) image[base + k] = name.charCodeAt(k);
    nameAt += name.length + 1;
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
function collectSymbols(ctx: LinkContext): { symbols: SymbolList; locals: number } {
  ctx.order.forEach((i, k) => { ctx.outputs[i]!.headerIndex = k + 1; });
  const s = ctx.symbols;
  const locals = new SymbolList();
  const globals = new SymbolList();
  const headerOf = (o: number, sec: number): number => symbolHeaderIndex(ctx, o, sec);
  const slots = ctx.symtab;
  if (slots) slots.objectFirst = new Int32Array(ctx.objects.length);
  for (let o = 0; o < ctx.objects.length; o++) {
    const lo = ctx.objects[o]!;
    const syms = lo.object.symbols;
    if (slots) slots.objectFirst[o] = locals.count;
    for (let i = 1; i < syms.firstGlobal; i++) {
      if (!writesLocalSymbol(lo, i)) continue;
      const type = syms.type[i]!, sec = syms.shndx[i]!;
      locals.push(syms.names[i]!, STB_LOCAL, type, headerOf(o, sec), localSymbolValue(ctx, o, i), syms.size[i]!);
    }
  }
  if (slots) slots.globalSlot = new Int32Array(s.names.length).fill(-1);
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
    // A global's slot: its place among the locals, or (as -2 - n) among the globals.
    if (slots) slots.globalSlot[g] = hidden ? locals.count : -2 - globals.count;
    (hidden ? locals : globals).push(s.names[g]!, hidden ? STB_LOCAL : def === Def.Weak ? STB_WEAK : STB_GLOBAL, type, shndx, value, s.size[g]!);
  }
  if (slots) for (let g = 0; g < slots.globalSlot.length; g++) if (slots.globalSlot[g]! < -1) slots.globalSlot[g] = locals.count - 2 - slots.globalSlot[g]!;
  return { symbols: locals.concat(globals), locals: locals.count };
}

/** Whether local symbol `i` of an object goes into `.symtab`: a named function, object or TLS symbol in the image. */
export function writesLocalSymbol(lo: LinkedObject, i: number): boolean {
  const syms = lo.object.symbols;
  const type = syms.type[i]!, name = syms.names[i]!, sec = syms.shndx[i]!;
  if (name === '' || name.startsWith('.L') || type > STT_TLS || type === STT_SECTION || type === STT_FILE) return false;
  return !(sec === 0 || (sec !== SYM_ABS && (sec >= lo.object.sections.length || lo.outputOf[sec]! < 0)));
}

/** The `.symtab` value of local symbol `i` of object `o` (TLS ones as offsets into PT_TLS). */
export function localSymbolValue(ctx: LinkContext, o: number, i: number): number {
  const value = targetAddress(ctx, { global: -1, def: Def.Strong, object: o, symbol: i }) ?? 0;
  return ctx.objects[o]!.object.symbols.type[i] === STT_TLS ? value - ctx.tls.start : value;
}

/** The output section header index of a symbol in section `sec` of object `o`, SHN_ABS outside the image. */
export function symbolHeaderIndex(ctx: LinkContext, o: number, sec: number): number {
  const lo = ctx.objects[o]!;
  if (sec === SYM_ABS || sec >= lo.object.sections.length || lo.outputOf[sec]! < 0) return SHN_ABS;
  return ctx.outputs[lo.outputOf[sec]!]!.headerIndex;
}
