// The part of the reader fuzzers (scripts/fuzz_elf_reader.mjs, scripts/fuzz_wasm_reader.mjs)
// that does not depend on the format. This file owns:
//   - the command line: [inputs=100000] [--seed S] [--only I] [--budget-ms 200];
//   - the seeded generator (mulberry32) and the input → generator seed mapping, so an input
//     is made again from --seed and --only;
//   - the mutation engine: 1 to 4 edits an input, each an operator chosen from the format's
//     list at an offset the format aims, and the operators both formats use (bit flips,
//     bytes set, truncation, swapped runs, inserted and deleted bytes, 32-bit edge values);
//   - compiling a format's reader sources alone with tsc, and corpus sources with a C compiler;
//   - the worker loop: read each mutated input with the format's reader functions (an object,
//     or an archive and each of its members: a member rejected does not reject the archive),
//     count it read or rejected, time it against the budget, record other exceptions;
//   - the main driver: temporary folder, building readers and corpus (with the format's
//     functions), the worker thread, the progress counter and the 10 s hang watchdog, and
//     the report lines.
// A format script owns which reader sources are compiled and how they are loaded, its corpus
// of real files, which reader functions read an object, an archive and a member and which
// error class is a rejection, its list of operators, and where edits are aimed (e.g. section
// headers). It ends with `await runFuzzer({...})`, which runs the driver on the main thread
// and the loop in the worker (the same script, re-run).

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Compiles `files` alone (no tsconfig, nothing else of the tree) into `dir` as ES modules; `flags` are more tsc flags. */
export function compileAlone(dir, files, flags = []) {
  const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
  execFileSync(tsc, ['--ignoreConfig', '--strict', '--module', 'es2022', '--moduleResolution', 'bundler', '--target', 'es2022', '--types', 'node', '--skipLibCheck',
    ...flags, '--outDir', dir, ...files], { stdio: 'inherit' });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
}

