//! Whether a rebuilt object can take its predecessor's place in a link without changing
//! anything outside its own bytes (fast_relink.ts), judged from the two objects alone:
//! the same sections, index by index (name, type, flags, alignment, group, whether they
//! are relocated), the same groups (COMDAT signatures and members), and the same global
//! symbols in the same order, each with the same binding, type, visibility and section
//! (COMMON: the same size and alignment; absolute: the same value). Sizes, bytes, local
//! symbols and relocations may differ; the link-level checks (blocks, GOT entries, FDEs,
//! `.symtab` locals) are fast_relink.ts's. Pure: returns why not, or null.

import { SYM_ABS, SYM_COMMON, SYM_LARGE_COMMON, STT_GNU_IFUNC, type ElfObject } from '../input/index.js';

export function interfaceDifference(before: ElfObject, after: ElfObject): string | null {
  if (before.sections.length !== after.sections.length) return 'its sections differ in number';
  for (let i = 1; i < before.sections.length; i++) {
    const a = before.sections[i]!, b = after.sections[i]!;
    if (a.name !== b.name || a.type !== b.type || a.flags !== b.flags || a.addralign !== b.addralign || a.entsize !== b.entsize || a.group !== b.group) {
      return `section ${i} (${a.name}) changed its name, type, flags, alignment or group`;
    }
    if ((a.relocations < 0) !== (b.relocations < 0)) return `section ${a.name} gained or lost relocations`;
  }
  if (before.relocations.length !== after.relocations.length) return 'its relocation sections differ in number';
  if (before.groups.length !== after.groups.length) return 'its section groups differ';
  for (let i = 0; i < before.groups.length; i++) {
    const a = before.groups[i]!, b = after.groups[i]!;
    if (a.comdat !== b.comdat || a.signature !== b.signature || a.members.length !== b.members.length || a.members.some((m, k) => b.members[k] !== m)) {
      return `section group ${a.signature} changed`;
    }
  }
  if (before.gnuStack !== after.gnuStack) return 'its .note.GNU-stack changed';
  const A = before.symbols, B = after.symbols;
  const globals = A.count - A.firstGlobal;
  if (B.count - B.firstGlobal !== globals) return 'it defines or references a different set of global symbols';
  for (let k = 0; k < globals; k++) {
    const i = A.firstGlobal + k, j = B.firstGlobal + k;
    if (A.names[i] !== B.names[j]) return `it defines or references a different set of global symbols (${A.names[i]} / ${B.names[j]})`;
    if (A.bind[i] !== B.bind[j] || A.type[i] !== B.type[j] || A.visibility[i] !== B.visibility[j] || A.shndx[i] !== B.shndx[j]) {
      return `global symbol ${A.names[i]} changed its binding, type, visibility or section`;
    }
    const shndx = A.shndx[i]!;
    if ((shndx === SYM_COMMON || shndx === SYM_LARGE_COMMON) && (A.size[i] !== B.size[j] || A.value[i] !== B.value[j])) return `COMMON symbol ${A.names[i]} changed its size or alignment`;
    if (shndx === SYM_ABS && A.value[i] !== B.value[j]) return `absolute symbol ${A.names[i]} changed its value`;
  }
  for (const syms of [A, B]) for (let i = 1; i < syms.count; i++) if (syms.type[i] === STT_GNU_IFUNC) return 'it defines an IFUNC symbol';
  return null;
}
