//! Backend-provided routines for wasm32: the panic functions of spec §8. Each writes
//! `panic: <reason>\n` to fd 2 with WASI `fd_write` (message and iovec built on the
//! shadow stack below `__stack_pointer`, so no data segment is needed) and calls
//! `proc_exit(134)`. Signature `() -> ()`; never returns.

import { PANIC_MESSAGES, type RuntimeSymbol, type SymbolTarget } from '../../sema/air.js';
import { FunctionEmitter } from './emit.js';
import { Op } from './opcodes.js';
import { I32, type WasmFuncSig, type WasmFunction } from './output.js';

export const WASI_MODULE = 'wasi_snapshot_preview1';
export const FD_WRITE: SymbolTarget = { kind: 'extern', name: 'fd_write', lib: WASI_MODULE };
export const PROC_EXIT: SymbolTarget = { kind: 'extern', name: 'proc_exit', lib: WASI_MODULE };
export const FD_WRITE_SIG: WasmFuncSig = { params: [I32, I32, I32, I32], results: [I32] };
export const PROC_EXIT_SIG: WasmFuncSig = { params: [I32], results: [] };
export const PANIC_EXIT_STATUS = 134;

/** Symbol name of a runtime routine in the output (`name` section). */
export function runtimeSymbolName(sym: RuntimeSymbol): string {
  return `__zirc_${sym}`;
}

const MESSAGE_OFFSET = 16;
const SCRATCH_BYTES = 64;

export function generateRuntimeRoutine(sym: RuntimeSymbol): WasmFunction {
  const message = new TextEncoder().encode(`panic: ${PANIC_MESSAGES[sym]}\n`);
  if (MESSAGE_OFFSET + message.length > SCRATCH_BYTES) throw new Error(`panic message too long: ${sym}`);
  const e = new FunctionEmitter({ params: [], results: [] });
  const base = e.newLocal(I32);
  e.stackPointer(Op.global_get);
  e.i32Const(SCRATCH_BYTES);
  e.op(Op.i32_sub);
  e.set(base);
  // The message, one little-endian word at a time.
  for (let i = 0; i < message.length; i += 4) {
    let word = 0;
    for (let j = 0; j < 4 && i + j < message.length; j++) word |= message[i + j]! << (8 * j);
    e.get(base);
    e.i32Const(word | 0);
    e.memOp(Op.i32_store, 2, MESSAGE_OFFSET + i);
  }
  // iovec { ptr, len } at base, nwritten at base + 8.
  e.get(base);
  e.get(base);
  e.i32Const(MESSAGE_OFFSET);
  e.op(Op.i32_add);
  e.memOp(Op.i32_store, 2, 0);
  e.get(base);
  e.i32Const(message.length);
  e.memOp(Op.i32_store, 2, 4);
  e.i32Const(2);
  e.get(base);
  e.i32Const(1);
  e.get(base);
  e.i32Const(8);
  e.op(Op.i32_add);
  e.call(FD_WRITE, FD_WRITE_SIG);
  e.op(Op.drop);
  e.i32Const(PANIC_EXIT_STATUS);
  e.call(PROC_EXIT, PROC_EXIT_SIG);
  e.op(Op.unreachable);
  const { body, relocs } = e.finish();
  return { name: runtimeSymbolName(sym), sig: e.sig, body, relocs };
}
