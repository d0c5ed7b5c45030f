// Every integer AIR op at many widths and both signednesses, checked against a BigInt
// model of spec §3/§8: values, wrapping, normalization of narrow ints, and the panics.

import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { AirRef } from '../../src/sema/air.js';
import { WasmLinker } from '../../src/link/wasm/WasmLinker.js';
import { BOOL, buildFn, fnType, intType, type FnBuilder, type IntType } from './air_builder.js';
import { ExitSignal, expectValidModule, instantiate, type Harness } from './wasm_check.js';
import { openWasmLinker } from '../support/air_linker.js';

const TYPES: IntType[] = [
  [false, 1], [true, 1], [false, 7], [true, 7], [false, 8], [true, 8], [false, 16], [true, 16],
  [false, 24], [true, 31], [false, 32], [true, 32], [false, 33], [true, 33], [true, 47],
  [false, 63], [true, 63], [false, 64], [true, 64],
].map(([s, b]) => intType(s as boolean, b as number));

const min = (t: IntType) => (t.signed ? -(1n << BigInt(t.bits - 1)) : 0n);
const max = (t: IntType) => (t.signed ? (1n << BigInt(t.bits - 1)) - 1n : (1n << BigInt(t.bits)) - 1n);
const fits = (t: IntType, v: bigint) => v >= min(t) && v <= max(t);
const wrapTo = (t: IntType, v: bigint) => (t.signed ? BigInt.asIntN(t.bits, v) : BigInt.asUintN(t.bits, v));
const wide = (t: IntType) => t.bits > 32;
/** The JS value of a normalized container holding v. */
const toJs = (t: IntType, v: bigint): number | bigint => (wide(t) ? BigInt.asIntN(64, v) : Number(BigInt.asIntN(32, v)));

type Outcome = bigint | boolean | string;
const OVERFLOW = 'integer overflow';
const DIV0 = 'division by zero';
const SHIFT = 'shift amount is too large';
const CAST = 'integer cast truncated bits';

type BinOp = 'add' | 'sub' | 'mul' | 'div' | 'rem' | 'shl' | 'shr' | 'addwrap' | 'subwrap' | 'mulwrap' | 'bitand' | 'bitor' | 'xor';
const BIN_OPS: BinOp[] = ['add', 'sub', 'mul', 'div', 'rem', 'shl', 'shr', 'addwrap', 'subwrap', 'mulwrap', 'bitand', 'bitor', 'xor'];
const CMPS = ['lt', 'lte', 'eq', 'gte', 'gt', 'neq'] as const;

function model(op: BinOp, t: IntType, a: bigint, b: bigint): Outcome {
  const checked = (r: bigint) => (fits(t, r) ? r : OVERFLOW);
  switch (op) {
    case 'add': return checked(a + b);
    case 'sub': return checked(a - b);
    case 'mul': return checked(a * b);
    case 'div': return b === 0n ? DIV0 : t.signed && a === min(t) && b === -1n ? OVERFLOW : a / b;
    case 'rem': return b === 0n ? DIV0 : t.signed && a === min(t) && b === -1n ? OVERFLOW : a % b;
    case 'shl': return b < 0n || b >= BigInt(t.bits) ? SHIFT : wrapTo(t, a << b);
    case 'shr': return b < 0n || b >= BigInt(t.bits) ? SHIFT : a >> b;
    case 'addwrap': return wrapTo(t, a + b);
    case 'subwrap': return wrapTo(t, a - b);
    case 'mulwrap': return wrapTo(t, a * b);
    case 'bitand': return a & b;
    case 'bitor': return a | b;
    case 'xor': return a ^ b;
  }
}

function emitBin(b: FnBuilder, op: BinOp, t: IntType, x: AirRef, y: AirRef): AirRef {
  switch (op) {
    case 'addwrap': case 'subwrap': case 'mulwrap': case 'bitand': case 'bitor': case 'xor':
      return b.wrap(op, t, x, y);
    default:
      return b.bin(op, t, x, y, true);
  }
}

/** One module per type: every op as an export, plus intcasts to every other type and a
 * store/load round trip through a stack slot. */
