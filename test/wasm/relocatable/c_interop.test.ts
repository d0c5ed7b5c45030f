// A ZIR library and a C program in one wasm32-wasi module: `zirc build -c -t wasm32-wasi`
// of a ZIR file with no entry point, whose exports C's main calls (one decl exported under
// two names), whose extern without `lib` a C function defines, and which writes to stdout
// with the WASI import fd_write beside wasi-libc's own, links with
// `clang --target=wasm32-wasi main.c lib.o` (wasm-ld with crt1-command.o and libc.a). The
// ZIR copy of a 100-byte array is `memory.copy`, so the object says +bulk-memory, which
// wasi-libc's objects do not: wasm-ld accepts that and the module uses the union.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectValidLinkedModule, runModule, tempDir, tool, wasmObjectOf } from './wasm_object_tools.js';

const LIB_ZIR = `@u8 = primitive(u8)
@u32 = primitive(u32)
@usize = primitive(usize)
@void = primitive(void)
@zero = int(0)
@one = int(1)
@two = int(2)
@three = int(3)
@hundred = int(100)
@iovec = array_type(@two, @usize)
@block_ty = array_type(@hundred, @u8)
@block_ptr = single_mut_ptr_type(@block_ty)
@block_const_ptr = single_const_ptr_type(@block_ty)
@fd_write_ty = fntype([@u32, @usize, @usize, @usize], @u32, cc=C)
@fd_write = extern(@fd_write_ty, "fd_write", lib="wasi_snapshot_preview1")
@unary_ty = fntype([@u32], @u32, cc=C)
@c_twice = extern(@unary_ty, "c_twice")
@add3 = fn(@unary_ty, {
  %x = arg("x")
  %t = call(@c_twice, [%x])
  %r = add(%t, @three)
  %ret = return(%r)
})
@greeting = str("hello from ZIR\\n")
@greeting_len = int(15)
@greet_ty = fntype([], @void, cc=C)
@greet = fn(@greet_ty, {
  %iov = alloc_mut(@iovec)
  %iov_ptr = elemptr(%iov, @zero)
  %addr = ptrtoint(@greeting)
  %set_ptr = store(%iov_ptr, %addr)
  %iov_len = elemptr(%iov, @one)
  %len = as(@usize, @greeting_len)
  %set_len = store(%iov_len, %len)
  %written = alloc_mut(@usize)
  %stdout = as(@u32, @one)
  %iov_addr = ptrtoint(%iov)
  %iov_count = as(@usize, @one)
  %written_addr = ptrtoint(%written)
  %errno = call(@fd_write, [%stdout, %iov_addr, %iov_count, %written_addr])
  %done = returnvoid()
})
@copy_ty = fntype([@block_ptr, @block_const_ptr], @void, cc=C)
@copy_block = fn(@copy_ty, {
  %dst = arg("dst")
  %src = arg("src")
  %v = deref(%src)
  %s = store(%dst, %v)
  %r = returnvoid()
})
@add3_name = str("add3")
@add3_export = export(@add3_name, "add3")
@plus3_name = str("plus3")
@plus3_export = export(@plus3_name, "add3")
@greet_name = str("greet")
@greet_export = export(@greet_name, "greet")
@copy_name = str("copy_block")
@copy_export = export(@copy_name, "copy_block")
`;

const MAIN_C = `#include <stdio.h>
#include <string.h>
unsigned add3(unsigned);
unsigned plus3(unsigned);
void greet(void);
void copy_block(unsigned char *dst, const unsigned char *src);
unsigned c_twice(unsigned x) { return 2 * x; }
int main(void) {
  unsigned char a[100], b[100];
  for (int i = 0; i < 100; i++) a[i] = (unsigned char)(i * 7 + 1);
  memset(b, 0, sizeof b);
  copy_block(b, a);
  greet();
  printf("add3(c_twice(20)) = %u, plus3(c_twice(1)) = %u, the copy is %s\\n", add3(20), plus3(1), memcmp(a, b, sizeof a) == 0 ? "the same" : "different");
  return 7;
}
`;

describe('zirc build -c -t wasm32-wasi: ZIR and C in one module', () => {
  it('links with a clang C main and wasi-libc into a module that runs under node:wasi', async () => {
    const dir = tempDir('zirc-wasm-obj-c-');
    const obj = wasmObjectOf(dir, 'lib', LIB_ZIR);
    fs.writeFileSync(path.join(dir, 'main.c'), MAIN_C);
    const prog = path.join(dir, 'prog.wasm');
    tool('clang', ['--target=wasm32-wasi', 'main.c', obj, '-o', prog], dir);
    expectValidLinkedModule(prog);
    const r = await runModule(prog);
    expect(r).toEqual({
      stdout: 'hello from ZIR\nadd3(c_twice(20)) = 43, plus3(c_twice(1)) = 5, the copy is the same\n',
      stderr: '',
      exitCode: 7,
    });
    // The ZIR exports are module exports too, as zirc's own module has them; fd_write is one import.
    const listing = tool('wasm-objdump', ['-x', prog]);
    for (const name of ['add3', 'plus3', 'greet', 'copy_block']) expect(listing).toContain(`-> "${name}"`);
    expect(listing.match(/<- wasi_snapshot_preview1\.fd_write/g)).toHaveLength(1);
    expect(listing).toMatch(/target_features[^]*\[\+\] bulk-memory/);
  });

  it('links with a clang C object (clang -c) through wasm-ld directly, the C side defining _start', async () => {
    const dir = tempDir('zirc-wasm-obj-c-');
    const obj = wasmObjectOf(dir, 'lib', LIB_ZIR);
    fs.writeFileSync(
      path.join(dir, 'start.c'),
      `unsigned add3(unsigned);
unsigned c_twice(unsigned x) { return 2 * x; }
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_exit"))) void proc_exit(unsigned);
void _start(void) { proc_exit(add3(4)); }
`,
    );
    tool('clang', ['--target=wasm32-wasi', '-O2', '-c', 'start.c', '-o', 'start.o'], dir);
    const prog = path.join(dir, 'prog.wasm');
    tool('wasm-ld', ['start.o', obj, '-o', prog], dir);
    expectValidLinkedModule(prog);
    expect(await runModule(prog)).toEqual({ stdout: '', stderr: '', exitCode: 11 });
  });
});
