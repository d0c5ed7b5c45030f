// The wasm linker as a Linker: module structure, liveness of imports and runtime
// routines, incremental updates equal to fresh builds, generation counts, file writing.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { AirFunction, DataAtom, SymbolTarget } from '../../src/sema/air.js';
import { OutputWriteError, type ExportEntry } from '../../src/link/Linker.js';
import { LinkError, WasmLinker } from '../../src/link/wasm/WasmLinker.js';
import {
  buildFn, FD_WRITE_TY, fdWrite, fnType, NORETURN, PROC_EXIT_TY, procExit, stringAtom, u32, u8, usize, VOID,
} from './air_builder.js';
import { expectValidModule, instantiate, wasmToWat } from './wasm_check.js';
import { openWasmLinker } from '../support/air_linker.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-wasm-linker-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const decl = (name: string): SymbolTarget => ({ kind: 'decl', name });

const entry = (name = 'entry') =>
  buildFn(name, fnType([], NORETURN, 'C'), (b) => {
    b.write(1, b.addr(usize, decl('msg')), b.int(usize, 3));
    b.callSym(procExit, PROC_EXIT_TY, [b.int(u32, 0)]);
  });
const incFn = (safe: boolean) =>
  buildFn('inc', fnType([u8], u8), (b) => b.ret(safe ? b.bin('add', u8, b.arg(0), b.int(u8, 1)) : b.wrap('addwrap', u8, b.arg(0), b.int(u8, 1))));
/** `name(x) = x + k`, calling `callee` first when given. */
const leaf = (name: string, k: number, callee?: string) =>
  buildFn(name, fnType([u32], u32), (b) => {
    const x = callee ? b.callSym(decl(callee), fnType([u32], u32), [b.arg(0)]) : b.arg(0);
    b.ret(b.bin('add', u32, x, b.int(u32, k)));
  });

function fresh(funcs: Iterable<AirFunction>, data: Iterable<DataAtom>, exports: ExportEntry[]): Uint8Array {
  const l = openWasmLinker(path.join(tmp, 'fresh.wasm'));
  for (const d of data) l.updateData(d);
  for (const f of funcs) l.updateFunc(f);
  l.updateExports(exports);
  const bytes = l.buildModule();
  l.close();
  return bytes;
}

async function callInc(bytes: Uint8Array, x: number): Promise<unknown> {
  return (await instantiate(bytes)).call('inc', x);
}

/** What each export returns for `x` (or that it traps), the module's observable behaviour here. */
async function exportResults(bytes: Uint8Array, names: readonly string[], x: number): Promise<string[]> {
  const h = await instantiate(bytes);
  return names.map((n) => {
    try {
      return String(h.call(n, x));
    } catch (e) {
      return e instanceof WebAssembly.RuntimeError ? 'trap' : `error ${String(e)}`;
    }
  });
}

