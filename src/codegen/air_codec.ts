//! AIR in flat buffers: a batch of `AirFunction`s as one `Int32Array` of words, one
//! `Float64Array` of numbers and one string table, so a batch crosses to a code-generation
//! worker as three transferable buffers instead of a graph of objects to clone. What the
//! code generators read is kept (ops, types, operands, constants); the `zir` write-back
//! form, which only `zirc ir` reads, is not.
//!
//! Layout: types first (each once per batch, children before parents), then per function
//! its name, type, body and instructions. Each instruction is its op's number followed by
//! its fields in the order `INST_FIELDS` gives; decoding walks the same table, so the two
//! directions cannot drift apart.

import type { AirConst, AirFunction, AirInst, AirOp, SymbolTarget } from '../sema/air.js';
import type { FnType, Type } from '../sema/types.js';

/** A batch as it travels: every buffer is transferable. */
export interface AirBatch {
  words: Int32Array;
  numbers: Float64Array;
  /** UTF-8 of the string table, entries separated by NUL. */
  strings: Uint8Array;
}

type FieldKind = 'ref' | 'refs' | 'nullref' | 'type' | 'bool' | 'num' | 'str' | 'nullstr' | 'strs' | 'const';

const BIN: Array<[string, FieldKind]> = [['lhs', 'ref'], ['rhs', 'ref']];
const CHECKED_BIN: Array<[string, FieldKind]> = [...BIN, ['safe', 'bool']];
const UNARY: Array<[string, FieldKind]> = [['operand', 'ref']];

/** The fields of each op after `op` and `type`, in encoding order. */
const INST_FIELDS: Record<AirOp, Array<[string, FieldKind]>> = {
  const: [['value', 'const']],
  arg: [['index', 'num'], ['name', 'str']],
  alloc: [['elemType', 'type']],
  load: [['ptr', 'ref']],
  store: [['ptr', 'ref'], ['value', 'ref']],
  add: CHECKED_BIN, sub: CHECKED_BIN, mul: CHECKED_BIN, div: CHECKED_BIN, rem: CHECKED_BIN,
  addwrap: BIN, subwrap: BIN, mulwrap: BIN, bitand: BIN, bitor: BIN, xor: BIN,
  shl: CHECKED_BIN, shr: CHECKED_BIN,
  bitnot: UNARY, boolnot: UNARY,
  booland: BIN, boolor: BIN,
  cmp: [['cmp', 'str'], ...BIN],
  intcast: [...UNARY, ['safe', 'bool']],
  bitcast: UNARY, ptrtoint: UNARY,
  elemptr: [['ptr', 'ref'], ['index', 'ref'], ['elemSize', 'num']],
  offsetptr: [['ptr', 'ref'], ['offset', 'num']],
  memcpy: [['dst', 'ref'], ['src', 'ref'], ['len', 'num']],
  call: [['callee', 'ref'], ['args', 'refs'], ['calleeType', 'type']],
  ret: UNARY,
  retvoid: [],
  block: [['body', 'refs']],
  loop: [['body', 'refs']],
  br: [['block', 'ref'], ['operand', 'nullref']],
  condbr: [['cond', 'ref'], ['then', 'refs'], ['else', 'refs']],
  unreachable: [['safe', 'bool']],
  breakpoint: [],
  asm: [['source', 'str'], ['isVolatile', 'bool'], ['output', 'nullstr'], ['inputs', 'strs'], ['clobbers', 'strs'], ['args', 'refs']],
};

const OPS = Object.keys(INST_FIELDS) as AirOp[];
const OP_NUMBER = new Map<AirOp, number>(OPS.map((op, i) => [op, i]));

const TYPE_KINDS = ['int', 'comptime_int', 'bool', 'void', 'noreturn', 'type', 'anyerror', 'null', 'undefined', 'pointer', 'array', 'fn'] as const;
const TYPE_KIND_NUMBER = new Map<string, number>(TYPE_KINDS.map((k, i) => [k, i]));
const POINTER_SIZES = ['one', 'many', 'slice'] as const;
const CALLING_CONVENTIONS = ['Unspecified', 'C', 'Naked'] as const;
const SYMBOL_KINDS = ['decl', 'extern', 'runtime'] as const;
const CONST_KINDS = ['imm', 'addr', 'undef', 'none'] as const;

/** Packs `functions` into one batch. */
export function encodeAirBatch(functions: readonly AirFunction[]): AirBatch {
  const w = new Writer();
  const body = new Words();
  for (const f of functions) {
    body.push(w.str(f.name));
    body.push(w.type(f.type));
    body.push(f.body.length);
    body.pushAll(f.body);
    body.push(f.insts.length);
    for (const inst of f.insts) w.inst(inst, body);
  }
  const types = w.typeWords;
  const header = [types.length, w.typeCount, functions.length];
  const words = new Int32Array(header.length + types.length + body.length);
  words.set(header, 0);
  words.set(types.buf.subarray(0, types.length), header.length);
  words.set(body.buf.subarray(0, body.length), header.length + types.length);
  return { words, numbers: Float64Array.from(w.numbers), strings: new TextEncoder().encode(w.strings.join('\0')) };
}

