// Fuzzes the ELF input readers (src/link/elf/input): mutates real objects and archives —
// bit flips, bytes set to 0/0xff/random, truncations, swapped 8-byte fields, inserted and
// deleted bytes, header fields set to edge values — and checks that every input is either
// read or rejected with ObjectFormatError, within a time budget. Anything else (another
// exception, an input over the budget, no progress for 10 s: a hang) is reported with the
// seed and input number to reproduce it:
//   node scripts/fuzz_elf_reader.mjs [inputs=100000] [--seed S] [--only I] [--budget-ms 200]
// The readers are compiled on their own (they import nothing else) into a temporary folder,
// so the fuzzer does not depend on the rest of the tree building.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MUSL = '/usr/lib/x86_64-linux-musl/libc.a';

function parseArgs(argv) {
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

/** Compiles the readers alone into `dir`. */
function buildReaders(dir) {
  const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
  const files = [...fs.readdirSync(path.join(ROOT, 'src/link/elf/input')).filter((f) => f.endsWith('.ts')).map((f) => path.join(ROOT, 'src/link/elf/input', f)), path.join(ROOT, 'src/link/elf/elf_constants.ts')];
  execFileSync(tsc, ['--ignoreConfig', '--strict', '--module', 'es2022', '--moduleResolution', 'bundler', '--target', 'es2022', '--types', 'node', '--skipLibCheck', '--outDir', dir, ...files], { stdio: 'inherit' });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
}

/** Real inputs: objects from clang and gcc, archives with and without an index, musl members. */
function buildCorpus(dir) {
  const src = path.join(ROOT, 'test/elf/input/sources');
  const objs = [];
  const compile = (cc, flags, source) => {
    const out = path.join(dir, `${objs.length}.o`);
    execFileSync(cc, ['-c', ...flags, path.join(src, source), '-o', out]);
    objs.push(out);
  };
  compile('clang', ['-O1', '-fpic'], 'tls_common.c');
  compile('gcc', ['-O2', '-ffunction-sections', '-fdata-sections'], 'switch_ifunc.c');
  compile('g++', ['-O1'], 'comdat.cpp');
  compile('gcc', ['-O0', '-fcommon', '-fcf-protection=full'], 'tls_common.c');
  execFileSync('ar', ['t', MUSL]); // fails loudly if musl or ar is missing
  const members = ['printf.lo', 'memcpy.lo', 'malloc.lo', 'strtod.lo'];
  execFileSync('ar', ['x', MUSL, ...members], { cwd: dir });
  const longName = path.join(dir, 'an_object_with_a_name_longer_than_sixteen.o');
  fs.copyFileSync(objs[0], longName);
  execFileSync('ar', ['rcs', 'with_index.a', ...members, path.basename(longName)], { cwd: dir });
  execFileSync('ar', ['rcS', 'no_index.a', ...members, '1.o'], { cwd: dir });
  const files = [...objs, ...members.map((m) => path.join(dir, m)), path.join(dir, 'with_index.a'), path.join(dir, 'no_index.a')];
  return files.map((f) => ({ name: path.basename(f), bytes: new Uint8Array(fs.readFileSync(f)) }));
}

/** mulberry32: a small seeded generator, so every input can be made again from its seed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EDGE_U32 = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0xff00, 0xfff1, 0xfff2, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

function mutate(input, rand) {
  let b = input.slice();
  const n = 1 + Math.floor(rand() * 4);
  const pick = (len) => Math.floor(rand() * Math.max(1, len));
  for (let k = 0; k < n; k++) {
    const op = Math.floor(rand() * 9);
    // Most of what the reader trusts is in the headers: aim half the edits there.
    const hot = rand() < 0.5 && b.length > 64;
    const at = hot ? (rand() < 0.3 ? pick(64) : b.length - 1 - pick(Math.min(b.length, 64 * 24))) : pick(b.length);
    if (b.length === 0) break;
    switch (op) {
      case 0: b[at] ^= 1 << pick(8); break;
      case 1: b[at] = 0; break;
      case 2: b[at] = 0xff; break;
      case 3: b[at] = pick(256); break;
      case 4: b = b.slice(0, pick(b.length)); break;
      case 5: { // swap two 8-byte fields
        const j = pick(b.length - 8);
        const i = Math.min(at, b.length - 8);
        if (i < 0 || j < 0) break;
        const t = b.slice(i, i + 8);
        b.copyWithin(i, j, j + 8);
        b.set(t, j);
        break;
      }
      case 6: { // insert bytes
        const ins = new Uint8Array(1 + pick(16)).map(() => pick(256));
        const out = new Uint8Array(b.length + ins.length);
        out.set(b.subarray(0, at));
        out.set(ins, at);
        out.set(b.subarray(at), at + ins.length);
        b = out;
        break;
      }
      case 7: { // delete bytes
        const len = 1 + pick(16);
        b = Uint8Array.of(...b.subarray(0, at), ...b.subarray(Math.min(b.length, at + len)));
        break;
      }
      case 8: { // a 32-bit field set to an edge value
        if (at + 4 > b.length) break;
        new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(at & ~3, EDGE_U32[pick(EDGE_U32.length)], true);
        break;
      }
    }
  }
  return b;
}

async function runWorker() {
  const { dir, corpus, seed, from, to, budgetMs, progress } = workerData;
  const r = await import(pathToFileURL(path.join(dir, 'input', 'index.js')).href);
  const slow = [];
  const failures = [];
  let accepted = 0;
  let rejected = 0;
  let worstMs = 0;
  for (let i = from; i < to; i++) {
    Atomics.store(progress, 0, i);
    const rand = rng(seed * 0x9e3779b1 + i);
    const sample = corpus[Math.floor(rand() * corpus.length)];
    const bytes = mutate(sample.bytes, rand);
    const t0 = performance.now();
    try {
      if (r.isArchive(bytes)) {
        const a = r.readArchive(sample.name, bytes);
        for (const m of a.members) {
          try {
            r.readElfObject(`${sample.name}(${m.name})`, m.data);
          } catch (e) {
            if (!(e instanceof r.ObjectFormatError)) throw e;
          }
        }
      } else {
        r.readElfObject(sample.name, bytes);
      }
      accepted++;
    } catch (e) {
      if (e instanceof r.ObjectFormatError) rejected++;
      else failures.push({ input: i, sample: sample.name, error: String(e?.stack ?? e).split('\n').slice(0, 4).join(' | ') });
    }
    const ms = performance.now() - t0;
    worstMs = Math.max(worstMs, ms);
    if (ms > budgetMs) slow.push({ input: i, sample: sample.name, ms: Math.round(ms) });
  }
  parentPort.postMessage({ accepted, rejected, failures, slow, worstMs });
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-fuzz-elf-'));
  try {
    buildReaders(path.join(dir, 'readers'));
    const corpus = buildCorpus(dir);
    const from = o.only >= 0 ? o.only : 0;
    const to = o.only >= 0 ? o.only + 1 : o.inputs;
    const progress = new Int32Array(new SharedArrayBuffer(4));
    const t0 = performance.now();
    const worker = new Worker(fileURLToPath(import.meta.url), {
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
    });
    clearInterval(watchdog);
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`fuzz_elf_reader: ${to - from} inputs from ${corpus.length} real files, seed ${o.seed}, ${secs} s`);
    console.log(`  read: ${result.accepted}, rejected with ObjectFormatError: ${result.rejected}, worst input ${result.worstMs.toFixed(1)} ms`);
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

if (isMainThread) await main();
else await runWorker();
