//! `parseWasmLdArgs`: an LLVM wasm-ld command line (without the program name) to a
//! `WasmLdPlan`, for a wasm32 module. Pure: response files and `--allow-undefined-file`s are
//! read through an injected reader. Options are matched by `option_table.ts`; this file owns
//! what each one means, the position-dependent state (`--whole-archive`, groups) and the
//! checks made once the whole line is read (`memory_checks.ts`).

import { expandResponseFiles } from '../args/response_files.js';
import type { ReadResponseFile } from '../args/response_files.js';
import { checkMemoryOptions } from './memory_checks.js';
import { parseCInteger, parseDecimal } from './numbers.js';
import { matchWasmOption } from './option_table.js';
import type { MatchedWasmOption } from './option_table.js';
import type { WasmLdInputSource, WasmLdPlan } from './plan.js';
import { DEFAULT_STACK_SIZE, WasmLdUsageError } from './plan.js';
import { addSymbols, symbolFileLines } from './symbol_files.js';

export interface ParseWasmLdArgsOptions {
  /**
   * Reads a file's text (undefined when it cannot be read): `@file` response files and
   * `--allow-undefined-file`s. Without it, `@file`s are taken as input file names and an
   * `--allow-undefined-file` is an error.
   */
  readFile?: ReadResponseFile;
}

const usageError = (option: string, detail: string) => new WasmLdUsageError(option, detail);

function emptyPlan(): WasmLdPlan {
  return {
    printVersion: false,
    printHelp: false,
    link: true,
    output: 'a.out',
    inputs: [],
    searchDirs: [],
    entry: '_start',
    noEntry: false,
    exports: [],
    exportsIfDefined: [],
    exportAll: false,
    exportDynamic: false,
    allowUndefined: false,
    allowUndefinedSymbols: [],
    undefinedSymbols: [],
    importMemory: false,
    importMemoryModule: 'env',
    importMemoryName: 'memory',
    exportMemory: true,
    exportMemoryName: 'memory',
    initialMemory: null,
    maxMemory: null,
    initialHeap: null,
    stackSize: DEFAULT_STACK_SIZE,
    globalBase: null,
    stackFirst: false,
    gcSections: true,
    printGcSections: false,
    mergeDataSegments: true,
    importTable: false,
    exportTable: false,
    growableTable: false,
    stripAll: false,
    stripDebug: false,
    optimize: 1,
    ltoOptimize: 2,
    threads: null,
    verbose: false,
    fatalWarnings: false,
    zKeywords: [],
    warnings: [],
  };
}

/** A decimal option value, or wasm-ld's "number expected" error. */
function decimal(opt: MatchedWasmOption): number {
  const n = parseDecimal(opt.value ?? '');
  if (n === undefined) throw new WasmLdUsageError(opt.spelling, `${opt.spelling}: number expected, but got '${opt.value ?? ''}'`);
  return n;
}

