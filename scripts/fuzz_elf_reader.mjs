// Fuzzes the ELF input readers (src/link/elf/input): mutates real objects and archives —
// bit flips, bytes set to 0/0xff/random, truncations, swapped 8-byte fields, inserted and
// deleted bytes, header fields set to edge values — and checks that every input is either
// read or rejected with ObjectFormatError, within a time budget. Anything else (another
// exception, an input over the budget, no progress for 10 s: a hang) is reported with the
// seed and input number to reproduce it:
//   node scripts/fuzz_elf_reader.mjs [inputs=100000] [--seed S] [--only I] [--budget-ms 200]
// The readers are compiled on their own (they import nothing else) into a temporary folder,
// so the fuzzer does not depend on the rest of the tree building.
//
// This file owns what is ELF: which reader sources are compiled and how they are loaded, the
// corpus (clang and gcc objects, musl members, ar archives), which reader functions read an
// object, an archive and a member, the error class that is a rejection (ObjectFormatError),
// the operator list and edge values, and aiming half the edits at the ELF header and the end
// of the file (where section headers sit). The command line, the generator, the operators
// shared with the wasm fuzzer, compiling with tsc, the worker loop (object or archive and its
// members, read or rejected, timed), the watchdog and the report are scripts/fuzz_harness.mjs.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BYTE_OPS, ROOT, compileAlone, deleteBytes, insertBytes, makeMutator, objectCompiler, runFuzzer, swapRuns, writeU32 } from './fuzz_harness.mjs';

const MUSL = '/usr/lib/x86_64-linux-musl/libc.a';

/** Compiles the readers alone into `dir`. */
function buildReaders(dir) {
  const inputDir = path.join(ROOT, 'src/link/elf/input');
  const files = fs.readdirSync(inputDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(inputDir, f));
  compileAlone(dir, [...files, path.join(ROOT, 'src/link/elf/elf_constants.ts')]);
}

/** Real inputs: objects from clang and gcc, archives with and without an index, musl members. */
function buildCorpus(dir) {
  const { objs, compile } = objectCompiler(dir, path.join(ROOT, 'test/elf/input/sources'));
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

const EDGE_U32 = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0xff00, 0xfff1, 0xfff2, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

const mutate = makeMutator({
  // The order is part of what a seed makes: keep it.
  ops: [
    ...BYTE_OPS,
    swapRuns(8), // two 8-byte fields
    insertBytes(16),
    deleteBytes(16),
    (b, at, pick) => { // a 32-bit field, 4-aligned, set to an edge value
      if (at + 4 <= b.length) writeU32(b, at & ~3, EDGE_U32[pick(EDGE_U32.length)]);
      return b;
    },
  ],
  // Most of what the reader trusts is in the headers: aim half the edits there — the ELF
  // header at the start, the section header table (24 headers of 64 bytes' worth) at the end.
  aim: (b, pick, rand) => {
    const hot = rand() < 0.5 && b.length > 64;
    return hot ? (rand() < 0.3 ? pick(64) : b.length - 1 - pick(Math.min(b.length, 64 * 24))) : pick(b.length);
  },
});

await runFuzzer({
  kind: 'elf',
  script: import.meta.url,
  buildReaders,
  buildCorpus,
  load: (dir) => import(pathToFileURL(path.join(dir, 'input', 'index.js')).href),
  mutate,
  isArchive: (r, bytes) => r.isArchive(bytes),
  readObject: (r, name, bytes) => r.readElfObject(name, bytes),
  readMembers: (r, name, bytes) => r.readArchive(name, bytes).members.map((m) => () => r.readElfObject(`${name}(${m.name})`, m.data)),
  rejectedWith: 'ObjectFormatError',
});