/** Unpacks a batch made by `encodeAirBatch`: functions in the order they were packed. */
export function decodeAirBatch(batch: AirBatch): AirFunction[] {
  const r = new Reader(batch);
  const functions: AirFunction[] = [];
  const count = r.header.functions;
  for (let i = 0; i < count; i++) {
    const name = r.str();
    const type = r.type() as FnType;
    const bodyLen = r.word();
    const fnBody = r.words(bodyLen);
    const instCount = r.word();
    const insts: AirInst[] = new Array(instCount);
    for (let k = 0; k < instCount; k++) insts[k] = r.inst();
    functions.push({ name, type, insts, body: fnBody });
  }
  return functions;
}

/** A growable Int32Array: appends without boxing, and without spreading long bodies onto the stack. */
class Words {
  buf = new Int32Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[this.length++] = v;
  }

  pushAll(values: readonly number[]): void {
    for (let i = 0; i < values.length; i++) this.push(values[i]!);
  }

  private grow(): void {
    const next = new Int32Array(this.buf.length * 2);
    next.set(this.buf);
    this.buf = next;
  }
}

class Writer {
  readonly typeWords = new Words();
  typeCount = 0;
  readonly numbers: number[] = [];
  readonly strings: string[] = [];
  /** By identity (sema makes many equal type objects), then by structure. */
  private readonly typeIndex = new Map<Type, number>();
  private readonly typeByKey = new Map<string, number>();
  private readonly stringIndex = new Map<string, number>();

  str(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      if (s.includes('\0')) throw new Error('air codec: a NUL byte in a string');
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  num(n: number): number {
    this.numbers.push(n);
    return this.numbers.length - 1;
  }

  /** The type's index in the batch's table, adding it (children first) when new. */
  type(t: Type): number {
    // A function's instructions mostly share one or two type objects: check the last ones first.
    if (t === this.lastType) return this.lastTypeIndex;
    if (t === this.prevType) return this.prevTypeIndex;
    const index = this.lookUpType(t);
    this.prevType = this.lastType;
    this.prevTypeIndex = this.lastTypeIndex;
    this.lastType = t;
    this.lastTypeIndex = index;
    return index;
  }

  private lastType: Type | null = null;
  private lastTypeIndex = -1;
  private prevType: Type | null = null;
  private prevTypeIndex = -1;

  private lookUpType(t: Type): number {
    const known = this.typeIndex.get(t);
    if (known !== undefined) return known;
    const rec = this.typeRecord(t);
    const key = rec.join(',');
    let index = this.typeByKey.get(key);
    if (index === undefined) {
      index = this.typeCount++;
      this.typeWords.push(rec.length);
      this.typeWords.pushAll(rec);
      this.typeByKey.set(key, index);
    }
    this.typeIndex.set(t, index);
    return index;
  }

  /** A type's words: its kind, its fields, its children's indices. */
  private typeRecord(t: Type): number[] {
    const rec: number[] = [TYPE_KIND_NUMBER.get(t.kind)!];
    switch (t.kind) {
      case 'int':
        rec.push(t.signed ? 1 : 0, t.bits, this.str(t.name));
        break;
      case 'pointer':
        rec.push(POINTER_SIZES.indexOf(t.size), t.mutable ? 1 : 0, this.type(t.elem));
        break;
      case 'array':
        rec.push(this.num(t.len), t.sentinel === null ? -1 : this.str(t.sentinel.toString()), this.type(t.elem));
        break;
      case 'fn': {
        const params = t.params.map((p) => this.type(p));
        rec.push(CALLING_CONVENTIONS.indexOf(t.cc), this.type(t.ret), params.length);
        for (const p of params) rec.push(p);
        break;
      }
      default:
        break;
    }
    return rec;
  }

  inst(inst: AirInst, out: Words): void {
    out.push(OP_NUMBER.get(inst.op)!);
    out.push(this.type(inst.type));
    const fields = inst as unknown as Record<string, unknown>;
    for (const [name, kind] of INST_FIELDS[inst.op]) this.field(kind, fields[name], out);
  }

  private field(kind: FieldKind, v: unknown, out: Words): void {
    switch (kind) {
      case 'ref': out.push(v as number); return;
      case 'nullref': out.push(v === null ? -1 : (v as number)); return;
      case 'refs': { const a = v as number[]; out.push(a.length); out.pushAll(a); return; }
      case 'type': out.push(this.type(v as Type)); return;
      case 'bool': out.push(v ? 1 : 0); return;
      case 'num': out.push(this.num(v as number)); return;
      case 'str': out.push(this.str(v as string)); return;
      case 'nullstr': out.push(v === null ? -1 : this.str(v as string)); return;
      case 'strs': { const a = v as string[]; out.push(a.length); for (const s of a) out.push(this.str(s)); return; }
      case 'const': this.constant(v as AirConst, out); return;
    }
  }

  private constant(c: AirConst, out: Words): void {
    out.push(CONST_KINDS.indexOf(c.kind));
    if (c.kind === 'imm') {
      // Most immediates are small: inline them, else their decimal text in the string table.
      const small = c.value >= -0x40000000n && c.value < 0x40000000n;
      out.push(small ? Number(c.value) * 2 : this.str(c.value.toString()) * 2 + 1);
    } else if (c.kind === 'addr') {
      out.push(SYMBOL_KINDS.indexOf(c.target.kind));
      out.push(this.str(c.target.name));
      out.push(c.target.kind === 'extern' ? this.str(c.target.lib) : -1);
      out.push(this.num(c.offset));
    }
  }
}

class Reader {
  private at = 0;
  private readonly w: Int32Array;
  private readonly nums: Float64Array;
  private readonly strs: string[];
  private readonly types: Type[] = [];
  readonly header: { functions: number };

