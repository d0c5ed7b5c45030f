//! sema's public surface: what Compilation and the CLI use.

export { analyzeDecl, analyzeFunctionBody } from './analyze.js';
export { typedValueEql, functionOwner } from './typed_value_eql.js';
export * from './api.js';
export * from './types.js';
export type { Value } from './value.js';
export * from './air.js';
export { emitZir, emitModule, type AnalyzedDecl } from './emit_zir.js';