describe('module structure', () => {
  test('exports _start and memory, imports WASI functions once, names every function', () => {
    const l = openWasmLinker(path.join(tmp, 'a.wasm'));
    l.updateData(stringAtom('msg', 'hi\n'));
    l.updateFunc(entry());
    l.updateFunc(incFn(true));
    const user = buildFn('user', fnType([], VOID), (b) => {
      // fd_write as a function value: stored, loaded back and called indirectly.
      const slot = b.alloc(FD_WRITE_TY);
      b.store(slot, b.addr(FD_WRITE_TY, fdWrite));
      b.call(b.load(FD_WRITE_TY, slot), FD_WRITE_TY, [b.int(u32, 1), b.int(usize, 0), b.int(usize, 0), b.int(usize, 0)]);
      b.callSym(decl('inc'), fnType([u8], u8), [b.int(u8, 1)]);
      b.retvoid();
    });
    l.updateFunc(user);
    l.updateExports([{ symbolName: '_start', declName: 'entry' }, { symbolName: 'user', declName: 'user' }]);
    const bytes = l.buildModule();
    expectValidModule(bytes);
    const mod = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.exports(mod)).toEqual([
      { name: 'memory', kind: 'memory' },
      { name: '_start', kind: 'function' },
      { name: 'user', kind: 'function' },
    ]);
    expect(WebAssembly.Module.imports(mod)).toEqual([
      { module: 'wasi_snapshot_preview1', name: 'fd_write', kind: 'function' },
      { module: 'wasi_snapshot_preview1', name: 'proc_exit', kind: 'function' },
    ]);
    const wat = wasmToWat(bytes);
    // Types are deduplicated: () -> (), (i32) -> i32, (i32 i32 i32 i32) -> i32, (i32) -> ().
    expect(wat.match(/\(type \$t\d+ \(func/g)).toHaveLength(4);
    for (const name of ['$entry', '$inc', '$user', '$__zirc_panic_integer_overflow', '$fd_write', '$proc_exit', '$__stack_pointer'])
      expect(wat).toContain(name);
    // The stack comes first: __stack_pointer starts at 1 MiB and data lies above it.
    expect(wat).toMatch(/\(global \$__stack_pointer \(mut i32\) \(i32\.const 1048576\)\)/);
    // (The block has room to grow: zeros follow the string.)
    expect(wat).toMatch(/\(data \$?\S*\s*\(i32\.const 1048576\) "hi\\0a(\\00)*"\)/);
    // The user took fd_write's address: it sits in the table after the null entry.
    expect(wat).toMatch(/\(elem .*\(i32\.const 1\) func \$fd_write\)/);
  });

  test('runtime panic routines and their imports are linked exactly while referenced', async () => {
    const l = openWasmLinker(path.join(tmp, 'b.wasm'));
    const start = buildFn('entry', fnType([], VOID, 'C'), (b) => {
      b.callSym(decl('inc'), fnType([u8], u8), [b.int(u8, 1)]);
      b.retvoid();
    });
    l.updateFunc(start);
    l.updateFunc(incFn(true));
    l.updateExports([{ symbolName: '_start', declName: 'entry' }, { symbolName: 'inc', declName: 'inc' }]);
    const checked = l.buildModule();
    expect(WebAssembly.Module.imports(new WebAssembly.Module(checked)).map((i) => i.name)).toEqual(['fd_write', 'proc_exit']);
    expect(wasmToWat(checked)).toContain('__zirc_panic_integer_overflow');
    l.updateFunc(incFn(false));
    // Patched in place: the panic routine's slot is freed (a trapping body), its imports stay
    // until a compaction (taking them out would shift every function index).
    const wrapping = l.buildModule();
    expectValidModule(wrapping);
    expect(await callInc(wrapping, 255)).toBe(0);
    const compacted = l.freshModule();
    expect(WebAssembly.Module.imports(new WebAssembly.Module(compacted))).toEqual([]);
    expect(wasmToWat(compacted)).not.toContain('__zirc_panic');
    expect(compacted).toEqual(fresh([start, incFn(false)], [], [{ symbolName: '_start', declName: 'entry' }, { symbolName: 'inc', declName: 'inc' }]));
    l.updateFunc(incFn(true));
    expect(l.buildModule()).toEqual(checked);
  });

  test('two declarations of one import with different types stay valid, distinct imports', () => {
    const a = fnType([u32], u32, 'C');
    const b2 = fnType([u32, u32], u32, 'C');
    const host = { kind: 'extern', name: 'host', lib: 'env' } as const;
    const f = buildFn('f', fnType([], u32, 'C'), (b) =>
      b.ret(b.bin('add', u32, b.callSym(host, a, [b.int(u32, 1)]), b.callSym(host, b2, [b.int(u32, 1), b.int(u32, 2)]), false)));
    const bytes = fresh([f], [], [{ symbolName: 'f', declName: 'f' }]);
    expectValidModule(bytes);
    expect(WebAssembly.Module.imports(new WebAssembly.Module(bytes))).toHaveLength(2);
  });
});

describe('incremental updates', () => {
  test('an edited body is patched in its slot; the module behaves as a fresh build', async () => {
    const out = path.join(tmp, 'inc.wasm');
    const l = openWasmLinker(out);
    const funcs = new Map<string, AirFunction>();
    const put = (f: AirFunction) => {
      funcs.set(f.name, f);
      l.updateFunc(f);
    };
    for (let i = 0; i < 50; i++) put(leaf(`f${i}`, i, i > 0 ? `f${i - 1}` : undefined));
    const exports = [{ symbolName: 'top', declName: 'f49' }];
    l.updateExports(exports);
    expect(l.flush().fullWrite).toBe(true);
    expect(l.flush()).toEqual({ bytesWritten: 0, fullWrite: false });
    put(leaf('f10', 1000, 'f9'));
    const report = l.flush();
    expect(report.fullWrite).toBe(false);
    expect(report.bytesWritten).toBeLessThan(64);
    const written = new Uint8Array(fs.readFileSync(out));
    expect(written).toEqual(l.buildModule());
    expectValidModule(written);
    const clean = fresh(funcs.values(), [], exports);
    expect(await exportResults(written, ['top'], 1)).toEqual(await exportResults(clean, ['top'], 1));
    // A body that outgrows its slot moves to a new one (a new index): its callers are patched.
    put(buildFn('f10', fnType([u32], u32), (b) => {
      let x = b.callSym(decl('f9'), fnType([u32], u32), [b.arg(0)]);
      for (let k = 0; k < 40; k++) x = b.bin('add', u32, x, b.int(u32, 1000 + k));
      b.ret(x);
    }));
    put(leaf('g', 5, 'f49'));
    l.updateExports([...exports, { symbolName: 'g', declName: 'g' }]);
    const moved = l.flush();
    expect(moved.fullWrite).toBe(false);
    expect(l.lastLayoutReason).toBe('the first layout');
    const after = new Uint8Array(fs.readFileSync(out));
    expectValidModule(after);
    const clean2 = fresh(funcs.values(), [], [...exports, { symbolName: 'g', declName: 'g' }]);
    expect(await exportResults(after, ['top', 'g'], 3)).toEqual(await exportResults(clean2, ['top', 'g'], 3));
    expect(l.freshModule()).toEqual(clean2);
    l.close();
  });

  test('random sequences of edits, deletions, data changes and export changes match fresh builds', async () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    type Edit =
      | { kind: 'func'; name: string; k: number; callee: string | null; safe: boolean }
      | { kind: 'data'; name: string; text: string; section: 'rodata' | 'data' | 'bss' }
      | { kind: 'delete'; name: string }
      | { kind: 'exports'; which: string[] };
    const edit: fc.Arbitrary<Edit> = fc.oneof(
      fc.record({ kind: fc.constant('func' as const), name: fc.constantFrom(...names), k: fc.integer({ min: 0, max: 9 }), callee: fc.option(fc.constantFrom(...names)), safe: fc.boolean() }),
      fc.record({ kind: fc.constant('data' as const), name: fc.constantFrom('s1', 's2', 's3'), text: fc.string({ maxLength: 12 }), section: fc.constantFrom('rodata' as const, 'data' as const, 'bss' as const) }),
      fc.record({ kind: fc.constant('delete' as const), name: fc.constantFrom(...names, 's2', 's3') }),
      fc.record({ kind: fc.constant('exports' as const), which: fc.subarray(names) }),
    );
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 25 }), async (edits) => {
        const l = openWasmLinker(path.join(tmp, 'rand.wasm'));
        const funcs = new Map<string, AirFunction>();
        const data = new Map<string, DataAtom>([['s1', stringAtom('s1', 'first')]]);
        const text = (e: { name: string; text: string }) => (e.name === 's1' ? `${e.text}....` : e.text);
        l.updateData(data.get('s1')!);
        let exports: ExportEntry[] = [];
        const seed: Edit[] = names.map((name, k) => ({ kind: 'func', name, k, callee: null, safe: true }));
        for (const e of [...seed, ...edits]) {
          if (e.kind === 'func') {
            const f = buildFn(e.name, fnType([u32], u32), (b) => {
              const x = e.callee ? b.callSym(decl(e.callee), fnType([u32], u32), [b.arg(0)]) : b.arg(0);
              // s1's first word, not its address: addresses differ between a patched and a fresh layout.
              const p = b.load(u32, b.addr(usize, decl('s1')));
              b.ret(b.bin('add', u32, b.bin('add', u32, x, p, e.safe), b.int(u32, e.k), e.safe));
            });
            data.delete(e.name);
            funcs.set(e.name, f);
            l.updateFunc(f);
          } else if (e.kind === 'data') {
            const atom = stringAtom(e.name, text(e), e.name === 's1' ? 'rodata' : e.section);
            if (e.section === 'bss') atom.bytes.fill(0);
            funcs.delete(e.name);
            data.set(e.name, atom);
            l.updateData(atom);
          } else if (e.kind === 'delete') {
            funcs.delete(e.name);
            data.delete(e.name);
            l.deleteSymbol(e.name);
          } else {
            exports = e.which.map((n) => ({ symbolName: `x_${n}`, declName: n }));
            l.updateExports(exports);
          }
          // Link whenever everything referenced is defined (as Compilation does).
          const live = [...funcs.values()];
          const defined = (n: string) => funcs.has(n) || data.has(n);
          const complete = live.every((f) => f.insts.every((i) => i.op !== 'const' || i.value.kind !== 'addr' || i.value.target.kind !== 'decl' || defined(i.value.target.name)))
            && exports.every((x) => funcs.has(x.declName));
          if (!complete) {
            expect(() => l.buildModule()).toThrow(LinkError);
            continue;
          }
          const incremental = l.buildModule();
          expectValidModule(incremental);
          const clean = fresh(funcs.values(), data.values(), exports);
          const names = exports.map((x) => x.symbolName);
          expect(await exportResults(incremental, names, 7)).toEqual(await exportResults(clean, names, 7));
          compared++;
        }
        // The object itself is the fresh build's: laid out afresh, the bytes are equal.
        if (exports.every((x) => funcs.has(x.declName)) && [...funcs.values()].length > 0) {
          try {
            expect(l.freshModule()).toEqual(fresh(funcs.values(), data.values(), exports));
          } catch (err) {
            if (!(err instanceof LinkError)) throw err;
          }
        }
        l.close();
      }),
      { numRuns: 60 },
    );
    // The generator must reach linkable states often, or the property says little.
    expect(compared).toBeGreaterThan(300);
  });

  test('a symbol can change from function to data and back', async () => {
    const l = openWasmLinker(path.join(tmp, 'kind.wasm'));
    l.updateFunc(leaf('x', 1));
    l.updateData(stringAtom('x', 'now data'));
    const user = buildFn('user', fnType([], u32, 'C'), (b) => b.ret(b.emit({ op: 'ptrtoint', type: usize, operand: b.addr(usize, decl('x')) })));
    l.updateFunc(user);
    l.updateExports([{ symbolName: 'user', declName: 'user' }]);
    const bytes = l.buildModule();
    expectValidModule(bytes);
    const h = await instantiate(bytes);
    const address = h.call('user') as number;
    expect(Buffer.from(new Uint8Array(h.memory.buffer, address, 8)).toString()).toBe('now data');
    l.updateFunc(leaf('x', 2));
    expect(l.buildModule()).toEqual(fresh([leaf('x', 2), user], [], [{ symbolName: 'user', declName: 'user' }]));
  });
});