  constructor(batch: AirBatch) {
    this.w = batch.words;
    this.nums = batch.numbers;
    this.strs = new TextDecoder().decode(batch.strings).split('\0');
    const typeWordCount = this.word();
    const typeCount = this.word();
    this.header = { functions: this.word() };
    const end = this.at + typeWordCount;
    for (let i = 0; i < typeCount; i++) this.types.push(this.readType());
    if (this.at !== end) throw new Error('air codec: a malformed type table');
  }

  word(): number {
    return this.w[this.at++]!;
  }

  words(n: number): number[] {
    const out: number[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.w[this.at++]!;
    return out;
  }

  str(): string {
    return this.strs[this.word()]!;
  }

  type(): Type {
    return this.types[this.word()]!;
  }

  private readType(): Type {
    const len = this.word();
    const end = this.at + len;
    const kind = TYPE_KINDS[this.word()]!;
    let t: Type;
    switch (kind) {
      case 'int': {
        const signed = this.word() === 1;
        const bits = this.word();
        t = { kind, signed, bits, name: this.str() };
        break;
      }
      case 'pointer': {
        const size = POINTER_SIZES[this.word()]!;
        const mutable = this.word() === 1;
        t = { kind, size, mutable, elem: this.type() };
        break;
      }
      case 'array': {
        const len = this.nums[this.word()]!;
        const s = this.word();
        t = { kind, len, sentinel: s < 0 ? null : BigInt(this.strs[s]!), elem: this.type() };
        break;
      }
      case 'fn': {
        const cc = CALLING_CONVENTIONS[this.word()]!;
        const ret = this.type();
        const n = this.word();
        const params: Type[] = new Array(n);
        for (let i = 0; i < n; i++) params[i] = this.type();
        t = { kind, params, ret, cc };
        break;
      }
      default:
        t = { kind };
    }
    if (this.at !== end) throw new Error(`air codec: a malformed ${kind} type`);
    return t;
  }

  inst(): AirInst {
    const op = OPS[this.word()]!;
    const inst: Record<string, unknown> = { op, type: this.type() };
    for (const [name, kind] of INST_FIELDS[op]) inst[name] = this.field(kind);
    return inst as unknown as AirInst;
  }

  private field(kind: FieldKind): unknown {
    switch (kind) {
      case 'ref': return this.word();
      case 'nullref': { const v = this.word(); return v < 0 ? null : v; }
      case 'refs': return this.words(this.word());
      case 'type': return this.type();
      case 'bool': return this.word() === 1;
      case 'num': return this.nums[this.word()]!;
      case 'str': return this.str();
      case 'nullstr': { const v = this.word(); return v < 0 ? null : this.strs[v]!; }
      case 'strs': { const n = this.word(); const a: string[] = []; for (let i = 0; i < n; i++) a.push(this.str()); return a; }
      case 'const': return this.constant();
    }
  }

  private constant(): AirConst {
    const kind = CONST_KINDS[this.word()]!;
    if (kind === 'imm') {
      const v = this.word();
      return { kind, value: v & 1 ? BigInt(this.strs[(v - 1) / 2]!) : BigInt(v / 2) };
    }
    if (kind === 'addr') {
      const target = this.target();
      return { kind, target, offset: this.nums[this.word()]! };
    }
    return { kind };
  }

  private target(): SymbolTarget {
    const kind = SYMBOL_KINDS[this.word()]!;
    const name = this.str();
    const lib = this.word();
    if (kind === 'extern') return { kind, name, lib: this.strs[lib]! };
    return { kind, name } as SymbolTarget;
  }
}
