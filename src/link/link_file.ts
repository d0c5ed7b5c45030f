//! What names an input of a link (a path, or a path with `--whole-archive` in force), an
//! input as read, and what compiles a source among the inputs: the linkers' view of their
//! inputs. Reading them from disk is the Node layer's (src/node/link/input_files.ts).

/** An input file: its path, or its path with `--whole-archive` in force. */
export type LinkFile = string | { path: string; wholeArchive: boolean };

export interface InputFile {
  path: string;
  bytes: Uint8Array;
  wholeArchive: boolean;
  /** Counts the times this path was read: a new value means new bytes. */
  version: number;
}

export function linkFilePath(f: LinkFile): string {
  return typeof f === 'string' ? f : f.path;
}

/**
 * What turns a source among the inputs into the object it compiles to (a `.zir` file:
 * cli/zir_inputs.ts), so the linkers need not know any compiler. `objectOf` throws
 * `LinkError` with the source's errors.
 */
export interface SourceInputs {
  isSource(path: string): boolean;
  objectOf(path: string, source: Uint8Array): Uint8Array;
}
