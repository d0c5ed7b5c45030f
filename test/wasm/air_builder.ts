//! The shared AIR builder (test/support/air_builder.ts) bound to wasm32: 32-bit `usize`.

import type { AirFunction } from '../../src/sema/air.js';
import { FnBuilder as TargetFnBuilder, fdWriteType, procExitType } from '../support/air_builder.js';
import { usizeType, WASM32_TARGET, type FnType } from '../../src/sema/types.js';

export * from '../support/air_builder.js';

export const usize = usizeType(WASM32_TARGET);
export const FD_WRITE_TY = fdWriteType(WASM32_TARGET);
export const PROC_EXIT_TY = procExitType();

export class FnBuilder extends TargetFnBuilder {
  constructor(name: string, type: FnType) {
    super(name, type, WASM32_TARGET);
  }
}

/** A function built by `build`, which must end the body. */
export function buildFn(name: string, type: FnType, build: (b: FnBuilder) => void): AirFunction {
  const b = new FnBuilder(name, type);
  build(b);
  return b.build();
}
