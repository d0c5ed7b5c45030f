//! Where a compilation's code generation runs. The core only knows this interface: by
//! default every function is generated on the calling thread, one after another; the
//! Node layer supplies a pool of worker threads (src/node/codegen_threads.ts) that
//! generates a full build's functions in parallel. Whichever runs them, the results come
//! back in the order of the input, and the linker places them in that order, so the
//! output is the same byte for byte whatever the number of threads.

import type { AirFunction } from '../sema/air.js';
import type { TargetName } from './target.js';

export interface CodegenPool {
  /**
   * True when `generate` sends batches to other threads. A compilation then keeps each
   * function's AIR until the link and generates them all in one batch; otherwise it
   * generates each function as soon as it is analyzed, so that the AIR dies young.
   */
  readonly parallel?: boolean;
  /**
   * The code of each function, in the order given. `generateHere` is the calling
   * thread's own generator: a pool uses it for its own share, for batches too small to
   * be worth sending, and for any share a worker failed to return.
   */
  generate(target: TargetName, functions: readonly AirFunction[], generateHere: (f: AirFunction) => unknown): unknown[];
}

/** Every function on the calling thread (the core's default, and a browser's). */
export const SERIAL_CODEGEN: CodegenPool = {
  generate: (_target, functions, generateHere) => functions.map(generateHere),
};
