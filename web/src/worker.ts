//! The compile worker: one long-running in-memory Compilation per target (from zirc/core,
//! src/core.ts); each request is one update, answered with the output (transferred), its
//! patches, errors, figures and, for the ELF, the disassembly of its functions.

import { Compilation } from '../../src/core.js';
import { disassembleElf } from './disassemble.js';
import { elfSections, mergeRanges, wasmSections } from './module_map.js';
import type { Target, UpdateReply, UpdateRequest } from './messages.js';

const compilations = new Map<Target, Compilation>();

function compilation(target: Target): Compilation {
  let c = compilations.get(target);
  if (!c) {
    c = Compilation.create({ target, optimize: 'Debug' });
    compilations.set(target, c);
  }
  return c;
}

function update(req: UpdateRequest): UpdateReply {
  const start = performance.now();
  const r = compilation(req.target).update(req.source);
  const ms = performance.now() - start;
  const output = r.output ? r.output.slice() : null;
  const patches = mergeRanges((r.patches ?? []).map((p) => ({ offset: p.offset, size: p.bytes.length })));
  const elf = req.target === 'x86_64-linux';
  const regions = output ? (elf ? elfSections(output) : wasmSections(output)) : [];
  return {
    id: req.id,
    target: req.target,
    ok: r.ok,
    errors: r.errors.map((e) => ({ line: e.line, col: e.col, offset: e.offset, message: e.message })),
    stats: {
      declsParsed: r.stats.declsParsed,
      declsAnalyzed: r.stats.declsAnalyzed,
      functionsGenerated: r.stats.functionsGenerated,
      declsDeleted: r.stats.declsDeleted,
      bytesWritten: r.stats.bytesWritten,
    },
    ms,
    output,
    patches,
    regions,
    functions: elf && output ? disassembleElf(output, patches) : [],
  };
}

self.onmessage = (event: MessageEvent<UpdateRequest>) => {
  let reply: UpdateReply;
  try {
    reply = update(event.data);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    reply = { id: event.data.id, target: event.data.target, ok: false, errors: [{ line: 0, col: 0, offset: -1, message }], stats: { declsParsed: 0, declsAnalyzed: 0, functionsGenerated: 0, declsDeleted: 0, bytesWritten: 0 }, ms: 0, output: null, patches: [], regions: [], functions: [] };
  }
  (self as unknown as Worker).postMessage(reply, reply.output ? [reply.output.buffer] : []);
};
