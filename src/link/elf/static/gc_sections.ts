//! `--gc-sections`: drops the input sections nothing live refers to, as ld.lld does.
//! Marks from the roots — the entry symbol's section, `-u` symbols and `--defsym` targets,
//! `.init`/`.fini`/`.ctors`/`.dtors`/`.jcr`, init/fini/preinit arrays, notes, SHF_GNU_RETAIN
//! sections, and what the CIEs of `.eh_frame` refer to (personality routines) — following
//! relocations; a COMDAT group lives or dies whole; an undefined `__start_X`/`__stop_X`
//! reference keeps every section named X (a C identifier), unless `-z start-stop-gc`
//! (ld.lld 14's default; zirc's is GNU ld's, `nostart-stop-gc`); an SHF_LINK_ORDER section lives
//! with the section it is linked to. `.eh_frame` is kept whole but never keeps code alive:
//! an FDE's other references (its LSDA in `.gcc_except_table`) are followed only once the
//! code it describes is live, and eh_frame_hdr.ts points the FDEs of dropped code at 0.
//! Runs after the output sections are chosen: dropped sections leave them (an output left
//! empty goes too); the undefined symbols only dead sections refer to are no error, as in
//! ld.lld, so the pass records which globals live sections refer to.

import { hex, SHF_ALLOC, SHF_GNU_RETAIN, SHF_LINK_ORDER, SHT_FINI_ARRAY, SHT_INIT_ARRAY, SHT_NOTE, SHT_PREINIT_ARRAY } from '../input/index.js';
import { Def, type LinkContext } from './context.js';
import { parseEhFrame } from './eh_frame.js';

const ROOT_NAMES = /^\.(init|fini|ctors|dtors|jcr|init_array|fini_array|preinit_array)(\.|$)/;
const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isRoot(sec: { name: string; type: number; flags: number }): boolean {
  return ROOT_NAMES.test(sec.name) || sec.name.startsWith('.note') || (sec.flags & SHF_GNU_RETAIN) !== 0 ||
    sec.type === SHT_INIT_ARRAY || sec.type === SHT_FINI_ARRAY || sec.type === SHT_PREINIT_ARRAY || sec.type === SHT_NOTE;
}

