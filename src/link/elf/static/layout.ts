//! Lays the output sections out in three page-aligned PT_LOAD segments — R (the ELF and
//! program headers, read-only data), RX (code), RW (TLS templates, init/fini arrays,
//! .data.rel.ro, .got, .data, then .bss) — from ld.lld's non-PIE image base 0x200000,
//! with each section's address equal to the base plus its file offset. `.tbss` takes no
//! room in the RW segment (it only sizes PT_TLS), as in ld.lld. Gives every input section,
//! COMMON symbol and GOT entry its address, and builds the program header table:
//! PT_PHDR, the loads, PT_TLS when there is thread-local data, PT_GNU_EH_FRAME over
//! `.eh_frame_hdr`, a non-executable PT_GNU_STACK, and PT_NOTE over the build-id note
//! (first in R, as in ld.lld). The IFUNC sections go where ld.lld
//! puts them: `.rela.iplt` first in R, `.iplt` last in RX, `.got.plt` after the RW
//! progbits; `.eh_frame_hdr` then `.eh_frame` end R.

import {
  EHDR_SIZE, PF_R, PF_W, PF_X, PHDR_SIZE, PT_GNU_EH_FRAME, PT_GNU_STACK, PT_LOAD, PT_NOTE, SHF_EXECINSTR, SHF_TLS, SHF_WRITE, SHT_NOBITS,
} from '../input/index.js';
import { alignUp, type LinkContext, type OutputSection, type Segment } from './context.js';
import type { StableLayout } from './stable_layout.js';

export const PAGE_SIZE = 0x1000;
const PT_PHDR = 6;
export const PT_TLS = 7;

const RW_RANK: Record<string, number> = {
  '.tdata': 0, '.tbss': 1, '.preinit_array': 2, '.init_array': 3, '.fini_array': 4, '.data.rel.ro': 5, '.got': 6, '.data': 7,
};

function segmentOf(os: OutputSection): 0 | 1 | 2 {
  if (os.flags & SHF_WRITE) return 2;
  if (os.flags & SHF_EXECINSTR) return 1;
  return 0;
}

function rank(os: OutputSection): number {
  switch (segmentOf(os)) {
    case 0: return os.name === '.note.gnu.build-id' ? -2 : os.name === '.rela.iplt' ? -1 : os.name === '.rodata' ? 0 : os.name === '.eh_frame_hdr' ? 2 : os.name === '.eh_frame' ? 3 : 1;
    case 1: return os.name === '.text' ? 0 : os.name === '.init' ? 1 : os.name === '.fini' ? 2 : os.name === '.iplt' ? 4 : 3;
    default:
      if (RW_RANK[os.name] !== undefined) return RW_RANK[os.name]!;
      if (os.flags & SHF_TLS) return os.type === SHT_NOBITS ? 1 : 0;
      if (os.type !== SHT_NOBITS) return 8;
      return os.name === '.bss' ? 9 : 10;
  }
}

