//! The check of `Compilation.create`'s options, for callers who are not the CLI (the
//! library, a browser): a missing required option, an unknown target or optimize mode, or
//! a combination zirc cannot build throws a `TypeError` naming the option and what it
//! accepts, instead of building something else.

import { TARGET_NAMES } from './target.js';

export const OPTIMIZE_MODES = ['Debug', 'ReleaseSafe', 'ReleaseFast'] as const;
const OUTPUT_KINDS = ['executable', 'object'] as const;

interface CheckedFields {
  sourcePath?: unknown;
  outputPath?: unknown;
  outputTarget?: unknown;
  target?: unknown;
  optimize?: unknown;
  output?: unknown;
  linkInputs?: unknown;
}

function oneOf(option: string, value: unknown, accepted: readonly string[]): void {
  if (value === undefined) throw new TypeError(`Compilation: the '${option}' option is required (one of ${accepted.join(', ')})`);
  if (typeof value !== 'string' || !accepted.includes(value)) {
    throw new TypeError(`Compilation: unknown ${option} ${JSON.stringify(value)} (accepted: ${accepted.join(', ')})`);
  }
}

function optionalString(option: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'string' || value === '')) throw new TypeError(`Compilation: '${option}' must be a non-empty path string`);
}

export function checkCompilationOptions(opts: CheckedFields): void {
  if (opts === null || typeof opts !== 'object') throw new TypeError('Compilation.create: expected an options object ({ target, optimize, ... })');
  oneOf('target', opts.target, TARGET_NAMES);
  oneOf('optimize', opts.optimize, OPTIMIZE_MODES);
  if (opts.output !== undefined) oneOf('output', opts.output, OUTPUT_KINDS);
  optionalString('sourcePath', opts.sourcePath);
  optionalString('outputPath', opts.outputPath);
  if (opts.outputPath !== undefined && opts.outputTarget !== undefined) throw new TypeError("Compilation: give 'outputPath' or 'outputTarget', not both");
  const inMemory = opts.outputPath === undefined;
  if (inMemory && Array.isArray(opts.linkInputs) && opts.linkInputs.length > 0) {
    throw new TypeError("Compilation: 'linkInputs' (objects from disk) need an 'outputPath'; an in-memory build links the program alone");
  }
}
