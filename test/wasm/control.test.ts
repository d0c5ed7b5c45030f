// Control flow, calls, stack frames and memory addressing of the wasm backend, run
// directly in the engine with JS stand-ins for the WASI imports.

import { describe, expect, test } from 'vitest';
import type { AirFunction, DataAtom, SymbolTarget } from '../../src/sema/air.js';
import { WasmLinker } from '../../src/link/wasm/WasmLinker.js';
import {
  arrayOf, BOOL, buildFn, fnType, i32, NORETURN, ptrTo, u32, u64, u8, usize, VOID, type FnBuilder,
} from './air_builder.js';
import { ExitSignal, expectValidModule, instantiate, type Harness, linkAndInstantiate } from './wasm_check.js';
import { openWasmLinker } from '../support/air_linker.js';

const decl = (name: string): SymbolTarget => ({ kind: 'decl', name });

const link = linkAndInstantiate;

const binU32 = fnType([u32, u32], u32, 'C');

/** `block` whose value comes from `br` in either arm of a `condbr`. */
const maxFn = buildFn('max', binU32, (b) => {
  const a = b.arg(0);
  const c = b.arg(1);
  const blk = b.block(u32, (self) => {
    b.condbr(b.cmp('gt', a, c), () => b.br(self, a), () => b.br(self, c));
  });
  b.ret(blk);
});

/** sum of 1..n with a loop, counters in stack slots (u64 accumulator). */
const sumFn = buildFn('sum', fnType([u32], u64, 'C'), (b) => {
  const n = b.arg(0);
  const i = b.alloc(u32);
  const acc = b.alloc(u64);
  b.store(i, b.int(u32, 1));
  b.store(acc, b.int(u64, 0));
  b.block(VOID, (out) => {
    b.loop(() => {
      const iv = b.load(u32, i);
      b.block(VOID, (next) => {
        b.condbr(b.cmp('gt', iv, n), () => b.br(out, null), () => {
          const wide = b.emit({ op: 'intcast', type: u64, operand: iv, safe: true });
          b.store(acc, b.bin('add', u64, b.load(u64, acc), wide));
          b.store(i, b.bin('add', u32, iv, b.int(u32, 1)));
          b.br(next, null);
        });
      });
    });
  });
  b.ret(b.load(u64, acc));
});

/** Loop body that falls off its end, with the condbr nested in a void block. */
const countFn = buildFn('count', fnType([u32], u32, 'C'), (b) => {
  const n = b.arg(0);
  const i = b.alloc(u32);
  b.store(i, b.int(u32, 0));
  const out = b.block(VOID, (exit) => {
    b.loop(() => {
      b.block(VOID, (next) => {
        b.condbr(b.cmp('gte', b.load(u32, i), n), () => b.br(exit, null), () => b.br(next, null));
      });
      b.store(i, b.bin('add', u32, b.load(u32, i), b.int(u32, 1)));
    });
  });
  void out;
  b.ret(b.load(u32, i));
});

/** br from three wasm labels deep to the outermost block, with a value. */
const deepFn = buildFn('deep', fnType([u32], u32, 'C'), (b) => {
  const x = b.arg(0);
  const outer = b.block(u32, (o) => {
    const mid = b.block(u32, (m) => {
      b.condbr(
        b.cmp('eq', x, b.int(u32, 0)),
        () => b.br(o, b.int(u32, 100)),
        () => b.condbr(b.cmp('eq', x, b.int(u32, 1)), () => b.br(m, b.int(u32, 200)), () => b.br(o, b.int(u32, 300))),
      );
    });
    b.br(o, b.bin('add', u32, mid, b.int(u32, 1)));
  });
  b.ret(outer);
});

const fibFn = buildFn('fib', fnType([u32], u32, 'C'), (b) => {
  const n = b.arg(0);
  b.condbr(
    b.cmp('lt', n, b.int(u32, 2)),
    () => b.ret(n),
    () => {
      const f = fnType([u32], u32, 'C');
      const x = b.callSym(decl('fib'), f, [b.bin('sub', u32, n, b.int(u32, 1))]);
      const y = b.callSym(decl('fib'), f, [b.bin('sub', u32, n, b.int(u32, 2))]);
      b.ret(b.bin('add', u32, x, y));
    },
  );
});

