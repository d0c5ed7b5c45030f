//! What an input needs that zirc wasm-ld does not do is an error naming the object and the
//! feature: threads (`+atomics`, shared memory), exception handling (tags), tables of its
//! own beyond the indirect function table (reference types). The other features (simd128,
//! bulk-memory, sign-ext, mutable-globals, …) are the engine's business, not the linker's.

import { LIMITS_SHARED } from '../input/index.js';
import type { LinkContext } from './context.js';

const UNSUPPORTED: Record<string, string> = {
  atomics: 'threads (atomics and shared memory) are not supported',
  'shared-mem': 'shared memory is not supported',
  'exception-handling': 'exception handling (tags) is not supported',
};

export function checkFeatures(ctx: LinkContext): void {
  for (const o of ctx.order) {
    const obj = ctx.objects[o]!.obj;
    for (const f of obj.targetFeatures ?? []) {
      if (f.prefix !== '-' && UNSUPPORTED[f.name]) ctx.errors.push(`${obj.path}: feature ${f.name}: ${UNSUPPORTED[f.name]}`);
    }
    if (obj.tags.length > 0 || obj.importedTags > 0) ctx.errors.push(`${obj.path}: feature exception-handling: it has tags, and exception handling is not supported`);
    if (obj.tables.length > 0) ctx.errors.push(`${obj.path}: feature reference-types: it defines a table of its own; only the indirect function table is supported`);
    for (const imp of obj.imports) {
      if (imp.memory && imp.memory.flags & LIMITS_SHARED) ctx.errors.push(`${obj.path}: feature shared-mem: it imports a shared memory, which is not supported`);
    }
  }
}
