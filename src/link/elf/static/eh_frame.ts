//! Reads the records of one `.eh_frame` section (LSB "Exception Frames"): each CIE's
//! pointer encoding (the `R` augmentation, absptr without it) and each FDE's place, with
//! the encoding its CIE gives its initial location; decodes and encodes those pointers.
//! Pure. The encodings clang and gcc use are handled — absptr, udata4/sdata4, udata8/sdata8,
//! absolute or pc-relative; any other (indirect, datarel, 2-byte, LEB128, 64-bit DWARF
//! lengths) is an error message, never a guess.

export const DW_EH_PE_absptr = 0x00, DW_EH_PE_udata4 = 0x03, DW_EH_PE_udata8 = 0x04, DW_EH_PE_sdata4 = 0x0b,
  DW_EH_PE_sdata8 = 0x0c, DW_EH_PE_pcrel = 0x10, DW_EH_PE_datarel = 0x30, DW_EH_PE_omit = 0xff;

/** One FDE: its offset in the section, where it ends, and the encoding of its initial location (at offset + 8). */
export interface FdeRecord {
  offset: number;
  end: number;
  encoding: number;
}

export type ParsedEhFrame = { ok: true; fdes: FdeRecord[] } | { ok: false; offset: number; message: string };

/** Bytes a supported encoding takes, or 0 when it is not supported. */
export function encodingSize(encoding: number): number {
  if ((encoding & 0x70) !== 0 && (encoding & 0x70) !== DW_EH_PE_pcrel) return 0;
  switch (encoding & 0x0f) {
    case DW_EH_PE_absptr: case DW_EH_PE_udata8: case DW_EH_PE_sdata8: return 8;
    case DW_EH_PE_udata4: case DW_EH_PE_sdata4: return 4;
  }
  return 0;
}

function readUleb(data: Uint8Array, at: number): [number, number] {
  let value = 0, shift = 0;
  for (;;) {
    if (at >= data.length) throw new RangeError('LEB128 runs past the end');
    const b = data[at++]!;
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [value, at];
  }
}

function skipLeb(data: Uint8Array, at: number): number {
  return readUleb(data, at)[1];
}

/** The FDE pointer encoding of the CIE at `at` (its length field), or an error message. */
function cieEncoding(data: Uint8Array, at: number, end: number): number | string {
  let p = at + 8;
  const version = data[p++]!;
  if (version !== 1 && version !== 3) return `CIE version ${version} is not supported`;
  const augStart = p;
  while (p < end && data[p] !== 0) p++;
  const aug = String.fromCharCode(...data.subarray(augStart, p));
  p++;
  if (aug === '') return DW_EH_PE_absptr;
  if (aug[0] !== 'z') return `CIE augmentation "${aug}" is not supported`;
  p = skipLeb(data, p); // code alignment
  p = skipLeb(data, p); // data alignment (signed; its length is what matters)
  p = version === 1 ? p + 1 : skipLeb(data, p); // return address register
  p = skipLeb(data, p); // augmentation data length
  let encoding = DW_EH_PE_absptr;
  for (const c of aug.slice(1)) {
    if (c === 'R') encoding = data[p++]!;
    else if (c === 'L') p++;
    else if (c === 'P') {
      const enc = data[p++]!;
      const size = encodingSize(enc & 0x7f); // an indirect personality pointer is read by the unwinder, not by us
      if (size === 0) return `CIE personality encoding 0x${enc.toString(16)} is not supported`;
      p += size;
    } else if (c !== 'S' && c !== 'B' && c !== 'G') return `CIE augmentation "${aug}" is not supported`;
  }
  if (p > end) return 'CIE runs past its length';
  if (encodingSize(encoding) === 0) return `FDE pointer encoding 0x${encoding.toString(16)} is not supported`;
  return encoding;
}

/** Every FDE of `data` (one input `.eh_frame`), up to its end or a zero terminator. */
export function parseEhFrame(data: Uint8Array): ParsedEhFrame {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const fdes: FdeRecord[] = [];
  const cies = new Map<number, number>();
  let at = 0;
  try {
    while (at + 4 <= data.length) {
      const length = view.getUint32(at, true);
      if (length === 0) break;
      if (length === 0xffffffff) return { ok: false, offset: at, message: '64-bit DWARF records are not supported' };
      const end = at + 4 + length;
      if (end > data.length || length < 4) return { ok: false, offset: at, message: 'record runs past the end of the section' };
      const id = view.getUint32(at + 4, true);
      if (id === 0) {
        const enc = cieEncoding(data, at, end);
        if (typeof enc === 'string') return { ok: false, offset: at, message: enc };
        cies.set(at, enc);
      } else {
        const cie = at + 4 - id;
        const encoding = cies.get(cie);
        if (encoding === undefined) return { ok: false, offset: at, message: 'FDE does not point to a CIE before it in its section' };
        if (at + 8 + 2 * encodingSize(encoding) > end) return { ok: false, offset: at, message: 'FDE too short for its address range' };
        fdes.push({ offset: at, end, encoding });
      }
      at = end;
    }
  } catch (e) {
    if (e instanceof RangeError) return { ok: false, offset: at, message: 'record runs past the end of the section' };
    throw e;
  }
  return { ok: true, fdes };
}

/** The address a pointer of `encoding` at address `fieldAddress` (bytes at `data[at]`) names. */
export function decodePointer(data: Uint8Array, at: number, encoding: number, fieldAddress: number): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let v: number;
  switch (encoding & 0x0f) {
    case DW_EH_PE_udata4: v = view.getUint32(at, true); break;
    case DW_EH_PE_sdata4: v = view.getInt32(at, true); break;
    case DW_EH_PE_sdata8: v = Number(view.getBigInt64(at, true)); break;
    default: v = Number(view.getBigUint64(at, true));
  }
  return (encoding & 0x70) === DW_EH_PE_pcrel ? v + fieldAddress : v;
}

/** Writes `value` as a pointer of `encoding` at `data[at]`, whose address is `fieldAddress`. */
export function encodePointer(data: Uint8Array, at: number, encoding: number, fieldAddress: number, value: number): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const v = (encoding & 0x70) === DW_EH_PE_pcrel ? value - fieldAddress : value;
  if (encodingSize(encoding) === 4) view.setUint32(at, v >>> 0, true);
  else view.setBigUint64(at, BigInt.asUintN(64, BigInt(v)), true);
}
