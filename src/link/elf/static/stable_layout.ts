//! Where a link of the same command line put each input section last time, so that a
//! relink (`zirc ld --watch`, `zirc build main.zir util.o`) leaves what did not change
//! where it was and the executable is patched, not rewritten. Each input section of the
//! output sections that allow gaps (code and plain data: `.text`, `.rodata`, `.data`,
//! `.data.rel.ro`, `.bss`, `.tdata`, `.tbss`) is a block with room to grow: it keeps its
//! offset while it fits, moves to the end when it outgrows its block, and an input
//! section that is gone leaves a hole. Each such output section keeps a reserved size,
//! grown only when its blocks outgrow it, so the sections after it keep their addresses.
//! Sections whose members must be packed or ordered (`.init_array` by priority,
//! `.eh_frame`, `.init`/`.fini` fragments, `__start_`/`__stop_` arrays) are laid out as a
//! fresh link does. Gaps are int3 in code and zeros in data: the program behaves exactly
//! as a fresh link of the same inputs.

/** Output sections whose members may have gaps between them. */
const STABLE_SECTIONS = new Set(['.text', '.rodata', '.data', '.data.rel.ro', '.bss', '.tdata', '.tbss']);

interface Block {
  offset: number;
  capacity: number;
}

interface SectionMemory {
  blocks: Map<string, Block>;
  /** End of the last block. */
  end: number;
  reserved: number;
}

/** Room an input section gets when placed: a quarter more, at least 64 bytes. */
function blockCapacity(size: number): number {
  return size + Math.max(64, size >> 2);
}

/** Room an output section gets beyond its blocks: a quarter more, at least 64 KiB. */
function sectionSlack(end: number): number {
  return Math.max(64 * 1024, end >> 2);
}

function alignUp(n: number, a: number): number {
  return a <= 1 ? n : Math.ceil(n / a) * a;
}

export class StableLayout {
  private readonly sections = new Map<string, SectionMemory>();

  /** Whether output section `name` is laid out from memory. */
  covers(name: string): boolean {
    return STABLE_SECTIONS.has(name);
  }

  /**
   * Places one link's members of output section `name`, each given as its key (the same
   * input section across links: its file, name and ordinal; unique within a link) and size and alignment;
   * returns each member's offset and the members' end. Blocks not placed again are freed.
   */
  place(name: string, members: ReadonlyArray<{ key: string; size: number; align: number }>): { offsets: number[]; end: number } {
    let mem = this.sections.get(name);
    if (!mem) this.sections.set(name, (mem = { blocks: new Map(), end: 0, reserved: 0 }));
    const offsets = new Array<number>(members.length).fill(-1);
    const kept = new Map<string, Block>();
    members.forEach((m, i) => {
      const b = mem.blocks.get(m.key);
      if (!b || kept.has(m.key) || m.size > b.capacity || b.offset % m.align !== 0) return;
      offsets[i] = b.offset;
      kept.set(m.key, b);
    });
    let end = mem.end;
    members.forEach((m, i) => {
      if (offsets[i]! >= 0) return;
      const offset = alignUp(end, m.align);
      const b = { offset, capacity: blockCapacity(m.size) };
      offsets[i] = offset;
      end = offset + b.capacity;
      kept.set(m.key, b);
    });
    mem.blocks = kept;
    mem.end = end;
    return { offsets, end };
  }

  /**
   * Whether a member of output section `name` known by `key` may grow or shrink to
   * `size` in place: its block is remembered, holds `size` and keeps alignment `align`
   * (then the next `place` keeps it where it is, and nothing else moves).
   */
  fitsInPlace(name: string, key: string, size: number, align: number): boolean {
    const b = this.sections.get(name)?.blocks.get(key);
    return b !== undefined && size <= b.capacity && b.offset % align === 0;
  }

  /** The size output section `name` is given for content ending at `end`: its reserved room. */
  reserve(name: string, end: number): number {
    const mem = this.sections.get(name)!;
    if (end > mem.reserved) mem.reserved = end + sectionSlack(end);
    return mem.reserved;
  }
}
