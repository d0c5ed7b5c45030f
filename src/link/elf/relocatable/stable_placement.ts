//! Where each atom of the ZIR object goes inside its section, kept from one write of the
//! object to the next: the ZIR program's in-memory object (src/node/link/elf/program/ProgramLinker.ts) is
//! written again after every update, and for the executable to be patched rather than
//! rewritten, an atom that did not change must keep its offset, and each section must
//! keep its size so that the objects linked after it do not move.
//!
//! Each section is a `SectionLayout` (blocks with room to grow, as in the in-place
//! linker): an atom keeps its block while it fits, moves when it outgrows it, and gives it
//! back when a write no longer has it. A section's size is its reserved room: the end of
//! its last block plus slack, grown only when the blocks outgrow it.

import { SectionLayout } from '../layout.js';

export type PlacedSection = 'text' | 'rodata' | 'data' | 'bss';

/** What the object writer asks while it lays out one write of the object. */
export interface AtomPlacement {
  /** Starts one write: every atom must be placed again, or it is dropped at `finish`. */
  begin(): void;
  /** The offset of atom `key` (`size` bytes, aligned to `align`) in `section`. */
  place(section: PlacedSection, key: string, size: number, align: number): number;
  /** Ends the write: drops the atoms not placed since `begin`; returns each section's size. */
  finish(): Record<PlacedSection, number>;
  /** The alignment each section is given, whatever its atoms need (so it never changes). */
  readonly sectionAlign: number;
}

/** Room beyond the last block: half the used size, at least 64 KiB of code or 16 KiB of data. */
function slack(section: PlacedSection, end: number): number {
  return Math.max(end >> 1, section === 'text' ? 64 * 1024 : 16 * 1024);
}

/** Atoms aligned beyond this are placed as if the section were (the section's own alignment). */
const SECTION_ALIGN = 16;
/** The sections' address range: far more than any program's. */
const SECTION_LIMIT = 2 ** 40;

interface SectionState {
  layout: SectionLayout;
  blocks: Map<string, number>;
  placed: Set<string>;
  reserved: number;
}

const SECTIONS: readonly PlacedSection[] = ['text', 'rodata', 'data', 'bss'];

export class StablePlacement implements AtomPlacement {
  readonly sectionAlign = SECTION_ALIGN;
  private readonly sections = new Map<PlacedSection, SectionState>(
    SECTIONS.map((s) => [s, { layout: new SectionLayout(s, SECTION_LIMIT), blocks: new Map(), placed: new Set(), reserved: 0 }]),
  );

  begin(): void {
    for (const s of this.sections.values()) s.placed.clear();
  }

  place(section: PlacedSection, key: string, size: number, align: number): number {
    const s = this.sections.get(section)!;
    if (s.placed.has(key)) throw new Error(`atom '${key}' placed twice in .${section}`);
    if (align > SECTION_ALIGN) throw new Error(`atom '${key}' needs ${align}-byte alignment; at most ${SECTION_ALIGN} is supported`);
    s.placed.add(key);
    const id = s.blocks.get(key);
    if (id === undefined) {
      const fresh = s.layout.allocate(size, align);
      s.blocks.set(key, fresh);
      return s.layout.offset(fresh);
    }
    s.layout.resize(id, size, align);
    return s.layout.offset(id);
  }

  finish(): Record<PlacedSection, number> {
    const sizes = { text: 0, rodata: 0, data: 0, bss: 0 };
    for (const [name, s] of this.sections) {
      for (const [key, id] of s.blocks) {
        if (s.placed.has(key)) continue;
        s.layout.free(id);
        s.blocks.delete(key);
      }
      const end = s.layout.end;
      if (end > s.reserved || s.reserved === 0) s.reserved = end + slack(name, end);
      sizes[name] = s.reserved;
    }
    return sizes;
  }
}
