// The watch latency bench on a small generated program: every edit is one update with no
// errors, re-analyzing and regenerating one function, and the patched output prints what
// the edited program should. (The 10k-function figures come from `npm run bench`.)
import { beforeAll, describe, expect, it } from 'vitest';
import { measureWatchLatency } from '../../src/bench/watch_latency.js';
import { ensureBuilt } from './dist.js';

beforeAll(ensureBuilt, 300_000);

describe('watch latency bench', () => {
  for (const target of ['x86_64-linux', 'wasm32-wasi'] as const) {
    it(`times 30 one-function edits through the watcher process (${target})`, async () => {
      const r = await measureWatchLatency({ functions: 300, edits: 30, target, pauseMs: 5 });
      expect(r.firstError).toBeUndefined();
      expect(r.failures).toBe(0);
      expect(r.outputMatches).toBe(true);
      expect(r.latencyMs.count).toBe(30);
      expect(r.p50Ms).toBeGreaterThan(0);
      expect(r.p95Ms).toBeGreaterThanOrEqual(r.p50Ms);
      expect(r.fromWriteStartMs.p50).toBeGreaterThanOrEqual(r.p50Ms);
      expect(r.declsAnalyzed.max).toBe(1);
      expect(r.functionsGenerated.max).toBe(1);
      expect(r.bytesWritten.min).toBeGreaterThan(0);
    });
  }
});