const parityTy = fnType([u32], BOOL, 'C');
const evenFn = buildFn('is_even', parityTy, (b) => {
  const n = b.arg(0);
  b.condbr(b.cmp('eq', n, b.int(u32, 0)), () => b.ret(b.int(BOOL, true)), () =>
    b.ret(b.callSym(decl('is_odd'), parityTy, [b.bin('sub', u32, n, b.int(u32, 1))])));
});
const oddFn = buildFn('is_odd', parityTy, (b) => {
  const n = b.arg(0);
  b.condbr(b.cmp('eq', n, b.int(u32, 0)), () => b.ret(b.int(BOOL, false)), () =>
    b.ret(b.callSym(decl('is_even'), parityTy, [b.bin('sub', u32, n, b.int(u32, 1))])));
});

describe('structured control flow', () => {
  test('a block takes its value from the br that leaves it', async () => {
    const h = await link([maxFn]);
    expect(h.call('max', 3, 9)).toBe(9);
    expect(h.call('max', 9, 3)).toBe(9);
    expect(h.call('max', -1, 3) >>> 0).toBe(0xffffffff);
  });

  test('a loop repeats until a br leaves the enclosing block', async () => {
    const h = await link([sumFn, countFn]);
    expect(h.call('sum', 100)).toBe(5050n);
    expect(h.call('sum', 0)).toBe(0n);
    expect(h.call('count', 37)).toBe(37);
  });

  test('br computes its depth through nested blocks and ifs', async () => {
    const h = await link([deepFn]);
    expect(h.call('deep', 0)).toBe(100);
    expect(h.call('deep', 1)).toBe(201);
    expect(h.call('deep', 2)).toBe(300);
  });

  test('bool ops: and, or, not', async () => {
    const f = buildFn('logic', fnType([BOOL, BOOL], u32, 'C'), (b) => {
      const a = b.arg(0);
      const c = b.arg(1);
      const and = b.emit({ op: 'intcast', type: u32, operand: b.wrap('booland', BOOL, a, c), safe: false });
      const or = b.emit({ op: 'intcast', type: u32, operand: b.wrap('boolor', BOOL, a, c), safe: false });
      const not = b.emit({ op: 'intcast', type: u32, operand: b.emit({ op: 'boolnot', type: BOOL, operand: a }), safe: false });
      const r = b.wrap('bitor', u32, and, b.wrap('bitor', u32, b.bin('shl', u32, or, b.int(u32, 1)), b.bin('shl', u32, not, b.int(u32, 2))));
      b.ret(r);
    });
    const h = await link([f]);
    expect(h.call('logic', 0, 0)).toBe(0b100);
    expect(h.call('logic', 1, 0)).toBe(0b010);
    expect(h.call('logic', 0, 1)).toBe(0b110);
    expect(h.call('logic', 1, 1)).toBe(0b011);
  });
});

