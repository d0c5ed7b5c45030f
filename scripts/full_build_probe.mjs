//! One full build in this process, as bench/analysis.md item 6 measured it:
//! `node --expose-gc scripts/full_build_probe.mjs [functions] [shape] [target] [threads]`
//! (defaults 10000 chain x86_64-linux 0; run `npm run build` first). Prints the phase
//! timings, the heap held after a full collection and the process's peak RSS; add
//! `--trace-gc`, `--cpu-prof` or `--heap-prof` before the script for the profiles.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateProgram } from '../dist/bench/generate.js';
import { Compilation, CodegenThreads } from '../dist/index.js';

const [functions = '10000', shape = 'chain', target = 'x86_64-linux', threads = '0'] = process.argv.slice(2);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-build-probe-'));
fs.writeFileSync(path.join(dir, 'main.zir'), generateProgram({ shape, functions: Number(functions) }).source);
const codegen = new CodegenThreads({ threads: Number(threads) });
const start = performance.now();
const c = Compilation.create({ sourcePath: path.join(dir, 'main.zir'), outputPath: path.join(dir, 'main'), target, optimize: 'Debug', codegen });
const r = c.update();
const ms = performance.now() - start;
globalThis.gc?.();
const mib = (n) => Math.round(n / 2 ** 20);
console.log(JSON.stringify({ ok: r.ok, functions: Number(functions), shape, target, threads: Number(threads), buildMs: Math.round(ms), timings: r.stats.timings,
  heldMiB: globalThis.gc ? mib(process.memoryUsage().heapUsed) : null, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
c.close();
codegen.close();
fs.rmSync(dir, { recursive: true, force: true });
