//! The custom sections that make a wasm module a relocatable object (tool-conventions
//! Linking.md): `linking` version 2 with its WASM_SYMBOL_TABLE and WASM_SEGMENT_INFO
//! subsections, one `reloc.<SECTION>` per section with relocations, and
//! `target_features`. Each encoder appends one section; the caller orders them
//! (`linking` after the data section, the `reloc.*` after `linking`).

import { ByteWriter, writePaddedUleb } from '../../../codegen/wasm/leb.js';
import { ADDEND_NONE, relocationTypeInfo } from '../input/relocation_types.js';
import {
  LINKING_SEGMENT_INFO,
  LINKING_SYMBOL_TABLE,
  LINKING_VERSION,
  SEC_CUSTOM,
  SYM_EXPLICIT_NAME,
  SYM_UNDEFINED,
  SYMTAB_DATA,
} from '../input/wasm_constants.js';
import type { ObjectPlan } from './object_plan.js';
import { section, type RelocEntry } from './object_sections.js';

function customSection(w: ByteWriter, name: string, contents: () => void): void {
  section(w, SEC_CUSTOM, () => {
    w.name(name);
    contents();
  });
}

function subsection(w: ByteWriter, type: number, contents: () => void): void {
  w.byte(type);
  const sizeAt = w.paddedU32(0);
  const start = w.length;
  contents();
  writePaddedUleb(w.bytes, sizeAt, w.length - start);
}

export function writeLinkingSection(w: ByteWriter, plan: ObjectPlan): void {
  customSection(w, 'linking', () => {
    w.u32(LINKING_VERSION);
    subsection(w, LINKING_SYMBOL_TABLE, () => writeSymbolTable(w, plan));
    if (plan.segments.length > 0) subsection(w, LINKING_SEGMENT_INFO, () => writeSegmentInfo(w, plan));
  });
}

function writeSymbolTable(w: ByteWriter, plan: ObjectPlan): void {
  w.u32(plan.symbols.length);
  for (const s of plan.symbols) {
    w.byte(s.kind);
    w.u32(s.flags);
    const defined = (s.flags & SYM_UNDEFINED) === 0;
    if (s.kind === SYMTAB_DATA) {
      w.name(s.name);
      if (defined) {
        w.u32(s.index);
        w.u32(0); // offset in the segment: each atom has a segment of its own
        w.u32(s.size);
      }
      continue;
    }
    w.u32(s.index);
    if (defined || (s.flags & SYM_EXPLICIT_NAME) !== 0) w.name(s.name);
  }
}

function writeSegmentInfo(w: ByteWriter, plan: ObjectPlan): void {
  w.u32(plan.segments.length);
  for (const s of plan.segments) {
    w.name(s.name);
    w.u32(s.alignLog2);
    w.u32(0); // flags: neither strings, TLS nor retained
  }
}

/** `reloc.<name>` for the section at `sectionIndex` (its position among all sections), sorted by offset. */
export function writeRelocSection(w: ByteWriter, name: string, sectionIndex: number, relocs: readonly RelocEntry[]): void {
  const sorted = [...relocs].sort((a, b) => a.offset - b.offset);
  customSection(w, `reloc.${name}`, () => {
    w.u32(sectionIndex);
    w.u32(sorted.length);
    for (const r of sorted) {
      w.byte(r.type);
      w.u32(r.offset);
      w.u32(r.index);
      if (relocationTypeInfo(r.type)!.addend !== ADDEND_NONE) w.s32(r.addend);
    }
  });
}

/** `target_features`: each feature the code uses, with the `+` (used) prefix. */
export function writeTargetFeatures(w: ByteWriter, features: readonly string[]): void {
  customSection(w, 'target_features', () => {
    w.u32(features.length);
    for (const f of features) {
      w.byte(0x2b); // '+'
      w.name(f);
    }
  });
}
