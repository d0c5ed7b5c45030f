//! The zirc library API: embed the incremental compiler in other tools.
//!
//! ```ts
//! import { Compilation } from 'zirc';
//! const c = Compilation.create({ sourcePath: 'main.zir', outputPath: 'main', target: 'x86_64-linux', optimize: 'Debug' });
//! const r = c.update();            // first build
//! // ... edit main.zir ...
//! const r2 = c.update();           // re-analyzes what changed, patches `main` in place
//! ```

export { Compilation } from './compile/Compilation.js';
export type { CompilationOptions, UpdateResult, UpdateStats } from './compile/Compilation.js';
export type { CompileError } from './compile/errors.js';
export { errorHeadline } from './compile/errors.js';
export type { TargetName } from './compile/target.js';
export { TARGET_NAMES, DEFAULT_TARGET } from './compile/target.js';
export type { OptimizeMode, Linker, ExportEntry, FlushReport } from './link/Linker.js';
export { runOutput, startOutput } from './compile/run_output.js';
export type { RunResult, RunOptions, RunningProgram } from './compile/run_output.js';
export { parseCaseFile } from './compile/case_file.js';
export type { CaseFile, CaseUpdate } from './compile/case_file.js';
export { runCaseFile, formatCaseLine } from './compile/case_runner.js';
export type { CaseLine } from './compile/case_runner.js';
export { parseFile } from './zir/parse.js';
export { printModule } from './zir/print.js';
