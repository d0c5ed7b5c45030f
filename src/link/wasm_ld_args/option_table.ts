//! The LLVM wasm-ld options `zirc wasm-ld` knows, and how one argv element is matched
//! against them. The syntax is wasm-ld's (LLVM OptTable, as lld/wasm/Options.td declares):
//! a long option takes one or two dashes (`--export-all`, `-export-all`); its value is
//! `--name=V` or `--name V` (an optional value only `--name=V`); a one-letter option takes
//! one dash and its value joined or separate (`-lc`, `-l c`, `-zstack-size=N`); a long name
//! beats a letter (`-entry` is `--entry`, `-emain` is `-e main`), and `-output` is `-o utput`
//! because wasm-ld has no `--output`. `--lto-O3` is a name with its value glued on.
//! Where wasm-ld takes only `--name=V` (`--initial-memory`), `--name V` is accepted too.

import { optionMatcher, type MatchedOption, type OptionSpec as GenericSpec } from '../args/option_matcher.js';
import { WasmLdUsageError } from './plan.js';

export type WasmLdOptionId =
  // inputs and their position-dependent state
  | 'library' | 'library-path' | 'whole-archive' | 'no-whole-archive' | 'start-group' | 'end-group'
  // output, entry and symbols
  | 'output' | 'emulation' | 'entry' | 'no-entry' | 'undefined' | 'export' | 'export-if-defined'
  | 'export-all' | 'export-dynamic' | 'no-export-dynamic' | 'allow-undefined' | 'allow-undefined-file'
  | 'unresolved-symbols' | 'error-unresolved-symbols'
  // memory, stack and table layout
  | 'import-memory' | 'export-memory' | 'initial-memory' | 'max-memory' | 'initial-heap' | 'global-base'
  | 'stack-first' | 'z' | 'import-table' | 'export-table' | 'growable-table'
  // output shape
  | 'gc-sections' | 'no-gc-sections' | 'print-gc-sections' | 'no-print-gc-sections'
  | 'merge-data-segments' | 'no-merge-data-segments' | 'strip-all' | 'strip-debug' | 'optimize' | 'lto-O'
  // diagnostics, information, how the linker runs
  | 'threads' | 'error-limit' | 'fatal-warnings' | 'no-fatal-warnings' | 'verbose' | 'color-diagnostics'
  | 'no-color-diagnostics' | 'rsp-quoting' | 'v' | 'version' | 'help' | 'Bsymbolic'
  // accepted and ignored: LTO and checking knobs that change nothing without LTO
  | 'ignored'
  // refused, each with its reason
  | 'refused';

type OptionSpec = GenericSpec<WasmLdOptionId>;

const SHARED = 'zirc wasm-ld links static executables and reactors, not shared or position-independent modules';
const THREADS = 'zirc wasm-ld links single-threaded modules: no shared memory';
const RELOCATABLE = 'zirc wasm-ld writes final modules, not relocatable objects';

