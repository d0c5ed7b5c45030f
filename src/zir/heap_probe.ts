//! How much heap the host has left, for the parser's out-of-memory check on huge files
//! (parse.ts `checkHeap`). The core cannot ask the engine itself (that is Node's `v8`
//! module), so a host installs a probe: the Node layer does (src/node/heap_probe.ts).
//! Without one the check is skipped.

export interface HeapRoom {
  used_heap_size: number;
  heap_size_limit: number;
}

let probe: (() => HeapRoom) | null = null;

export function installHeapProbe(p: () => HeapRoom): void {
  probe = p;
}

/** The heap in use and its limit, or null when the host gave no probe. */
export function heapRoom(): HeapRoom | null {
  return probe === null ? null : probe();
}
