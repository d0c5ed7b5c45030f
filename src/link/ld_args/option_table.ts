//! The GNU ld / ld.lld options `zirc ld` knows, and how one argv element is matched
//! against them. The syntax is ld.lld's: a long option takes one or two dashes
//! (`-static`, `--static`); its value is `--name=V` or `--name V` (an optional value only
//! `--name=V`); a one-letter option takes its value joined or separate (`-lc`, `-l c`);
//! the longest spelling wins (`-library` is `--library`, `-lfoo` is `-l foo`), except that
//! `-output` without `=` is `-o utput`, as in both linkers. Unique prefixes of long names,
//! which GNU ld accepts and ld.lld does not, are not accepted.

import { optionMatcher, type MatchedOption as GenericMatched, type OptionSpec as GenericSpec } from '../args/option_matcher.js';
import { LdUsageError } from './plan.js';

export type LdOptionId =
  // output and entry
  | 'output' | 'entry' | 'undefined' | 'defsym' | 'emulation' | 'sysroot'
  // inputs and their position-dependent state
  | 'library' | 'library-path' | 'start-group' | 'end-group' | 'whole-archive' | 'no-whole-archive'
  | 'as-needed' | 'no-as-needed' | 'Bstatic' | 'Bdynamic' | 'push-state' | 'pop-state'
  // output shape
  | 'gc-sections' | 'no-gc-sections' | 'print-gc-sections' | 'no-print-gc-sections' | 'build-id' | 'eh-frame-hdr' | 'no-eh-frame-hdr' | 'z'
  | 'hash-style' | 'strip-all' | 'strip-debug' | 'discard-locals' | 'discard-all' | 'no-undefined'
  | 'optimize' | 'nostdlib' | 'pie' | 'no-pie' | 'dynamic-linker' | 'no-dynamic-linker'
  // diagnostics and information
  | 'fatal-warnings' | 'no-fatal-warnings' | 'color-diagnostics' | 'no-color-diagnostics'
  | 'v' | 'version' | 'help'
  // accepted and ignored (gcc passes the LTO plugin)
  | 'plugin' | 'plugin-opt'
  // refused: dynamic or shared links, and features zirc ld does not have
  | 'dynamic-only' | 'unsupported';

type OptionSpec = GenericSpec<LdOptionId> & { arity: 'flag' | 'value' | 'optional' };

const SPECS: readonly OptionSpec[] = [
  { id: 'output', arity: 'value', long: ['output'], short: 'o', singleDashSeparate: false },
  { id: 'entry', arity: 'value', long: ['entry'], short: 'e' },
  { id: 'undefined', arity: 'value', long: ['undefined'], short: 'u' },
  { id: 'defsym', arity: 'value', long: ['defsym'] },
  { id: 'emulation', arity: 'value', short: 'm' },
  { id: 'sysroot', arity: 'value', long: ['sysroot'] },
  { id: 'library', arity: 'value', long: ['library'], short: 'l' },
  { id: 'library-path', arity: 'value', long: ['library-path'], short: 'L' },
  { id: 'start-group', arity: 'flag', long: ['start-group'], short: '(' },
  { id: 'end-group', arity: 'flag', long: ['end-group'], short: ')' },
  { id: 'whole-archive', arity: 'flag', long: ['whole-archive'] },
  { id: 'no-whole-archive', arity: 'flag', long: ['no-whole-archive'] },
  { id: 'as-needed', arity: 'flag', long: ['as-needed'] },
  { id: 'no-as-needed', arity: 'flag', long: ['no-as-needed'] },
  { id: 'Bstatic', arity: 'flag', long: ['Bstatic', 'static', 'dn', 'non_shared'] },
  { id: 'Bdynamic', arity: 'flag', long: ['Bdynamic', 'dy', 'call_shared'] },
  { id: 'push-state', arity: 'flag', long: ['push-state'] },
  { id: 'pop-state', arity: 'flag', long: ['pop-state'] },
  { id: 'gc-sections', arity: 'flag', long: ['gc-sections'] },
  { id: 'no-gc-sections', arity: 'flag', long: ['no-gc-sections'] },
  { id: 'print-gc-sections', arity: 'flag', long: ['print-gc-sections'] },
  { id: 'no-print-gc-sections', arity: 'flag', long: ['no-print-gc-sections'] },
  { id: 'build-id', arity: 'optional', long: ['build-id'] },
  { id: 'eh-frame-hdr', arity: 'flag', long: ['eh-frame-hdr'] },
  { id: 'no-eh-frame-hdr', arity: 'flag', long: ['no-eh-frame-hdr'] },
  { id: 'z', arity: 'value', short: 'z' },
  { id: 'hash-style', arity: 'value', long: ['hash-style'] },
  { id: 'strip-all', arity: 'flag', long: ['strip-all'], short: 's' },
  { id: 'strip-debug', arity: 'flag', long: ['strip-debug'], short: 'S' },
  { id: 'discard-locals', arity: 'flag', long: ['discard-locals'], short: 'X' },
  { id: 'discard-all', arity: 'flag', long: ['discard-all'], short: 'x' },
  { id: 'no-undefined', arity: 'flag', long: ['no-undefined'] },
  { id: 'optimize', arity: 'value', short: 'O' },
  { id: 'nostdlib', arity: 'flag', long: ['nostdlib'] },
  { id: 'pie', arity: 'flag', long: ['pie', 'pic-executable'] },
  { id: 'no-pie', arity: 'flag', long: ['no-pie', 'no-pic-executable'] },
  { id: 'dynamic-linker', arity: 'value', long: ['dynamic-linker'] },
  { id: 'no-dynamic-linker', arity: 'flag', long: ['no-dynamic-linker'] },
  { id: 'fatal-warnings', arity: 'flag', long: ['fatal-warnings'] },
  { id: 'no-fatal-warnings', arity: 'flag', long: ['no-fatal-warnings'] },
  { id: 'color-diagnostics', arity: 'optional', long: ['color-diagnostics'] },
  { id: 'no-color-diagnostics', arity: 'flag', long: ['no-color-diagnostics'] },
  { id: 'v', arity: 'flag', short: 'v' },
  { id: 'v', arity: 'flag', short: 'V' },
  { id: 'version', arity: 'flag', long: ['version'] },
  { id: 'help', arity: 'flag', long: ['help'] },
  { id: 'plugin', arity: 'value', long: ['plugin'] },
  { id: 'plugin-opt', arity: 'value', long: ['plugin-opt'] },
  { id: 'dynamic-only', arity: 'flag', long: ['shared', 'Bshareable', 'export-dynamic', 'Bsymbolic', 'Bsymbolic-functions'], short: 'E' },
  { id: 'dynamic-only', arity: 'value', long: ['soname', 'rpath', 'dynamic-list'], short: 'h' },
  { id: 'dynamic-only', arity: 'value', short: 'R' },
  { id: 'unsupported', arity: 'flag', long: ['relocatable'], short: 'r' },
  { id: 'unsupported', arity: 'value', long: ['script', 'version-script', 'Map'], short: 'T' },
];

export type MatchedOption = GenericMatched<LdOptionId>;

/** Matches `argv[i]`, which starts with `-` and is longer than one character. */
export const matchOption: (argv: readonly string[], i: number) => MatchedOption = optionMatcher(
  SPECS,
  (option, detail) => new LdUsageError(option, detail),
);
