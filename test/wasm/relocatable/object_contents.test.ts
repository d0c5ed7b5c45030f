// What `zirc build -c -t wasm32-wasi` writes, as the tools read it: wasm-objdump,
// llvm-readobj and zirc's own wasm object reader (src/link/wasm/input/) list the same
// imports, symbols (local decls and panic routines, a global exported symbol per export
// name, undefined explicit-name externs, local data symbols in `.rodata.*` segments, the
// undefined `__stack_pointer`), relocations and target features; the object validates as
// a module, as clang's do; the same source gives the same bytes; and the command line
// writes it. A missing tool fails the test.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProgram } from '../../../src/cli/main.js';
import { readWasmObject } from '../../../src/link/wasm/input/index.js';
import { relocationTypeName } from '../../../src/link/wasm/input/relocation_types.js';
import { SYM_UNDEFINED } from '../../../src/link/wasm/input/wasm_constants.js';
import { compileWasmObject } from '../../../src/link/wasm/relocatable/compile_object.js';
import { expectValidLinkedModule, readCase, runModule, tempDir, tool, wasmObjectOf } from './wasm_object_tools.js';

const PRINT_NUMBERS = readCase('print_numbers').updates[0]!.source;

/** A decl exported under two names, calling an extern without `lib`. */
const TWO_NAMES = `@u32 = primitive(u32)
@one = int(1)
@unary_ty = fntype([@u32], @u32, cc=C)
@host = extern(@unary_ty, "host")
@inc = fn(@unary_ty, {
  %x = arg("x")
  %h = call(@host, [%x])
  %r = addwrap(%h, @one)
  %ret = return(%r)
})
@a_name = str("inc")
@a = export(@a_name, "inc")
@b_name = str("increment")
@b = export(@b_name, "inc")
`;

