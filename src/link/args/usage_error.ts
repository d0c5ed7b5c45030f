//! How the shared command-line helpers report a usage error: each linker front end passes
//! a factory for its own error type (`LdUsageError`, `WasmLdUsageError`), so a message
//! carries that tool's name (`zirc ld: …`, `zirc wasm-ld: …`) and callers can catch it.

/** Makes the front end's usage error. `option` is the argument as the user spelled it. */
export type UsageErrorFactory = (option: string, detail: string) => Error;
