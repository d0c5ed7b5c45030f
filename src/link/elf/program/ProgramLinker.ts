//! The in-place link of a ZIR program with objects and archives (`zirc build main.zir
//! util.o libx.a`, `zirc watch main.zir util.o`), the one object model of DESIGN.md: the
//! compilation's code and data form an in-memory relocatable object — the same bytes
//! `zirc build -c` writes — and the static linker links it with the files from disk, in
//! command-line order, exactly as `zirc ld` links objects.
//!
//! Each flush:
//!   1. writes the ZIR object again, every atom where the last write put it and each
//!      section at its reserved size (stable_placement.ts), so objects linked after it
//!      keep their addresses while the program's code changes;
//!   2. re-reads only the input files that changed on disk (input_files.ts);
//!   3. links everything in memory (static/link_static.ts);
//!   4. writes the executable: the first time whole (a new file renamed over the old), then
//!      as a journaled in-place patch of the bytes that differ from the last good link.
//! A failed link (undefined symbol, bad object) throws `LinkError` and leaves the output
//! as it was. The link is done from scratch in memory each time; relinking only what
//! changed is the next step (issue 14), the writes are already only what changed.

import type { X86Function } from '../../../codegen/x86_64/output.js';
import type { DataAtom } from '../../../sema/air.js';
import { InputFiles, type InputFile, type LinkFile } from '../../input_files.js';
import { LinkError, type ExportEntry, type FlushReport, type Linker } from '../../Linker.js';
import { FileImage } from '../file_image.js';
import { OutputFile, type OutputIo } from '../output_file.js';
import { ObjectCollector, X86_PROVIDED, type ProvidedCode } from '../relocatable/compile_object.js';
import { StablePlacement } from '../relocatable/stable_placement.js';
import { linkStatic } from '../static/link_static.js';
import { DefinedNames } from './defined_names.js';

export interface ProgramLinkerOptions {
  /** How the ZIR object is named in the link's messages (the source's display path). */
  sourceName: string;
  /** The objects and archives after the source on the command line, in order. */
  inputs: readonly LinkFile[];
  /** The entry symbol (default `_start`: the program's export, or a C runtime's). */
  entry?: string;
  provided?: ProvidedCode;
  io?: OutputIo;
}

export class ProgramLinker implements Linker<X86Function> {
  private readonly collector: ObjectCollector;
  private readonly files: InputFiles;
  private readonly definedNames = new DefinedNames();
  /** The inputs as of the flush in progress (the ZIR object asks what they define). */
  private current: InputFile[] = [];
  private readonly image = new FileImage();
  private readonly output: OutputFile;
  private closed = false;

  private constructor(
    private readonly outputPath: string,
    private readonly opts: ProgramLinkerOptions,
  ) {
    this.files = new InputFiles(opts.inputs);
    this.output = new OutputFile(outputPath, opts.io);
    this.collector = new ObjectCollector(opts.sourceName, opts.provided ?? X86_PROVIDED, {
      placement: new StablePlacement(),
      definedByInputs: (name) => this.definedNames.defines(this.current, name),
    });
  }

  static open(outputPath: string, opts: ProgramLinkerOptions): ProgramLinker {
    return new ProgramLinker(outputPath, opts);
  }

  updateFunc(name: string, code: X86Function): void {
    this.checkOpen();
    this.collector.updateFunc(name, code);
  }

  updateData(atom: DataAtom): void {
    this.checkOpen();
    this.collector.updateData(atom);
  }

  deleteSymbol(name: string): void {
    this.checkOpen();
    this.collector.deleteSymbol(name);
  }

  updateExports(exports: readonly ExportEntry[]): void {
    this.checkOpen();
    this.collector.updateExports(exports);
  }

  flush(): FlushReport {
    this.checkOpen();
    this.current = this.files.read();
    this.collector.flush();
    const program = { path: this.opts.sourceName, bytes: this.collector.object!, wholeArchive: false };
    const result = linkStatic([program, ...this.current], { output: this.outputPath, entry: this.opts.entry });
    if (!result.ok) throw new LinkError(result.errors);
    this.image.replaceAll(result.bytes);
    const full = this.output.needsFullWrite(this.image);
    return this.output.flush(this.image, full, [{ start: 0, end: this.image.size }]);
  }

  close(): void {
    this.closed = true;
    this.current = [];
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('ProgramLinker used after close');
  }
}