export function gcSections(ctx: LinkContext): void {
  const objects = ctx.objects;
  const base = new Int32Array(objects.length + 1);
  objects.forEach((lo, o) => { base[o + 1] = base[o]! + lo.object.sections.length; });
  const live = new Uint8Array(base[objects.length]!);
  const work: number[] = [];
  const isEhFrame = (o: number, s: number) => {
    const out = objects[o]!.outputOf[s]!;
    return out >= 0 && ctx.outputs[out]!.name === '.eh_frame';
  };
  // Sections named like C identifiers, by name, for __start_/__stop_ references.
  const byName = new Map<string, Array<[number, number]>>();
  objects.forEach((lo, o) => lo.object.sections.forEach((sec, s) => {
    if (lo.outputOf[s]! < 0 || !C_IDENTIFIER.test(sec.name)) return;
    const list = byName.get(sec.name);
    if (list) list.push([o, s]);
    else byName.set(sec.name, [[o, s]]);
  }));
  // The FDE references to follow once the code an FDE describes is live: code section → (object, eh section, relocation range).
  const fdeRefs = new Map<number, Array<{ object: number; section: number; from: number; to: number }>>();
  const liveRefs = new Set<number>();

  const mark = (o: number, s: number): void => {
    const lo = objects[o]!;
    if (s <= 0 || s >= lo.object.sections.length || lo.outputOf[s]! < 0 || live[base[o]! + s]) return;
    live[base[o]! + s] = 1;
    work.push(o, s);
    const g = lo.object.sections[s]!.group;
    if (g >= 0) for (const m of lo.object.groups[g]!.members) mark(o, m);
  };
  const markSymbol = (o: number, sym: number): void => {
    const lo = objects[o]!;
    const g = sym >= lo.object.symbols.firstGlobal ? lo.globalOf[sym]! : -1;
    if (g >= 0) {
      liveRefs.add(g);
      const def = ctx.symbols.def[g]!;
      if (def === Def.Undefined) {
        if (ctx.startStopGc) return;
        const m = /^__(start|stop)_(.+)$/.exec(ctx.symbols.names[g]!);
        if (m) for (const [so, ss] of byName.get(m[2]!) ?? []) mark(so, ss);
        return;
      }
      if (def !== Def.Strong && def !== Def.Weak) return;
      markSymbolSection(ctx.symbols.object[g]!, ctx.symbols.symbol[g]!);
      return;
    }
    markSymbolSection(o, sym);
  };
  const markSymbolSection = (o: number, sym: number): void => {
    const shndx = objects[o]!.object.symbols.shndx[sym]!;
    mark(o, shndx);
  };
  /** Follows relocations `from`..`to` of object `o`'s table `table`. */
  const follow = (o: number, table: number, from: number, to: number): void => {
    const rt = objects[o]!.object.relocations[table]!;
    for (let r = from; r < to; r++) if (rt.type[r] !== 0) markSymbol(o, rt.symbol[r]!);
  };

  // .eh_frame: CIE references are roots; an FDE's (beyond its initial location) wait for its code.
  objects.forEach((lo, o) => lo.object.sections.forEach((sec, s) => {
    if (!isEhFrame(o, s) || sec.relocations < 0 || sec.data === null) return;
    const rt = lo.object.relocations[sec.relocations]!;
    const parsed = parseEhFrame(sec.data);
    const sorted = rt.offset.every((off, i) => i === 0 || off >= rt.offset[i - 1]!);
    if (!sorted) {
      follow(o, sec.relocations, 0, rt.count); // cannot tell FDEs' references apart: keep all they name
      return;
    }
    if (!parsed.ok) {
      ctx.errors.push(`${lo.object.path}:(${sec.name}+${hex(parsed.offset)}): cannot read .eh_frame for --gc-sections: ${parsed.message}`);
      return;
    }
    let r = 0;
    for (const fde of parsed.fdes) {
      const start = r;
      while (r < rt.count && rt.offset[r]! < fde.offset) r++;
      follow(o, sec.relocations, start, r); // CIEs (and padding) before this FDE
      const first = r;
      while (r < rt.count && rt.offset[r]! < fde.end) r++;
      const pcBegin = first < r && rt.offset[first] === fde.offset + 8 ? first : -1;
      if (pcBegin < 0) {
        follow(o, sec.relocations, first, r);
        continue;
      }
      const t = codeSectionOf(ctx, o, rt.symbol[pcBegin]!);
      if (t === null) continue;
      const key = base[t[0]]! + t[1];
      const ref = { object: o, section: s, from: pcBegin + 1, to: r };
      const refs = fdeRefs.get(key);
      if (refs) refs.push(ref);
      else fdeRefs.set(key, [ref]);
    }
    follow(o, sec.relocations, r, rt.count);
  }));

  // The other roots.
  const entry = ctx.symbols.byName.get(ctx.entry);
  const rootGlobals = [...ctx.commandLineRefs, ...(entry === undefined ? [] : [entry])];
  for (const g of rootGlobals) {
    liveRefs.add(g);
    const def = ctx.symbols.def[g]!;
    if (def === Def.Strong || def === Def.Weak) markSymbolSection(ctx.symbols.object[g]!, ctx.symbols.symbol[g]!);
  }
  objects.forEach((lo, o) => lo.object.sections.forEach((sec, s) => {
    if (lo.outputOf[s]! >= 0 && !isEhFrame(o, s) && isRoot(sec)) mark(o, s);
  }));

  const drain = (): void => {
    while (work.length > 0) {
      const s = work.pop()!, o = work.pop()!;
      const sec = objects[o]!.object.sections[s]!;
      if (sec.relocations >= 0) follow(o, sec.relocations, 0, objects[o]!.object.relocations[sec.relocations]!.count);
      for (const ref of fdeRefs.get(base[o]! + s) ?? []) follow(ref.object, objects[ref.object]!.object.sections[ref.section]!.relocations, ref.from, ref.to);
    }
  };
  drain();
  // SHF_LINK_ORDER sections live with the section they are linked to; repeat until nothing changes.
  for (let changed = true; changed;) {
    changed = false;
    objects.forEach((lo, o) => lo.object.sections.forEach((sec, s) => {
      if ((sec.flags & SHF_LINK_ORDER) && lo.outputOf[s]! >= 0 && !live[base[o]! + s] && sec.link > 0 && live[base[o]! + sec.link]) {
        mark(o, s);
        changed = true;
      }
    }));
    drain();
  }

  dropDeadSections(ctx, (o, s) => live[base[o]! + s] === 1 || isEhFrame(o, s));
  ctx.gcLiveRefs = liveRefs;
}

/** The (object, section) of the code symbol `sym` of object `o` names, or null. */
function codeSectionOf(ctx: LinkContext, o: number, sym: number): [number, number] | null {
  const lo = ctx.objects[o]!;
  const g = sym >= lo.object.symbols.firstGlobal ? lo.globalOf[sym]! : -1;
  let to = o, ts = sym;
  if (g >= 0) {
    const def = ctx.symbols.def[g]!;
    if (def !== Def.Strong && def !== Def.Weak) return null;
    to = ctx.symbols.object[g]!;
    ts = ctx.symbols.symbol[g]!;
  }
  const tobj = ctx.objects[to]!.object;
  const shndx = tobj.symbols.shndx[ts]!;
  if (shndx <= 0 || shndx >= tobj.sections.length || (tobj.sections[shndx]!.flags & SHF_ALLOC) === 0) return null;
  return [to, shndx];
}

/** Takes the dead sections out of their output sections, drops outputs left empty, and renumbers. */
function dropDeadSections(ctx: LinkContext, keep: (o: number, s: number) => boolean): void {
  ctx.objects.forEach((lo, o) => lo.object.sections.forEach((sec, s) => {
    if (lo.outputOf[s]! < 0 || keep(o, s)) return;
    lo.outputOf[s] = -1;
    ctx.removedSections.push(`${lo.object.path}:(${sec.name})`);
  }));
  for (const os of ctx.outputs) os.members = os.members.filter((m) => ctx.objects[m.object]!.outputOf[m.section]! >= 0);
  const renumber = new Int32Array(ctx.outputs.length).fill(-1);
  const kept = ctx.outputs.filter((os, i) => {
    if (os.members.length === 0) return false;
    renumber[i] = 0;
    return true;
  });
  let next = 0;
  renumber.forEach((v, i) => { if (v === 0) renumber[i] = next++; });
  ctx.outputs = kept;
  for (const lo of ctx.objects) lo.outputOf.forEach((out, s) => { if (out >= 0) lo.outputOf[s] = renumber[out]!; });
}
