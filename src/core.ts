//! `zirc/core`: the parts of zirc with no Node in them (no `node:` module, no `Buffer`,
//! no `process`), for browsers and other hosts: the ZIR parser and printer, the target
//! table, the in-memory output, and the static ELF and wasm linkers on bytes. A test
//! (test/core/browser_bundle.test.ts) bundles this entry for `platform: 'browser'`.
//!
//! Files live in the Node layer around it (src/node/, and the `zirc` entry, src/index.ts).
//! `Compilation` is not here yet: it still opens its output and source files itself.

export { Compilation } from './compile/Compilation.js';
export type { CodegenPool } from './compile/codegen_pool.js';
export type { CompilationOptions, UpdateResult, UpdateStats } from './compile/Compilation.js';
export type { CompilationFiles } from './compile/compilation_files.js';
export { MemoryOutput } from './link/output_sink.js';
export type { OutputTarget, OutputPatch } from './link/output_sink.js';
export type { CompileError } from './compile/errors.js';
export { errorHeadline } from './compile/errors.js';
export type { TargetName } from './compile/target.js';
export { TARGET_NAMES, DEFAULT_TARGET } from './compile/target.js';
export type { OptimizeMode, ExportEntry } from './link/Linker.js';
export { LinkError, OutputWriteError } from './link/Linker.js';
export { parseFile } from './zir/parse.js';
export type { ParseResult, ParseError } from './zir/parse.js';
export { printModule, printModuleBytes } from './zir/print.js';
export { linkStatic } from './link/elf/static/link_static.js';
export type { LinkInput, StaticLinkOptions, StaticLinkResult } from './link/elf/static/link_static.js';
export { linkWasm } from './link/wasm/static/link_wasm.js';
export type { WasmLinkInput, WasmLinkOptions, WasmStaticLinkResult } from './link/wasm/static/link_wasm.js';
