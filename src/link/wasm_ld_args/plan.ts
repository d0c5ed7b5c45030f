//! The wasm link plan: what an LLVM wasm-ld command line asks `zirc wasm-ld` to do, as plain
//! data. `parseWasmLdArgs` produces it, `resolveWasmLibraries` turns its `-l` inputs into
//! paths, and the wasm linker consumes it. No I/O here, and nothing about how the link is done.

/** A usage error on the command line. `option` is the spelling the user gave (`--foo`, `-r`). */
export class WasmLdUsageError extends Error {
  constructor(
    readonly option: string,
    detail: string,
  ) {
    super(`zirc wasm-ld: ${detail}`);
    this.name = 'WasmLdUsageError';
  }
}

/** A file named on the command line, or a library named with `-l`. */
export type WasmLdInputSource =
  | { kind: 'file'; path: string }
  /** `-lNAME` (exact false: search `libNAME.a`), or `-l:FILE` (exact true: search `FILE`). */
  | { kind: 'library'; name: string; exact: boolean };

/** One input, in command-line order, with `--whole-archive` and the enclosing group as they were there. */
export type WasmLdInput = WasmLdInputSource & {
  wholeArchive: boolean;
  /** 1, 2, … for the `--start-group`s in order; null outside any group (wasm-ld rescans archives anyway). */
  groupId: number | null;
};

/** The wasm page size: initial, maximum memory and the initial heap are whole pages. */
export const WASM_PAGE_SIZE = 65536;
/** wasm32's address space: memory sizes may not exceed it. */
export const WASM32_MEMORY_LIMIT = 2 ** 32;
/** wasm-ld's default `-z stack-size`: one page. */
export const DEFAULT_STACK_SIZE = WASM_PAGE_SIZE;

export interface WasmLdPlan {
  /** `--version` / `--help` print and stop; `-v` prints and links if there are inputs. */
  printVersion: boolean;
  printHelp: boolean;
  /** False when the command line only asked for the version or help. */
  link: boolean;
  /** `-o`; `a.out` when absent (wasm-ld 14 itself insists on -o). */
  output: string;
  inputs: WasmLdInput[];
  /** Every `-L` directory, in order; wherever it appears, it applies to every `-l`. */
  searchDirs: string[];
  /** The entry symbol: `_start` by default, the last `-e`/`--entry`; null after `--no-entry` or `-e ''`. */
  entry: string | null;
  /** `entry === null`: the module exports no entry point (a library or reactor without one). */
  noEntry: boolean;
  /** `--export=SYM` in order: must be defined, and is exported. */
  exports: string[];
  /** `--export-if-defined=SYM`: exported when some input defines it. */
  exportsIfDefined: string[];
  exportAll: boolean;
  /** `--export-dynamic` / `-E`: export every symbol with default visibility. */
  exportDynamic: boolean;
  /** `--allow-undefined`: undefined functions become imports. */
  allowUndefined: boolean;
  /**
   * Symbols allowed to stay undefined (as imports): the lines of each `--allow-undefined-file`,
   * then (after `resolveWasmLibraries`) those of each archive's `.imports` file, deduplicated.
   */
  allowUndefinedSymbols: string[];
  /** `-u SYM` / `--undefined=SYM`: undefined from the start, so archives are searched for it. */
  undefinedSymbols: string[];
  /** `--import-memory[=MODULE,NAME]`: the memory is imported (`env`.`memory` by default). */
  importMemory: boolean;
  importMemoryModule: string;
  importMemoryName: string;
  /** Whether the memory is exported: yes unless imported, and yes with `--export-memory[=NAME]`. */
  exportMemory: boolean;
  exportMemoryName: string;
  /** `--initial-memory=N`, `--max-memory=N`: bytes, page-aligned; null lets the linker size them. */
  initialMemory: number | null;
  maxMemory: number | null;
  /** `--initial-heap=N` (wasm-ld 17's option): bytes of heap in the initial memory, page-aligned. */
  initialHeap: number | null;
  /** `-z stack-size=N`: bytes, 16-aligned; one page by default. */
  stackSize: number;
  /** `--global-base=N`: where data starts; null for the linker's default (1024). */
  globalBase: number | null;
  stackFirst: boolean;
  /** wasm-ld collects garbage by default: `--no-gc-sections` turns it off. */
  gcSections: boolean;
  printGcSections: boolean;
  /** On by default; `--no-merge-data-segments` keeps one data segment per input segment. */
  mergeDataSegments: boolean;
  importTable: boolean;
  exportTable: boolean;
  growableTable: boolean;
  stripAll: boolean;
  stripDebug: boolean;
  /** `-O N` (default 1) and `--lto-ON` (default 2): checked; there is no LTO, so only `-O` may matter. */
  optimize: number;
  ltoOptimize: number;
  /** `--threads=N`; null for the default. */
  threads: number | null;
  verbose: boolean;
  fatalWarnings: boolean;
  /** Every known `-z` keyword given, in order, as written (`stack-size=65536`). */
  zKeywords: string[];
  /** Messages for the driver to print as `zirc wasm-ld: warning: …`. */
  warnings: string[];
}