describe('calls', () => {
  test('direct recursion and mutual recursion', async () => {
    const h = await link([fibFn, evenFn, oddFn]);
    expect(h.call('fib', 20)).toBe(6765);
    expect(h.call('is_even', 10)).toBe(1);
    expect(h.call('is_odd', 7)).toBe(1);
    expect(h.call('is_even', 7)).toBe(0);
  });

  test('indirect calls through function values (table indices), from code and from data', async () => {
    const unary = fnType([u32], u32, 'C');
    const double = buildFn('double', unary, (b) => b.ret(b.bin('mul', u32, b.arg(0), b.int(u32, 2))));
    const square = buildFn('square', unary, (b) => b.ret(b.bin('mul', u32, b.arg(0), b.arg(0))));
    const apply = buildFn('apply', fnType([unary, u32], u32, 'C'), (b) => b.ret(b.call(b.arg(0), unary, [b.arg(1)])));
    const table: DataAtom = {
      name: 'ops', bytes: new Uint8Array(8), align: 4, section: 'rodata',
      relocs: [{ offset: 0, target: decl('double'), addend: 0 }, { offset: 4, target: decl('square'), addend: 0 }],
    };
    const viaData = buildFn('via_data', fnType([u32, u32], u32, 'C'), (b) => {
      const base = b.addr(ptrTo(arrayOf(2, unary)), decl('ops'));
      const slot = b.emit({ op: 'elemptr', type: ptrTo(unary), ptr: base, index: b.arg(0), elemSize: 4 });
      b.ret(b.call(b.load(unary, slot), unary, [b.arg(1)]));
    });
    const viaCode = buildFn('via_code', fnType([u32], u32, 'C'), (b) =>
      b.ret(b.callSym(decl('apply'), fnType([unary, u32], u32, 'C'), [b.addr(unary, decl('square')), b.arg(0)])));
    const h = await link([double, square, apply, viaData, viaCode], [table]);
    expect(h.call('via_data', 0, 21)).toBe(42);
    expect(h.call('via_data', 1, 12)).toBe(144);
    expect(h.call('via_code', 5)).toBe(25);
    // Table index 0 is the null function pointer: calling it traps.
    expect(() => h.call('apply', 0, 1)).toThrow(WebAssembly.RuntimeError);
  });

  test('extern functions are imports (lib defaults to env) and zero-bit arguments are dropped', async () => {
    const hostTy = fnType([i32, VOID, i32], i32, 'C');
    const f = buildFn('use_host', fnType([i32], i32, 'C'), (b) => {
      const none = b.constant(VOID, { kind: 'none' });
      b.ret(b.callSym({ kind: 'extern', name: 'host_sub', lib: 'env' }, hostTy, [b.arg(0), none, b.int(i32, 5)]));
    });
    const h = await link([f], [], { host_sub: (a: number, c: number) => a - c });
    expect(h.call('use_host', 3)).toBe(-2);
  });
});

