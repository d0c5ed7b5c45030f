//! What an update reports it did: decls parsed, analyzed, generated and deleted, bytes
//! written, and the time each phase took (codegen apart from linking).

export interface UpdateStats {
  declsParsed: number;
  declsAnalyzed: number;
  functionsGenerated: number;
  declsDeleted: number;
  bytesWritten: number;
  /** `codegenMs`: AIR to machine code or wasm bodies; `linkMs`: placing it and writing the file, without codegen. */
  timings: { readMs: number; splitMs: number; parseMs: number; analyzeMs: number; codegenMs: number; linkMs: number; totalMs: number };
}

/** The figures of an update that did nothing. */
export function emptyStats(): UpdateStats {
  return {
    declsParsed: 0,
    declsAnalyzed: 0,
    functionsGenerated: 0,
    declsDeleted: 0,
    bytesWritten: 0,
    timings: { readMs: 0, splitMs: 0, parseMs: 0, analyzeMs: 0, codegenMs: 0, linkMs: 0, totalMs: 0 },
  };
}
