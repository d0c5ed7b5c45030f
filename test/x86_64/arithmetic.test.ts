import { describe, expect, it } from 'vitest';
import type { AirFunction, CmpOp } from '../../src/sema/air.js';
import { intType, sizeOf, X86_64_TARGET, type IntType } from '../../src/sema/types.js';
import { arrayOf, BOOL, FnBuilder, fnType, NORETURN, onePtr, u64, usize } from './air_builder.js';
import { runProgram } from './harness.js';

type BinOp = 'add' | 'sub' | 'mul' | 'div' | 'rem' | 'shl' | 'shr' | 'addwrap' | 'subwrap' | 'mulwrap' | 'bitand' | 'bitor' | 'xor';
type Op = BinOp | 'bitnot' | `cmp_${CmpOp}` | 'intcast' | 'bitcast';

interface Case {
  op: Op;
  type: IntType;
  /** For intcast/bitcast: the operand type. */
  from?: IntType;
  a: bigint;
  b: bigint;
  /** rhs as an immediate instead of an argument. */
  constRhs: boolean;
  expected: bigint;
}

const TYPES: IntType[] = [
  intType(false, 8), intType(true, 8), intType(false, 16), intType(true, 16), intType(false, 32), intType(true, 32),
  intType(false, 64), intType(true, 64), intType(false, 1), intType(true, 1), intType(false, 7), intType(true, 13),
  intType(false, 33), intType(true, 47), intType(false, 63), intType(true, 63),
];

const minOf = (t: IntType) => (t.signed ? -(1n << BigInt(t.bits - 1)) : 0n);
const maxOf = (t: IntType) => (t.signed ? (1n << BigInt(t.bits - 1)) - 1n : (1n << BigInt(t.bits)) - 1n);
const fits = (t: IntType, v: bigint) => v >= minOf(t) && v <= maxOf(t);
const wrap = (t: IntType, v: bigint) => (t.signed ? BigInt.asIntN(t.bits, v) : BigInt.asUintN(t.bits, v));

/** Deterministic pseudo-random numbers (xorshift). */
function rng(seed: number) {
  let s = BigInt(seed) | 1n;
  return (): bigint => {
    s ^= (s << 13n) & 0xffffffffffffffffn;
    s ^= s >> 7n;
    s ^= (s << 17n) & 0xffffffffffffffffn;
    return s;
  };
}

function pick(t: IntType, r: () => bigint): bigint {
  const choice = Number(r() % 6n);
  const span = maxOf(t) - minOf(t) + 1n;
  if (choice === 0) return minOf(t);
  if (choice === 1) return maxOf(t);
  if (choice === 2) return wrap(t, r() % 5n);
  if (choice === 3) return t.signed ? wrap(t, -(r() % 5n)) : wrap(t, r() % 300n);
  return minOf(t) + (r() % span);
}

/** Reference semantics (spec §5): null when the safe operation would panic. */
function evaluate(op: Op, t: IntType, a: bigint, b: bigint): bigint | null {
  switch (op) {
    case 'add': return fits(t, a + b) ? a + b : null;
    case 'sub': return fits(t, a - b) ? a - b : null;
    case 'mul': return fits(t, a * b) ? a * b : null;
    case 'div': return b === 0n || !fits(t, a / b) ? null : a / b;
    case 'rem': return b === 0n || !fits(t, a / b) ? null : a % b;
    case 'addwrap': return wrap(t, a + b);
    case 'subwrap': return wrap(t, a - b);
    case 'mulwrap': return wrap(t, a * b);
    case 'bitand': return wrap(t, a & b);
    case 'bitor': return wrap(t, a | b);
    case 'xor': return wrap(t, a ^ b);
    case 'shl': return b < 0n || b >= BigInt(t.bits) ? null : wrap(t, a << b);
    case 'shr': return b < 0n || b >= BigInt(t.bits) ? null : a >> b;
    case 'bitnot': return wrap(t, ~a);
    case 'cmp_lt': return a < b ? 1n : 0n;
    case 'cmp_lte': return a <= b ? 1n : 0n;
    case 'cmp_eq': return a === b ? 1n : 0n;
    case 'cmp_gte': return a >= b ? 1n : 0n;
    case 'cmp_gt': return a > b ? 1n : 0n;
    case 'cmp_neq': return a !== b ? 1n : 0n;
    default: throw new Error(op);
  }
}

const BIN_OPS: Op[] = ['add', 'sub', 'mul', 'div', 'rem', 'shl', 'shr', 'addwrap', 'subwrap', 'mulwrap', 'bitand', 'bitor', 'xor', 'bitnot',
  'cmp_lt', 'cmp_lte', 'cmp_eq', 'cmp_gte', 'cmp_gt', 'cmp_neq'];

