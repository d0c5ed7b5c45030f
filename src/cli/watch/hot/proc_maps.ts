//! The memory a process has mapped, from the text of `/proc/<pid>/maps`, and whether a
//! swap's writes all fall inside it. Pure functions: the caller reads the file.

import type { HotWrite } from '../../../link/elf/hot_swap_log.js';

/** One mapping: [start, end) in virtual addresses. */
export interface MappedRange {
  start: number;
  end: number;
}

/** The mappings of a `/proc/<pid>/maps` text (`start-end perms offset dev inode path` per line), in address order. */
export function parseProcMaps(text: string): MappedRange[] {
  const out: MappedRange[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+)\s/.exec(line);
    if (m) out.push({ start: parseInt(m[1]!, 16), end: parseInt(m[2]!, 16) });
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * The first write that is not wholly inside mapped memory (adjacent mappings count as
 * one), or null when every write lies in memory the process has mapped.
 */
export function firstUnmappedWrite(ranges: readonly MappedRange[], writes: readonly HotWrite[]): HotWrite | null {
  for (const w of writes) {
    let at = w.vaddr;
    const end = w.vaddr + w.bytes.length;
    for (const r of ranges) {
      if (r.end <= at) continue;
      if (r.start > at) break;
      at = r.end;
      if (at >= end) break;
    }
    if (at < end) return w;
  }
  return null;
}
