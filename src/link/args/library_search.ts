//! The `-l` search both linker front ends share: `-lNAME` is the first `libNAME.a` in the
//! `-L` directories, in order; `-l:FILE` is the first `FILE`. Pure: the caller injects
//! "does this file exist". Each front end words its own "not found" error around it.

export type FileExists = (path: string) => boolean;

/** A `-l` input: `-lNAME` (exact false) or `-l:FILE` (exact true). */
export interface LibraryName {
  name: string;
  exact: boolean;
}

export function joinPath(dir: string, file: string): string {
  return dir.endsWith('/') ? dir + file : `${dir}/${file}`;
}

/** The file name searched for in each directory: `libNAME.a`, or FILE for `-l:FILE`. */
export function librarySearchName(input: LibraryName): string {
  return input.exact ? input.name : `lib${input.name}.a`;
}

/** The `-l` spelling of a library input, for messages: `-lc`, `-l:libc.a`. */
export function librarySpelling(input: LibraryName): string {
  return `-l${input.exact ? ':' : ''}${input.name}`;
}

/** The first directory's copy of `wanted`, or undefined when no directory has it. */
export function findInSearchDirs(wanted: string, dirs: readonly string[], exists: FileExists): string | undefined {
  for (const dir of dirs) {
    const candidate = joinPath(dir, wanted);
    if (exists(candidate)) return candidate;
  }
  return undefined;
}
