//! How one argv element is matched against a linker's option table, as lld's option
//! parser does it for both front ends (`zirc ld`, `zirc wasm-ld`): a long option takes one
//! or two dashes (`--static`, `-static`); its value is `--name=V` or `--name V` (an
//! optional value only `--name=V`); a one-letter option takes one dash and its value
//! joined or separate (`-lc`, `-l c`); a long name beats a letter, except a long name whose
//! single-dash spelling needs `=` (`-output` is `-o utput`); a `glued` option is a name with
//! its value glued on (`--lto-O3`). The tables themselves are each front end's.

import type { UsageErrorFactory } from './usage_error.js';

export type OptionArity = 'flag' | 'value' | 'optional' | 'glued';

export interface OptionSpec<Id extends string> {
  id: Id;
  arity: OptionArity;
  /** Long names, with one or two dashes. For `glued`, the prefix the value is glued to. */
  long?: readonly string[];
  /** A one-letter name, with one dash only. */
  short?: string;
  /** False: the single-dash long spelling must use `=` (`-output=F`; `-output` is `-o utput`). */
  singleDashSeparate?: boolean;
  /** Why the front end refuses it, for options it refuses by name. */
  reason?: string;
}

export interface MatchedOption<Id extends string> {
  id: Id;
  /** The option as the user spelled it, without its value (`--output`, `-o`, `-static`). */
  spelling: string;
  value: string | undefined;
  /** How many argv elements the option used (2 when its value was separate). */
  used: 1 | 2;
  reason?: string;
}

/** A matcher of `argv[i]` (which starts with `-` and is longer than one character) against `specs`. */
export function optionMatcher<Id extends string>(
  specs: readonly OptionSpec<Id>[],
  usageError: UsageErrorFactory,
): (argv: readonly string[], i: number) => MatchedOption<Id> {
  const long = new Map<string, OptionSpec<Id>>();
  const short = new Map<string, OptionSpec<Id>>();
  const glued: OptionSpec<Id>[] = [];
  for (const spec of specs) {
    if (spec.arity === 'glued') glued.push(spec);
    else for (const name of spec.long ?? []) long.set(name, spec);
    if (spec.short) short.set(spec.short, spec);
  }
  const separateValue = (spec: OptionSpec<Id>, spelling: string, argv: readonly string[], i: number): MatchedOption<Id> => {
    const value = argv[i + 1];
    if (value === undefined) throw usageError(spelling, `${spelling}: missing argument`);
    return { id: spec.id, spelling, value, used: 2, reason: spec.reason };
  };
  return (argv, i) => {
    const arg = argv[i]!;
    const dashes = arg.startsWith('--') ? 2 : 1;
    const body = arg.slice(dashes);
    const eq = body.indexOf('=');
    const key = eq < 0 ? body : body.slice(0, eq);
    const l = long.get(key);
    if (l && !(dashes === 1 && eq < 0 && l.arity === 'value' && l.singleDashSeparate === false)) {
      const spelling = arg.slice(0, dashes + key.length);
      if (l.arity === 'flag') {
        if (eq >= 0) throw usageError(spelling, `${spelling} takes no value: ${arg}`);
        return { id: l.id, spelling, value: undefined, used: 1, reason: l.reason };
      }
      if (eq >= 0) return { id: l.id, spelling, value: body.slice(eq + 1), used: 1, reason: l.reason };
      if (l.arity === 'optional') return { id: l.id, spelling, value: undefined, used: 1, reason: l.reason };
      return separateValue(l, spelling, argv, i);
    }
    for (const g of glued) {
      const prefix = g.long![0]!;
      if (body.startsWith(prefix)) return { id: g.id, spelling: arg.slice(0, dashes + prefix.length), value: body.slice(prefix.length), used: 1, reason: g.reason };
    }
    const s = dashes === 1 ? short.get(body[0]!) : undefined;
    if (s) {
      const letter = `-${body[0]!}`;
      if (s.arity === 'flag') {
        if (body.length !== 1) throw usageError(arg, `unknown option: ${arg}`);
        return { id: s.id, spelling: letter, value: undefined, used: 1, reason: s.reason };
      }
      if (body.length > 1) return { id: s.id, spelling: letter, value: body.slice(1), used: 1, reason: s.reason };
      return separateValue(s, letter, argv, i);
    }
    throw usageError(arg, `unknown option: ${arg}`);
  };
}
