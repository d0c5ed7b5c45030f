// Writes small wasm relocatable objects byte by byte, for what clang 14 does not emit
// (every relocation type, absolute symbols) and for malformed inputs: a test builds the
// good object from named parts, then replaces one part with a damaged one.

export function uleb(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return out;
}

export function sleb(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && !(b & 0x40)) || (v === -1n && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}

/** A name: its length, then its bytes. */
export const str = (s: string): number[] => {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
};
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const custom = (name: string, body: number[]): number[] => section(0, [...str(name), ...body]);
export const subsection = (type: number, body: number[]): number[] => [type, ...uleb(body.length), ...body];

/** A function body of `size` bytes in all: no locals, nops, end. */
export const body = (size: number): number[] => [...uleb(size), 0, ...new Array<number>(size - 2).fill(0x01), 0x0b];

export interface Reloc {
  type: number;
  offset: number;
  index: number;
  addend?: number | bigint;
  /** Encode the addend as a varint64 (for the 64-bit types). */
  wide?: boolean;
}

export const relocEntry = (r: Reloc): number[] => [r.type, ...uleb(r.offset), ...uleb(r.index), ...(r.addend === undefined ? [] : sleb(r.addend))];

/** The parts of the test object, by name, each already encoded as a whole section. */
export type Parts = Record<string, number[]>;

/**
 * The good object: 2 types, 5 imports (memory, function, global, table, tag), 2 defined
 * functions (bodies of 40 bytes), a defined tag and global, 2 data segments of 32 bytes, a
 * `.debug_info` custom section, a symbol table with every kind (function, data, global,
 * section, tag, table; local, weak, hidden, undefined, exported, explicit-name, no-strip,
 * TLS and absolute flags), segment info, init functions, a COMDAT, relocations for CODE,
 * DATA and `.debug_info`, target features.
 *
 * Section indices: 0 type, 1 import, 2 function, 3 tag, 4 global, 5 code, 6 data,
 * 7 .debug_info, 8 linking, 9 reloc.CODE, 10 reloc.DATA, 11 reloc..debug_info, 12 target_features.
 * Symbols: 0 f_defined, 1 f_local, 2 imported_fn, 3 d_counter, 4 d_extern, 5 d_absolute,
 * 6 __stack_pointer, 7 g_defined, 8 .debug_info, 9 imported_tag, 10 t_defined,
 * 11 __indirect_function_table, 12 d_tls, 13 renamed_import.
 */
export function goodParts(relocs: { code?: Reloc[]; data?: Reloc[]; debug?: Reloc[] } = {}): Parts {
  const codeRelocs = relocs.code ?? [
    { type: 0, offset: 0x03, index: 2 },
    { type: 3, offset: 0x0a, index: 3, addend: 4 },
    { type: 6, offset: 0x10, index: 1 },
    { type: 7, offset: 0x16, index: 6 },
  ];
  return {
    type: section(1, vec([[0x60, 1, 0x7f, 1, 0x7f], [0x60, 0, 0]])),
    import: section(2, vec([
      [...str('env'), ...str('__linear_memory'), 2, 0, 1],
      [...str('env'), ...str('imported_fn'), 0, 0],
      [...str('env'), ...str('__stack_pointer'), 3, 0x7f, 1],
      [...str('env'), ...str('__indirect_function_table'), 1, 0x70, 0, 0],
      [...str('env'), ...str('imported_tag'), 4, 0, 1],
      [...str('other'), ...str('raw_name'), 0, 1],
    ])),
    function: section(3, vec([[0], [1]])),
    tag: section(13, vec([[0, 1]])),
    global: section(6, vec([[0x7f, 1, 0x41, 0, 0x0b]])),
    code: section(10, [2, ...body(40), ...body(40)]),
    data: section(11, vec([
      [0, 0x41, 0, 0x0b, ...uleb(32), ...new Array<number>(32).fill(0)],
      [0, 0x41, 32, 0x0b, ...uleb(32), ...new Array<number>(32).fill(0)],
    ])),
    debug: custom('.debug_info', new Array<number>(32).fill(0)),
    linking: custom('linking', [...uleb(2), ...symbolTable(), ...segmentInfo(), ...initFuncs(), ...comdatInfo()]),
    relocCode: custom('reloc.CODE', [5, ...vec(codeRelocs.map(relocEntry))]),
    relocData: custom('reloc.DATA', [6, ...vec((relocs.data ?? [{ type: 5, offset: 0x06, index: 3, addend: -8 }, { type: 2, offset: 0x2c, index: 0 }]).map(relocEntry))]),
    relocDebug: custom('reloc..debug_info', [7, ...vec((relocs.debug ?? [{ type: 9, offset: 0, index: 8, addend: 0 }, { type: 8, offset: 4, index: 0, addend: 2 }]).map(relocEntry))]),
    features: custom('target_features', vec([[0x2b, ...str('mutable-globals')], [0x2d, ...str('shared-mem')]])),
  };
}

export function symbolTable(symbols: number[][] = defaultSymbols()): number[] {
  return subsection(8, vec(symbols));
}

export function defaultSymbols(): number[][] {
  return [
    [0, ...uleb(0x20), ...uleb(2), ...str('f_defined')], // exported
    [0, ...uleb(0x02), ...uleb(3), ...str('f_local')],
    [0, ...uleb(0x10), ...uleb(0)], // undefined: takes the import's name
    [1, ...uleb(0x04), ...str('d_counter'), ...uleb(0), ...uleb(0), ...uleb(8)],
    [1, ...uleb(0x11), ...str('d_extern')], // weak undefined
    [1, ...uleb(0x200), ...str('d_absolute'), ...uleb(0), ...uleb(1024), ...uleb(0)],
    [2, ...uleb(0x10), ...uleb(0)],
    [2, ...uleb(0x84), ...uleb(1), ...str('g_defined')], // no-strip, hidden
    [3, ...uleb(0x02), ...uleb(7)],
    [4, ...uleb(0x10), ...uleb(0)],
    [4, ...uleb(0x01), ...uleb(1), ...str('t_defined')],
    [5, ...uleb(0x10), ...uleb(0)],
    [1, ...uleb(0x100), ...str('d_tls'), ...uleb(1), ...uleb(4), ...uleb(4)],
    [0, ...uleb(0x50), ...uleb(1), ...str('renamed_import')], // explicit name
  ];
}

export function segmentInfo(): number[] {
  return subsection(5, vec([[...str('.data.counter'), 2, 0], [...str('.tdata.tls'), 3, 2]]));
}

export function initFuncs(): number[] {
  return subsection(6, vec([[...uleb(101), 1], [...uleb(65535), 0]]));
}

export function comdatInfo(): number[] {
  return subsection(7, vec([[...str('group'), 0, ...vec([[1, 2], [0, 1], [5, 7]])]]));
}

export const PART_ORDER = ['type', 'import', 'function', 'tag', 'global', 'code', 'data', 'debug', 'linking', 'relocCode', 'relocData', 'relocDebug', 'features'];

/** The object: header, then the parts in order (a part set to [] is left out). */
export function build(parts: Parts, order: string[] = PART_ORDER): Uint8Array {
  return Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...order.flatMap((name) => parts[name] ?? [])]);
}
