//! A long-running static link (`zirc ld --watch`, the library's link session, and the
//! link of a ZIR program with objects): link once, then relink on request, patching the
//! executable in place. Each relink re-reads only the input files that changed on disk
//! (input_files.ts), links in memory with the layout memory of the earlier links, so the
//! input sections that did not change keep their addresses (static/stable_layout.ts), and
//! writes only the bytes that differ from the last good output, as a journaled patch
//! (output_file.ts): the first link, and any link after a failed write, writes the file
//! whole. A link that fails (an undefined symbol, a bad object) writes nothing: the output
//! stays byte for byte the last good one.
//!
//! The relink itself is a whole link in memory, so its time follows the program, not the
//! edit; the bytes it writes follow the edit.

import { InputFiles, type InputFile, type LinkFile } from '../../input_files.js';
import { LinkError, OutputWriteError } from '../../Linker.js';
import { FileImage } from '../file_image.js';
import { OutputFile, type OutputIo } from '../output_file.js';
import { linkStatic, type LinkInput, type StaticLinkOptions } from '../static/link_static.js';
import { StableLayout } from '../static/stable_layout.js';

export interface RelinkReport {
  ok: boolean;
  /** One per problem, each naming its input (or the output, for a failed write). */
  errors: string[];
  /** The files read again because they changed (all of them the first time). */
  inputsChanged: string[];
  bytesWritten: number;
  fullWrite: boolean;
  ms: number;
}

export class LinkSession {
  private readonly files: InputFiles;
  private readonly layout = new StableLayout();
  private readonly image = new FileImage();
  private readonly output: OutputFile;
  private readonly versions = new Map<string, number>();

  constructor(
    inputs: readonly LinkFile[],
    readonly outputPath: string,
    private readonly options: Omit<StaticLinkOptions, 'stableLayout' | 'output'> = {},
    io?: OutputIo,
  ) {
    this.files = new InputFiles(inputs);
    this.output = new OutputFile(outputPath, io);
  }

  /** The input files as of the last relink that could read them all. */
  current: InputFile[] = [];

  /** Reads the changed inputs (throws `LinkError` naming any that cannot be read). */
  readInputs(): string[] {
    this.current = this.files.read();
    const changed: string[] = [];
    for (const f of this.current) {
      if (this.versions.get(f.path) === f.version) continue;
      this.versions.set(f.path, f.version);
      changed.push(f.path);
    }
    return changed;
  }

  /**
   * Links `before` (in-memory objects, such as a ZIR program's) and the input files, and
   * patches the output. Throws `LinkError` or `OutputWriteError`; the output is then as it was.
   */
  link(before: readonly LinkInput[] = []): { bytesWritten: number; fullWrite: boolean } {
    const result = linkStatic([...before, ...this.current], { ...this.options, output: this.outputPath, stableLayout: this.layout });
    if (!result.ok) throw new LinkError(result.errors);
    this.image.replaceAll(result.bytes);
    return this.output.flush(this.image, this.output.needsFullWrite(this.image), [{ start: 0, end: this.image.size }]);
  }

  /** One relink of the input files; never throws for bad input. */
  update(): RelinkReport {
    const t0 = performance.now();
    const report = (r: Partial<RelinkReport>): RelinkReport => ({
      ok: false, errors: [], inputsChanged: [], bytesWritten: 0, fullWrite: false, ...r, ms: performance.now() - t0,
    });
    let inputsChanged: string[] = [];
    try {
      inputsChanged = this.readInputs();
      const { bytesWritten, fullWrite } = this.link();
      return report({ ok: true, inputsChanged, bytesWritten, fullWrite });
    } catch (err) {
      if (err instanceof LinkError) return report({ errors: [...err.messages], inputsChanged });
      if (err instanceof OutputWriteError) return report({ errors: [err.message], inputsChanged });
      throw err;
    }
  }
}
