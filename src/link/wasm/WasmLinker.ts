//! The wasm32-wasi linker (`Linker` for wasm): keeps the compilation's code and data in
//! an in-memory object (object.ts), takes each function's body as the wasm code generator
//! made it, and at flush brings the module in the file image up to date: patched in place
//! where what changed keeps its place (placed_module.ts), else laid out afresh. The image
//! goes to the sink it is given: on disk, output_file.ts (whole the first time, then as a
//! journaled patch of the bytes that changed), or memory (output_sink.ts).

import type { DataAtom, RuntimeSymbol } from '../../sema/air.js';
import type { WasmFunction } from '../../codegen/wasm/output.js';
import { FileImage } from '../elf/file_image.js';
import type { ImageSink } from '../output_sink.js';
import type { ExportEntry, FlushReport, Linker } from '../Linker.js';
import { checkLinkable, PlacedModule } from './placed_module.js';
import { WasmObject } from './object.js';

export { LinkError } from './object.js';

export interface WasmLinkerOptions {
  /** Code of a backend runtime routine such as a safety panic, from the code generator. */
  runtime: (sym: RuntimeSymbol) => WasmFunction;
  /** Bytes of shadow stack at the bottom of memory (default 1 MiB; rounded up to 16). */
  stackSize?: number;
  /** Where the image goes: a file (elf/output_file.ts, from the Node layer), memory, an embedder's target (output_sink.ts). */
  sink: ImageSink;
}

export const DEFAULT_STACK_SIZE = 1 << 20;

export class WasmLinker implements Linker<WasmFunction> {
  private readonly obj: WasmObject;
  private exports: ExportEntry[] = [];
  private readonly image = new FileImage();
  private readonly output: ImageSink;
  /** The module as the image holds it; null until a layout succeeds (or after one failed). */
  private placed: PlacedModule | null = null;
  /** Why the last flush laid the module out afresh instead of patching it. */
  lastLayoutReason = '';
  private closed = false;

  private constructor(
    readonly path: string,
    runtime: (sym: RuntimeSymbol) => WasmFunction,
    private readonly stackSize: number,
    sink: ImageSink,
  ) {
    this.obj = new WasmObject(runtime);
    this.output = sink;
  }

  /** A linker writing `path`. Whatever is there now is replaced at the first flush. */
  static open(outputPath: string, opts: WasmLinkerOptions): WasmLinker {
    return new WasmLinker(outputPath, opts.runtime, opts.stackSize ?? DEFAULT_STACK_SIZE, opts.sink);
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
    return this.image.bytes.slice();
  }

  /** A fresh layout of the object as it is now, leaving the file alone (tests compare it with a fresh build). */
  freshModule(): Uint8Array {
    this.assertOpen();
    // The symbols take that layout's indices (even when it throws): the next flush lays out again.
    this.placed = null;
    return PlacedModule.layOut(this.obj, this.exports, this.stackSize).bytes;
  }

  flush(): FlushReport {
    this.assertOpen();
    this.link();
    const { bytesWritten, fullWrite } = this.output.flush(this.image, this.output.needsFullWrite(this.image), [{ start: 0, end: this.image.size }]);
    return { bytesWritten, fullWrite };
  }

  close(): void {
    this.closed = true;
  }

  /** Brings the image up to date; throws `LinkError` (and changes nothing) for an undefined symbol or export. */
  private link(): void {
    const placed = this.placed;
    if (placed !== null) {
      checkLinkable(this.obj, this.exports, (sym) => placed.placedAs(sym));
      const outcome = placed.patch(this.obj, this.exports, this.image);
      if (outcome.ok) {
        this.obj.clearDirty();
        return;
      }
      this.lastLayoutReason = outcome.reason;
    } else this.lastLayoutReason = 'the first layout';
    this.placed = null;
    const { placed: next, bytes } = PlacedModule.layOut(this.obj, this.exports, this.stackSize);
    this.image.replaceAll(bytes);
    this.placed = next;
    this.obj.clearDirty();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('WasmLinker used after close()');
  }
}
