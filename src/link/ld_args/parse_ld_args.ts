//! `parseLdArgs`: a GNU ld / ld.lld command line (without the program name) to an `LdPlan`,
//! for a static non-PIE x86-64 executable. Pure: response files are read through an
//! injected reader. Options are matched by `option_table.ts`; this file owns what each one
//! means, the position-dependent state (`--whole-archive`, `--as-needed`, `-Bstatic`, groups,
//! `--push-state`) and the checks made once the whole line is read.

import { parseDefsym } from './defsym.js';
import { matchOption } from './option_table.js';
import type { MatchedOption } from './option_table.js';
import type { LdInputSource, LdPlan } from './plan.js';
import { LdUsageError } from './plan.js';
import type { ReadResponseFile } from './response_files.js';
import { expandResponseFiles } from './response_files.js';
import { applyZKeyword, defaultZOptions } from './z_keywords.js';

export interface ParseLdArgsOptions {
  /** Reads an `@file`; without it, `@file` arguments are taken as input file names. */
  readResponseFile?: ReadResponseFile;
}

/** The state that applies to the inputs that follow it, saved by `--push-state`. */
interface PositionalState {
  wholeArchive: boolean;
  asNeeded: boolean;
  staticOnly: boolean;
}

const BUILD_ID_STYLES = new Set(['fast', 'md5', 'sha1', 'uuid']);
const STATIC_ONLY = 'zirc ld makes static non-PIE executables only';

function emptyPlan(): LdPlan {
  return {
    printVersion: false,
    printHelp: false,
    link: true,
    output: 'a.out',
    entry: null,
    inputs: [],
    searchDirs: [],
    sysroot: null,
    undefinedSymbols: [],
    defsyms: [],
    gcSections: false,
    printGcSections: false,
    buildId: { kind: 'none' },
    ehFrameHdr: false,
    hashStyle: null,
    strip: 'none',
    discard: 'none',
    noUndefined: false,
    fatalWarnings: false,
    nostdlib: false,
    optimize: 0,
    z: defaultZOptions(),
    zKeywords: [],
    dynamicLinker: null,
    warnings: [],
  };
}

