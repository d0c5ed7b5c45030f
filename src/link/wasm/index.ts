//! Public surface of the wasm linker.

export { WasmLinker, LinkError, DEFAULT_STACK_SIZE, type WasmLinkerOptions } from './WasmLinker.js';
export { runWasi, type RunWasiOptions, type RunWasiResult } from './run_wasi.js';
