//! The link of a ZIR program with wasm32 objects and archives (`zirc build -t wasm32-wasi
//! main.zir util.o`, `zirc watch -t wasm32-wasi main.zir util.o`), the wasm side of one
//! object model: the compilation's code and data form the same relocatable object that
//! `zirc build -c -t wasm32-wasi` writes, and zirc's wasm linker (static/link_wasm.ts, the
//! one behind `zirc wasm-ld`) links it with the files from disk in command-line order.
//!
//! Each flush writes the program's object again and relinks it in a WasmLinkSession
//! (../session/WasmLinkSession.ts): only the input files that changed on disk are read again;
//! the program's object, like a changed object, is patched into the last module in place
//! when it fits where it was (functions keep their indices, bodies their slots), else
//! linked whole with the session's layout memory; the module is written the first time
//! whole, then as a journaled patch of the bytes that changed. The module has
//! zirc's 1 MiB stack (the ZIR program's own modules have it too) and exports `_start`
//! (the program's, or a C runtime's) and `memory`. A failed link throws `LinkError` and
//! leaves the output as it was.

import type { LinkFile } from '../../../../link/link_file.js';
import type { FlushReport } from '../../../../link/Linker.js';
import type { OutputIo } from '../../../../link/elf/output_file.js';
import { WasmObjectCollector } from '../../../../link/wasm/relocatable/object_collector.js';
import { WasmLinkSession } from '../session/WasmLinkSession.js';

/** zirc's own wasm modules give the program a 1 MiB stack; so does this link. */
export const ZIR_STACK_SIZE = 1 << 20;

export interface WasmProgramLinkerOptions {
  /** How the program's object is named in the link's messages (the source's display path). */
  sourceName: string;
  /** The objects and archives after the source on the command line, in order. */
  inputs: readonly LinkFile[];
  io?: OutputIo;
}

export class WasmProgramLinker extends WasmObjectCollector {
  private readonly session: WasmLinkSession;
  private readonly sourceName: string;

  constructor(outputPath: string, opts: WasmProgramLinkerOptions) {
    super();
    this.session = new WasmLinkSession(opts.inputs, outputPath, { stackSize: ZIR_STACK_SIZE }, opts.io);
    this.sourceName = opts.sourceName;
  }

  /** Writes the program's object, then links it with the inputs and patches the output. */
  override flush(): FlushReport {
    this.session.readInputs();
    super.flush();
    return this.session.link([{ path: this.sourceName, bytes: this.object!, wholeArchive: false }]);
  }
}
