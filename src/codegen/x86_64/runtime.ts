//! Routines the x86-64 backend provides itself: the safety panics (spec §8) and, for
//! `extern` functions of `wasi_snapshot_preview1`, the WASI built-ins of spec §7
//! written with Linux system calls, so one program runs unchanged on both targets.
//! Each routine is position-independent code that calls nothing; its constant bytes (a
//! message, a table) are its own read-only constants, reached rip-relative through a
//! relocation and placed in .rodata by the linker, so every byte of the code decodes.

import { PANIC_MESSAGES, type RuntimeSymbol } from '../../sema/air.js';
import { Assembler } from './encode.js';
import type { X86Function } from './output.js';
import { R10, R8, R9, RAX, RCX, RDI, RDX, RSI } from './registers.js';

const SYS_WRITE = 1;
const SYS_RT_SIGACTION = 13;
const SYS_WRITEV = 20;
const SIGPIPE = 13;
/** The kernel's `struct sigaction` for SIG_IGN: handler 1, then flags, restorer and mask, all 0. */
const IGNORE_ACTION = [1, 0, 0, 0, 0, 0, 0, 0, ...new Array<number>(24).fill(0)];
const SYS_EXIT_GROUP = 231;
/** The exit status of a failed safety check (like SIGABRT's 128+6). */
export const PANIC_EXIT_STATUS = 134;

/** `panic: <reason>\n` to fd 2, then exit_group(134). Never returns. */
export function generateRuntimeRoutine(sym: RuntimeSymbol): X86Function {
  const text = new TextEncoder().encode(`panic: ${PANIC_MESSAGES[sym]}\n`);
  const a = new Assembler();
  const message = a.constant('message', text);
  a.movRI(4, RAX, SYS_WRITE);
  a.movRI(4, RDI, 2);
  a.lea(8, RSI, { base: 'rip', disp: 0, reloc: { kind: 'rel32', target: message } });
  a.movRI(4, RDX, text.length);
  a.syscall();
  a.movRI(4, RAX, SYS_EXIT_GROUP);
  a.movRI(4, RDI, PANIC_EXIT_STATUS);
  a.syscall();
  a.ud2();
  return a.finish();
}

/** Linux errno → WASI errno for the errors writev can report; anything else is EIO (29). */
export const LINUX_TO_WASI_ERRNO: ReadonlyMap<number, number> = new Map([
  [9, 8], // EBADF
  [14, 21], // EFAULT
  [22, 28], // EINVAL
  [5, 29], // EIO
  [28, 51], // ENOSPC
  [32, 64], // EPIPE
  [11, 6], // EAGAIN
  [4, 27], // EINTR
  [27, 22], // EFBIG
  [1, 63], // EPERM
  [122, 19], // EDQUOT
]);
const WASI_EIO = 29;

/**
 * fd_write(fd, iovs, iovs_len, nwritten) → writev(fd, iovs, iovs_len); the count is stored
 * as a usize through `nwritten`; returns 0, or the WASI errno of the failure.
 *
 * A write to a pipe nobody reads must return EPIPE, as it does under WASI, not kill the
 * process with SIGPIPE: each call first sets SIGPIPE to ignored (what Zig's start code
 * does once; this routine has no writable data to remember that it did).
 */
function generateFdWrite(): X86Function {
  const a = new Assembler();
  const maxErrno = 127;
  const errnoTable = Array.from({ length: maxErrno + 1 }, (_, errno) => LINUX_TO_WASI_ERRNO.get(errno) ?? WASI_EIO);
  const table = a.constant('errno_table', errnoTable);
  const ignoreAction = a.constant('sigpipe_ignore', IGNORE_ACTION, 8);
  const failed = a.newLabel();
  const unknown = a.newLabel();
  a.movRR(8, R8, RCX); // nwritten survives the syscalls (rcx does not)
  a.movRR(4, R9, RDI); // fd is a u32: clear any upper bits
  a.push(RSI);
  a.push(RDX);
  a.movRI(4, RAX, SYS_RT_SIGACTION);
  a.movRI(4, RDI, SIGPIPE);
  a.lea(8, RSI, { base: 'rip', disp: 0, reloc: { kind: 'rel32', target: ignoreAction } });
  a.alu('xor', 4, RDX, RDX);
  a.movRI(4, R10, 8); // sizeof(sigset_t)
  a.syscall();
  a.pop(RDX);
  a.pop(RSI);
  a.movRR(4, RDI, R9);
  a.movRI(4, RAX, SYS_WRITEV);
  // rdi = fd, rsi = iovs, rdx = iovs_len already
  a.syscall();
  a.test(8, RAX, RAX);
  a.jcc('s', failed);
  a.movMR(8, { base: R8, disp: 0 }, RAX);
  a.alu('xor', 4, RAX, RAX);
  a.ret();
  a.bind(failed);
  a.unary('neg', 8, RAX);
  a.alu('cmp', 8, RAX, { imm: maxErrno });
  a.jcc('a', unknown);
  a.lea(8, RDX, { base: 'rip', disp: 0, reloc: { kind: 'rel32', target: table } });
  a.movzx(4, RAX, 1, { base: RDX, index: RAX, scale: 1, disp: 0 });
  a.ret();
  a.bind(unknown);
  a.movRI(4, RAX, WASI_EIO);
  a.ret();
  return a.finish();
}

/** proc_exit(code) → exit_group(code). */
function generateProcExit(): X86Function {
  const a = new Assembler();
  a.movRR(4, RDI, RDI);
  a.movRI(4, RAX, SYS_EXIT_GROUP);
  a.syscall();
  a.ud2();
  return a.finish();
}

/** The x86-64 definition of a WASI built-in by name (`fd_write`, `proc_exit`), or null for any other name. */
export function generateWasiBuiltin(name: string): X86Function | null {
  switch (name) {
    case 'fd_write':
      return generateFdWrite();
    case 'proc_exit':
      return generateProcExit();
    default:
      return null;
  }
}
