import { describe, expect, it } from 'vitest';
import { PANIC_MESSAGES, type DataAtom, type RuntimeSymbol } from '../../src/sema/air.js';
import { generateRuntimeRoutine, generateWasiBuiltin } from '../../src/codegen/x86_64/runtime.js';
import { arrayOf, FD_WRITE_TYPE, FnBuilder, fnType, manyPtr, NORETURN, onePtr, u32, u8, usize } from './air_builder.js';
import { runProgram } from './harness.js';
import { disassemble } from './objdump.js';

const START = fnType([], NORETURN, 'C');
const WASI = 'wasi_snapshot_preview1';

describe('runtime routines', () => {
  it.each(Object.keys(PANIC_MESSAGES) as RuntimeSymbol[])('%s writes its message to stderr and exits 134', (sym) => {
    const b = new FnBuilder('entry', START);
    b.call(b.addr(fnType([], NORETURN), { kind: 'runtime', name: sym }), fnType([], NORETURN), []);
    const r = runProgram({ functions: [b.build()], entry: 'entry' });
    expect(r.stderr).toBe(`panic: ${PANIC_MESSAGES[sym]}\n`);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(134);
  });

  it('keep their message in a read-only constant reached by a relocation: the code is instructions only', () => {
    const f = generateRuntimeRoutine('panic_division_by_zero');
    expect(f.constants).toEqual([{ name: 'message', bytes: new TextEncoder().encode('panic: division by zero\n'), align: 1 }]);
    expect(f.relocs).toEqual([{ offset: 13, kind: 'rel32', target: { kind: 'constant', name: 'message' }, addend: -4 }]);
    expect(disassemble(f.code).map((d) => d.text)).toEqual([
      'mov eax,0x1', 'mov edi,0x2', 'lea rsi,[rip+0x0]', 'mov edx,0x18', 'syscall', 'mov eax,0xe7', 'mov edi,0x86', 'syscall', 'ud2',
    ]);
  });

  it.each(Object.keys(PANIC_MESSAGES) as RuntimeSymbol[])('%s has no byte objdump cannot decode', (sym) => {
    const code = generateRuntimeRoutine(sym).code;
    const insns = disassemble(code);
    expect(insns.filter((d) => d.text.includes('(bad)'))).toEqual([]);
    expect(insns.reduce((n, d) => n + d.length, 0)).toBe(code.length);
  });
});