function makeCases(seed: number, perOp: number): Case[] {
  const r = rng(seed);
  const cases: Case[] = [];
  for (const type of TYPES) {
    for (const op of BIN_OPS) {
      let made = 0;
      for (let tries = 0; made < perOp && tries < 200; tries++) {
        const a = pick(type, r);
        let b = pick(type, r);
        if (op === 'shl' || op === 'shr') b = r() % BigInt(type.bits);
        const expected = evaluate(op, type, a, b);
        if (expected === null) continue;
        cases.push({ op, type, a, b, constRhs: made % 2 === 1, expected });
        made++;
      }
    }
    // intcasts into every other type, for values that fit.
    for (const to of TYPES) {
      for (let k = 0; k < 2; k++) {
        const a = pick(type, r);
        if (fits(to, a)) cases.push({ op: 'intcast', type: to, from: type, a, b: 0n, constRhs: false, expected: a });
        cases.push({ op: 'intcast', type: to, from: type, a, b: 0n, constRhs: true /* unsafe: truncates */, expected: wrap(to, a) });
      }
      if (to.bits === type.bits && to.signed !== type.signed) {
        const a = pick(type, r);
        cases.push({ op: 'bitcast', type: to, from: type, a, b: 0n, constRhs: false, expected: wrap(to, a) });
      }
    }
  }
  return cases;
}

function resultType(c: Case): IntType | typeof BOOL {
  return c.op.startsWith('cmp_') ? BOOL : c.type;
}

/** One function per case: f(a, b) computes the operation on its arguments. */
function caseFunction(c: Case, i: number): AirFunction {
  const operandType = c.from ?? c.type;
  const params = c.op === 'intcast' || c.op === 'bitcast' || c.op === 'bitnot' || c.constRhs ? [operandType] : [operandType, operandType];
  const b = new FnBuilder(`case${i}`, fnType(params, resultType(c)));
  const x = b.arg(0);
  let result: number;
  if (c.op === 'intcast') result = b.intcast(c.type, x, !c.constRhs);
  else if (c.op === 'bitcast') result = b.bitcast(c.type, x);
  else if (c.op === 'bitnot') result = b.unary('bitnot', c.type, x);
  else {
    const y = c.constRhs ? b.int(c.type, c.b) : b.arg(1);
    if (c.op.startsWith('cmp_')) result = b.cmp(c.op.slice(4) as CmpOp, x, y);
    else if (['add', 'sub', 'mul', 'div', 'rem', 'shl', 'shr'].includes(c.op)) result = b.bin(c.op as 'add', c.type, x, y);
    else result = b.wrap(c.op as 'addwrap', c.type, x, y);
  }
  b.ret(result);
  return b.build();
}

/** Runs all cases in one program that stores each result in an 8-byte slot and writes the slots to stdout. */
function runCases(cases: Case[]): bigint[] {
  const fns = cases.map(caseFunction);
  const e = new FnBuilder('entry', fnType([], NORETURN, 'C'));
  const buf = e.alloc(arrayOf(cases.length, u64));
  cases.forEach((c, i) => {
    const f = fns[i]!;
    const operandType = c.from ?? c.type;
    const args = [e.int(operandType, c.a)];
    if (f.type.params.length === 2) args.push(e.int(operandType, c.b));
    const r = e.callDecl(f.name, f.type, args);
    const slot = e.elemptr(onePtr(u64), buf, e.int(usize, i), 8);
    e.store(slot, r);
  });
  e.write(1, e.ptrtoint(buf), e.int(usize, cases.length * 8));
  e.exitWith(0);
  const out = runProgram({ functions: [e.build(), ...fns], entry: 'entry' });
  expect(out.stderr).toBe('');
  expect(out.status).toBe(0);
  return cases.map((c, i) => {
    const t = resultType(c);
    const size = sizeOf(t, X86_64_TARGET);
    let v = 0n;
    for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(out.stdoutBytes[i * 8 + k]!);
    return t.kind === 'int' && t.signed ? BigInt.asIntN(size * 8, v) : v;
  });
}

const describeCase = (c: Case) => `${c.op} ${c.from ? c.from.name + '→' : ''}${c.type.name} ${c.a} ${c.b}${c.constRhs ? ' (imm)' : ''}`;

describe('integer operations at every width and signedness', () => {
  it('compute what spec §5 says for arguments and immediates', () => {
    const cases = makeCases(12345, 4);
    expect(cases.length).toBeGreaterThan(1000);
    const got = runCases(cases);
    const wrong = cases.map((c, i) => ({ c, got: got[i] })).filter(({ c, got }) => got !== c.expected);
    expect(wrong.map(({ c, got }) => `${describeCase(c)}: expected ${c.expected}, got ${got}`)).toEqual([]);
  });
});
