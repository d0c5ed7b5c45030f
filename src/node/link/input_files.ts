//! The object and archive files of a link, read from disk and kept: each link asks for
//! all of them again, and only a file whose identity changed since it was last read
//! (another inode, size or modification time: a compiler rewrote it, or renamed a new
//! file over it) is read again. The one piece of I/O between the linkers and their inputs.

import * as fs from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { LinkError } from '../../link/Linker.js';
import { linkFilePath, type InputFile, type LinkFile, type SourceInputs } from '../../link/link_file.js';

interface Cached {
  key: string;
  file: InputFile;
}

function identityKey(st: fs.BigIntStats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

export class InputFiles {
  private readonly cache = new Map<string, Cached>();
  private reads = 0;

  constructor(readonly files: readonly LinkFile[]) {}

  /**
   * Every input, in order; throws `LinkError` naming each file that cannot be read. With
   * `onlyChanged` (absolute paths a file watcher saw change), the other files that were
   * read whole before are taken as they were, without a stat: a relink then costs what
   * changed, not the number of inputs.
   */
  read(onlyChanged?: ReadonlySet<string>): InputFile[] {
    const errors: string[] = [];
    const out: InputFile[] = [];
    for (const f of this.files) {
      const path = linkFilePath(f);
      const wholeArchive = typeof f !== 'string' && f.wholeArchive;
      const cached = this.cache.get(path);
      if (onlyChanged && cached && cached.key !== '' && cached.file.wholeArchive === wholeArchive && !onlyChanged.has(resolvePath(path))) {
        out.push(cached.file);
        continue;
      }
      try {
        out.push(this.readOne(path, wholeArchive));
      } catch (err) {
        errors.push(`cannot open ${path}: ${describe(err)}`);
      }
    }
    if (errors.length > 0) throw new LinkError(errors);
    return out;
  }

  private readOne(path: string, wholeArchive: boolean): InputFile {
    const key = identityKey(fs.statSync(path, { bigint: true }));
    const cached = this.cache.get(path);
    if (cached && cached.key === key && cached.file.wholeArchive === wholeArchive) return cached.file;
    // A Buffer is a Uint8Array: no copy.
    const bytes = fs.readFileSync(path);
    // Stat again: a file rewritten while we read it is read again at the next link.
    const after = identityKey(fs.statSync(path, { bigint: true }));
    const file = { path, bytes, wholeArchive, version: ++this.reads };
    this.cache.set(path, { key: after === key ? key : '', file });
    return file;
  }
}

/** Reads every input once, in order, compiling the sources among them: a one-shot link's inputs. */
export function readLinkInputs(
  files: readonly LinkFile[],
  sources?: SourceInputs,
): { ok: true; inputs: Array<{ path: string; bytes: Uint8Array; wholeArchive: boolean }> } | { ok: false; errors: string[] } {
  try {
    const inputs = new InputFiles(files)
      .read()
      .map((f) => ({ path: f.path, bytes: sources?.isSource(f.path) ? sources.objectOf(f.path, f.bytes) : f.bytes, wholeArchive: f.wholeArchive }));
    return { ok: true, inputs };
  } catch (err) {
    if (err instanceof LinkError) return { ok: false, errors: [...err.messages] };
    throw err;
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such file or directory';
  if (e?.code === 'EISDIR') return 'is a directory';
  if (e?.code === 'EACCES') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}