describe('WASI built-ins on x86-64', () => {
  it('knows fd_write and proc_exit only', () => {
    expect(generateWasiBuiltin('fd_write')).not.toBeNull();
    expect(generateWasiBuiltin('proc_exit')).not.toBeNull();
    expect(generateWasiBuiltin('fd_read')).toBeNull();
  });

  it('fd_write gathers several iovecs, stores the count as a usize and returns 0', () => {
    const atom: DataAtom = { name: 'text', bytes: new TextEncoder().encode('abcdefgh'), align: 1, relocs: [], section: 'rodata' };
    const b = new FnBuilder('entry', START);
    const base = b.ptrtoint(b.addr(manyPtr(u8, false), { kind: 'decl', name: 'text' }));
    const iov = b.alloc(arrayOf(4, usize));
    const put = (i: number, v: number) => b.store(b.elemptr(onePtr(usize), iov, b.int(usize, i), 8), b.int(usize, v));
    b.store(b.elemptr(onePtr(usize), iov, b.int(usize, 0), 8), b.bin('add', usize, base, b.int(usize, 4)));
    put(1, 4);
    b.store(b.elemptr(onePtr(usize), iov, b.int(usize, 2), 8), base);
    put(3, 3);
    const written = b.alloc(usize);
    b.store(written, b.int(usize, 0xdeadbeef));
    const f = b.addr(FD_WRITE_TYPE, { kind: 'extern', name: 'fd_write', lib: WASI });
    const errno = b.call(f, FD_WRITE_TYPE, [b.int(u32, 1), b.ptrtoint(iov), b.int(usize, 2), b.ptrtoint(written)]);
    // exit status = errno * 100 + written
    b.exit(b.bin('add', u32, b.bin('mul', u32, errno, b.int(u32, 100)), b.intcast(u32, b.load(usize, written))));
    const r = runProgram({ functions: [b.build()], data: [atom], entry: 'entry' });
    expect(r.stdout).toBe('efghabc');
    expect(r.status).toBe(7);
  });

  it.each([
    ['a closed descriptor', 99, 0x1000, 8], // EBADF
    ['an unmapped buffer', 1, 0x10, 21], // EFAULT
  ])('fd_write to %s returns the WASI errno', (_what, fd, addr, wasiErrno) => {
    const b = new FnBuilder('entry', START);
    const errno = b.write(fd, b.int(usize, addr), b.int(usize, 4));
    b.exit(errno);
    expect(runProgram({ functions: [b.build()], entry: 'entry' }).status).toBe(wasiErrno);
  });

  it('fd_write sets SIGPIPE to ignored, then calls writev with its arguments intact', () => {
    const f = generateWasiBuiltin('fd_write')!;
    expect(f.relocs[0]).toEqual({ offset: 21, kind: 'rel32', target: { kind: 'constant', name: 'sigpipe_ignore' }, addend: -4 });
    expect(disassemble(f.code).map((d) => d.text).slice(0, 15)).toEqual([
      'mov r8,rcx', 'mov r9d,edi', 'push rsi', 'push rdx',
      'mov eax,0xd', 'mov edi,0xd', 'lea rsi,[rip+0x0]', 'xor edx,edx', 'mov r10d,0x8', 'syscall',
      'pop rdx', 'pop rsi', 'mov edi,r9d', 'mov eax,0x14', 'syscall',
    ]);
  });

  it('fd_write keeps its errno table and sigaction in read-only constants: the code is instructions only', () => {
    const f = generateWasiBuiltin('fd_write')!;
    expect(f.constants!.map((c) => [c.name, c.bytes.length, c.align])).toEqual([['errno_table', 128, 1], ['sigpipe_ignore', 32, 8]]);
    expect(f.constants![0]!.bytes[32]).toBe(64); // EPIPE → WASI EPIPE
    expect(f.constants![1]!.bytes.slice(0, 8)).toEqual(new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0])); // SIG_IGN
    expect(f.relocs.map((r) => r.target)).toEqual([{ kind: 'constant', name: 'sigpipe_ignore' }, { kind: 'constant', name: 'errno_table' }]);
    for (const code of [f.code, generateWasiBuiltin('proc_exit')!.code]) {
      const insns = disassemble(code);
      expect(insns.filter((d) => d.text.includes('(bad)'))).toEqual([]);
      expect(insns.reduce((n, d) => n + d.length, 0)).toBe(code.length);
      expect(insns.at(-1)!.text).toMatch(/^(ret|ud2)$/);
    }
  });

  it('fd_write to a pipe nobody reads returns EPIPE instead of dying of SIGPIPE', () => {
    const b = new FnBuilder('entry', START);
    const buf = b.ptrtoint(b.alloc(u32));
    const errno = b.write(1, buf, b.int(usize, 4));
    const again = b.write(1, buf, b.int(usize, 4));
    b.exit(b.bin('add', u32, b.bin('mul', u32, errno, b.int(u32, 2)), again));
    const r = runProgram({ functions: [b.build()], entry: 'entry' }, { stdoutPipeWithoutReader: true });
    expect(r.signal).toBeNull();
    expect(r.status).toBe((64 * 3) & 0xff); // EPIPE both times
  });

  it('proc_exit uses only the low 32 bits of its argument as the status', () => {
    const b = new FnBuilder('entry', START);
    b.exitWith(300);
    expect(runProgram({ functions: [b.build()], entry: 'entry' }).status).toBe(300 & 0xff);
  });
});
