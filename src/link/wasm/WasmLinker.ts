//! The wasm32-wasi linker (`Linker` for wasm): keeps the compilation's code and data in
//! an in-memory object (object.ts), takes each function's body as the wasm code generator
//! made it, and at flush lays out the module, copies the cached bodies while
//! applying relocations, and writes the whole file through output_io.ts: only over a
//! writable regular file (or a symlink's target), as a temporary file renamed into place.

import type { DataAtom, RuntimeSymbol } from '../../sema/air.js';
import type { WasmFunction } from '../../codegen/wasm/output.js';
import { ByteWriter } from '../../codegen/wasm/leb.js';
import type { ExportEntry, FlushReport, Linker } from '../Linker.js';
import { nodeOutputIo, replaceFile, resolveOutputTarget, type OutputIo } from '../output_io.js';
import { computeLayout, sortData, sortFunctions, type ModuleLayout } from './layout.js';
import { writeModule } from './module_writer.js';
import { WasmObject, type LinkSymbol } from './object.js';

export { LinkError } from './object.js';

export interface WasmLinkerOptions {
  /** Code of a backend runtime routine such as a safety panic, from the code generator. */
  runtime: (sym: RuntimeSymbol) => WasmFunction;
  /** Bytes of shadow stack at the bottom of memory (default 1 MiB; rounded up to 16). */
  stackSize?: number;
  /** File operations (tests inject failures). */
  io?: OutputIo;
}

export const DEFAULT_STACK_SIZE = 1 << 20;

export class WasmLinker implements Linker<WasmFunction> {
  private readonly obj: WasmObject;
  private exports: ExportEntry[] = [];
  private sortedFuncs: LinkSymbol[] = [];
  private sortedData: LinkSymbol[] = [];
  private readonly out = new ByteWriter(1 << 16);
  private closed = false;

  private constructor(
    readonly path: string,
    runtime: (sym: RuntimeSymbol) => WasmFunction,
    private readonly stackSize: number,
    private readonly io: OutputIo,
  ) {
    this.obj = new WasmObject(runtime);
  }

  /** A linker writing `path`. Whatever is there now is replaced at the first flush. */
  static open(outputPath: string, opts: WasmLinkerOptions): WasmLinker {
    return new WasmLinker(outputPath, opts.runtime, opts.stackSize ?? DEFAULT_STACK_SIZE, opts.io ?? nodeOutputIo);
  }

  updateFunc(name: string, code: WasmFunction): void {
    this.assertOpen();
    this.obj.setFunction(name, code);
  }

  updateData(atom: DataAtom): void {
    this.assertOpen();
    this.obj.setData(atom);
  }

  deleteSymbol(name: string): void {
    this.assertOpen();
    this.obj.deleteDecl(name);
  }

  updateExports(exports: readonly ExportEntry[]): void {
    this.assertOpen();
    this.exports = exports.map((e) => ({ ...e }));
  }

  /** The module as the next flush would write it (for tests and tools). */
  buildModule(): Uint8Array {
    this.assertOpen();
    this.link();
    return this.out.bytes.slice(0, this.out.length);
  }

  flush(): FlushReport {
    this.assertOpen();
    this.link();
    const bytes = this.out.bytes.subarray(0, this.out.length);
    writeModuleFile(this.io, this.path, bytes);
    const report: FlushReport = { bytesWritten: bytes.length, fullWrite: true };
    return report;
  }

  close(): void {
    this.closed = true;
  }

  private link(): ModuleLayout {
    if (this.obj.funcSetChanged) {
      this.sortedFuncs = sortFunctions(this.obj.funcSyms);
      this.obj.funcSetChanged = false;
    }
    if (this.obj.dataSetChanged) {
      this.sortedData = sortData(this.obj.dataSyms);
      this.obj.dataSetChanged = false;
    }
    const layout = computeLayout(this.obj, this.sortedFuncs, this.sortedData, this.exports, this.stackSize);
    writeModule(this.out, this.obj, layout);
    return layout;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('WasmLinker used after close()');
  }
}

/** Replaces the file at `outputPath` (see output_io.ts); throws `OutputWriteError`. */
function writeModuleFile(io: OutputIo, outputPath: string, bytes: Uint8Array): void {
  const target = resolveOutputTarget(io, outputPath);
  const whole = [{ start: 0, end: bytes.length }];
  replaceFile(io, outputPath, target, { bytes, ranges: whole, size: bytes.length, mode: 0o666, exactMode: false });
}
