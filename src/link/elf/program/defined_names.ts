//! Which global names the objects and archives of a link define: a ZIR extern of one of
//! zirc's built-in WASI functions is the object's definition when there is one (spec §7),
//! so the ZIR object must know before it is written. Archives answer from their symbol
//! index (a member defining the name would be pulled in by the reference); objects from
//! their symbol tables, parsed through the parse cache, so the link that follows reuses the
//! parse. Read once per version of each file. A file that cannot be read
//! defines nothing here: the link itself reports what is wrong with it.

import type { InputFile } from '../../link_file.js';
import { isArchive, readArchiveCached, readElfObjectCached, SYM_UNDEF, STB_LOCAL } from '../input/index.js';

export class DefinedNames {
  private readonly byFile = new Map<string, { version: number; names: ReadonlySet<string> }>();

  /** Whether any of `files` defines `name`. */
  defines(files: readonly InputFile[], name: string): boolean {
    return files.some((f) => this.namesOf(f).has(name));
  }

  private namesOf(file: InputFile): ReadonlySet<string> {
    const known = this.byFile.get(file.path);
    if (known && known.version === file.version) return known.names;
    const names = definedGlobals(file);
    this.byFile.set(file.path, { version: file.version, names });
    return names;
  }
}

function definedGlobals(file: InputFile): ReadonlySet<string> {
  try {
    if (isArchive(file.bytes)) return new Set(readArchiveCached(file.path, file.bytes).symbols.keys());
    const obj = readElfObjectCached(file.path, file.bytes);
    const s = obj.symbols;
    const names = new Set<string>();
    for (let i = s.firstGlobal; i < s.count; i++) {
      if (s.bind[i] !== STB_LOCAL && s.shndx[i] !== SYM_UNDEF) names.add(s.names[i]!);
    }
    return names;
  } catch {
    return new Set();
  }
}
