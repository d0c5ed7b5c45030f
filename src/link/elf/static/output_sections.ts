//! Merges the input sections that go into the image into output sections by name prefix
//! (`.text.foo` → `.text`, `.rodata.str1.1` → `.rodata`, `.data.rel.ro.x` → `.data.rel.ro`,
//! …), keeping input order, except `.init_array.N`/`.fini_array.N`, which are sorted by
//! their priority N (no suffix sorts last), as ld.lld does. Merge-string sections are kept
//! unmerged (correct, only larger). Dropped: non-allocated sections (debug info, .comment,
//! .note.GNU-stack, symbol and relocation tables), COMDAT copies already supplied, groups,
//! SHF_EXCLUDE sections and notes (.note.gnu.property is only a CET marking, .note.ABI-tag
//! is read by nobody in a static program). The input `.eh_frame`s (PROGBITS or
//! X86_64_UNWIND) are concatenated into one read-only PROGBITS `.eh_frame`, their
//! relocations applied as any other section's; the zero terminators (crtend.o's) go last.
//! There is no `.eh_frame_hdr`: glibc's crtbeginT.o registers the frames itself.

import {
  SHF_ALLOC, SHF_EXCLUDE, SHF_EXECINSTR, SHF_TLS, SHF_WRITE, SHT_GROUP,
  SHT_NOBITS, SHT_NOTE, SHT_REL, SHT_RELA, SHT_STRTAB, SHT_SYMTAB, SHT_LLVM_ADDRSIG, SHT_INIT_ARRAY, SHT_FINI_ARRAY,
  SHT_PREINIT_ARRAY, SHT_PROGBITS, SHT_X86_64_UNWIND, type InputSection,
} from '../input/index.js';
import type { LinkContext, OutputSection } from './context.js';

const MERGED_PREFIXES = ['.text', '.rodata', '.data.rel.ro', '.data', '.bss', '.tdata', '.tbss', '.init_array', '.fini_array', '.preinit_array', '.gcc_except_table'];

/** The output section an input section goes to, or null when it is not part of the image. */
export function outputSectionName(sec: InputSection): string | null {
  if ((sec.flags & SHF_ALLOC) === 0 || (sec.flags & SHF_EXCLUDE) !== 0) return null;
  switch (sec.type) {
    case SHT_GROUP: case SHT_RELA: case SHT_REL: case SHT_SYMTAB: case SHT_STRTAB: case SHT_NOTE: case SHT_LLVM_ADDRSIG:
      return null;
  }
  if (sec.name === '.eh_frame' || sec.type === SHT_X86_64_UNWIND) return '.eh_frame';
  for (const p of MERGED_PREFIXES) if (sec.name === p || sec.name.startsWith(p + '.')) return p;
  return sec.name;
}

/** Priority of an `.init_array.N` input (65536 without a suffix, as ld.lld sorts them). */
function priority(name: string): number {
  const m = /\.(\d+)$/.exec(name);
  return m ? Number(m[1]) : 65536;
}

const KEPT_FLAGS = SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR | SHF_TLS;

export function createOutputSections(ctx: LinkContext): void {
  const byName = new Map<string, number>();
  for (let o = 0; o < ctx.objects.length; o++) {
    const lo = ctx.objects[o]!;
    for (const sec of lo.object.sections) {
      if (sec.index === 0 || lo.discarded[sec.index]) continue;
      const name = outputSectionName(sec);
      if (name === null) continue;
      let out = byName.get(name);
      if (out === undefined) {
        out = ctx.outputs.length;
        byName.set(name, out);
        ctx.outputs.push(newOutputSection(name, sec.type, sec.flags & KEPT_FLAGS, 1));
      }
      const os = ctx.outputs[out]!;
      os.flags |= sec.flags & KEPT_FLAGS;
      if (os.type === SHT_NOBITS && sec.type !== SHT_NOBITS) os.type = sec.type;
      os.align = Math.max(os.align, sec.addralign || 1);
      os.members.push({ object: o, section: sec.index });
      lo.outputOf[sec.index] = out;
    }
  }
  for (const os of ctx.outputs) {
    if (os.name === '.init_array' || os.name === '.fini_array' || os.name === '.preinit_array') {
      os.type = os.name === '.init_array' ? SHT_INIT_ARRAY : os.name === '.fini_array' ? SHT_FINI_ARRAY : SHT_PREINIT_ARRAY;
      const keyed = os.members.map((m, i) => ({ m, i, p: priority(ctx.objects[m.object]!.object.sections[m.section]!.name) }));
      keyed.sort((a, b) => a.p - b.p || a.i - b.i);
      os.members = keyed.map((k) => k.m);
    }
    if (os.name === '.eh_frame') {
      os.type = SHT_PROGBITS;
      // A 4-byte zero entry ends the frames (crtend.o's): those go after everything else.
      const isTerminator = (m: { object: number; section: number }): boolean => {
        const sec = ctx.objects[m.object]!.object.sections[m.section]!;
        return sec.size === 4 && sec.data !== null && sec.data.every((b) => b === 0);
      };
      os.members = [...os.members.filter((m) => !isTerminator(m)), ...os.members.filter(isTerminator)];
    }
  }
}

export function newOutputSection(name: string, type: number, flags: number, align: number): OutputSection {
  return { name, type, flags, align, members: [], syntheticSize: 0, addr: 0, offset: 0, size: 0, headerIndex: 0 };
}

/** The output section named `name`, created (PROGBITS or NOBITS) if the inputs brought none. */
export function ensureOutputSection(ctx: LinkContext, name: string, type: number, flags: number, align: number): number {
  const found = ctx.outputs.findIndex((o) => o.name === name);
  if (found >= 0) {
    ctx.outputs[found]!.align = Math.max(ctx.outputs[found]!.align, align);
    return found;
  }
  ctx.outputs.push(newOutputSection(name, type, flags, align));
  return ctx.outputs.length - 1;
}
