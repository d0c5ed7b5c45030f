//! A linker that writes nothing: for analysis-only compilations (`zirc ir`, tests and
//! benchmarks of analysis alone). It accepts every call and reports empty flushes.

import type { Linker } from './Linker.js';

export function nullLinker(): Linker {
  return {
    updateFunc() {},
    updateData() {},
    deleteSymbol() {},
    updateExports() {},
    flush: () => ({ bytesWritten: 0, fullWrite: false }),
    close() {},
  };
}
