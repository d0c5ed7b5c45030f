//! The low-level writer for one wasm function body: instruction bytes, lazily declared
//! locals, relocation sites (5-byte padded LEBs), and the final assembly of the body
//! (locals declaration + code + `end`). Pure: knows nothing of AIR.

import type { SymbolTarget } from '../../sema/air.js';
import { ByteWriter, ulebSize, writeUleb } from './leb.js';
import { BLOCKTYPE_EMPTY, MISC_MEMORY_COPY, MISC_PREFIX, Op } from './opcodes.js';
import { I32, I64, type WasmFuncSig, type WasmReloc, type WasmValType } from './output.js';

export class FunctionEmitter {
  readonly code = new ByteWriter(256);
  readonly relocs: WasmReloc[] = [];
  /** Types of the non-parameter locals, in index order. */
  private readonly locals: WasmValType[] = [];
  /** Number of enclosing wasm labels (block, loop, if) at the current point. */
  depth = 0;

  constructor(readonly sig: WasmFuncSig) {}

  newLocal(type: WasmValType): number {
    this.locals.push(type);
    return this.sig.params.length + this.locals.length - 1;
  }

  op(opcode: number): void {
    this.code.byte(opcode);
  }

  i32Const(value: number): void {
    this.code.byte(Op.i32_const);
    this.code.s32(value);
  }

  i64Const(value: bigint): void {
    this.code.byte(Op.i64_const);
    this.code.s64(value);
  }

  /** `i32.const` or `i64.const` of the value's bit pattern in that container. */
  constOf(type: WasmValType, value: bigint): void {
    if (type === I64) this.i64Const(BigInt.asIntN(64, value));
    else this.i32Const(Number(BigInt.asIntN(32, value)));
  }

  get(local: number): void {
    this.code.byte(Op.local_get);
    this.code.u32(local);
  }

  set(local: number): void {
    this.code.byte(Op.local_set);
    this.code.u32(local);
  }

  tee(local: number): void {
    this.code.byte(Op.local_tee);
    this.code.u32(local);
  }

  memOp(opcode: number, alignLog2: number, offset = 0): void {
    this.code.byte(opcode);
    this.code.u32(alignLog2);
    this.code.u32(offset);
  }

  /** `memory.copy` within memory 0: pops destination, source and byte count. */
  memoryCopy(): void {
    this.code.byte(MISC_PREFIX);
    this.code.u32(MISC_MEMORY_COPY);
    this.code.byte(0x00);
    this.code.byte(0x00);
  }

  /** Start a block/loop/if with no result (or one `result` value). */
  open(opcode: number, result: WasmValType | null = null): void {
    this.code.byte(opcode);
    this.code.byte(result ?? BLOCKTYPE_EMPTY);
    this.depth++;
  }

  else(): void {
    this.code.byte(Op.else);
  }

  close(): void {
    this.code.byte(Op.end);
    this.depth--;
  }

  /** `br` to the label that was opened when `depth` was `labelDepth`. */
  brTo(labelDepth: number): void {
    this.code.byte(Op.br);
    this.code.u32(this.depth - labelDepth);
  }

  call(target: SymbolTarget, sig: WasmFuncSig | null): void {
    this.code.byte(Op.call);
    const offset = this.code.paddedU32(0);
    this.relocs.push({ kind: 'func_index_leb', offset, target, addend: 0, sig });
  }

  callIndirect(sig: WasmFuncSig): void {
    this.code.byte(Op.call_indirect);
    const offset = this.code.paddedU32(0);
    this.relocs.push({ kind: 'type_index_leb', offset, target: null, addend: 0, sig });
    this.code.byte(0x00); // table 0
  }

  /** `i32.const` of a symbol's address (memory address, or table index of a function). */
  addrConst(target: SymbolTarget, addend: number, sig: WasmFuncSig | null): void {
    this.code.byte(Op.i32_const);
    const offset = this.code.paddedS32(0);
    this.relocs.push({ kind: 'addr_sleb', offset, target, addend, sig });
  }

  stackPointer(opcode: typeof Op.global_get | typeof Op.global_set): void {
    this.code.byte(opcode);
    const offset = this.code.paddedU32(0);
    this.relocs.push({ kind: 'stack_pointer_leb', offset, target: null, addend: 0, sig: null });
  }

  /** Locals declaration + code + `end`; relocation offsets become body-relative. */
  finish(): { body: Uint8Array; relocs: WasmReloc[] } {
    const runs: [number, WasmValType][] = [];
    for (const t of this.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    let headerSize = ulebSize(runs.length);
    for (const [n] of runs) headerSize += ulebSize(n) + 1;
    const body = new Uint8Array(headerSize + this.code.length + 1);
    let at = writeUleb(body, 0, runs.length);
    for (const [n, t] of runs) {
      at = writeUleb(body, at, n);
      body[at++] = t;
    }
    body.set(this.code.bytes.subarray(0, this.code.length), at);
    body[body.length - 1] = Op.end;
    for (const r of this.relocs) r.offset += headerSize;
    return { body, relocs: this.relocs };
  }
}

export { I32, I64 };
