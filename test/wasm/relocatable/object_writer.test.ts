// The wasm object writer on its own (src/link/wasm/relocatable/object_writer.ts): what it
// refuses because an object cannot say it (each a LinkError naming the symbol), an empty
// program (an object wasm-ld still accepts), and the instruction walk that decides the
// object's target_features.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FunctionEmitter } from '../../../src/codegen/wasm/emit.js';
import { I32, type WasmFunction } from '../../../src/codegen/wasm/output.js';
import type { DataAtom, SymbolTarget } from '../../../src/sema/air.js';
import { LinkError } from '../../../src/link/Linker.js';
import { readWasmObject } from '../../../src/link/wasm/input/index.js';
import { codeFeatures } from '../../../src/link/wasm/relocatable/code_features.js';
import { writeWasmObject } from '../../../src/link/wasm/relocatable/object_writer.js';
import { expectValidLinkedModule, tempDir, tool } from './wasm_object_tools.js';

const decl = (name: string): SymbolTarget => ({ kind: 'decl', name });
const HOST: SymbolTarget = { kind: 'extern', name: 'host', lib: 'env' };
const VOID_SIG = { params: [], results: [] };

/** A `() -> ()` function whose body `emit` writes. */
function fn(name: string, emit: (e: FunctionEmitter) => void): { target: SymbolTarget; symbolName: string; code: WasmFunction } {
  const e = new FunctionEmitter(VOID_SIG);
  emit(e);
  const { body, relocs } = e.finish();
  return { target: decl(name), symbolName: name, code: { name, sig: e.sig, body, relocs } };
}

function linkError(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof LinkError) return err.message;
    throw err;
  }
  throw new Error('no LinkError');
}

describe('the wasm object writer', () => {
  it('writes an empty program as an object with only the memory import, which wasm-ld links', () => {
    const bytes = writeWasmObject({ functions: [], data: [], exports: [] });
    const read = readWasmObject('empty.o', bytes);
    expect(read.imports.map((i) => `${i.module}.${i.field}`)).toEqual(['env.__linear_memory']);
    expect(read.linking.symbols.count).toBe(0);
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'empty.o'), bytes);
    tool('wasm-ld', ['--no-entry', 'empty.o', '-o', 'empty.wasm'], dir);
    expectValidLinkedModule(path.join(dir, 'empty.wasm'));
  });

  it('refuses what a wasm object cannot say, naming the symbol', () => {
    const ptr: DataAtom = { name: 'ptr', bytes: new Uint8Array(4), align: 4, section: 'data', relocs: [{ offset: 0, target: HOST, addend: 0 }] };
    expect(linkError(() => writeWasmObject({ functions: [], data: [ptr], exports: [] }))).toBe(
      "cannot refer to extern function 'host' from data on wasm32 unless code calls it too",
    );
    const shifted = fn('shifted', (e) => {
      e.addrConst(decl('shifted'), 4, null);
      e.op(0x1a); // drop
    });
    expect(linkError(() => writeWasmObject({ functions: [shifted], data: [], exports: [] }))).toBe("cannot add 4 to the address of function 'shifted' on wasm32");
    const callsNothing = fn('calls_nothing', (e) => e.call(decl('missing'), null));
    expect(linkError(() => writeWasmObject({ functions: [callsNothing], data: [], exports: [] }))).toBe('undefined symbol: missing');
    const word: DataAtom = { name: 'word', bytes: new Uint8Array(4), align: 4, section: 'rodata', relocs: [] };
    expect(linkError(() => writeWasmObject({ functions: [], data: [word], exports: [{ symbolName: 'w', declName: 'word' }] }))).toBe(
      "export 'w' names 'word', which is not a function",
    );
    const twoSigs = fn('two_sigs', (e) => {
      e.i32Const(1);
      e.call(HOST, { params: [I32], results: [] });
      e.call(HOST, VOID_SIG);
    });
    expect(linkError(() => writeWasmObject({ functions: [twoSigs], data: [], exports: [] }))).toBe("extern function 'host' is used with two signatures");
  });
});

describe('the target features of a function body', () => {
  it('are none for MVP code and bulk-memory for memory.copy, past immediates that look like prefixes', () => {
    const mvp = new FunctionEmitter(VOID_SIG);
    mvp.i32Const(0x7c); // LEB byte 0xfc 0x00: an immediate, not an instruction
    mvp.op(0x1a);
    mvp.i64Const(-4n);
    mvp.op(0x1a);
    expect([...codeFeatures(mvp.finish().body)]).toEqual([]);
    const copy = new FunctionEmitter(VOID_SIG);
    copy.i32Const(0);
    copy.i32Const(64);
    copy.i32Const(100);
    copy.memoryCopy();
    expect([...codeFeatures(copy.finish().body)]).toEqual(['bulk-memory']);
  });

  it('name sign-ext and nontrapping-fptoint, and refuse an instruction they do not know', () => {
    // 0 locals; i32.const 1; i32.extend8_s; drop; f32.const 0; i32.trunc_sat_f32_s; drop; end
    const body = Uint8Array.of(0, 0x41, 1, 0xc0, 0x1a, 0x43, 0, 0, 0, 0, 0xfc, 0, 0x1a, 0x0b);
    expect([...codeFeatures(body)].sort()).toEqual(['nontrapping-fptoint', 'sign-ext']);
    expect(() => codeFeatures(Uint8Array.of(0, 0xfd, 0x0c, 0x0b))).toThrow(/instruction 0xfd/);
  });
});
