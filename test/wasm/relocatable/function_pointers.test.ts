// Function pointers and data addresses in a wasm object: functions built as AIR, made into
// wasm by zirc's code generator and into an object by WasmObjectCollector, take the
// addresses of ZIR functions and of a C-defined extern (R_WASM_TABLE_INDEX_SLEB), keep
// them in data (R_WASM_TABLE_INDEX_I32), point data at data with an addend
// (R_WASM_MEMORY_ADDR_I32) and call through the table (call_indirect,
// R_WASM_TYPE_INDEX_LEB, the imported __indirect_function_table). wasm-objdump lists
// those relocations and symbols, and a clang C main linked with wasi-libc calls ZIR
// through C function pointers and back: one table, whoever fills it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFunction } from '../../../src/codegen/wasm/codegen.js';
import type { DataAtom, SymbolTarget } from '../../../src/sema/air.js';
import { WasmObjectCollector } from '../../../src/link/wasm/relocatable/object_collector.js';
import { arrayOf, buildFn, fnType, ptrTo, u32, usize } from '../air_builder.js';
import { expectValidLinkedModule, runModule, tempDir, tool } from './wasm_object_tools.js';

const decl = (name: string): SymbolTarget => ({ kind: 'decl', name });
const C_NEGATE: SymbolTarget = { kind: 'extern', name: 'c_negate', lib: 'env' };
const unary = fnType([u32], u32, 'C');

/** The object of the AIR program (Debug: with safety checks and their panic routines). */
function functionPointerObject(): Uint8Array {
  const double = buildFn('double', unary, (b) => b.ret(b.bin('mul', u32, b.arg(0), b.int(u32, 2))));
  const square = buildFn('square', unary, (b) => b.ret(b.bin('mul', u32, b.arg(0), b.arg(0))));
  const apply = buildFn('apply', fnType([unary, u32], u32, 'C'), (b) => b.ret(b.call(b.arg(0), unary, [b.arg(1)])));
  const ops: DataAtom = {
    name: 'ops', bytes: new Uint8Array(8), align: 4, section: 'rodata',
    relocs: [{ offset: 0, target: decl('double'), addend: 0 }, { offset: 4, target: decl('square'), addend: 0 }],
  };
  const words: DataAtom = { name: 'words', bytes: new Uint8Array(new Uint32Array([10, 20, 30, 40]).buffer), align: 4, section: 'rodata', relocs: [] };
  const tail: DataAtom = { name: 'tail', bytes: new Uint8Array(4), align: 4, section: 'data', relocs: [{ offset: 0, target: decl('words'), addend: 4 }] };
  const viaData = buildFn('via_data', fnType([u32, u32], u32, 'C'), (b) => {
    const base = b.addr(ptrTo(arrayOf(2, unary)), decl('ops'));
    const slot = b.emit({ op: 'elemptr', type: ptrTo(unary), ptr: base, index: b.arg(0), elemSize: 4 });
    b.ret(b.call(b.load(unary, slot), unary, [b.arg(1)]));
  });
  const viaCode = buildFn('via_code', unary, (b) => b.ret(b.callSym(decl('apply'), fnType([unary, u32], u32, 'C'), [b.addr(unary, decl('square')), b.arg(0)])));
  const viaExtern = buildFn('via_extern', unary, (b) => b.ret(b.callSym(decl('apply'), fnType([unary, u32], u32, 'C'), [b.addr(unary, C_NEGATE), b.arg(0)])));
  const tailFirst = buildFn('tail_first', fnType([], u32, 'C'), (b) => {
    const p = b.load(ptrTo(u32), b.addr(ptrTo(ptrTo(u32)), decl('tail')));
    b.ret(b.load(u32, p));
  });
  const collector = new WasmObjectCollector();
  for (const f of [double, square, apply, viaData, viaCode, viaExtern, tailFirst]) collector.updateFunc(f.name, generateFunction(f));
  for (const d of [ops, words, tail]) collector.updateData(d);
  collector.updateExports(['apply', 'via_data', 'via_code', 'via_extern', 'tail_first'].map((n) => ({ symbolName: n, declName: n })));
  collector.flush();
  return collector.object!;
}

const MAIN_C = `#include <stdio.h>
unsigned apply(unsigned (*f)(unsigned), unsigned x);
unsigned via_data(unsigned i, unsigned x);
unsigned via_code(unsigned x);
unsigned via_extern(unsigned x);
unsigned tail_first(void);
unsigned c_negate(unsigned x) { return -x; }
static unsigned c_triple(unsigned x) { return 3 * x; }
int main(void) {
  printf("%u %u %u %u %d %u\\n", via_data(0, 21), via_data(1, 12), via_code(5), apply(c_triple, 7), (int)via_extern(5), tail_first());
  return 0;
}
`;

describe('function pointers and data addresses in a zirc wasm object', () => {
  it('are table-index and memory-address relocations against the imported table, as wasm-objdump lists them', () => {
    const dir = tempDir();
    const obj = path.join(dir, 'fp.o');
    fs.writeFileSync(obj, functionPointerObject());
    const listing = tool('wasm-objdump', ['-x', obj]);
    expect(listing).toMatch(/table\[0\] type=funcref initial=4 <- env\.__indirect_function_table/);
    expect(listing).toMatch(/T <env\.__indirect_function_table> table=0 \[ undefined no_strip binding=global vis=default \]/);
    expect(listing).toMatch(/F <c_negate> func=\d+ \[ undefined explicit_name binding=global vis=default \]/);
    expect(listing).toMatch(/R_WASM_TYPE_INDEX_LEB offset=\S+ type=\d+/);
    expect(listing).toMatch(/R_WASM_TABLE_INDEX_SLEB offset=\S+ symbol=\d+ <square>/);
    expect(listing).toMatch(/R_WASM_TABLE_INDEX_SLEB offset=\S+ symbol=\d+ <c_negate>/);
    expect(listing).toMatch(/R_WASM_MEMORY_ADDR_SLEB offset=\S+ symbol=\d+ <ops>/);
    expect(listing).toMatch(/R_WASM_TABLE_INDEX_I32 offset=0x000006\S* symbol=\d+ <double>/);
    expect(listing).toMatch(/R_WASM_TABLE_INDEX_I32 offset=0x00000a\S* symbol=\d+ <square>/);
    expect(listing).toMatch(/R_WASM_MEMORY_ADDR_I32 offset=\S+ symbol=\d+ <words>\+0x4/);
    // The element segment lists the three address-taken functions from table index 1.
    expect(listing).toMatch(/segment\[0\] flags=0 table=0 count=3 - init i32=1/);
    // clang -c objects are modules too: the object validates as one.
    tool('wasm-validate', [obj]);
  });

  it('link with a clang C main that calls through C and ZIR function pointers', async () => {
    const dir = tempDir();
    const obj = path.join(dir, 'fp.o');
    fs.writeFileSync(obj, functionPointerObject());
    fs.writeFileSync(path.join(dir, 'main.c'), MAIN_C);
    const prog = path.join(dir, 'prog.wasm');
    tool('clang', ['--target=wasm32-wasi', 'main.c', obj, '-o', prog], dir);
    expectValidLinkedModule(prog);
    expect(await runModule(prog)).toEqual({ stdout: '42 144 25 21 -5 20\n', stderr: '', exitCode: 0 });
  });
});
