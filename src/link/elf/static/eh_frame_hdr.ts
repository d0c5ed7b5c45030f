//! `.eh_frame_hdr` (`--eh-frame-hdr`, LSB "EH Frame Header"): version 1, a pc-relative
//! sdata4 pointer to `.eh_frame`, a udata4 FDE count and the table of (initial location,
//! FDE address) pairs, datarel sdata4 from the header, sorted by initial location, which
//! unwinders binary-search through PT_GNU_EH_FRAME. Two steps: before layout, every FDE of
//! the output `.eh_frame` is found (eh_frame.ts) and marked dead when the code it describes
//! is not in the image (a discarded COMDAT copy, a section --gc-sections dropped); after
//! the relocations are applied, each live FDE's initial location is read back from the
//! output bytes into the table, and each dead one is pointed at address 0 with an empty
//! range, which unwinders skip (ld.lld drops such FDEs; the frames stay readable either way).

import { hex, SHF_ALLOC, SHT_PROGBITS } from '../input/index.js';
import { Def, type EhFrameFde, type LinkContext } from './context.js';
import { decodePointer, DW_EH_PE_datarel, DW_EH_PE_pcrel, DW_EH_PE_sdata4, DW_EH_PE_udata4, encodePointer, encodingSize, parseEhFrame } from './eh_frame.js';
import { ensureOutputSection } from './output_sections.js';
import { symbolTarget } from './symbol_values.js';

const HEADER_SIZE = 12;
const ENTRY_SIZE = 8;

/** Offset → symbol of the relocations of section `section` of object `o`. */
function relocatedSymbols(ctx: LinkContext, o: number, section: number): Map<number, number> {
  const obj = ctx.objects[o]!.object;
  const bySite = new Map<number, number>();
  const table = obj.sections[section]!.relocations;
  if (table < 0) return bySite;
  const rt = obj.relocations[table]!;
  for (let r = 0; r < rt.count; r++) if (rt.type[r] !== 0) bySite.set(rt.offset[r]!, rt.symbol[r]!);
  return bySite;
}

/** Whether symbol `sym` of object `o` (an FDE's initial location) is in the image. */
function symbolInImage(ctx: LinkContext, o: number, sym: number | undefined): boolean {
  if (sym === undefined) return false;
  const t = symbolTarget(ctx, o, sym);
  if (t.def === Def.Undefined) return false;
  if (t.def !== Def.Strong && t.def !== Def.Weak) return true;
  const tobj = ctx.objects[t.object]!;
  const shndx = tobj.object.symbols.shndx[t.symbol]!;
  return !(shndx !== 0 && shndx < tobj.object.sections.length && tobj.outputOf[shndx]! < 0);
}

/** Finds the FDEs of the output `.eh_frame` and sizes `.eh_frame_hdr`; runs after the sections are chosen, before layout. */
export function planEhFrames(ctx: LinkContext, dropsCode: boolean): void {
  if (!ctx.ehFrame.wantHeader && !dropsCode) return;
  const out = ctx.outputs.findIndex((os) => os.name === '.eh_frame');
  if (out < 0) return;
  for (const m of ctx.outputs[out]!.members) {
    const found = memberFdes(ctx, m.object, m.section);
    if (typeof found === 'string') ctx.errors.push(found);
    else ctx.ehFrame.fdes.push(...found);
  }
  if (!ctx.ehFrame.wantHeader) return;
  const hdr = ensureOutputSection(ctx, '.eh_frame_hdr', SHT_PROGBITS, SHF_ALLOC, 4);
  ctx.outputs[hdr]!.syntheticSize = HEADER_SIZE + ENTRY_SIZE * ctx.ehFrame.fdes.filter((f) => f.live).length;
  ctx.outputs[hdr]!.linkerContent = true;
  ctx.ehFrame.hdr = hdr;
}

/** The FDEs of input `.eh_frame` `section` of object `o`, or why they cannot be read. */
export function memberFdes(ctx: LinkContext, o: number, section: number): EhFrameFde[] | string {
  const obj = ctx.objects[o]!.object;
  const data = obj.sections[section]!.data;
  if (data === null) return [];
  const parsed = parseEhFrame(data);
  if (!parsed.ok) return `${obj.path}:(${obj.sections[section]!.name}+${hex(parsed.offset)}): cannot read .eh_frame: ${parsed.message}`;
  const sites = relocatedSymbols(ctx, o, section);
  return parsed.fdes.map((fde) => ({ object: o, section, offset: fde.offset, encoding: fde.encoding, live: symbolInImage(ctx, o, sites.get(fde.offset + 8)) }));
}

/** The address of an FDE in the output, and the file offset of its bytes. */
function fdePlace(ctx: LinkContext, f: EhFrameFde): { addr: number; at: number } {
  const lo = ctx.objects[f.object]!;
  const os = ctx.outputs[lo.outputOf[f.section]!]!;
  const addr = lo.address[f.section]! + f.offset;
  return { addr, at: os.offset + (addr - os.addr) };
}

/** Points dead FDEs at 0 and writes the search table; runs on the output image after relocation. */
export function writeEhFrameHdr(ctx: LinkContext, image: Uint8Array): void {
  const table: Array<[number, number]> = [];
  for (const f of ctx.ehFrame.fdes) {
    const { addr, at } = fdePlace(ctx, f);
    if (f.live) {
      table.push([decodePointer(image, at + 8, f.encoding, addr + 8), addr]);
    } else {
      encodePointer(image, at + 8, f.encoding, addr + 8, 0);
      encodePointer(image, at + 8 + encodingSize(f.encoding), f.encoding & 0x0f, 0, 0);
    }
  }
  if (ctx.ehFrame.hdr < 0) return;
  table.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const hdr = ctx.outputs[ctx.ehFrame.hdr]!;
  const ehFrame = ctx.outputs.find((os) => os.name === '.eh_frame')!;
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const base = hdr.offset + hdr.size - hdr.syntheticSize;
  const baseAddr = hdr.addr + hdr.size - hdr.syntheticSize;
  image.set([1, DW_EH_PE_pcrel | DW_EH_PE_sdata4, DW_EH_PE_udata4, DW_EH_PE_datarel | DW_EH_PE_sdata4], base);
  view.setInt32(base + 4, ehFrame.addr - (baseAddr + 4), true);
  view.setUint32(base + 8, table.length, true);
  table.forEach(([pc, fde], i) => {
    view.setInt32(base + HEADER_SIZE + ENTRY_SIZE * i, pc - baseAddr, true);
    view.setInt32(base + HEADER_SIZE + ENTRY_SIZE * i + 4, fde - baseAddr, true);
  });
}
