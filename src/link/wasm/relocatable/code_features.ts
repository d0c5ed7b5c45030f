//! Which wasm proposals a function body uses, for the object's `target_features` section:
//! a walk over the instructions (skipping each one's immediates) that notes `memory.copy`
//! and the rest of the bulk-memory instructions, the sign-extension operators, the
//! saturating float-to-int conversions and the table instructions of reference-types. wasm-ld checks these names across the objects of
//! a link and writes their union into the module. Pure.

export type CodeFeature = 'bulk-memory' | 'sign-ext' | 'nontrapping-fptoint' | 'reference-types';

class BodyCursor {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new Error('function body ends inside an instruction');
    return this.bytes[this.pos++]!;
  }

  /** A LEB128 (any width, signed or not): its value when it fits a u32. */
  leb(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      if (shift < 32) value |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) return value >>> 0;
    }
  }

  skip(n: number): void {
    this.pos += n;
  }
}

/** The features `body` (locals declaration, instructions, final `end`) needs beyond the MVP. */
export function codeFeatures(body: Uint8Array): Set<CodeFeature> {
  const c = new BodyCursor(body);
  const used = new Set<CodeFeature>();
  const runs = c.leb();
  for (let i = 0; i < runs; i++) {
    c.leb();
    c.byte();
  }
  while (c.pos < body.length) skipInstruction(c, c.byte(), used);
  return used;
}

function skipInstruction(c: BodyCursor, op: number, used: Set<CodeFeature>): void {
  if (op >= 0x28 && op <= 0x3e) {
    c.leb(); // alignment
    c.leb(); // offset
    return;
  }
  if (op >= 0xc0 && op <= 0xc4) {
    used.add('sign-ext');
    return;
  }
  switch (op) {
    case 0x02: case 0x03: case 0x04: // block, loop, if: a block type (a value type, 0x40 or a type index)
      c.leb();
      return;
    case 0x0c: case 0x0d: case 0x10: case 0xd2: // br, br_if, call, ref.func
    case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26: // locals, globals, table.get/set
    case 0x41: case 0x42: // i32.const, i64.const
    case 0x3f: case 0x40: case 0xd0: // memory.size, memory.grow, ref.null
      c.leb();
      return;
    case 0x11: // call_indirect: type, table
      c.leb();
      c.leb();
      return;
    case 0x0e: { // br_table
      const n = c.leb();
      for (let i = 0; i <= n; i++) c.leb();
      return;
    }
    case 0x1c: { // select with types
      const n = c.leb();
      for (let i = 0; i < n; i++) c.leb();
      return;
    }
    case 0x43:
      c.skip(4);
      return;
    case 0x44:
      c.skip(8);
      return;
    case 0xfc:
      skipMiscInstruction(c, c.leb(), used);
      return;
  }
  if (op > 0xd2) throw new Error(`instruction 0x${op.toString(16)} is not one the wasm32 object writer knows`);
}

function skipMiscInstruction(c: BodyCursor, sub: number, used: Set<CodeFeature>): void {
  if (sub <= 7) {
    used.add('nontrapping-fptoint');
    return;
  }
  const immediates: Record<number, number> = { 8: 2, 9: 1, 10: 2, 11: 1, 12: 2, 13: 1, 14: 2, 15: 1, 16: 1, 17: 1 };
  const n = immediates[sub];
  if (n === undefined) throw new Error(`instruction 0xfc ${sub} is not one the wasm32 object writer knows`);
  used.add(sub <= 14 ? 'bulk-memory' : 'reference-types');
  for (let i = 0; i < n; i++) c.leb();
}
