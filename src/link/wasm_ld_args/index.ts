//! The `zirc wasm-ld` command line as data: parse an LLVM wasm-ld argv into a `WasmLdPlan`,
//! then find the archives its `-l` inputs name. Both pure; the CLI layer injects the file system.

export { parseWasmLdArgs } from './parse_wasm_ld_args.js';
export type { ParseWasmLdArgsOptions } from './parse_wasm_ld_args.js';
export { resolveWasmLibraries, importsFileFor } from './resolve_libraries.js';
export type { ResolvedWasmLdInput, ResolvedWasmLdPlan, WasmLibraryFileSystem } from './resolve_libraries.js';
export { WasmLdUsageError, WASM_PAGE_SIZE, DEFAULT_STACK_SIZE } from './plan.js';
export type { WasmLdPlan, WasmLdInput, WasmLdInputSource } from './plan.js';
