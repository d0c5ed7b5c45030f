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
//!   2. relinks it with the objects in a LinkSession (session/LinkSession.ts): only the
//!      files that changed on disk are read again, every input section stays where the
//!      last link put it while it fits, and only the bytes that differ from the last good
//!      output are written, as a journaled patch (the first time, the whole file).
//! A failed link (undefined symbol, bad object) throws `LinkError` and leaves the output
//! as it was.

import type { X86Function } from '../../../codegen/x86_64/output.js';
import type { DataAtom } from '../../../sema/air.js';
import type { LinkFile } from '../../input_files.js';
import type { ExportEntry, FlushReport, Linker } from '../../Linker.js';
import type { OutputIo } from '../output_file.js';
import { ObjectCollector, X86_PROVIDED, type ProvidedCode } from '../relocatable/compile_object.js';
import { StablePlacement } from '../relocatable/stable_placement.js';
import { LinkSession } from '../session/LinkSession.js';
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
  private readonly session: LinkSession;
  private readonly definedNames = new DefinedNames();
  private closed = false;

  private constructor(
    outputPath: string,
    private readonly opts: ProgramLinkerOptions,
  ) {
    this.session = new LinkSession(opts.inputs, outputPath, { entry: opts.entry }, opts.io);
    this.collector = new ObjectCollector(opts.sourceName, opts.provided ?? X86_PROVIDED, {
      placement: new StablePlacement(),
      // The inputs as of the flush in progress.
      definedByInputs: (name) => this.definedNames.defines(this.session.current, name),
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
    this.session.readInputs();
    this.collector.flush();
    return this.session.link([{ path: this.opts.sourceName, bytes: this.collector.object!, wholeArchive: false }]);
  }

  close(): void {
    this.closed = true;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('ProgramLinker used after close');
  }
}
