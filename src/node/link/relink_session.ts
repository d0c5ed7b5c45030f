//! A long-running link of files from disk, whatever the format (elf/session/LinkSession.ts
//! for ELF, wasm/session/WasmLinkSession.ts for wasm, both here under src/node/link): link once, then relink on request, patching the
//! output in place. Each relink re-reads only the input files that changed on disk
//! (input_files.ts), links in memory with the format's linker, and writes only the bytes
//! that differ from the last good output, as a journaled patch (the first link, and any
//! link after a failed write, writes the file whole). A link that fails (an undefined
//! symbol, a bad object) writes nothing: the output stays byte for byte the last good one.
//! A format may offer a relink in place (`InPlaceRelink`, link/relink_work.ts: the core's
//! link/elf/session/fast_relink.ts, link/wasm/session/fast_relink.ts), which patches the last output for the changed inputs
//! when it can, instead of the whole link; the report says which path a relink took, why
//! not the fast one, and for the fast one the work it did (`RelinkWork`).

import { bytesEqual } from '../../zir/bytes.js';
import type { InputFile, LinkFile } from '../../link/link_file.js';
import { LinkError, OutputWriteError } from '../../link/Linker.js';
import { FileImage } from '../../link/elf/file_image.js';
import { OutputFile } from '../../link/elf/output_file.js';
import type { OutputIo } from '../../link/output_io.js';
import type { InPlaceRelink, LinkBytesInput, LinkInMemory, RelinkWork } from '../../link/relink_work.js';
import { InputFiles } from './input_files.js';
import { nodeOutputIo } from './node_output_io.js';

export type { InPlaceRelink, LinkBytesInput, LinkInMemory, RelinkWork };

export interface RelinkReport {
  ok: boolean;
  /** One per problem, each naming its input (or the output, for a failed write). */
  errors: string[];
  warnings: string[];
  /** The files read again because they changed (all of them the first time). */
  inputsChanged: string[];
  bytesWritten: number;
  fullWrite: boolean;
  /** `fast`: the last output patched in place (InPlaceRelink); `whole`: a whole link in memory. */
  path: 'fast' | 'whole';
  /** Why a relink that could have been fast was whole. */
  fallback?: string;
  /** What a relink in place did (`path` 'fast'); absent for a whole link. */
  work?: RelinkWork;
  ms: number;
  /** Where `ms` went: reading the inputs (a stat of each, a read of the changed), linking or patching, writing the output. */
  phaseMs: { read: number; link: number; write: number };
}

export class RelinkSession {
  private readonly files: InputFiles;
  private readonly image = new FileImage();
  private readonly output: OutputFile;
  private readonly versions = new Map<string, number>();
  /** The input files as of the last relink that could read them all. */
  current: InputFile[] = [];
  private lastWarnings: string[] = [];
  /** The files the last `readInputs` found changed (for `link`'s in-place attempt). */
  private changedFiles: string[] = [];
  /** The bytes of each in-memory input at the last link, to tell which changed. */
  private lastBefore = new Map<string, Uint8Array>();

  constructor(
    inputs: readonly LinkFile[],
    readonly outputPath: string,
    private readonly linkInMemory: LinkInMemory,
    io: OutputIo = nodeOutputIo,
    private readonly inPlace?: InPlaceRelink,
  ) {
    this.files = new InputFiles(inputs);
    this.output = new OutputFile(outputPath, io);
  }

  /**
   * Reads the changed inputs (throws `LinkError` naming any that cannot be read); returns
   * their paths. `onlyChanged`: the absolute paths a watcher saw change (see InputFiles.read).
   */
  readInputs(onlyChanged?: ReadonlySet<string>): string[] {
    this.current = this.files.read(onlyChanged);
    const changed: string[] = [];
    for (const f of this.current) {
      if (this.versions.get(f.path) === f.version) continue;
      this.versions.set(f.path, f.version);
      changed.push(f.path);
    }
    this.changedFiles = changed;
    return changed;
  }

  /**
   * Links `before` (in-memory objects, such as a ZIR program's) and the input files, and
   * patches the output. Throws `LinkError` or `OutputWriteError`; the output is then as it was.
   */
  link(before: readonly LinkBytesInput[] = [], phaseMs?: { link: number; write: number }): { bytesWritten: number; fullWrite: boolean } {
    const t0 = performance.now();
    const all = [...before, ...this.current];
    // In-memory inputs (a ZIR program's object, rewritten at every update) take the in-place
    // path as changed files do: a body edit patches the image rather than linking whole.
    if (this.inPlace && before.length > 0) {
      const changed = [...this.changedFiles, ...before.filter((b) => !sameBytes(this.lastBefore.get(b.path), b.bytes)).map((b) => b.path)];
      this.rememberBefore(before);
      if (this.inPlace.relink(all, changed, this.image).ok) return this.output.flush(this.image, this.output.needsFullWrite(this.image), [{ start: 0, end: this.image.size }]);
    }
    this.rememberBefore(before);
    const result = this.linkInMemory(all);
    if (!result.ok) throw new LinkError(result.errors);
    this.lastWarnings = result.warnings ?? [];
    this.image.replaceAll(result.bytes);
    const t1 = performance.now();
    const written = this.output.flush(this.image, this.output.needsFullWrite(this.image), [{ start: 0, end: this.image.size }]);
    if (phaseMs) {
      phaseMs.link += t1 - t0;
      phaseMs.write = performance.now() - t1;
    }
    return written;
  }

  private rememberBefore(before: readonly LinkBytesInput[]): void {
    this.lastBefore = new Map(before.map((b) => [b.path, b.bytes]));
  }

  /**
   * One relink of the input files; never throws for bad input. `onlyChanged`: the absolute
   * paths a file watcher saw change since the last relink; without it every input is checked.
   */
  update(onlyChanged?: ReadonlySet<string>): RelinkReport {
    const t0 = performance.now();
    const phaseMs = { read: 0, link: 0, write: 0 };
    const report = (r: Partial<RelinkReport>): RelinkReport => ({
      ok: false, errors: [], warnings: [], inputsChanged: [], bytesWritten: 0, fullWrite: false, path: 'whole', ...r, ms: performance.now() - t0, phaseMs,
    });
    let inputsChanged: string[] = [];
    let fallback: string | undefined;
    try {
      inputsChanged = this.readInputs(onlyChanged);
      phaseMs.read = performance.now() - t0;
      // The first link has nothing to patch: it is whole, and that is no fallback.
      if (this.inPlace && this.image.size > 0) {
        const fast = this.inPlace.relink(this.current, inputsChanged, this.image);
        const t1 = performance.now();
        phaseMs.link = t1 - t0 - phaseMs.read;
        if (fast.ok) {
          const { bytesWritten, fullWrite } = this.output.flush(this.image, this.output.needsFullWrite(this.image), [{ start: 0, end: this.image.size }]);
          phaseMs.write = performance.now() - t1;
          return report({ ok: true, inputsChanged, bytesWritten, fullWrite, warnings: this.lastWarnings, path: 'fast', work: fast.work });
        }
        fallback = fast.reason;
      }
      const { bytesWritten, fullWrite } = this.link(undefined, phaseMs);
      return report({ ok: true, inputsChanged, bytesWritten, fullWrite, warnings: this.lastWarnings, ...(fallback === undefined ? {} : { fallback }) });
    } catch (err) {
      if (err instanceof LinkError) return report({ errors: [...err.messages], inputsChanged, fallback });
      if (err instanceof OutputWriteError) return report({ errors: [err.message], inputsChanged, fallback });
      throw err;
    }
  }
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && bytesEqual(a, b);
}