describe('stack frames and memory', () => {
  test('frames are freed on return (a leak would run the shadow stack out of memory)', async () => {
    const big = buildFn('big_frame', fnType([u32], u32, 'C'), (b) => {
      const slot = b.alloc(arrayOf(4096, u8));
      const p = b.emit({ op: 'elemptr', type: ptrTo(u8), ptr: slot, index: b.int(usize, 4095), elemSize: 1 });
      b.store(p, b.int(u8, 7));
      b.ret(b.bin('add', u32, b.arg(0), b.emit({ op: 'intcast', type: u32, operand: b.load(u8, p), safe: true })));
    });
    const loop = buildFn('many_calls', fnType([u32], u32, 'C'), (b) => {
      const i = b.alloc(u32);
      const acc = b.alloc(u32);
      b.store(i, b.int(u32, 0));
      b.store(acc, b.int(u32, 0));
      b.block(VOID, (exit) => {
        b.loop(() => {
          b.block(VOID, (next) => b.condbr(b.cmp('gte', b.load(u32, i), b.arg(0)), () => b.br(exit, null), () => b.br(next, null)));
          b.store(acc, b.callSym(decl('big_frame'), fnType([u32], u32, 'C'), [b.load(u32, acc)]));
          b.store(i, b.bin('add', u32, b.load(u32, i), b.int(u32, 1)));
        });
      });
      b.ret(b.load(u32, acc));
    });
    const h = await link([big, loop]);
    expect(h.call('many_calls', 10000)).toBe(70000);
  });

  test('stack slots are aligned to their type and frames to 16 bytes', async () => {
    const f = buildFn('slots', fnType([], u32, 'C'), (b) => {
      const a = b.alloc(u8);
      const c = b.alloc(u64);
      const pa = b.emit({ op: 'ptrtoint', type: usize, operand: a });
      const pc = b.emit({ op: 'ptrtoint', type: usize, operand: c });
      // (pa % 16) | (pc % 8) << 8 | (pc - pa) << 16
      const r = b.wrap('bitor', u32, b.bin('rem', u32, pa, b.int(u32, 16)),
        b.wrap('bitor', u32, b.bin('shl', u32, b.bin('rem', u32, pc, b.int(u32, 8)), b.int(u32, 8)),
          b.bin('shl', u32, b.bin('sub', u32, pc, pa), b.int(u32, 16))));
      b.ret(r);
    });
    const h = await link([f]);
    expect(h.call('slots')).toBe(8 << 16);
  });

  test('elemptr, offsetptr, bitcast and data relocations address memory', async () => {
    const words: DataAtom = { name: 'words', bytes: new Uint8Array(new Uint32Array([10, 20, 30, 40]).buffer), align: 4, section: 'rodata', relocs: [] };
    const slice: DataAtom = { name: 'slice', bytes: new Uint8Array([0, 0, 0, 0, 3, 0, 0, 0]), align: 4, section: 'data', relocs: [{ offset: 0, target: decl('words'), addend: 4 }] };
    const f = buildFn('sum_slice', fnType([], u32, 'C'), (b) => {
      const s = b.addr(ptrTo(u32), decl('slice'));
      const lenPtr = b.emit({ op: 'offsetptr', type: ptrTo(u32), ptr: s, offset: 4 });
      const ptr = b.load(ptrTo(u32, 'many'), b.emit({ op: 'bitcast', type: ptrTo(ptrTo(u32, 'many')), operand: s }));
      const len = b.load(u32, lenPtr);
      const at = (k: number) => b.load(u32, b.emit({ op: 'elemptr', type: ptrTo(u32), ptr, index: b.int(usize, k), elemSize: 4 }));
      b.ret(b.bin('add', u32, b.bin('mul', u32, len, b.int(u32, 1000)), b.bin('add', u32, at(0), b.bin('add', u32, at(1), at(2)))));
    });
    const g = buildFn('slice_ptr_matches', fnType([], BOOL, 'C'), (b) => {
      const s = b.addr(ptrTo(usize), decl('slice'));
      const stored = b.load(usize, s);
      const direct = b.emit({ op: 'ptrtoint', type: usize, operand: b.addr(ptrTo(u32), decl('words'), 4) });
      b.ret(b.cmp('eq', stored, direct));
    });
    const h = await link([f, g], [words, slice]);
    expect(h.call('sum_slice')).toBe(3000 + 20 + 30 + 40);
    expect(h.call('slice_ptr_matches')).toBe(1);
  });

  test('bss atoms are zero and writable', async () => {
    const counter: DataAtom = { name: 'counter', bytes: new Uint8Array(8), align: 8, section: 'bss', relocs: [] };
    const f = buildFn('bump', fnType([], u64, 'C'), (b) => {
      const p = b.addr(ptrTo(u64), decl('counter'));
      b.store(p, b.bin('add', u64, b.load(u64, p), b.int(u64, 5)));
      b.ret(b.load(u64, p));
    });
    const h = await link([f], [counter]);
    expect(h.call('bump')).toBe(5n);
    expect(h.call('bump')).toBe(10n);
  });
});

describe('unreachable and breakpoint', () => {
  const build = (name: string, fill: (b: FnBuilder) => void) => buildFn(name, fnType([], VOID, 'C'), fill);

  test('checked unreachable panics; unchecked unreachable and breakpoint trap', async () => {
    const h = await link([
      build('checked', (b) => b.emit({ op: 'unreachable', type: NORETURN, safe: true })),
      build('unchecked', (b) => b.emit({ op: 'unreachable', type: NORETURN, safe: false })),
      build('brk', (b) => b.emit({ op: 'breakpoint', type: VOID }) && b.retvoid()),
    ]);
    const r = h.call('checked');
    expect(r).toBeInstanceOf(ExitSignal);
    expect((r as ExitSignal).code).toBe(134);
    expect(h.stderr.join('')).toBe('panic: reached unreachable code\n');
    expect(() => (h.exports.unchecked as () => void)()).toThrow(WebAssembly.RuntimeError);
    expect(() => (h.exports.brk as () => void)()).toThrow(WebAssembly.RuntimeError);
  });

  test('a noreturn call ends a body', async () => {
    const f = buildFn('bye', fnType([u32], NORETURN, 'C'), (b) => {
      b.callSym({ kind: 'extern', name: 'proc_exit', lib: 'wasi_snapshot_preview1' }, fnType([u32], NORETURN, 'C'), [b.arg(0)]);
    });
    const h = await link([f]);
    expect((h.call('bye', 42) as ExitSignal).code).toBe(42);
  });
});

