//! Public surface of the wasm32 code generator.

export { generateFunction, wasmSigOf, wasmValType } from './codegen.js';
export { generateRuntimeRoutine, runtimeSymbolName } from './runtime.js';
export * from './output.js';
