//! `--defsym=NAME=EXPR`: the name and a small subset of ld's expression language that
//! compiler drivers and build scripts use: a number (decimal, `0x` hex, `K`/`M` suffix, as
//! ld.lld reads linker-script integers), a symbol, or a symbol plus or minus a number.
//! Anything else is an error naming the expression, never a guess.

import type { LdDefsym } from './plan.js';
import { LdUsageError } from './plan.js';

const SYMBOL = /^[A-Za-z_.$][A-Za-z0-9_.$@]*$/;

/** A linker-script integer as ld.lld reads it: `0x1f`, `1fh`, `42`, `4K`, `1M`; else null. */
export function parseScriptInteger(text: string): bigint | null {
  if (/^0x[0-9a-f]+$/i.test(text)) return BigInt(text);
  if (/^[0-9a-f]+h$/i.test(text)) return BigInt('0x' + text.slice(0, -1));
  const m = /^([0-9]+)([KM]?)$/i.exec(text);
  if (!m) return null;
  const scale = m[2]!.toUpperCase() === 'K' ? 1024n : m[2]!.toUpperCase() === 'M' ? 1024n * 1024n : 1n;
  return BigInt(m[1]!) * scale;
}

/** Parses the `NAME=EXPR` of a `--defsym`; `option` is the spelling, for errors. */
export function parseDefsym(option: string, spec: string): LdDefsym {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? '' : spec.slice(0, eq).trim();
  const expr = eq < 0 ? '' : spec.slice(eq + 1).trim();
  if (!SYMBOL.test(name) || expr === '') throw new LdUsageError(option, `${option}: syntax error: ${spec} (expected SYMBOL=EXPRESSION)`);
  const number = parseScriptInteger(expr);
  if (number !== null) return { name, kind: 'absolute', value: number };
  const m = /^([^\s+-]+)\s*(?:([+-])\s*(\S+))?$/.exec(expr);
  if (m && SYMBOL.test(m[1]!)) {
    const addend = m[3] === undefined ? 0n : parseScriptInteger(m[3]);
    if (addend !== null) return { name, kind: 'symbol', target: m[1]!, addend: m[2] === '-' ? -addend : addend };
  }
  throw new LdUsageError(
    option,
    `${option}: unsupported expression for ${name}: ${expr} (zirc ld accepts a number, a symbol, or symbol +/- number)`,
  );
}