const SPECS: readonly OptionSpec[] = [
  { id: 'library', arity: 'value', short: 'l' },
  { id: 'library-path', arity: 'value', short: 'L' },
  { id: 'whole-archive', arity: 'flag', long: ['whole-archive'] },
  { id: 'no-whole-archive', arity: 'flag', long: ['no-whole-archive'] },
  // wasm-ld 14 does not know these; later wasm-ld accepts them, and an archive search that
  // rescans (as wasm-ld's does) makes a group change nothing.
  { id: 'start-group', arity: 'flag', long: ['start-group'], short: '(' },
  { id: 'end-group', arity: 'flag', long: ['end-group'], short: ')' },
  { id: 'output', arity: 'value', short: 'o' },
  { id: 'emulation', arity: 'value', short: 'm' },
  { id: 'entry', arity: 'value', long: ['entry'], short: 'e' },
  { id: 'no-entry', arity: 'flag', long: ['no-entry'] },
  { id: 'undefined', arity: 'value', long: ['undefined'], short: 'u' },
  { id: 'export', arity: 'value', long: ['export'] },
  { id: 'export-if-defined', arity: 'value', long: ['export-if-defined'] },
  { id: 'export-all', arity: 'flag', long: ['export-all'] },
  { id: 'export-dynamic', arity: 'flag', long: ['export-dynamic'], short: 'E' },
  { id: 'no-export-dynamic', arity: 'flag', long: ['no-export-dynamic'] },
  { id: 'allow-undefined', arity: 'flag', long: ['allow-undefined'] },
  { id: 'allow-undefined-file', arity: 'value', long: ['allow-undefined-file'] },
  { id: 'unresolved-symbols', arity: 'value', long: ['unresolved-symbols'] },
  { id: 'error-unresolved-symbols', arity: 'flag', long: ['error-unresolved-symbols'] },
  { id: 'import-memory', arity: 'optional', long: ['import-memory'] },
  { id: 'export-memory', arity: 'optional', long: ['export-memory'] },
  { id: 'initial-memory', arity: 'value', long: ['initial-memory'] },
  { id: 'max-memory', arity: 'value', long: ['max-memory'] },
  { id: 'initial-heap', arity: 'value', long: ['initial-heap'] },
  { id: 'global-base', arity: 'value', long: ['global-base'] },
  { id: 'stack-first', arity: 'flag', long: ['stack-first'] },
  { id: 'z', arity: 'value', short: 'z' },
  { id: 'import-table', arity: 'flag', long: ['import-table'] },
  { id: 'export-table', arity: 'flag', long: ['export-table'] },
  { id: 'growable-table', arity: 'flag', long: ['growable-table'] },
  { id: 'gc-sections', arity: 'flag', long: ['gc-sections'] },
  { id: 'no-gc-sections', arity: 'flag', long: ['no-gc-sections'] },
  { id: 'print-gc-sections', arity: 'flag', long: ['print-gc-sections'] },
  { id: 'no-print-gc-sections', arity: 'flag', long: ['no-print-gc-sections'] },
  { id: 'merge-data-segments', arity: 'flag', long: ['merge-data-segments'] },
  { id: 'no-merge-data-segments', arity: 'flag', long: ['no-merge-data-segments'] },
  { id: 'strip-all', arity: 'flag', long: ['strip-all'], short: 's' },
  { id: 'strip-debug', arity: 'flag', long: ['strip-debug'], short: 'S' },
  { id: 'optimize', arity: 'value', short: 'O' },
  { id: 'lto-O', arity: 'glued', long: ['lto-O'] },
  { id: 'threads', arity: 'value', long: ['threads'] },
  { id: 'error-limit', arity: 'value', long: ['error-limit'] },
  { id: 'fatal-warnings', arity: 'flag', long: ['fatal-warnings'] },
  { id: 'no-fatal-warnings', arity: 'flag', long: ['no-fatal-warnings'] },
  { id: 'verbose', arity: 'flag', long: ['verbose'] },
  { id: 'color-diagnostics', arity: 'optional', long: ['color-diagnostics'] },
  { id: 'no-color-diagnostics', arity: 'flag', long: ['no-color-diagnostics'] },
  { id: 'rsp-quoting', arity: 'value', long: ['rsp-quoting'] },
  { id: 'v', arity: 'flag', short: 'v' },
  { id: 'version', arity: 'flag', long: ['version'] },
  { id: 'help', arity: 'flag', long: ['help'] },
  { id: 'Bsymbolic', arity: 'flag', long: ['Bsymbolic'] },
  {
    id: 'ignored', arity: 'flag',
    long: ['no-pie', 'check-features', 'no-check-features', 'demangle', 'no-demangle', 'disable-verify', 'save-temps',
      'lto-legacy-pass-manager', 'no-lto-legacy-pass-manager', 'lto-debug-pass-manager'],
  },
  { id: 'ignored', arity: 'value', long: ['mllvm', 'lto-partitions', 'thinlto-cache-dir', 'thinlto-cache-policy', 'thinlto-jobs'] },
  { id: 'refused', arity: 'flag', long: ['shared', 'pie', 'experimental-pic'], reason: SHARED },
  { id: 'refused', arity: 'flag', long: ['shared-memory'], reason: THREADS },
  { id: 'refused', arity: 'flag', long: ['relocatable', 'emit-relocs', 'compress-relocations'], short: 'r', reason: RELOCATABLE },
  { id: 'refused', arity: 'flag', long: ['print-map'], short: 'M', reason: 'it writes no link map' },
  { id: 'refused', arity: 'value', long: ['Map'], reason: 'it writes no link map' },
  { id: 'refused', arity: 'flag', long: ['trace'], short: 't', reason: 'it does not trace inputs' },
  { id: 'refused', arity: 'value', long: ['trace-symbol'], short: 'y', reason: 'it does not trace symbols' },
  { id: 'refused', arity: 'value', long: ['wrap'], reason: 'it does not wrap symbols' },
  { id: 'refused', arity: 'value', long: ['reproduce'], reason: 'it writes no reproducer archive' },
  { id: 'refused', arity: 'value', long: ['features'], reason: 'it takes the target features from the inputs' },
  {
    id: 'refused', arity: 'flag', long: ['import-undefined', 'warn-unresolved-symbols'],
    reason: 'undefined symbols are errors unless --allow-undefined or --allow-undefined-file allows them',
  },
];

export type MatchedWasmOption = MatchedOption<WasmLdOptionId>;

/** Matches `argv[i]`, which starts with `-` and is longer than one character. */
export const matchWasmOption: (argv: readonly string[], i: number) => MatchedWasmOption = optionMatcher(
  SPECS,
  (option, detail) => new WasmLdUsageError(option, detail),
);
