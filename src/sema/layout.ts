//! Lays comptime values out in memory for a target: the bytes and pointer relocations of
//! an anonymous constant (`str`, `ref` of a comptime value). Little-endian, sizes and
//! alignments from types.ts.

import type { DataReloc, SymbolTarget } from './air.js';
import { sizeOf, typeName, type TargetInfo, type Type } from './types.js';
import type { TypedValue, Value } from './value.js';

export interface LaidOut {
  bytes: Uint8Array;
  relocs: DataReloc[];
}

/** Gives an address to a comptime-only object that a laid-out pointer points at. */
export type PlaceObject = (object: TypedValue) => SymbolTarget;

export class LayoutError extends Error {}

export function layoutValue(tv: TypedValue, target: TargetInfo, place: PlaceObject): LaidOut {
  const bytes = new Uint8Array(sizeOf(tv.type, target));
  const relocs: DataReloc[] = [];
  writeValue(tv.type, tv.value, 0, { bytes, relocs, target, place });
  return { bytes, relocs };
}

interface Out {
  bytes: Uint8Array;
  relocs: DataReloc[];
  target: TargetInfo;
  place: PlaceObject;
}

function writeInt(out: Out, at: number, size: number, v: bigint): void {
  let x = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) {
    out.bytes[at + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

/** Byte offset of element `index` inside a pointed-at object. */
export function pointerByteOffset(object: TypedValue, index: number | null, target: TargetInfo): number {
  if (index === null || index === 0) return 0;
  const t = object.type;
  const elem = t.kind === 'array' ? t.elem : t;
  return index * sizeOf(elem, target);
}

function writeValue(t: Type, v: Value, at: number, out: Out): void {
  if (v.kind === 'undef') return;
  switch (t.kind) {
    case 'int':
      if (v.kind !== 'int') break;
      writeInt(out, at, sizeOf(t, out.target), v.value);
      return;
    case 'bool':
      if (v.kind !== 'bool') break;
      out.bytes[at] = v.value ? 1 : 0;
      return;
    case 'array': {
      const elemSize = sizeOf(t.elem, out.target);
      if (v.kind === 'bytes') {
        out.bytes.set(v.bytes.subarray(0, t.len), at);
      } else if (v.kind === 'aggregate') {
        v.elems.forEach((e, i) => writeValue(t.elem, e, at + i * elemSize, out));
      } else break;
      if (t.sentinel !== null) writeInt(out, at + t.len * elemSize, elemSize, t.sentinel);
      return;
    }
    case 'fn':
      if (v.kind === 'function') {
        out.relocs.push({ offset: at, target: { kind: 'decl', name: v.decl }, addend: 0 });
        return;
      }
      if (v.kind === 'extern_fn') {
        out.relocs.push({ offset: at, target: { kind: 'extern', name: v.name, lib: v.lib }, addend: 0 });
        return;
      }
      break;
    case 'pointer': {
      if (t.size === 'slice') {
        if (v.kind !== 'slice') break;
        writeValue({ kind: 'pointer', size: 'many', mutable: t.mutable, elem: t.elem }, v.ptr, at, out);
        writeInt(out, at + out.target.ptrBytes, out.target.ptrBytes, BigInt(v.len));
        return;
      }
      if (v.kind !== 'ptr') break;
      const symbol = v.target ?? out.place(v.object);
      out.relocs.push({ offset: at, target: symbol, addend: pointerByteOffset(v.object, v.index, out.target) });
      return;
    }
    default:
      break;
  }
  throw new LayoutError(`unable to lay out a value of type '${typeName(t)}' in memory`);
}
