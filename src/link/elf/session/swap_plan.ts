//! The checks of a relink in place (fast_relink.ts) that need the link: before an object is
//! swapped, what its scan asked for (GOT entries, IFUNC stubs, `_GLOBAL_OFFSET_TABLE_`) and
//! which local symbols it wrote to `.symtab`; after the swap (tentative), whether each of its
//! sections still fits where the last link put it, whether the new scan asks for exactly
//! the same (so the GOT is unchanged) and finds nothing wrong, whether its FDEs are the
//! same records, and whether it writes the same local symbols. Each check returns why not,
//! or null.

import { SHF_EXECINSTR, type ElfObject } from '../input/index.js';
import type { EhFrameFde, LinkContext, LinkedObject } from '../static/context.js';
import { memberFdes } from '../static/eh_frame_hdr.js';
import { scanObjectRelocations } from '../static/scan_relocations.js';
import { writesLocalSymbol } from '../static/write_executable.js';

/** What one object's relocation scan asks of the link, each key once, in first-seen order. */
export interface ScanNeeds {
  got: string[];
  /** GOT key → the symbol (of the scanned object) that first asked for it. */
  gotSymbol: Map<string, number>;
  iplt: string[];
  gotNeeded: boolean;
  errors: string[];
}

export function scanNeeds(ctx: LinkContext, o: number): ScanNeeds {
  const needs: ScanNeeds = { got: [], gotSymbol: new Map(), iplt: [], gotNeeded: false, errors: [] };
  const ipltSeen = new Set<string>();
  scanObjectRelocations(ctx, o, {
    gotEntry(key, _kind, _object, symbol) {
      if (needs.gotSymbol.has(key)) return;
      needs.gotSymbol.set(key, symbol);
      needs.got.push(key);
    },
    ipltEntry(key) {
      if (ipltSeen.has(key)) return;
      ipltSeen.add(key);
      needs.iplt.push(key);
    },
    gotNeeded() {
      needs.gotNeeded = true;
    },
  }, needs.errors, { reported: false });
  return needs;
}

export function needsDifference(before: ScanNeeds, after: ScanNeeds): string | null {
  if (after.errors.length > 0) return `its relocations need a whole link to report: ${after.errors[0]}`;
  const same = (a: string[], b: string[]): boolean => a.length === b.length && a.every((k, i) => b[i] === k);
  if (!same(before.got, after.got) || before.gotNeeded !== after.gotNeeded) return 'it needs different GOT entries';
  if (!same(before.iplt, after.iplt)) return 'it refers to different IFUNC symbols';
  return null;
}

/** The names of the local symbols object `o` writes to `.symtab`, in order. */
export function writtenLocalNames(lo: LinkedObject): string[] {
  const names: string[] = [];
  const syms = lo.object.symbols;
  for (let i = 1; i < syms.firstGlobal; i++) if (writesLocalSymbol(lo, i)) names.push(syms.names[i]!);
  return names;
}

/** The key stable_layout.ts knows section `i` of object `o` by (see layout.ts placeFromMemory). */
function blockKey(lo: LinkedObject, i: number): string {
  const sections = lo.object.sections;
  const name = sections[i]!.name;
  let ordinal = 0;
  for (let j = 1; j < i; j++) if (sections[j]!.name === name && lo.outputOf[j]! >= 0) ordinal++;
  return `${lo.object.path}\0${name}\0${ordinal}`;
}

/** Whether each section of (swapped-in) object `o` fits where `before`'s was: its block, or exactly its size. */
export function layoutDifference(ctx: LinkContext, o: number, before: ElfObject): string | null {
  const lo = ctx.objects[o]!;
  for (let i = 1; i < lo.object.sections.length; i++) {
    const out = lo.outputOf[i]!;
    if (out < 0) continue;
    const os = ctx.outputs[out]!;
    const sec = lo.object.sections[i]!;
    const old = before.sections[i]!.size;
    if (sec.size === old) continue;
    const stable = ctx.stableLayout;
    if (stable === null || !stable.covers(os.name)) return `${sec.name} changed size in ${os.name}, whose members are packed`;
    if (!stable.fitsInPlace(os.name, blockKey(lo, i), sec.size, sec.addralign || 1)) return `${sec.name} outgrew its block in ${os.name}`;
  }
  return null;
}

/** Whether (swapped-in) object `o` has the same FDEs as the link found for it before; null when the link reads none. */
export function fdeDifference(ctx: LinkContext, o: number): string | null {
  if (ctx.ehFrame.fdes.length === 0) return null;
  const before = ctx.ehFrame.fdes.filter((f) => f.object === o);
  const after: EhFrameFde[] = [];
  const lo = ctx.objects[o]!;
  const ehFrame = ctx.outputs.findIndex((os) => os.name === '.eh_frame');
  for (let i = 1; i < lo.object.sections.length; i++) {
    if (lo.outputOf[i] !== ehFrame || ehFrame < 0) continue;
    const found = memberFdes(ctx, o, i);
    if (typeof found === 'string') return found;
    after.push(...found);
  }
  if (before.length !== after.length) return 'its .eh_frame has a different number of FDEs';
  for (let k = 0; k < before.length; k++) {
    const a = before[k]!, b = after[k]!;
    if (a.section !== b.section || a.offset !== b.offset || a.encoding !== b.encoding || a.live !== b.live) return 'its .eh_frame FDEs changed';
  }
  return null;
}

/** Whether output section `out` is code (its gaps are int3). */
export function isCodeOutput(ctx: LinkContext, out: number): boolean {
  return (ctx.outputs[out]!.flags & SHF_EXECINSTR) !== 0;
}
