//! The shared AIR builder (test/support/air_builder.ts) bound to x86-64: 64-bit `usize`.

import { FnBuilder as TargetFnBuilder, fdWriteType, procExitType } from '../support/air_builder.js';
import { usizeType, X86_64_TARGET, type FnType } from '../../src/sema/types.js';

export * from '../support/air_builder.js';

export const usize = usizeType(X86_64_TARGET);
export const FD_WRITE_TYPE = fdWriteType(X86_64_TARGET);
export const PROC_EXIT_TYPE = procExitType();

export class FnBuilder extends TargetFnBuilder {
  constructor(name: string, type: FnType) {
    super(name, type, X86_64_TARGET);
  }
}