async function buildTypeModule(t: IntType): Promise<Harness> {
  const linker = openWasmLinker('/dev/null');
  const exports: { symbolName: string; declName: string }[] = [];
  const add = (name: string, f: Parameters<WasmLinker['updateFunc']>[0]) => {
    linker.updateFunc(f);
    exports.push({ symbolName: name, declName: name });
  };
  for (const op of BIN_OPS) {
    add(op, buildFn(op, fnType([t, t], t, 'C'), (b) => b.ret(emitBin(b, op, t, b.arg(0), b.arg(1)))));
  }
  for (const c of CMPS) add(`cmp_${c}`, buildFn(`cmp_${c}`, fnType([t, t], BOOL, 'C'), (b) => b.ret(b.cmp(c, b.arg(0), b.arg(1)))));
  add('bitnot', buildFn('bitnot', fnType([t], t, 'C'), (b) => b.ret(b.emit({ op: 'bitnot', type: t, operand: b.arg(0) }))));
  add('mem', buildFn('mem', fnType([t], t, 'C'), (b) => {
    const slot = b.alloc(t);
    b.store(slot, b.arg(0));
    b.ret(b.load(t, slot));
  }));
  // Unchecked ops whose result is still defined.
  add('add_unchecked', buildFn('add_unchecked', fnType([t, t], t, 'C'), (b) => b.ret(b.bin('add', t, b.arg(0), b.arg(1), false))));
  TYPES.forEach((u, i) => {
    add(`cast${i}`, buildFn(`cast${i}`, fnType([t], u, 'C'), (b) => b.ret(b.emit({ op: 'intcast', type: u, operand: b.arg(0), safe: true }))));
  });
  linker.updateExports(exports);
  const bytes = linker.buildModule();
  linker.close();
  expectValidModule(bytes);
  return instantiate(bytes);
}

function run(h: Harness, name: string, args: unknown[]): Outcome | { raw: unknown } {
  h.stderr.length = 0;
  const r = h.call(name, ...args);
  if (r instanceof ExitSignal) {
    expect(r.code).toBe(134);
    const text = h.stderr.join('');
    expect(text.startsWith('panic: ') && text.endsWith('\n')).toBe(true);
    return text.slice('panic: '.length, -1);
  }
  return { raw: r };
}

function expectOutcome(t: IntType, got: Outcome | { raw: unknown }, want: Outcome, what: string): void {
  if (typeof want === 'string') expect(got, what).toBe(want);
  else if (typeof want === 'boolean') expect(got, what).toEqual({ raw: want ? 1 : 0 });
  else expect(got, what).toEqual({ raw: toJs(t, want) });
}

function valueArb(t: IntType): fc.Arbitrary<bigint> {
  const edges = [min(t), min(t) + 1n, -2n, -1n, 0n, 1n, 2n, BigInt(t.bits - 1), BigInt(t.bits), max(t) - 1n, max(t)].filter((v) => fits(t, v));
  return fc.oneof(fc.constantFrom(...edges), fc.bigInt({ min: min(t), max: max(t) }));
}

describe.each(TYPES.map((t) => [t.name, t] as const))('integer ops on %s', (_name, t) => {
  const harness = buildTypeModule(t);

  test('binary ops match the model, including the overflow/division/shift panics', async () => {
    const h = await harness;
    fc.assert(
      fc.property(valueArb(t), valueArb(t), (a, b) => {
        for (const op of BIN_OPS) {
          expectOutcome(t, run(h, op, [toJs(t, a), toJs(t, b)]), model(op, t, a, b), `${op}(${a}, ${b})`);
        }
        for (const c of CMPS) {
          const want = c === 'lt' ? a < b : c === 'lte' ? a <= b : c === 'eq' ? a === b : c === 'gte' ? a >= b : c === 'gt' ? a > b : a !== b;
          expectOutcome(t, run(h, `cmp_${c}`, [toJs(t, a), toJs(t, b)]), want, `cmp_${c}(${a}, ${b})`);
        }
        const sum = a + b;
        if (fits(t, sum)) expectOutcome(t, run(h, 'add_unchecked', [toJs(t, a), toJs(t, b)]), sum, 'unchecked add');
      }),
      { numRuns: 150 },
    );
  });

  test('bitnot, memory round trip and intcast to every width', async () => {
    const h = await harness;
    fc.assert(
      fc.property(valueArb(t), (a) => {
        expectOutcome(t, run(h, 'bitnot', [toJs(t, a)]), wrapTo(t, ~a), `bitnot(${a})`);
        expectOutcome(t, run(h, 'mem', [toJs(t, a)]), a, `mem(${a})`);
        TYPES.forEach((u, i) => {
          expectOutcome(u, run(h, `cast${i}`, [toJs(t, a)]), fits(u, a) ? a : CAST, `intcast ${t.name} -> ${u.name} of ${a}`);
        });
      }),
      { numRuns: 100 },
    );
  });
});