export function parseArgs(argv) {
  const o = { inputs: 100_000, seed: 1, only: -1, budgetMs: 200 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--only') o.only = Number(argv[++i]);
    else if (a === '--budget-ms') o.budgetMs = Number(argv[++i]);
    else if (/^\d+$/.test(a)) o.inputs = Number(a);
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

/** For a corpus: `compile(cc, flags, source)` compiles `sourceDir/source` with `cc -c` into the next `dir/<n>.o`, listed in `objs`. */
export function objectCompiler(dir, sourceDir) {
  const objs = [];
  const compile = (cc, flags, source) => {
    const out = path.join(dir, `${objs.length}.o`);
    execFileSync(cc, ['-c', ...flags, path.join(sourceDir, source), '-o', out]);
    objs.push(out);
  };
  return { objs, compile };
}

/** mulberry32: a small seeded generator, so every input can be made again from its seed. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Operators. Each is `(b, at, pick, rand) => b`: it edits `b` (a Uint8Array, not empty) at
// `at` (< b.length) in place or returns a new array; `pick(n)` is an integer in [0, n).

export const flipBit = (b, at, pick) => { b[at] ^= 1 << pick(8); return b; };
export const setByte = (v) => (b, at) => { b[at] = v; return b; };
export const randomByte = (b, at, pick) => { b[at] = pick(256); return b; };
export const truncate = (b, at, pick) => b.slice(0, pick(b.length));

/** The operators both formats' lists start with, in this order (a bit flipped, 0, 0xff, a random byte, truncated). */
export const BYTE_OPS = [flipBit, setByte(0), setByte(0xff), randomByte, truncate];

/** Swaps the `width`-byte run at `at` (moved back to fit) with one at a random offset. */
export const swapRuns = (width) => (b, at, pick) => {
  const j = pick(b.length - width);
  const i = Math.min(at, b.length - width);
  if (i < 0 || j < 0) return b;
  const t = b.slice(i, i + width);
  b.copyWithin(i, j, j + width);
  b.set(t, j);
  return b;
};

/** Inserts 1 to `most` random bytes before `at`. */
export const insertBytes = (most) => (b, at, pick) => {
  const ins = new Uint8Array(1 + pick(most)).map(() => pick(256));
  const out = new Uint8Array(b.length + ins.length);
  out.set(b.subarray(0, at));
  out.set(ins, at);
  out.set(b.subarray(at), at + ins.length);
  return out;
};

/** Deletes 1 to `most` bytes from `at` (fewer at the end). */
export const deleteBytes = (most) => (b, at, pick) => {
  const len = 1 + pick(most);
  const out = new Uint8Array(b.length - Math.min(len, b.length - at));
  out.set(b.subarray(0, at));
  out.set(b.subarray(Math.min(b.length, at + len)), at);
  return out;
};

/** Writes `v` little-endian as 32 bits at `at`, if it fits; false if not. */
export function writeU32(b, at, v) {
  if (at + 4 > b.length) return false;
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(at, v, true);
  return true;
}

/**
 * A mutator for one format: `ops` is its list of operators (the index drawn picks one, so
 * the order is part of what a seed makes), `aim(b, pick, rand, hint)` the offset an edit
 * lands at, `hint` whatever the format worked out for the sample (see `prepare`).
 */
export function makeMutator({ ops, aim }) {
  return (input, rand, hint) => {
    let b = input.slice();
    const n = 1 + Math.floor(rand() * 4);
    const pick = (len) => Math.floor(rand() * Math.max(1, len));
    for (let k = 0; k < n; k++) {
      if (b.length === 0) break;
      const op = Math.floor(rand() * ops.length);
      const at = aim(b, pick, rand, hint);
      b = ops[op](b, at, pick, rand);
    }
    return b;
  };
}

/**
 * Runs a reader fuzzer; the format script calls it at top level, and the worker re-runs that
 * script. `format`:
 *   kind            'elf' or 'wasm': names the report (fuzz_elf_reader) and the temporary folder
 *   script          the format script's import.meta.url (the worker's entry point)
 *   buildReaders(dir)  compiles the readers into `dir`          (main thread)
 *   buildCorpus(dir)   → [{ name, bytes }], real files made in `dir` (main thread)
 *   load(dir)       → the readers module `r`, from `dir`       (worker; so are the rest)
 *   prepare(r, sample) → a hint for `mutate` on that sample (optional)
 *   mutate(bytes, rand, hint) → the mutated input (see makeMutator)
 *   isArchive(r, bytes), readObject(r, name, bytes), and
 *   readMembers(r, name, bytes) → an archive's members, a function each that reads one:
 *                   an input is read if it is an object that reads, or an archive that reads
 *                   and whose members each read or are rejected
 *   rejectedWith    the name of the readers' error class that is a proper rejection
 *   reportMembers   whether the report counts the archive members tried
 */
export async function runFuzzer(format) {
  if (isMainThread) await main(format);
  else await runWorker(format);
}

async function runWorker(format) {
  const { dir, corpus, seed, from, to, budgetMs, progress } = workerData;
  const r = await format.load(dir);
  const hints = format.prepare ? corpus.map((sample) => format.prepare(r, sample)) : [];
  const Rejection = r[format.rejectedWith];
  const slow = [];
  const failures = [];
  let accepted = 0;
  let rejected = 0;
  let members = 0;
  let worstMs = 0;
  for (let i = from; i < to; i++) {
    Atomics.store(progress, 0, i);
    const rand = rng(seed * 0x9e3779b1 + i);
    const which = Math.floor(rand() * corpus.length);
    const sample = corpus[which];
    const bytes = format.mutate(sample.bytes, rand, hints[which]);
    const t0 = performance.now();
    try {
      if (format.isArchive(r, bytes)) {
        for (const readMember of format.readMembers(r, sample.name, bytes)) {
          members++;
          try {
            readMember();
          } catch (e) {
            if (!(e instanceof Rejection)) throw e;
          }
        }
      } else {
        format.readObject(r, sample.name, bytes);
      }
      accepted++;
    } catch (e) {
      if (e instanceof Rejection) rejected++;
      else failures.push({ input: i, sample: sample.name, error: String(e?.stack ?? e).split('\n').slice(0, 4).join(' | ') });
    }
    const ms = performance.now() - t0;
    worstMs = Math.max(worstMs, ms);
    if (ms > budgetMs) slow.push({ input: i, sample: sample.name, ms: Math.round(ms) });
  }
  parentPort.postMessage({ accepted, rejected, members, failures, slow, worstMs });
}

async function main(format) {
  const o = parseArgs(process.argv.slice(2));
  const name = `fuzz_${format.kind}_reader`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `zirc-fuzz-${format.kind}-`));
  try {
    format.buildReaders(path.join(dir, 'readers'));
    const corpus = format.buildCorpus(dir);
    const from = o.only >= 0 ? o.only : 0;
    const to = o.only >= 0 ? o.only + 1 : o.inputs;
    const progress = new Int32Array(new SharedArrayBuffer(4));
    const t0 = performance.now();
    const worker = new Worker(fileURLToPath(format.script), {
      workerData: { dir: path.join(dir, 'readers'), corpus, seed: o.seed, from, to, budgetMs: o.budgetMs, progress },
    });
    let last = -1;
    let still = 0;
    const watchdog = setInterval(() => {
      const now = Atomics.load(progress, 0);
      still = now === last ? still + 1 : 0;
      last = now;
      if (still >= 10) {
        console.error(`HANG: input ${now} made no progress for 10 s (reproduce: --seed ${o.seed} --only ${now})`);
        void worker.terminate();
        process.exitCode = 1;
      }
    }, 1000);
    const result = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
    }).finally(() => clearInterval(watchdog));
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    const extra = format.reportMembers ? `, archive members tried: ${result.members}` : '';
    console.log(`${name}: ${to - from} inputs from ${corpus.length} real files, seed ${o.seed}, ${secs} s`);
    console.log(`  read: ${result.accepted}, rejected with ${format.rejectedWith}: ${result.rejected}${extra}, worst input ${result.worstMs.toFixed(1)} ms`);
    for (const f of result.failures.slice(0, 20)) console.log(`  FAIL input ${f.input} (${f.sample}; --seed ${o.seed} --only ${f.input}): ${f.error}`);
    for (const s of result.slow.slice(0, 20)) console.log(`  SLOW input ${s.input} (${s.sample}; --seed ${o.seed} --only ${s.input}): ${s.ms} ms > ${o.budgetMs} ms`);
    if (result.failures.length > 0 || result.slow.length > 0) {
      console.log(`  ${result.failures.length} failures, ${result.slow.length} over budget`);
      process.exitCode = 1;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
