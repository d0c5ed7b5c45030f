//! The `zirc ld` command line as data: parse a GNU ld / ld.lld argv into an `LdPlan`, then
//! find the archives its `-l` inputs name. Both pure; the CLI layer injects the file system.

export { parseLdArgs } from './parse_ld_args.js';
export type { ParseLdArgsOptions } from './parse_ld_args.js';
export { resolveLibraries, librarySearchName } from './resolve_libraries.js';
export type { FileExists, ResolvedLdInput } from './resolve_libraries.js';
export { splitResponseFile, expandResponseFiles } from './response_files.js';
export type { ReadResponseFile } from './response_files.js';
export { LdUsageError } from './plan.js';
export type { LdPlan, LdInput, LdInputSource, LdDefsym, LdBuildId, LdZOptions } from './plan.js';