export function parseLdArgs(argv: readonly string[], options: ParseLdArgsOptions = {}): LdPlan {
  const args = expandResponseFiles(argv, options.readResponseFile);
  const plan = emptyPlan();
  let state: PositionalState = { wholeArchive: false, asNeeded: false, staticOnly: false };
  const saved: PositionalState[] = [];
  let groupId: number | null = null;
  let groups = 0;
  let pieSpelling: string | null = null;
  let stopAfterInfo = false;
  const rawSearchDirs: string[] = [];

  const addInput = (source: LdInputSource) => plan.inputs.push({ ...source, ...state, groupId });

  for (let i = 0; i < args.length; ) {
    const arg = args[i]!;
    if (arg === '-') throw new LdUsageError('-', 'cannot read an input from standard input: -');
    if (!arg.startsWith('-')) {
      if (arg === '') throw new LdUsageError('', 'empty input file name');
      addInput({ kind: 'file', path: arg });
      i++;
      continue;
    }
    const opt = matchOption(args, i);
    i += opt.used;
    const value = opt.value ?? '';
    switch (opt.id) {
      case 'output':
        plan.output = value;
        break;
      case 'entry':
        plan.entry = value;
        break;
      case 'undefined':
        plan.undefinedSymbols.push(value);
        break;
      case 'defsym':
        plan.defsyms.push(parseDefsym(opt.spelling, value));
        break;
      case 'emulation':
        if (value !== 'elf_x86_64') {
          throw new LdUsageError(opt.spelling, `unsupported emulation: ${value} (zirc ld links x86-64 ELF: -m elf_x86_64)`);
        }
        break;
      case 'sysroot':
        plan.sysroot = value;
        break;
      case 'library':
        if (value === '' || value === ':') throw new LdUsageError(opt.spelling, `${opt.spelling}: missing library name`);
        addInput(value.startsWith(':') ? { kind: 'library', name: value.slice(1), exact: true } : { kind: 'library', name: value, exact: false });
        break;
      case 'library-path':
        rawSearchDirs.push(value);
        break;
      case 'start-group':
        if (groupId !== null) throw new LdUsageError(opt.spelling, `nested ${opt.spelling}: groups cannot nest`);
        groupId = ++groups;
        break;
      case 'end-group':
        if (groupId === null) throw new LdUsageError(opt.spelling, `stray ${opt.spelling}: no group was started`);
        groupId = null;
        break;
      case 'whole-archive':
      case 'no-whole-archive':
        state = { ...state, wholeArchive: opt.id === 'whole-archive' };
        break;
      case 'as-needed':
      case 'no-as-needed':
        state = { ...state, asNeeded: opt.id === 'as-needed' };
        break;
      case 'Bstatic':
      case 'Bdynamic':
        state = { ...state, staticOnly: opt.id === 'Bstatic' };
        break;
      case 'push-state':
        saved.push(state);
        break;
      case 'pop-state': {
        const top = saved.pop();
        if (!top) throw new LdUsageError(opt.spelling, `unbalanced --push-state/--pop-state: ${opt.spelling} with no state pushed`);
        state = top;
        break;
      }
      case 'gc-sections':
      case 'no-gc-sections':
        plan.gcSections = opt.id === 'gc-sections';
        break;
      case 'print-gc-sections':
      case 'no-print-gc-sections':
        plan.printGcSections = opt.id === 'print-gc-sections';
        break;
      case 'build-id':
        plan.buildId = parseBuildId(opt, plan.warnings);
        break;
      case 'eh-frame-hdr':
      case 'no-eh-frame-hdr':
        plan.ehFrameHdr = opt.id === 'eh-frame-hdr';
        break;
      case 'z': {
        const effect = applyZKeyword(`-z ${value}`, value, plan.z);
        if (effect === 'unknown') plan.warnings.push(`unknown -z value: ${value}`);
        else plan.zKeywords.push(value);
        if (effect === 'no-undefined') plan.noUndefined = true;
        break;
      }
      case 'hash-style':
        if (value !== 'gnu' && value !== 'sysv' && value !== 'both') {
          throw new LdUsageError(opt.spelling, `unknown ${opt.spelling}: ${value} (expected gnu, sysv or both)`);
        }
        plan.hashStyle = value;
        break;
      case 'strip-all':
        plan.strip = 'all';
        break;
      case 'strip-debug':
        if (plan.strip !== 'all') plan.strip = 'debug';
        break;
      case 'discard-locals':
        if (plan.discard !== 'all') plan.discard = 'locals';
        break;
      case 'discard-all':
        plan.discard = 'all';
        break;
      case 'no-undefined':
        plan.noUndefined = true;
        break;
      case 'optimize':
        if (!/^[0-9]+$/.test(value)) throw new LdUsageError(opt.spelling, `${opt.spelling}: number expected, but got '${value}'`);
        plan.optimize = Number(value);
        break;
      case 'nostdlib':
        plan.nostdlib = true;
        break;
      case 'pie':
        pieSpelling = opt.spelling;
        break;
      case 'no-pie':
        pieSpelling = null;
        break;
      case 'dynamic-linker':
        plan.dynamicLinker = value;
        break;
      case 'no-dynamic-linker':
        plan.dynamicLinker = null;
        break;
      case 'fatal-warnings':
      case 'no-fatal-warnings':
        plan.fatalWarnings = opt.id === 'fatal-warnings';
        break;
      case 'color-diagnostics':
        if (opt.value !== undefined && !['always', 'never', 'auto'].includes(opt.value)) {
          throw new LdUsageError(opt.spelling, `unknown option value: ${opt.spelling}=${opt.value} (expected always, never or auto)`);
        }
        break;
      case 'no-color-diagnostics':
        break;
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
      case 'plugin':
      case 'plugin-opt':
        // gcc hands every link its LTO plugin; zirc reads no LTO objects, so these change nothing.
        break;
      case 'dynamic-only':
        throw new LdUsageError(opt.spelling, `${opt.spelling}: ${STATIC_ONLY}; ${opt.spelling} is for dynamic or shared links`);
      case 'unsupported':
        throw new LdUsageError(opt.spelling, `${opt.spelling}: not supported by zirc ld`);
    }
  }

  // Checks that need the whole line: groups closed, the final PIE state, something to do.
  if (groupId !== null) throw new LdUsageError('--start-group', 'missing --end-group: a --start-group is never closed');
  if (pieSpelling !== null) throw new LdUsageError(pieSpelling, `${pieSpelling}: ${STATIC_ONLY} (give -no-pie)`);
  plan.searchDirs = rawSearchDirs.map((dir) => withSysroot(dir, plan.sysroot));
  if (stopAfterInfo || (plan.printVersion && plan.inputs.length === 0)) plan.link = false;
  else if (plan.inputs.length === 0) throw new LdUsageError('', 'no input files');
  if (plan.fatalWarnings && plan.warnings.length > 0) {
    throw new LdUsageError('--fatal-warnings', `${plan.warnings[0]!} (--fatal-warnings makes warnings errors)`);
  }
  return plan;
}

/** `-L=dir` and `-L$SYSROOT/dir` are relative to the sysroot, as in GNU ld and ld.lld. */
function withSysroot(dir: string, sysroot: string | null): string {
  if (dir.startsWith('=')) return (sysroot ?? '') + dir.slice(1);
  if (dir.startsWith('$SYSROOT')) return (sysroot ?? '') + dir.slice('$SYSROOT'.length);
  return dir;
}

function parseBuildId(opt: MatchedOption, warnings: string[]): LdPlan['buildId'] {
  const style = opt.value;
  // Bare --build-id means ld.lld's default, fast (GNU ld's is sha1; both are content hashes).
  if (style === undefined) return { kind: 'fast' };
  if (style === 'none') return { kind: 'none' };
  if (style === 'tree') return { kind: 'sha1' };
  if (BUILD_ID_STYLES.has(style)) return { kind: style as 'fast' | 'md5' | 'sha1' | 'uuid' };
  if (/^0x/i.test(style)) {
    const hex = style.slice(2);
    if (!/^[0-9a-f]*$/i.test(hex)) throw new LdUsageError(opt.spelling, `${opt.spelling}: not a hexadecimal value: ${hex}`);
    if (hex === '') warnings.push(`${opt.spelling}=${style}: empty build id`);
    return { kind: 'hex', hex: hex.toLowerCase() };
  }
  throw new LdUsageError(opt.spelling, `unknown ${opt.spelling} style: ${style} (expected none, fast, md5, sha1, uuid or 0xHEX)`);
}
