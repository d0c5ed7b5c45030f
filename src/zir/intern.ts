//! Name interning for the parser and the splitter: byte ranges that spell the same name
//! give the same (latin1) string object, so a file that says `@u32` ten thousand times
//! allocates that string once. An open-addressing table keyed by an FNV-1a hash of the
//! bytes; it empties itself when it grows past a bound, so it never holds a whole file.

const MAX_ENTRIES = 1 << 16;

export class NameTable {
  private keys: (string | undefined)[];
  private hashes: Int32Array;
  private mask: number;
  private count = 0;

  constructor(capacityLog2 = 12) {
    const cap = 1 << capacityLog2;
    this.keys = new Array<string | undefined>(cap).fill(undefined);
    this.hashes = new Int32Array(cap);
    this.mask = cap - 1;
  }

  /** The string for `src[start..end)`, one char per byte. */
  intern(src: Uint8Array, start: number, end: number): string {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ src[i]!, 0x01000193);
    const n = end - start;
    const keys = this.keys;
    let slot = h & this.mask;
    for (;;) {
      const k = keys[slot];
      if (k === undefined) break;
      if (this.hashes[slot] === h && k.length === n && sameBytes(k, src, start)) return k;
      slot = (slot + 1) & this.mask;
    }
    const s = latin1(src, start, end);
    if (this.count >= MAX_ENTRIES) {
      this.reset();
      slot = h & this.mask;
    } else if ((this.count + 1) * 2 > keys.length) {
      this.grow();
      slot = h & this.mask;
    }
    while (this.keys[slot] !== undefined) slot = (slot + 1) & this.mask;
    this.keys[slot] = s;
    this.hashes[slot] = h;
    this.count++;
    return s;
  }

  private reset(): void {
    this.keys.fill(undefined);
    this.count = 0;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldHashes = this.hashes;
    const cap = oldKeys.length * 2;
    this.keys = new Array<string | undefined>(cap).fill(undefined);
    this.hashes = new Int32Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i];
      if (k === undefined) continue;
      let slot = oldHashes[i]! & this.mask;
      while (this.keys[slot] !== undefined) slot = (slot + 1) & this.mask;
      this.keys[slot] = k;
      this.hashes[slot] = oldHashes[i]!;
    }
  }
}

function sameBytes(s: string, src: Uint8Array, start: number): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== src[start + i]) return false;
  return true;
}

function latin1(src: Uint8Array, start: number, end: number): string {
  if (end - start <= 24) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(src[i]!);
    return s;
  }
  return Buffer.from(src.buffer, src.byteOffset + start, end - start).toString('latin1');
}

/** A table shared by all parses in this process (strings are immutable; sharing is safe). */
export const sharedNames = new NameTable();