describe('reinterpretation, comparisons of non-integers, constants', () => {
  test('bitcast re-normalizes between signednesses and converts pointers and integers', async () => {
    const i8t = { kind: 'int', signed: true, bits: 8, name: 'i8' } as const;
    const toI8 = buildFn('to_i8', fnType([u8], i32, 'C'), (b) =>
      b.ret(b.emit({ op: 'intcast', type: i32, operand: b.emit({ op: 'bitcast', type: i8t, operand: b.arg(0) }), safe: true })));
    const roundTrip = buildFn('ptr_round_trip', fnType([usize], usize, 'C'), (b) => {
      const p = b.emit({ op: 'bitcast', type: ptrTo(u32), operand: b.arg(0) });
      const q = b.emit({ op: 'offsetptr', type: ptrTo(u32), ptr: p, offset: 8 });
      b.ret(b.emit({ op: 'ptrtoint', type: usize, operand: q }));
    });
    const h = await link([toI8, roundTrip]);
    expect(h.call('to_i8', 200)).toBe(-56);
    expect(h.call('to_i8', 127)).toBe(127);
    expect(h.call('ptr_round_trip', 4096)).toBe(4104);
  });

  test('pointers and bools compare; undef constants materialize', async () => {
    const ptrs = buildFn('ptr_order', fnType([], u32, 'C'), (b) => {
      const a = b.alloc(arrayOf(4, u32));
      const p0 = b.emit({ op: 'elemptr', type: ptrTo(u32), ptr: a, index: b.int(usize, 0), elemSize: 4 });
      const p2 = b.emit({ op: 'elemptr', type: ptrTo(u32), ptr: a, index: b.int(usize, 2), elemSize: 4 });
      const lt = b.emit({ op: 'intcast', type: u32, operand: b.cmp('lt', p0, p2), safe: false });
      const eq = b.emit({ op: 'intcast', type: u32, operand: b.cmp('eq', p0, p0), safe: false });
      const neq = b.emit({ op: 'intcast', type: u32, operand: b.cmp('neq', b.cmp('eq', p0, p2), b.int(BOOL, false)), safe: false });
      b.ret(b.wrap('bitor', u32, lt, b.wrap('bitor', u32, b.bin('shl', u32, eq, b.int(u32, 1)), b.bin('shl', u32, neq, b.int(u32, 2)))));
    });
    const undef = buildFn('undef_store', fnType([], u32, 'C'), (b) => {
      const slot = b.alloc(u32);
      b.store(slot, b.constant(u32, { kind: 'undef' }));
      b.store(slot, b.int(u32, 9));
      b.ret(b.load(u32, slot));
    });
    const h = await link([ptrs, undef]);
    expect(h.call('ptr_order')).toBe(0b011);
    expect(h.call('undef_store')).toBe(9);
  });

  test('inline assembly is refused by the wasm32 code generator', () => {
    const f = buildFn('asm', fnType([], VOID, 'C'), (b) => {
      b.emit({ op: 'asm', type: VOID, source: 'nop', isVolatile: true, output: null, inputs: [], clobbers: [], args: [] });
      b.retvoid();
    });
    expect(() => openWasmLinker('/dev/null').updateFunc(f)).toThrow(/inline assembly is not supported on wasm32/);
  });
});
