//! Response files (`@file`) on `zirc ld`'s command line: the shared expansion in
//! src/link/args/response_files.ts (libiberty's `expandargv` and `buildargv` rules), with
//! its errors as `LdUsageError`s.

import { expandResponseFiles as expandShared } from '../args/response_files.js';
import type { ReadResponseFile } from '../args/response_files.js';
import { LdUsageError } from './plan.js';

export { splitResponseFile } from '../args/response_files.js';
export type { ReadResponseFile } from '../args/response_files.js';

/** Replaces each `@file` argument by the arguments in that file, recursively. */
export function expandResponseFiles(argv: readonly string[], read: ReadResponseFile | undefined): string[] {
  return expandShared(argv, read, (option, detail) => new LdUsageError(option, detail));
}