export function parseWasmLdArgs(argv: readonly string[], options: ParseWasmLdArgsOptions = {}): WasmLdPlan {
  const args = expandResponseFiles(argv, options.readFile, usageError);
  const plan = emptyPlan();
  let wholeArchive = false;
  let groupId: number | null = null;
  let groups = 0;
  let exportMemoryGiven = false;
  let stopAfterInfo = false;

  const addInput = (source: WasmLdInputSource) => plan.inputs.push({ ...source, wholeArchive, groupId });

  for (let i = 0; i < args.length; ) {
    const arg = args[i]!;
    if (arg === '-') throw new WasmLdUsageError('-', 'cannot read an input from standard input: -');
    if (!arg.startsWith('-')) {
      if (arg === '') throw new WasmLdUsageError('', 'empty input file name');
      addInput({ kind: 'file', path: arg });
      i++;
      continue;
    }
    const opt = matchWasmOption(args, i);
    i += opt.used;
    const value = opt.value ?? '';
    switch (opt.id) {
      case 'library':
        if (value === '' || value === ':') throw new WasmLdUsageError(opt.spelling, `${opt.spelling}: missing library name`);
        addInput(value.startsWith(':') ? { kind: 'library', name: value.slice(1), exact: true } : { kind: 'library', name: value, exact: false });
        break;
      case 'library-path':
        plan.searchDirs.push(value);
        break;
      case 'whole-archive':
      case 'no-whole-archive':
        wholeArchive = opt.id === 'whole-archive';
        break;
      case 'start-group':
        if (groupId !== null) throw new WasmLdUsageError(opt.spelling, `nested ${opt.spelling}: groups cannot nest`);
        groupId = ++groups;
        break;
      case 'end-group':
        if (groupId === null) throw new WasmLdUsageError(opt.spelling, `stray ${opt.spelling}: no group was started`);
        groupId = null;
        break;
      case 'output':
        if (value === '') throw new WasmLdUsageError(opt.spelling, `${opt.spelling}: empty output file name`);
        plan.output = value;
        break;
      case 'emulation':
        if (value === 'wasm64') throw new WasmLdUsageError(opt.spelling, `${opt.spelling} wasm64: zirc wasm-ld links wasm32 only`);
        if (value !== 'wasm32') throw new WasmLdUsageError(opt.spelling, `invalid target architecture: ${value} (zirc wasm-ld links wasm32: -m wasm32)`);
        break;
      case 'entry':
        // The last of -e/--entry/--no-entry wins; an empty entry is no entry, as in wasm-ld.
        plan.entry = value === '' ? null : value;
        break;
      case 'no-entry':
        plan.entry = null;
        break;
      case 'undefined':
        plan.undefinedSymbols.push(value);
        break;
      case 'export':
        plan.exports.push(value);
        break;
      case 'export-if-defined':
        plan.exportsIfDefined.push(value);
        break;
      case 'export-all':
        plan.exportAll = true;
        break;
      case 'export-dynamic':
      case 'no-export-dynamic':
        plan.exportDynamic = opt.id === 'export-dynamic';
        break;
      case 'allow-undefined':
        plan.allowUndefined = true;
        break;
      case 'allow-undefined-file': {
        const text = options.readFile?.(value);
        if (text === undefined) throw new WasmLdUsageError(opt.spelling, `cannot open ${value} (${opt.spelling})`);
        addSymbols(plan.allowUndefinedSymbols, symbolFileLines(text));
        break;
      }
      case 'unresolved-symbols':
        if (value === 'report-all') break;
        if (['ignore-all', 'import-functions', 'import-dynamic'].includes(value)) {
          throw new WasmLdUsageError(opt.spelling, `${opt.spelling}=${value}: not supported by zirc wasm-ld (--allow-undefined makes undefined functions imports)`);
        }
        throw new WasmLdUsageError(opt.spelling, `unknown ${opt.spelling} value: ${value}`);
      case 'error-unresolved-symbols':
        break;
      case 'import-memory':
        plan.importMemory = true;
        if (opt.value !== undefined) {
          const comma = opt.value.indexOf(',');
          if (comma <= 0 || comma === opt.value.length - 1) {
            throw new WasmLdUsageError(opt.spelling, `${opt.spelling}=${opt.value}: expected ${opt.spelling}=MODULE,NAME`);
          }
          plan.importMemoryModule = opt.value.slice(0, comma);
          plan.importMemoryName = opt.value.slice(comma + 1);
        }
        break;
      case 'export-memory':
        exportMemoryGiven = true;
        if (opt.value !== undefined) {
          if (opt.value === '') throw new WasmLdUsageError(opt.spelling, `${opt.spelling}=: empty export name`);
          plan.exportMemoryName = opt.value;
        }
        break;
      case 'initial-memory':
        plan.initialMemory = decimal(opt);
        break;
      case 'max-memory':
        plan.maxMemory = decimal(opt);
        break;
      case 'initial-heap':
        plan.initialHeap = decimal(opt);
        break;
      case 'global-base':
        plan.globalBase = decimal(opt);
        break;
      case 'stack-first':
        plan.stackFirst = true;
        break;
      case 'z':
        applyZ(opt.spelling, value, plan);
        break;
      case 'import-table':
        plan.importTable = true;
        break;
      case 'export-table':
        plan.exportTable = true;
        break;
      case 'growable-table':
        plan.growableTable = true;
        break;
      case 'gc-sections':
      case 'no-gc-sections':
        plan.gcSections = opt.id === 'gc-sections';
        break;
      case 'print-gc-sections':
      case 'no-print-gc-sections':
        plan.printGcSections = opt.id === 'print-gc-sections';
        break;
      case 'merge-data-segments':
      case 'no-merge-data-segments':
        plan.mergeDataSegments = opt.id === 'merge-data-segments';
        break;
      case 'strip-all':
        plan.stripAll = true;
        break;
      case 'strip-debug':
        plan.stripDebug = true;
        break;
      case 'optimize':
        plan.optimize = decimal(opt);
        break;
      case 'lto-O': {
        const level = decimal(opt);
        if (level > 3) throw new WasmLdUsageError(opt.spelling, `invalid optimization level for LTO: ${level}`);
        plan.ltoOptimize = level;
        break;
      }
      case 'threads': {
        const n = parseDecimal(value);
        if (n === undefined || n === 0) throw new WasmLdUsageError(opt.spelling, `${opt.spelling}: expected a positive integer, but got '${value}'`);
        plan.threads = n;
        break;
      }
      case 'error-limit':
        decimal(opt);
        break;
      case 'fatal-warnings':
      case 'no-fatal-warnings':
        plan.fatalWarnings = opt.id === 'fatal-warnings';
        break;
      case 'verbose':
        plan.verbose = true;
        break;
      case 'color-diagnostics':
        if (opt.value !== undefined && !['always', 'never', 'auto'].includes(opt.value)) {
          throw new WasmLdUsageError(opt.spelling, `unknown option value: ${opt.spelling}=${opt.value} (expected always, never or auto)`);
        }
        break;
      case 'no-color-diagnostics':
        break;
      case 'rsp-quoting':
        if (value === 'posix') break;
        if (value === 'windows') {
          throw new WasmLdUsageError(opt.spelling, `${opt.spelling}=windows: not supported by zirc wasm-ld (response files use GNU quoting)`);
        }
        throw new WasmLdUsageError(opt.spelling, `invalid response file quoting: ${value} (expected posix or windows)`);
      case 'v':
        plan.printVersion = true;
        break;
      case 'version':
        plan.printVersion = true;
        stopAfterInfo = true;
        break;
      case 'help':
        plan.printHelp = true;
        stopAfterInfo = true;
        break;
      case 'Bsymbolic':
        plan.warnings.push(`${opt.spelling} is only meaningful when combined with -shared`);
        break;
      case 'ignored':
        // LTO, verification and feature-checking knobs: zirc links no bitcode, so they change nothing.
        break;
      case 'refused':
        throw new WasmLdUsageError(opt.spelling, `${opt.spelling}: not supported by zirc wasm-ld: ${opt.reason!}`);
    }
  }

  // Checks that need the whole line: groups closed, the memory layout, something to do.
  if (groupId !== null) throw new WasmLdUsageError('--start-group', 'missing --end-group: a --start-group is never closed');
  plan.noEntry = plan.entry === null;
  plan.exportMemory = exportMemoryGiven || !plan.importMemory;
  checkMemoryOptions(plan);
  if (stopAfterInfo || (plan.printVersion && plan.inputs.length === 0)) plan.link = false;
  else if (plan.inputs.length === 0) throw new WasmLdUsageError('', 'no input files');
  if (plan.fatalWarnings && plan.warnings.length > 0) {
    throw new WasmLdUsageError('--fatal-warnings', `${plan.warnings[0]!} (--fatal-warnings makes warnings errors)`);
  }
  return plan;
}

/** `-z stack-size=N` is the one keyword wasm-ld acts on; it ignores the rest, and so do we (with a warning). */
function applyZ(spelling: string, keyword: string, plan: WasmLdPlan): void {
  if (keyword.startsWith('stack-size=')) {
    const text = keyword.slice('stack-size='.length);
    const n = parseCInteger(text);
    if (n === undefined) throw new WasmLdUsageError(spelling, `invalid stack-size: ${text} (${spelling} ${keyword})`);
    plan.stackSize = n;
    plan.zKeywords.push(keyword);
    return;
  }
  plan.warnings.push(`ignoring unknown -z value: ${keyword}`);
}
