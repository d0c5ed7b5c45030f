//! Reads a constant expression (a global's initializer, a segment's offset or element):
//! the instructions allowed in one — t.const, global.get, ref.null, ref.func and the
//! extended-const i32/i64 add, sub, mul — up to its `end`. Keeps its bytes and, when it is
//! a single i32/i64.const or global.get, its value; anything else is a format error.

import type { ByteReader } from './byte_reader.js';
import type { ConstExpr } from './object_model.js';
import { hex, isReferenceType } from './wasm_constants.js';

const END = 0x0b;
const I32_CONST = 0x41;
const I64_CONST = 0x42;
const F32_CONST = 0x43;
const F64_CONST = 0x44;
const GLOBAL_GET = 0x23;
const REF_NULL = 0xd0;
const REF_FUNC = 0xd2;
const SIMD_PREFIX = 0xfd;
const V128_CONST = 12;

/**
 * Reads one constant expression. `globals` and `functions` bound the indices that
 * global.get and ref.func may name.
 */
export function readConstExpr(r: ByteReader, what: string, globals: number, functions: number): ConstExpr {
  const offset = r.pos;
  let instructions = 0;
  let kind: ConstExpr['kind'] = 'other';
  let value = 0;
  for (;;) {
    const at = r.pos;
    const op = r.u8(what);
    if (op === END) break;
    instructions++;
    switch (op) {
      case I32_CONST: kind = 'i32'; value = r.s32(`${what}'s i32.const`); break;
      case I64_CONST: kind = 'i64'; value = r.s64(`${what}'s i64.const`); break;
      case F32_CONST: kind = 'other'; r.bytesOf(4, `${what}'s f32.const`); break;
      case F64_CONST: kind = 'other'; r.bytesOf(8, `${what}'s f64.const`); break;
      case GLOBAL_GET: {
        kind = 'global';
        value = r.u32(`${what}'s global index`);
        if (value >= globals) r.fail(`${what}: global.get ${value}, but there are ${globals} globals`, at);
        break;
      }
      case REF_NULL: {
        kind = 'other';
        const t = r.u8(`${what}'s reference type`);
        if (!isReferenceType(t)) r.fail(`${what}: ref.null of ${hex(t)}, which is not a reference type`, at);
        break;
      }
      case REF_FUNC: {
        kind = 'other';
        const f = r.u32(`${what}'s function index`);
        if (f >= functions) r.fail(`${what}: ref.func ${f}, but there are ${functions} functions`, at);
        break;
      }
      case 0x6a: case 0x6b: case 0x6c: case 0x7c: case 0x7d: case 0x7e:
        kind = 'other';
        break;
      case SIMD_PREFIX: {
        const sub = r.u32(`${what}'s SIMD opcode`);
        if (sub !== V128_CONST) r.fail(`${what}: SIMD opcode ${sub} is not allowed in a constant expression`, at);
        kind = 'other';
        r.bytesOf(16, `${what}'s v128.const`);
        break;
      }
      default:
        r.fail(`${what}: opcode ${hex(op)} is not allowed in a constant expression`, at);
    }
  }
  if (instructions !== 1) kind = 'other';
  if (kind === 'other') value = 0;
  return { offset, bytes: r.bytes.subarray(offset, r.pos), kind, value };
}
