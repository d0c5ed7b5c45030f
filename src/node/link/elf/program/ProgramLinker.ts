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
//!   2. relinks it with the objects in a LinkSession (../session/LinkSession.ts): only the
//!      files that changed on disk are read again, every input section stays where the
//!      last link put it while it fits, and only the bytes that differ from the last good
//!      output are written, as a journaled patch (the first time, the whole file). An edit
//!      that leaves the program's symbols as they were takes the session's fast path: the
//!      last image is patched rather than linked whole.
//! A failed link (undefined symbol, bad object) throws `LinkError` and leaves the output
//! as it was.

import type { LinkFile } from '../../../../link/link_file.js';
import type { FlushReport } from '../../../../link/Linker.js';
import type { OutputIo } from '../../../../link/elf/output_file.js';
import { ObjectCollector, X86_PROVIDED, type ProvidedCode } from '../../../../link/elf/relocatable/object_collector.js';
import { StablePlacement } from '../../../../link/elf/relocatable/stable_placement.js';
import { LinkSession } from '../session/LinkSession.js';
import { DefinedNames } from '../../../../link/elf/program/defined_names.js';

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

export class ProgramLinker extends ObjectCollector {
  private readonly session: LinkSession;
  private readonly sourceNameInLink: string;

  private constructor(outputPath: string, opts: ProgramLinkerOptions) {
    const definedNames = new DefinedNames();
    const session = new LinkSession(opts.inputs, outputPath, { entry: opts.entry }, opts.io);
    super(opts.sourceName, opts.provided ?? X86_PROVIDED, {
      placement: new StablePlacement(),
      // The inputs as of the flush in progress.
      definedByInputs: (name) => definedNames.defines(session.current, name),
    });
    this.session = session;
    this.sourceNameInLink = opts.sourceName;
  }

  static open(outputPath: string, opts: ProgramLinkerOptions): ProgramLinker {
    return new ProgramLinker(outputPath, opts);
  }

  /** Writes the program's object, then links it with the inputs and patches the output. */
  override flush(): FlushReport {
    this.session.readInputs();
    super.flush();
    return this.session.link([{ path: this.sourceNameInLink, bytes: this.object!, wholeArchive: false }]);
  }
}
