// Fuzzes the wasm input readers (src/link/wasm/input): mutates real objects and archives —
// bit flips, bytes set to 0/0x80/0xff/random, LEB continuation bits set or cleared,
// truncations, swapped 4-byte runs, inserted and deleted bytes, 32-bit fields set to edge
// values — and checks that every input is either read or rejected with
// ObjectFormatError, within a time budget. Half the edits land in section headers and the
// linker metadata (`linking`, `reloc.*`, `target_features`), where a reader trusts the
// most. Anything else (another exception, an input over the budget, no progress for
// 10 s: a hang) is reported with the seed and input number to reproduce it:
//   node scripts/fuzz_wasm_reader.mjs [inputs=100000] [--seed S] [--only I] [--budget-ms 200]
// The readers are compiled on their own (with the ELF ar reader and error class they
// import) into a temporary folder, so the fuzzer does not depend on the rest of the tree.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LIBC = '/usr/lib/wasm32-wasi/libc.a';
const BUILTINS = '/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a';

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

/** Compiles the readers alone into `dir` (its layout mirrors src/link). */
function buildReaders(dir) {
  const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
  const inputDir = path.join(ROOT, 'src/link/wasm/input');
  const files = fs.readdirSync(inputDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(inputDir, f));
  execFileSync(tsc, ['--ignoreConfig', '--strict', '--module', 'es2022', '--moduleResolution', 'bundler', '--target', 'es2022', '--types', 'node', '--skipLibCheck',
    '--rootDir', path.join(ROOT, 'src/link'), '--outDir', dir, ...files], { stdio: 'inherit' });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
}

/** Real inputs: clang objects of the test sources, libc and builtins members, archives with and without an index. */
function buildCorpus(dir) {
  const src = path.join(ROOT, 'test/wasm/input/sources');
  const objs = [];
  const compile = (cc, flags, source) => {
    const out = path.join(dir, `${objs.length}.o`);
    execFileSync(cc, ['-c', ...flags, path.join(src, source), '-o', out]);
    objs.push(out);
  };
  const wasi = '--target=wasm32-wasi';
  compile('clang', [wasi, '-O0'], 'features.c');
  compile('clang', [wasi, '-O2'], 'features.c');
  compile('clang', [wasi, '-O0', '-g', '-ffunction-sections', '-fdata-sections'], 'features.c');
  compile('clang', [wasi, '-O2', '-matomics', '-mbulk-memory', '-ftls-model=local-exec', '-mreference-types'], 'features.c');
  compile('clang', ['--target=wasm64-unknown-emscripten', '-O2', '-fPIC', '-g'], 'features.c');
  compile('clang++', [wasi, '-std=c++17', '-O0', '-fno-exceptions'], 'comdat.cpp');
  compile('clang++', [wasi, '-std=c++17', '-O1', '-fwasm-exceptions'], 'exceptions.cpp');
  const libcMembers = ['printf.o', 'memcpy.o', 'qsort.o', 'strtod.o'];
  execFileSync('ar', ['x', LIBC, ...libcMembers], { cwd: dir });
  const builtinMembers = ['divtf3.c.o', 'addtf3.c.o'];
  execFileSync('ar', ['x', BUILTINS, ...builtinMembers], { cwd: dir });
  const longName = path.join(dir, 'an_object_with_a_name_longer_than_sixteen.o');
  fs.copyFileSync(objs[1], longName);
  execFileSync('llvm-ar', ['rcs', 'with_index.a', ...libcMembers, path.basename(longName)], { cwd: dir });
  execFileSync('ar', ['rcS', 'no_index.a', ...builtinMembers, '2.o'], { cwd: dir });
  const files = [...objs, ...[...libcMembers, ...builtinMembers].map((m) => path.join(dir, m)), path.join(dir, 'with_index.a'), path.join(dir, 'no_index.a')];
  return files.map((f) => ({ name: path.basename(f), bytes: new Uint8Array(fs.readFileSync(f)) }));
}