describe('writing the file', () => {
  test('flush replaces the file atomically and leaves no temporary files', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'atomic-'));
    const out = path.join(dir, 'prog.wasm');
    fs.writeFileSync(out, 'not a wasm module');
    const l = openWasmLinker(out);
    l.updateData(stringAtom('msg', 'hi\n'));
    l.updateFunc(entry());
    l.updateExports([{ symbolName: '_start', declName: 'entry' }]);
    l.flush();
    l.close();
    expect(fs.readdirSync(dir)).toEqual(['prog.wasm']);
    expectValidModule(fs.readFileSync(out));
  });

  test('a write failure is an OutputWriteError', () => {
    const l = openWasmLinker(path.join(tmp, 'no-such-dir', 'prog.wasm'));
    l.updateFunc(leaf('f', 1));
    l.updateExports([{ symbolName: 'f', declName: 'f' }]);
    expect(() => l.flush()).toThrow(OutputWriteError);
  });

  test('an undefined symbol or export is a LinkError and nothing is written', () => {
    const out = path.join(tmp, 'undef.wasm');
    const l = openWasmLinker(out);
    l.updateFunc(leaf('f', 1, 'missing'));
    l.updateExports([{ symbolName: 'f', declName: 'f' }]);
    expect(() => l.flush()).toThrow(/undefined symbol: missing/);
    l.deleteSymbol('f');
    expect(() => l.flush()).toThrow(LinkError);
    expect(fs.existsSync(out)).toBe(false);
  });
});
