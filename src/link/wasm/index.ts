//! Public surface of the wasm linker.

export { WasmLinker, LinkError, DEFAULT_STACK_SIZE, type WasmLinkerOptions } from './WasmLinker.js';
export { spawnWasi, TRAP_EXIT_STATUS } from './run_wasi.js';
