//! What an update reports it did: decls parsed, analyzed, generated and deleted, bytes
//! written, and the time each phase took.

export interface UpdateStats {
  declsParsed: number;
  declsAnalyzed: number;
  functionsGenerated: number;
  declsDeleted: number;
  bytesWritten: number;
  timings: { readMs: number; splitMs: number; parseMs: number; analyzeMs: number; linkMs: number; totalMs: number };
}

/** The figures of an update that did nothing. */
export function emptyStats(): UpdateStats {
  return {
    declsParsed: 0,
    declsAnalyzed: 0,
    functionsGenerated: 0,
    declsDeleted: 0,
    bytesWritten: 0,
    timings: { readMs: 0, splitMs: 0, parseMs: 0, analyzeMs: 0, linkMs: 0, totalMs: 0 },
  };
}
