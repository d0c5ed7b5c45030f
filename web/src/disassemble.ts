//! x86-64 disassembly of an ELF's functions with iced-x86 (its wasm build, compiled at
//! first use; in a worker, where compiling a large module synchronously is allowed).

import { Decoder, DecoderOptions, Formatter, FormatterSyntax, Instruction } from 'iced-x86';
import { elfFunctions, overlaps, type ByteRange } from './module_map.js';
import type { DisassembledFunction } from './messages.js';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

export function disassembleElf(bytes: Uint8Array, patched: readonly ByteRange[]): DisassembledFunction[] {
  const formatter = new Formatter(FormatterSyntax.Gas);
  const instr = new Instruction();
  try {
    return elfFunctions(bytes).map((f) => {
      const code = bytes.subarray(f.offset, f.offset + f.size);
      const decoder = new Decoder(64, code, DecoderOptions.None);
      decoder.ip = BigInt(f.addr);
      const lines: string[] = [];
      let at = 0;
      while (decoder.canDecode) {
        decoder.decodeOut(instr);
        const len = instr.length;
        const raw = Array.from(code.subarray(at, at + len), (b) => hex(b, 2)).join(' ');
        lines.push(`${hex(f.addr + at, 6)}  ${raw.padEnd(30)} ${formatter.format(instr)}`);
        at += len;
      }
      decoder.free();
      return { ...f, patched: overlaps(patched, f.offset, f.size), lines };
    });
  } finally {
    formatter.free();
    instr.free();
  }
}
