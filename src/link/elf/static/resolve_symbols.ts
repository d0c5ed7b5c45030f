//! Symbol resolution: reads the command-line inputs in order, keeps each COMDAT group
//! once (the first object to bring it wins), resolves every non-local symbol into the
//! global table (strong beats weak and COMMON, COMMON beats weak, two strong definitions
//! are an error naming both objects, the largest COMMON wins), and pulls archive members
//! in while they define a symbol that is still undefined (strongly referenced), rescanning
//! every archive until nothing new comes in, as inside `--start-group … --end-group`.
//! An archive given under `--whole-archive` has every member loaded, in order, where it
//! stands on the command line. Inputs read before from the same bytes (a relink's
//! unchanged files) are not parsed again (input/parse_cache.ts).

import {
  isArchive, ObjectFormatError, readArchiveCached, readElfObjectCached, STB_WEAK, STB_GNU_UNIQUE, SYM_COMMON, SYM_LARGE_COMMON, SYM_UNDEF,
  SYM_ABS, type ElfObject,
} from '../input/index.js';
import { Def, internGlobal, type LinkContext, type LinkInput } from './context.js';

/** Loads the inputs in order, resolving symbols and pulling archive members as it goes. */
export function resolveSymbols(ctx: LinkContext, inputs: readonly LinkInput[]): void {
  const comdats = new Set<string>();
  // The entry point is a root, as if named with -u.
  ctx.symbols.strongRef[internGlobal(ctx.symbols, ctx.entry)] = 1;
  for (const input of inputs) {
    try {
      if (isArchive(input.bytes)) {
        const archive = readArchiveCached(input.path, input.bytes);
        ctx.archives.push({ archive, pulled: new Uint8Array(archive.members.length) });
        if (input.wholeArchive) loadWholeArchive(ctx, comdats, ctx.archives.length - 1);
        else pullArchiveMembers(ctx, comdats, ctx.archives.length - 1);
      } else {
        addObject(ctx, comdats, readElfObjectCached(input.path, input.bytes));
      }
    } catch (e) {
      if (e instanceof ObjectFormatError) ctx.errors.push(e.message);
      else throw e;
    }
  }
  // Rescan every archive until a whole round pulls nothing (a group around all of them).
  while (pullArchiveMembers(ctx, comdats, -1));
}

/** Pulls members of one archive (or of all, for -1) that define still-undefined symbols; true if any came in. */
function pullArchiveMembers(ctx: LinkContext, comdats: Set<string>, only: number): boolean {
  const s = ctx.symbols;
  let any = false;
  let changed = true;
  while (changed) {
    changed = false;
    for (let g = 0; g < s.names.length; g++) {
      if (s.def[g] !== Def.Undefined || s.strongRef[g] === 0) continue;
      for (let a = only < 0 ? 0 : only; a < (only < 0 ? ctx.archives.length : only + 1); a++) {
        const la = ctx.archives[a]!;
        const m = la.archive.symbols.get(s.names[g]!);
        if (m === undefined || la.pulled[m]) continue;
        loadMember(ctx, comdats, a, m);
        changed = any = true;
        break;
      }
    }
  }
  return any;
}

/** `--whole-archive`: every member of archive `a`, in archive order, whether or not anything refers to it. */
function loadWholeArchive(ctx: LinkContext, comdats: Set<string>, a: number): void {
  const la = ctx.archives[a]!;
  for (let m = 0; m < la.archive.members.length; m++) if (!la.pulled[m]) loadMember(ctx, comdats, a, m);
}

/** Reads member `m` of archive `a` into the link and marks it pulled. */
function loadMember(ctx: LinkContext, comdats: Set<string>, a: number, m: number): void {
  const la = ctx.archives[a]!;
  la.pulled[m] = 1;
  const member = la.archive.members[m]!;
  const path = `${la.archive.path}(${member.name})`;
  try {
    addObject(ctx, comdats, readElfObjectCached(path, member.data));
  } catch (e) {
    if (e instanceof ObjectFormatError) ctx.errors.push(e.message);
    else throw e;
  }
}

/** Adds one object: decides its COMDAT groups, then resolves its non-local symbols. */
export function addObject(ctx: LinkContext, comdats: Set<string>, object: ElfObject): void {
  const index = ctx.objects.length;
  const syms = object.symbols;
  const discarded = new Uint8Array(object.sections.length);
  for (const group of object.groups) {
    if (!group.comdat) continue;
    if (comdats.has(group.signature)) {
      for (const m of group.members) discarded[m] = 1;
    } else {
      comdats.add(group.signature);
    }
  }
  const globalOf = new Int32Array(syms.count).fill(-1);
  ctx.objects.push({
    object, globalOf, discarded,
    outputOf: new Int32Array(object.sections.length).fill(-1),
    address: new Float64Array(object.sections.length),
  });
  const s = ctx.symbols;
  for (let i = syms.firstGlobal; i < syms.count; i++) {
    const name = syms.names[i]!;
    if (name === '') continue;
    const g = internGlobal(s, name);
    globalOf[i] = g;
    const vis = syms.visibility[i]! & 3;
    if (vis !== 0 && (s.visibility[g] === 0 || vis < s.visibility[g]!)) s.visibility[g] = vis;
    const shndx = syms.shndx[i]!;
    const weak = syms.bind[i] === STB_WEAK;
    const isRealSection = shndx !== SYM_UNDEF && shndx !== SYM_ABS && shndx !== SYM_COMMON && shndx !== SYM_LARGE_COMMON;
    if (shndx === SYM_UNDEF || (isRealSection && discarded[shndx])) {
      if (!weak) s.strongRef[g] = 1;
      if (s.def[g] === Def.Undefined && s.object[g] < 0) s.object[g] = index; // first referrer, for messages
      continue;
    }
    if (shndx === SYM_COMMON || shndx === SYM_LARGE_COMMON) {
      const size = Number(syms.size[i]!);
      const align = Math.max(1, Number(syms.value[i]!));
      if (s.def[g] === Def.Strong) continue;
      if (s.def[g] !== Def.Common) {
        s.def[g] = Def.Common;
        s.object[g] = index;
        s.symbol[g] = i;
        s.size[g] = size;
        s.align[g] = align;
        s.type[g] = syms.type[i]!;
        ctx.commons.push(g);
      } else {
        s.size[g] = Math.max(s.size[g]!, size);
        s.align[g] = Math.max(s.align[g]!, align);
      }
      continue;
    }
    const strong = !weak && syms.bind[i] !== STB_GNU_UNIQUE;
    const current = s.def[g]!;
    if (current === Def.Strong && strong) {
      ctx.errors.push(`duplicate symbol: ${name}\n>>> defined in ${ctx.objects[s.object[g]!]!.object.path}\n>>> defined in ${object.path}`);
      continue;
    }
    if (current === Def.Undefined || (strong && current !== Def.Strong)) {
      s.def[g] = strong ? Def.Strong : Def.Weak;
      s.object[g] = index;
      s.symbol[g] = i;
      s.size[g] = Number(syms.size[i]!);
      s.type[g] = syms.type[i]!;
    }
  }
  // A strong definition replacing a COMMON one takes it out of the COMMON list.
  if (ctx.commons.length > 0) ctx.commons = ctx.commons.filter((g) => s.def[g] === Def.Common);
}