export function layoutSegments(ctx: LinkContext): void {
  const idx = ctx.outputs.map((_, i) => i);
  idx.sort((a, b) => {
    const A = ctx.outputs[a]!, B = ctx.outputs[b]!;
    return segmentOf(A) - segmentOf(B) || rank(A) - rank(B) || a - b;
  });
  ctx.order = idx;
  const bySegment: number[][] = [[], [], []];
  for (const i of idx) bySegment[segmentOf(ctx.outputs[i]!)]!.push(i);
  const hasTls = ctx.outputs.some((o) => o.flags & SHF_TLS);
  const loads = bySegment.filter((s, i) => i === 0 || s.length > 0).length;
  const hasEhFrameHdr = ctx.ehFrame.hdr >= 0;
  const hasNote = ctx.buildId.section >= 0;
  const phnum = 1 + loads + (hasTls ? 1 : 0) + (hasEhFrameHdr ? 1 : 0) + 1 + (hasNote ? 1 : 0);
  ctx.headersSize = EHDR_SIZE + phnum * PHDR_SIZE;
  const base = ctx.imageBase;
  const tlsAlign = Math.max(1, ...ctx.outputs.filter((o) => o.flags & SHF_TLS).map((o) => o.align));

  let off = ctx.headersSize;
  const loadSegments: Segment[] = [];
  for (let seg = 0; seg < 3; seg++) {
    const members = bySegment[seg]!;
    if (seg > 0 && members.length === 0) continue;
    const start = seg === 0 ? 0 : alignUp(off, PAGE_SIZE);
    off = Math.max(off, start);
    let mem = base + off; // memory cursor: passes file end once NOBITS sections start
    for (const i of members) {
      const os = ctx.outputs[i]!;
      const tls = (os.flags & SHF_TLS) !== 0;
      const align = tls ? Math.max(os.align, tlsAlign) : os.align;
      if (os.type === SHT_NOBITS) {
        os.addr = alignUp(mem, align);
        os.offset = off;
        placeMembers(ctx, os);
        if (!tls) mem = os.addr + os.size;
      } else {
        off = alignUp(off, align);
        os.addr = base + off;
        os.offset = off;
        placeMembers(ctx, os);
        off += os.size;
        mem = base + off;
      }
      if (tls) {
        if (ctx.tls.memsz === 0 && ctx.tls.start === 0) ctx.tls.start = os.addr;
        ctx.tls.memsz = os.addr + os.size - ctx.tls.start;
        ctx.tls.align = tlsAlign;
      }
    }
    const flags = seg === 0 ? PF_R : seg === 1 ? PF_R | PF_X : PF_R | PF_W;
    loadSegments.push({ type: PT_LOAD, flags, offset: start, vaddr: base + start, filesz: off - start, memsz: mem - base - start, align: PAGE_SIZE });
  }
  ctx.fileSize = off;
  ctx.segments = [
    { type: PT_PHDR, flags: PF_R, offset: EHDR_SIZE, vaddr: base + EHDR_SIZE, filesz: phnum * PHDR_SIZE, memsz: phnum * PHDR_SIZE, align: 8 },
    ...loadSegments,
  ];
  if (hasTls) {
    const tdata = ctx.outputs.filter((o) => (o.flags & SHF_TLS) && o.type !== SHT_NOBITS);
    const filesz = tdata.length ? Math.max(...tdata.map((o) => o.addr + o.size)) - ctx.tls.start : 0;
    ctx.segments.push({ type: PT_TLS, flags: PF_R, offset: ctx.tls.start - base, vaddr: ctx.tls.start, filesz, memsz: ctx.tls.memsz, align: ctx.tls.align });
  }
  if (hasEhFrameHdr) {
    const hdr = ctx.outputs[ctx.ehFrame.hdr]!;
    ctx.segments.push({ type: PT_GNU_EH_FRAME, flags: PF_R, offset: hdr.offset, vaddr: hdr.addr, filesz: hdr.size, memsz: hdr.size, align: 4 });
  }
  ctx.segments.push({ type: PT_GNU_STACK, flags: PF_R | PF_W, offset: 0, vaddr: 0, filesz: 0, memsz: 0, align: 0 });
  if (hasNote) {
    const note = ctx.outputs[ctx.buildId.section]!;
    ctx.segments.push({ type: PT_NOTE, flags: PF_R, offset: note.offset, vaddr: note.addr, filesz: note.size, memsz: note.size, align: 4 });
  }
}

/** Places an output section's input sections, then what the linker adds (COMMON symbols, GOT entries). */
function placeMembers(ctx: LinkContext, os: OutputSection): void {
  const stable = ctx.stableLayout !== null && ctx.stableLayout.covers(os.name) ? ctx.stableLayout : null;
  let at = stable ? placeFromMemory(ctx, os, stable) : 0;
  if (!stable) {
    for (const m of os.members) {
      const lo = ctx.objects[m.object]!;
      const sec = lo.object.sections[m.section]!;
      // `.eh_frame` entries are packed: zero padding between them would read as a terminator.
      at = alignUp(at, os.name === '.eh_frame' ? Math.min(4, sec.addralign || 1) : sec.addralign || 1);
      lo.address[m.section] = os.addr + at;
      at += sec.size;
    }
  }
  if (os.name === '.bss') {
    for (const g of ctx.commons) {
      at = alignUp(at, ctx.symbols.align[g]!);
      ctx.symbols.value[g] = os.addr + at;
      at += ctx.symbols.size[g]!;
    }
  }
  if (ctx.outputs[ctx.got.section] === os) {
    at = alignUp(at, 8);
    at += 8 * ctx.got.entries.length;
  }
  if (os.linkerContent) {
    at = alignUp(at, os.align);
    at += os.syntheticSize;
  }
  os.size = stable ? stable.reserve(os.name, at) : at;
}

/**
 * Places the members where the last link of this command line put them (stable_layout.ts);
 * returns where the members end. A member is known by its file, its name and which of
 * that file's sections of that name it is.
 */
function placeFromMemory(ctx: LinkContext, os: OutputSection, stable: StableLayout): number {
  const ordinals = new Map<string, number>();
  const members = os.members.map((m) => {
    const lo = ctx.objects[m.object]!;
    const sec = lo.object.sections[m.section]!;
    const base = `${lo.object.path}\0${sec.name}`;
    const n = ordinals.get(base) ?? 0;
    ordinals.set(base, n + 1);
    return { key: `${base}\0${n}`, size: sec.size, align: sec.addralign || 1 };
  });
  const { offsets, end } = stable.place(os.name, members);
  os.members.forEach((m, i) => {
    ctx.objects[m.object]!.address[m.section] = os.addr + offsets[i]!;
  });
  return end;
}

/** Offset of a TLS symbol at `addr` from the thread pointer (variant II: the block ends at the TP). */
export function tpOffset(ctx: LinkContext, addr: number): number {
  return addr - ctx.tls.start - alignUp(ctx.tls.memsz, ctx.tls.align);
}
