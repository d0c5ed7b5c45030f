//! `-z KEYWORD`: the keywords that change a static executable are resolved into
//! `LdZOptions` (last one wins); keywords ld.lld knows that change nothing in a static
//! executable are accepted and only listed; an unknown keyword is a warning, as in ld.lld.

import type { LdZOptions } from './plan.js';
import { LdUsageError } from './plan.js';

export function defaultZOptions(): LdZOptions {
  return {
    now: false,
    relro: true,
    execStack: false,
    separateCode: false,
    text: true,
    maxPageSize: null,
    commonPageSize: null,
    stackSize: null,
    startStopGc: false,
  };
}

const FLAGS: Record<string, (z: LdZOptions) => void> = {
  now: (z) => void (z.now = true),
  lazy: (z) => void (z.now = false),
  relro: (z) => void (z.relro = true),
  norelro: (z) => void (z.relro = false),
  execstack: (z) => void (z.execStack = true),
  noexecstack: (z) => void (z.execStack = false),
  'separate-code': (z) => void (z.separateCode = true),
  'noseparate-code': (z) => void (z.separateCode = false),
  text: (z) => void (z.text = true),
  notext: (z) => void (z.text = false),
  'start-stop-gc': (z) => void (z.startStopGc = true),
  'nostart-stop-gc': (z) => void (z.startStopGc = false),
};

/** Keywords ld.lld accepts that change nothing in a static non-PIE executable. */
const ACCEPTED_FLAGS = new Set([
  'combreloc', 'nocombreloc', 'copyreloc', 'nocopyreloc', 'nodelete', 'nodlopen', 'origin',
  'initfirst', 'interpose', 'global', 'nodefaultlib', 'rodynamic', 'wxneeded', 'nognustack',
  'keep-text-section-prefix', 'nokeep-text-section-prefix',
  'ifunc-noplt', 'rel', 'rela', 'pack-relative-relocs', 'nopack-relative-relocs',
  'separate-loadable-segments', 'undefs',
]);
const ACCEPTED_VALUED = new Set(['start-stop-visibility', 'dead-reloc-in-nonalloc']);

const NUMERIC: Record<string, (z: LdZOptions, n: bigint) => void> = {
  'max-page-size': (z, n) => void (z.maxPageSize = n),
  'common-page-size': (z, n) => void (z.commonPageSize = n),
  'stack-size': (z, n) => void (z.stackSize = n),
};

/** An integer with C's prefixes, as LLVM's `to_integer(s, 0)`: `0x` hex, `0b` binary, `0` octal. */
function parseAutoRadix(text: string): bigint | null {
  if (/^0x[0-9a-f]+$/i.test(text) || /^0b[01]+$/i.test(text) || /^0o[0-7]+$/i.test(text)) return BigInt(text);
  if (/^0[0-7]+$/.test(text)) return BigInt('0o' + text.slice(1));
  if (/^[0-9]+$/.test(text)) return BigInt(text);
  return null;
}

export type ZEffect = 'applied' | 'no-undefined' | 'unknown';

/**
 * Applies one `-z` keyword to `z`. Returns 'no-undefined' for `-z defs` (the parser owns
 * that flag) and 'unknown' for a keyword ld.lld would warn about.
 */
export function applyZKeyword(option: string, keyword: string, z: LdZOptions): ZEffect {
  if (keyword === 'defs') return 'no-undefined';
  if (keyword === 'muldefs') {
    throw new LdUsageError(option, `-z muldefs: not supported (zirc ld reports duplicate symbols)`);
  }
  const flag = FLAGS[keyword];
  if (flag) {
    flag(z);
    return 'applied';
  }
  if (ACCEPTED_FLAGS.has(keyword)) return 'applied';
  const eq = keyword.indexOf('=');
  if (eq < 0) return 'unknown';
  const key = keyword.slice(0, eq);
  const value = keyword.slice(eq + 1);
  if (ACCEPTED_VALUED.has(key)) return 'applied';
  const numeric = NUMERIC[key];
  if (!numeric) return 'unknown';
  const n = parseAutoRadix(value);
  if (n === null) throw new LdUsageError(option, `invalid ${key}: ${value}`);
  if (key !== 'stack-size' && (n === 0n || (n & (n - 1n)) !== 0n)) {
    throw new LdUsageError(option, `${key}: value isn't a power of 2: ${value}`);
  }
  numeric(z, n);
  return 'applied';
}
