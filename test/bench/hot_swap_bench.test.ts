// The hot-swap benchmark on a small program, through the real watcher: every edit is swapped
// into one pid and seen in the running process; the section it writes for docs/performance.md.
import { beforeAll, describe, expect, it } from 'vitest';
import { measureHotSwap, renderHotSwapSection } from '../../src/bench/hot_swap_bench.js';
import { ensureBuilt } from '../watch/dist.js';

beforeAll(ensureBuilt, 300_000);

describe('hot swap bench', () => {
  it('times save -> new behaviour of every edit, all swapped into the same process', async () => {
    const r = await measureHotSwap({ functions: 300, edits: 5, pauseMs: 5 });
    expect(r).toMatchObject({ functions: 300, edits: 5 });
    expect(r.saveToBehaviour.count).toBe(5);
    expect(r.saveToBehaviour.min).toBeGreaterThan(0);
    expect(r.compileMs.count).toBe(5);
    expect(r.pid).toBeGreaterThan(0);
    const doc = renderHotSwapSection(r, { cpuModel: 'cpu', cores: 2, memTotalMiB: 1, kernel: 'k', node: 'v', os: 'os' }, 'npm run bench:hot', '2026-12-02');
    expect(doc).toMatch(/^## Hot swap: save → new behaviour in the running process/);
    expect(doc).toMatch(/\| save → new behaviour \(ms\) \| [\d.]+ \| [\d.]+ \| [\d.]+ \|/);
  }, 120_000);
});
