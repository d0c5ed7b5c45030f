//! The zirc library API: embed the incremental compiler in other tools.
//!
//! ```ts
//! import { Compilation } from 'zirc';
//! const c = Compilation.create({ sourcePath: 'main.zir', outputPath: 'main', target: 'x86_64-linux', optimize: 'Debug' });
//! const r = c.update();            // first build
//! // ... edit main.zir ...
//! const r2 = c.update();           // re-analyzes what changed, patches `main` in place
//! ```
//!
//! In memory (no file at all): each update returns the whole output and the byte ranges
//! it patched, so an embedder can mirror the update into its own copy.
//!
//! ```ts
//! const m = Compilation.create({ target: 'wasm32-wasi', optimize: 'Debug' });
//! const { output, patches } = m.update(sourceText);
//! ```
//!
//! The static linker behind `zirc ld`, once (`linkStatic` on bytes, `linkStaticFiles` on
//! files) or long-running (`LinkSession`: `update()` relinks in place what changed):
//!
//! ```ts
//! import { LinkSession } from 'zirc';
//! const s = new LinkSession(['crt1.o', 'main.o', 'libc.a'], 'prog', { entry: '_start' });
//! s.update();                      // links, writes `prog`
//! // ... make rebuilds main.o ...
//! s.update();                      // re-reads main.o, patches `prog` in place
//! ```

import './node/install.js';

export { Compilation } from './compile/Compilation.js';
export type { CompilationOptions, UpdateResult, UpdateStats } from './compile/Compilation.js';
export type { CodegenPool } from './compile/codegen_pool.js';
export { CodegenThreads, defaultThreadCount, type CodegenThreadsOptions } from './node/codegen_threads.js';
export { MemoryOutput } from './link/output_sink.js';
export type { OutputTarget, OutputPatch } from './link/output_sink.js';
export type { CompileError } from './compile/errors.js';
export { errorHeadline } from './compile/errors.js';
export type { TargetName } from './compile/target.js';
export { TARGET_NAMES, DEFAULT_TARGET } from './compile/target.js';
export type { OptimizeMode, Linker, ExportEntry, FlushReport } from './link/Linker.js';
export { runOutput, startOutput } from './node/compile/run_output.js';
export type { RunResult, RunOptions, RunningProgram } from './node/compile/run_output.js';
export { parseCaseFile } from './compile/case_file.js';
export type { CaseFile, CaseUpdate } from './compile/case_file.js';
export { runCaseFile, formatCaseLine } from './node/compile/case_runner.js';
export type { CaseLine } from './node/compile/case_runner.js';
export { parseFile } from './zir/parse.js';
export { printModule } from './zir/print.js';
export { LinkError, OutputWriteError } from './link/Linker.js';
export { linkStatic } from './link/elf/static/link_static.js';
export type { LinkInput, StaticLinkOptions, StaticLinkResult } from './link/elf/static/link_static.js';
export { linkStaticFiles } from './node/link/elf/static/link_files.js';
export type { LinkFile } from './link/link_file.js';
export { LinkSession } from './node/link/elf/session/LinkSession.js';
export type { RelinkReport } from './node/link/elf/session/LinkSession.js';
export { WasmLinkSession, type WasmLinkSessionOptions } from './node/link/wasm/session/WasmLinkSession.js';
