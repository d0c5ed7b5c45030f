//! The messages between the page and its compile worker.

import type { ByteRange, ElfFunction, Region } from './module_map.js';

export type Target = 'wasm32-wasi' | 'x86_64-linux';

export interface UpdateRequest {
  id: number;
  target: Target;
  source: string;
}

export interface Diagnostic {
  line: number;
  col: number;
  /** Offset in the source text (UTF-16 units; ZIR examples are ASCII), or -1. */
  offset: number;
  message: string;
}

export interface DisassembledFunction extends ElfFunction {
  patched: boolean;
  lines: string[];
}

export interface UpdateReply {
  id: number;
  target: Target;
  ok: boolean;
  errors: Diagnostic[];
  stats: { declsParsed: number; declsAnalyzed: number; functionsGenerated: number; declsDeleted: number; bytesWritten: number };
  /** Wall time of the update in the worker, in ms. */
  ms: number;
  output: Uint8Array | null;
  patches: ByteRange[];
  regions: Region[];
  /** For the ELF: every function, disassembled, marked when its bytes were patched. */
  functions: DisassembledFunction[];
}
