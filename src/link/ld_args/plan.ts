//! The link plan: what a GNU ld / ld.lld command line asks `zirc ld` to do, as plain data.
//! `parseLdArgs` produces it, `resolveLibraries` turns its `-l` inputs into paths, and the
//! linker driver consumes it. No I/O here, and nothing about how the link itself is done.

/** A usage error on the command line. `option` is the spelling the user gave (`--foo`, `-shared`). */
export class LdUsageError extends Error {
  constructor(
    readonly option: string,
    detail: string,
  ) {
    super(`zirc ld: ${detail}`);
    this.name = 'LdUsageError';
  }
}

/** A file named on the command line, or a library named with `-l`. */
export type LdInputSource =
  | { kind: 'file'; path: string }
  /** `-lNAME` (exact false: search `libNAME.a`), or `-l:FILE` (exact true: search `FILE`). */
  | { kind: 'library'; name: string; exact: boolean };

/**
 * One input, in command-line order, with the position-dependent state in force where it
 * appeared (`--whole-archive`, `--as-needed`, `-Bstatic`, the enclosing group).
 */
export type LdInput = LdInputSource & {
  wholeArchive: boolean;
  asNeeded: boolean;
  /** `-Bstatic` / `-static` / `-dn` / `-non_shared` in force (false after `-Bdynamic`). */
  staticOnly: boolean;
  /** 1, 2, … for the `--start-group`s in order; null outside any group. */
  groupId: number | null;
};

/** `--defsym=NAME=EXPR`, restricted to a number, a symbol, or a symbol plus or minus a number. */
export type LdDefsym =
  | { name: string; kind: 'absolute'; value: bigint }
  | { name: string; kind: 'symbol'; target: string; addend: bigint };

export type LdBuildId =
  | { kind: 'none' }
  | { kind: 'fast' | 'md5' | 'sha1' | 'uuid' }
  /** `--build-id=0xHEX`: the hex digits after `0x`, lower-cased (may be empty, as ld.lld allows). */
  | { kind: 'hex'; hex: string };

/** The `-z` keywords that change a static link, resolved (last one wins). */
export interface LdZOptions {
  now: boolean;
  relro: boolean;
  execStack: boolean;
  separateCode: boolean;
  text: boolean;
  maxPageSize: bigint | null;
  commonPageSize: bigint | null;
  stackSize: bigint | null;
  /** `-z start-stop-gc`: under --gc-sections, `__start_X`/`__stop_X` references do not keep the sections named X (zirc's default, as GNU ld's, is `nostart-stop-gc`). */
  startStopGc: boolean;
}

export interface LdPlan {
  /** `--version` / `--help` ask to print and stop; `-v` prints and links if there are inputs. */
  printVersion: boolean;
  printHelp: boolean;
  /** False when the command line only asked for the version or help. */
  link: boolean;
  output: string;
  entry: string | null;
  inputs: LdInput[];
  /** `-L` directories in order, with a leading `=` or `$SYSROOT` replaced by the sysroot. */
  searchDirs: string[];
  sysroot: string | null;
  undefinedSymbols: string[];
  defsyms: LdDefsym[];
  gcSections: boolean;
  /** `--print-gc-sections`: list what --gc-sections removed on stderr. */
  printGcSections: boolean;
  buildId: LdBuildId;
  ehFrameHdr: boolean;
  /** Accepted and checked; a static executable has no hash table, so it changes nothing. */
  hashStyle: 'gnu' | 'sysv' | 'both' | null;
  strip: 'none' | 'debug' | 'all';
  /** `-X` (discard temporary locals) / `-x` (discard all locals). */
  discard: 'none' | 'locals' | 'all';
  noUndefined: boolean;
  fatalWarnings: boolean;
  nostdlib: boolean;
  optimize: number;
  z: LdZOptions;
  /** Every `-z` keyword given, in order, as written (`max-page-size=0x1000`), unknown ones excluded. */
  zKeywords: string[];
  /** Accepted for compatibility, meaningless for a static link (`-dynamic-linker`). */
  dynamicLinker: string | null;
  /** Messages for the driver to print as `zirc ld: warning: …`. */
  warnings: string[];
}
