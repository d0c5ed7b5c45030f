//! What a `Compilation` needs of a file system when it is given paths (`sourcePath`,
//! `outputPath`): the core has none of its own (it runs in browsers too, `zirc/core`), so
//! a host supplies one, in the options (`files`) or installed once for every compilation.
//! The Node layer installs Node's (src/node/compilation_files.ts, through
//! src/node/install.ts). In-memory builds need none.

import type { Linker } from '../link/Linker.js';
import type { LinkFile } from '../link/link_file.js';
import type { SourceReader } from './source_reader.js';
import type { TargetName } from './target.js';
import type { NameTable } from '../zir/intern.js';

export interface CompilationFiles {
  /** The whole source file, read into one of `reader`'s buffers (source_reader.ts). */
  readSource(path: string, reader: SourceReader): Uint8Array;
  /** Before the first update: repairs an output an earlier process left half-patched. Never throws. */
  recoverOutput(outputPath: string): void;
  /** Creates the output's missing directories; throws what failed. */
  makeOutputDirectory(outputPath: string): void;
  /** The target's in-place linker writing the file at `outputPath` (`declNames`: see `TargetBackend.openLinker`). */
  openLinker(outputPath: string, target: TargetName, declNames?: NameTable): Linker;
  /** The linker of the program linked with objects and archives from disk. */
  openProgramLinker(outputPath: string, target: TargetName, sourceName: string, inputs: readonly LinkFile[]): Linker;
}

let installed: CompilationFiles | null = null;

/** Makes `files` every compilation's file system, unless its options give another. */
export function installCompilationFiles(files: CompilationFiles): void {
  installed = files;
}

/** The installed file system; a TypeError when the host gave none. */
export function installedCompilationFiles(): CompilationFiles {
  if (installed === null) throw new TypeError('Compilation: sourcePath and outputPath need a file system (import zirc, not zirc/core, or pass `files`); without them the build is in memory');
  return installed;
}