describe('a zirc wasm object, as the tools list it', () => {
  it('wasm-objdump lists the imports, symbols, segments and relocations of print_numbers', () => {
    const obj = wasmObjectOf(tempDir(), 'print_numbers', PRINT_NUMBERS);
    const listing = tool('wasm-objdump', ['-x', obj]);
    expect(listing).toContain('memory[0] pages: initial=1 <- env.__linear_memory');
    expect(listing).toMatch(/func\[0\] sig=\d+ <fd_write> <- wasi_snapshot_preview1\.fd_write/);
    expect(listing).toMatch(/func\[1\] sig=\d+ <proc_exit> <- wasi_snapshot_preview1\.proc_exit/);
    expect(listing).toContain('global[0] i32 mutable=1 <- env.__stack_pointer');
    expect(listing).toMatch(/F <_start> func=\d+ \[ exported no_strip binding=global vis=default \]/);
    for (const f of ['print_line', 'write', '__zirc_panic_integer_overflow', '__zirc_panic_division_by_zero']) {
      expect(listing).toMatch(new RegExp(`F <${f}> func=\\d+ \\[ binding=local vis=default \\]`));
    }
    expect(listing).toMatch(/F <fd_write> func=0 \[ undefined explicit_name binding=global vis=default \]/);
    expect(listing).toMatch(/G <env\.__stack_pointer> global=0 \[ undefined binding=global vis=default \]/);
    expect(listing).toMatch(/D <(.+)> segment=0 offset=0 size=7 \[ binding=local vis=default \]/);
    expect(listing).toMatch(/0: \.rodata\.\S.* p2align=0 \[ \]/);
    expect(listing).toMatch(/R_WASM_FUNCTION_INDEX_LEB offset=\S+ symbol=\d+ <print_line>/);
    expect(listing).toMatch(/R_WASM_FUNCTION_INDEX_LEB offset=\S+ symbol=\d+ <fd_write>/);
    expect(listing).toMatch(/R_WASM_GLOBAL_INDEX_LEB offset=\S+ symbol=\d+ <env\.__stack_pointer>/);
    // Neither function pointers nor call_indirect, nor anything beyond the MVP.
    expect(listing).not.toContain('__indirect_function_table');
    expect(listing).not.toContain('target_features');
    tool('wasm-validate', [obj]);
  });

  it("llvm-readobj and zirc's object reader agree on every symbol and relocation", () => {
    const obj = wasmObjectOf(tempDir(), 'print_numbers', PRINT_NUMBERS);
    const text = tool('llvm-readobj', ['--symbols', '--relocations', obj]);
    expect(text).not.toMatch(/warning|error/i);
    const read = readWasmObject(obj, fs.readFileSync(obj));
    const symbols = read.linking.symbols;
    const listedNames = [...text.matchAll(/Symbol \{\s+Name: (.*)\n/g)].map((m) => m[1]);
    expect(listedNames).toEqual(symbols.names);
    const listedRelocs = [...text.matchAll(/^\s+0x[0-9A-F]+ (R_WASM_\w+) (\S+)/gm)].map((m) => `${m[1]} ${m[2]}`);
    const code = read.relocations.find((t) => read.sections[t.target]!.name === 'CODE')!;
    const ours = Array.from({ length: code.count }, (_, i) => {
      const type = code.type[i]!;
      return `${relocationTypeName(type)} ${symbols.names[code.index[i]!]}`;
    });
    expect(listedRelocs).toEqual(ours);
    // Undefined symbols are exactly the two WASI imports and the stack pointer.
    const undefinedNames = symbols.names.filter((_, i) => (symbols.flags[i]! & SYM_UNDEFINED) !== 0);
    expect(undefinedNames.sort()).toEqual(['__stack_pointer', 'fd_write', 'proc_exit']);
    expect(read.targetFeatures).toBeNull();
  });

  it('a decl exported under two names has two global symbols; a lib-less extern is env.<name>', async () => {
    const dir = tempDir();
    const obj = wasmObjectOf(dir, 'two_names', TWO_NAMES);
    const listing = tool('wasm-objdump', ['-x', obj]);
    expect(listing).toMatch(/F <inc> func=1 \[ exported no_strip binding=global vis=default \]/);
    expect(listing).toMatch(/F <increment> func=1 \[ exported no_strip binding=global vis=default \]/);
    expect(listing).toMatch(/func\[0\] sig=0 <host> <- env\.host/);
    // Nothing defines `host`: wasm-ld keeps it as the import env.host, the module exports both names.
    const linked = path.join(dir, 'two_names.wasm');
    tool('wasm-ld', ['--no-entry', obj, '-o', linked]);
    expectValidLinkedModule(linked);
    const module = await WebAssembly.instantiate(fs.readFileSync(linked), { env: { host: (x: number) => x * 10 } });
    const exports = module.instance.exports as { inc: (x: number) => number; increment: (x: number) => number };
    expect([exports.inc(4), exports.increment(5)]).toEqual([41, 51]);
  });

  it('memory.copy in the code makes the object say +bulk-memory', () => {
    const obj = wasmObjectOf(tempDir(), 'copy', readCase('copy_large_array').updates[0]!.source);
    expect(tool('wasm-objdump', ['-d', obj])).toContain('memory.copy');
    const read = readWasmObject(obj, fs.readFileSync(obj));
    expect(read.targetFeatures).toEqual([{ prefix: '+', name: 'bulk-memory' }]);
  });

  it('is the same bytes each time the same source is compiled', () => {
    const dir = tempDir();
    const src = path.join(dir, 'pn.zir');
    fs.writeFileSync(src, PRINT_NUMBERS);
    const compile = () => compileWasmObject(src, { optimize: 'Debug', outputPath: path.join(dir, 'pn.o') }).object!;
    expect(Buffer.from(compile()).equals(Buffer.from(compile()))).toBe(true);
  });
});

describe('zirc build -c -t wasm32-wasi on the command line', () => {
  it('writes the object that wasm-ld links into a module that runs', async () => {
    const dir = tempDir();
    const src = path.join(dir, 'main.zir');
    fs.writeFileSync(src, PRINT_NUMBERS);
    const out = path.join(dir, 'main.o');
    let code = -1;
    await makeProgram((c) => (code = c)).parseAsync(['node', 'zirc', 'build', '-c', '-t', 'wasm32-wasi', src, '-o', out]);
    expect(code).toBe(0);
    expect(readWasmObject(out, fs.readFileSync(out)).linking.symbols.names).toContain('_start');
    const linked = path.join(dir, 'main.wasm');
    tool('wasm-ld', [out, '-o', linked]);
    const r = await runModule(linked);
    expect(r.stdout.split('\n')[9]).toBe('10');
    expect(r.exitCode).toBe(0);
  });
});
