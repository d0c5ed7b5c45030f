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
//
// This file owns what is wasm: which reader sources are compiled and how they are loaded,
// the corpus (clang objects for wasm32 and wasm64, wasi-libc and builtins members, ar
// archives), which reader functions read an object, an archive and a member, the error class
// that is a rejection (ObjectFormatError), reporting the archive members tried, the operator
// list with the LEB-aware ones and edge values, and the hot ranges edits are aimed at
// (section headers, linker metadata). The command line, the generator, the operators shared
// with the ELF fuzzer, compiling with tsc, the worker loop (object or archive and its members,
// read or rejected, timed), the watchdog and the report are scripts/fuzz_harness.mjs.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BYTE_OPS, ROOT, compileAlone, deleteBytes, insertBytes, makeMutator, objectCompiler, runFuzzer, swapRuns, writeU32 } from './fuzz_harness.mjs';

const LIBC = '/usr/lib/wasm32-wasi/libc.a';
const BUILTINS = '/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a';

/** Compiles the readers alone into `dir` (its layout mirrors src/link). */
function buildReaders(dir) {
  const inputDir = path.join(ROOT, 'src/link/wasm/input');
  const files = fs.readdirSync(inputDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(inputDir, f));
  compileAlone(dir, files, ['--rootDir', path.join(ROOT, 'src/link')]);
}

/** Real inputs: clang objects of the test sources, libc and builtins members, archives with and without an index. */
function buildCorpus(dir) {
  const { objs, compile } = objectCompiler(dir, path.join(ROOT, 'test/wasm/input/sources'));
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

const EDGE_U32 = [0, 1, 0x7f, 0x80, 0xff, 0x3fff, 0x4000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

const mutate = makeMutator({
  // The order is part of what a seed makes: keep it.
  ops: [
    ...BYTE_OPS,
    (b, at) => { b[at] |= 0x80; return b; }, // a LEB that goes on
    (b, at) => { b[at] &= 0x7f; return b; }, // a LEB that stops early
    swapRuns(4),
    insertBytes(8),
    deleteBytes(8),
    (b, at, pick, rand) => { // a 32-bit field set to an edge value, or a 5-byte padded LEB of one
      const v = EDGE_U32[pick(EDGE_U32.length)];
      if (rand() < 0.5) writeU32(b, at, v);
      else if (at + 5 <= b.length) for (let i = 0; i < 5; i++) b[at + i] = ((v / 2 ** (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0);
      return b;
    },
  ],
  // Half the edits land in a hot range of the sample (none for an archive).
  aim: (b, pick, rand, hot) => {
    let at = pick(b.length);
    if (hot.length > 0 && rand() < 0.5) {
      const [from, to] = hot[pick(hot.length)];
      at = Math.min(b.length - 1, from + pick(to - from));
    }
    return at;
  },
});

await runFuzzer({
  kind: 'wasm',
  script: import.meta.url,
  buildReaders,
  buildCorpus,
  load: (dir) => import(pathToFileURL(path.join(dir, 'wasm', 'input', 'index.js')).href),
  prepare: hotRanges,
  mutate,
  isArchive: (r, bytes) => r.isArchive(bytes),
  readObject: (r, name, bytes) => r.readWasmObject(name, bytes),
  readMembers: (r, name, bytes) => {
    const a = r.readWasmArchive(name, bytes);
    return a.members.map((_, m) => () => r.readWasmMember(a, m));
  },
  rejectedWith: 'ObjectFormatError',
  reportMembers: true,
});