/** The byte ranges worth aiming at: each section's header, and the whole of the linker metadata sections. */
function hotRanges(r, sample) {
  if (r.isArchive(sample.bytes)) return [];
  const obj = r.readWasmObject(sample.name, sample.bytes);
  const ranges = [[0, 8]];
  for (const s of obj.sections) {
    ranges.push([s.headerOffset, s.offset + Math.min(s.size, 8)]);
    if (s.name === 'linking' || s.name.startsWith('reloc.') || s.name === 'target_features') ranges.push([s.offset, s.offset + s.size]);
  }
  return ranges.filter(([a, b]) => b > a);
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

const EDGE_U32 = [0, 1, 0x7f, 0x80, 0xff, 0x3fff, 0x4000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

function mutate(input, hot, rand) {
  let b = input.slice();
  const n = 1 + Math.floor(rand() * 4);
  const pick = (len) => Math.floor(rand() * Math.max(1, len));
  for (let k = 0; k < n; k++) {
    if (b.length === 0) break;
    const op = Math.floor(rand() * 11);
    let at = pick(b.length);
    if (hot.length > 0 && rand() < 0.5) {
      const [from, to] = hot[pick(hot.length)];
      at = Math.min(b.length - 1, from + pick(to - from));
    }
    switch (op) {
      case 0: b[at] ^= 1 << pick(8); break;
      case 1: b[at] = 0; break;
      case 2: b[at] = 0xff; break;
      case 3: b[at] = pick(256); break;
      case 4: b = b.slice(0, pick(b.length)); break;
      case 5: b[at] |= 0x80; break; // a LEB that goes on
      case 6: b[at] &= 0x7f; break; // a LEB that stops early
      case 7: { // swap two 4-byte runs
        const j = pick(b.length - 4);
        const i = Math.min(at, b.length - 4);
        if (i < 0 || j < 0) break;
        const t = b.slice(i, i + 4);
        b.copyWithin(i, j, j + 4);
        b.set(t, j);
        break;
      }
      case 8: { // insert bytes
        const ins = new Uint8Array(1 + pick(8)).map(() => pick(256));
        const out = new Uint8Array(b.length + ins.length);
        out.set(b.subarray(0, at));
        out.set(ins, at);
        out.set(b.subarray(at), at + ins.length);
        b = out;
        break;
      }
      case 9: { // delete bytes
        const len = 1 + pick(8);
        const out = new Uint8Array(b.length - Math.min(len, b.length - at));
        out.set(b.subarray(0, at));
        out.set(b.subarray(Math.min(b.length, at + len)), at);
        b = out;
        break;
      }
      case 10: { // a 32-bit field set to an edge value, or a 5-byte padded LEB of one
        const v = EDGE_U32[pick(EDGE_U32.length)];
        if (rand() < 0.5) {
          if (at + 4 > b.length) break;
          new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(at, v, true);
        } else {
          if (at + 5 > b.length) break;
          for (let i = 0; i < 5; i++) b[at + i] = ((v / 2 ** (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0);
        }
        break;
      }
    }
  }
  return b;
}

async function runWorker() {
  const { dir, corpus, seed, from, to, budgetMs, progress } = workerData;
  const r = await import(pathToFileURL(path.join(dir, 'wasm', 'input', 'index.js')).href);
  const hot = corpus.map((sample) => hotRanges(r, sample));
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
    const bytes = mutate(sample.bytes, hot[which], rand);
    const t0 = performance.now();
    try {
      if (r.isArchive(bytes)) {
        const a = r.readWasmArchive(sample.name, bytes);
        for (let m = 0; m < a.members.length; m++) {
          members++;
          try {
            r.readWasmMember(a, m);
          } catch (e) {
            if (!(e instanceof r.ObjectFormatError)) throw e;
          }
        }
      } else {
        r.readWasmObject(sample.name, bytes);
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
  parentPort.postMessage({ accepted, rejected, members, failures, slow, worstMs });
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-fuzz-wasm-'));
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
    }).finally(() => clearInterval(watchdog));
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`fuzz_wasm_reader: ${to - from} inputs from ${corpus.length} real files, seed ${o.seed}, ${secs} s`);
    console.log(`  read: ${result.accepted}, rejected with ObjectFormatError: ${result.rejected}, archive members tried: ${result.members}, worst input ${result.worstMs.toFixed(1)} ms`);
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
