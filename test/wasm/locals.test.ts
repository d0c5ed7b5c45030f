// Reuse of wasm locals by liveness: the local count of a function follows what is live at
// once (engines refuse a function with more than 50,000 locals), and reuse never clobbers
// a value that a loop's back edge or a block's `br` still needs.

import { describe, expect, test } from 'vitest';
import type { AirFunction, AirRef } from '../../src/sema/air.js';
import { generateFunction } from '../../src/codegen/wasm/codegen.js';
import { WasmLinker } from '../../src/link/wasm/WasmLinker.js';
import { buildFn, fnType, u32, u64, VOID } from './air_builder.js';
import { expectValidModule, instantiate, type Harness, linkAndInstantiate } from './wasm_check.js';

const link = linkAndInstantiate;

/** Number of locals (parameters excluded) a generated body declares. */
function localCount(func: AirFunction): number {
  const body = generateFunction(func).body;
  let at = 0;
  const uleb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = body[at++]!;
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) return result;
    }
  };
  let total = 0;
  for (let runs = uleb(); runs > 0; runs--) {
    total += uleb();
    at++; // value type
  }
  return total;
}

const unary = fnType([u32], u32, 'C');

/** x ^ 1, + 3, ^ 3, + 1 … chained `n` times, in u32 and (every fourth value) u64. */
function chain(n: number): AirFunction {
  return buildFn('chain', unary, (b) => {
    let v: AirRef = b.arg(0);
    for (let i = 0; i < n; i++) {
      if (i % 4 === 3) {
        const wide = b.intcast(u64, v);
        v = b.intcast(u32, b.wrap('addwrap', u64, wide, b.int(u64, 1)), false);
      } else {
        v = b.wrap(i % 2 ? 'addwrap' : 'xor', u32, v, b.int(u32, i % 3 === 0 ? 1 : 3));
      }
    }
    b.ret(v);
  });
}

function chainReference(x: number, n: number): number {
  let v = x >>> 0;
  for (let i = 0; i < n; i++) {
    if (i % 4 === 3) v = (v + 1) >>> 0;
    else v = (i % 2 ? v + (i % 3 === 0 ? 1 : 3) : v ^ (i % 3 === 0 ? 1 : 3)) >>> 0;
  }
  return v;
}

describe('wasm locals are reused once their value is dead', () => {
  test('a chain of 60,000 values needs a handful of locals, and still computes the same', async () => {
    const f = chain(60_000);
    expect(localCount(f)).toBeLessThan(16);
    const h = await link([f]);
    expect((h.call('chain', 12345) as number) >>> 0).toBe(chainReference(12345, 60_000));
  });

  test('a value defined before a loop keeps its local through every iteration', async () => {
    // k is read at the top of the body; later in the body new values are defined. Were k's
    // local freed after its last use in the body, they would overwrite it before the next
    // iteration reads k again.
    const f = buildFn('steps', fnType([u32, u32], u32, 'C'), (b) => {
      const x = b.arg(0);
      const n = b.arg(1);
      const k = b.wrap('mulwrap', u32, x, b.int(u32, 3));
      const i = b.alloc(u32);
      const acc = b.alloc(u32);
      b.store(i, b.int(u32, 0));
      b.store(acc, b.int(u32, 0));
      b.block(VOID, (out) => {
        b.loop(() => {
          const withK = b.wrap('addwrap', u32, b.load(u32, acc), k);
          const iv = b.load(u32, i);
          let t: AirRef = b.wrap('xor', u32, iv, b.int(u32, 7));
          for (let j = 0; j < 5; j++) t = b.wrap('addwrap', u32, t, b.int(u32, j));
          b.store(acc, b.wrap('addwrap', u32, withK, t));
          const next = b.wrap('addwrap', u32, iv, b.int(u32, 1));
          b.store(i, next);
          b.block(VOID, (again) => b.condbr(b.cmp('gte', next, n), () => b.br(out, null), () => b.br(again, null)));
        });
      });
      b.ret(b.load(u32, acc));
    });
    let acc = 0;
    for (let i = 0; i < 10; i++) acc = (acc + 5 * 3 + ((i ^ 7) + 0 + 1 + 2 + 3 + 4)) >>> 0;
    const h = await link([f]);
    expect(h.call('steps', 5, 10)).toBe(acc);
  });

  test('the local of a block nobody reads is not handed out before its br writes it', async () => {
    const f = buildFn('pick', unary, (b) => {
      const x = b.arg(0);
      let w: AirRef = x;
      b.block(u32, (self) => {
        w = b.wrap('mulwrap', u32, x, b.int(u32, 5));
        b.condbr(b.cmp('gt', x, b.int(u32, 10)), () => b.br(self, b.int(u32, 1)), () => b.br(self, b.int(u32, 2)));
      });
      b.ret(w);
    });
    const h = await link([f]);
    expect(h.call('pick', 7)).toBe(35);
    expect(h.call('pick', 70)).toBe(350);
  });
});
