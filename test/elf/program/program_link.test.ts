// A ZIR program linked with objects and archives (`zirc build main.zir util.o libx.a`, the
// ProgramLinker): externs resolve to C definitions, exports are called from a C main under
// musl's runtime, and every output behaves as ld.lld's link of the same inputs with the
// program as its `zirc build -c` object. Across edits the output is patched in place (the
// objects' code keeps its addresses) and behaves as a fresh build after every update; a
// failed link (undefined symbol, missing or corrupt object) leaves it byte for byte.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Compilation } from '../../../src/compile/Compilation.js';
import { compileObject } from '../../../src/link/elf/relocatable/compile_object.js';
import { makeProgram } from '../../../src/cli/main.js';
import { addThreeLibrary, C_ADD, startProgram } from '../../support/zir_with_c.js';
import { compileMusl, execute, libgcc, MUSL_LIB, readelfAll, run, type RunResult } from '../static/toolchain.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-program-link-'));
  dirs.push(d);
  return d;
}

/** A C main that calls the library's add3 on argv[1] (default 20) and exits with the result. */
const MAIN_C = `#include <stdio.h>
#include <stdlib.h>
unsigned add3(unsigned);
unsigned c_twice(unsigned x) { return 2 * x; }
int main(int argc, char **argv) {
  unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 20;
  printf("add3(%u) = %u\\n", n, add3(n));
  return (int)(add3(n) & 0x7f);
}
`;

const UTIL_C = C_ADD;

function muslInputs(dir: string, ...objects: string[]): string[] {
  return [`${MUSL_LIB}/crt1.o`, `${MUSL_LIB}/crti.o`, ...objects, `${MUSL_LIB}/libc.a`, libgcc(), `${MUSL_LIB}/crtn.o`].map((p) => path.resolve(dir, p));
}

function compile(dir: string, name: string, source: string, extra: string[] = []): string {
  const c = path.join(dir, `${name}.c`);
  fs.writeFileSync(c, source);
  return compileMusl(c, path.join(dir, `${name}.o`), extra);
}

/** ld.lld's link of the same inputs, the program given as its `zirc build -c` object first. */
function referenceLink(dir: string, source: string, inputs: string[], name: string): string {
  const src = path.join(dir, `${name}.zir`);
  fs.writeFileSync(src, source);
  const obj = path.join(dir, `${name}.o`);
  const { result, object } = compileObject(src, { optimize: 'Debug', outputPath: obj });
  expect(result.errors.map((e) => e.rendered)).toEqual([]);
  fs.writeFileSync(obj, object!);
  const out = path.join(dir, `${name}.lld`);
  run('ld.lld', ['-static', '-o', out, obj, ...inputs]);
  return out;
}

function behaviour(r: RunResult): { stdout: string; stderr: string; status: number | null } {
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function freshBuild(dir: string, source: string, inputs: string[], name: string): { ok: boolean; output: string; errors: string[] } {
  const src = path.join(dir, `${name}.zir`);
  fs.writeFileSync(src, source);
  const output = path.join(dir, name);
  const c = Compilation.create({ sourcePath: src, outputPath: output, target: 'x86_64-linux', optimize: 'Debug', linkInputs: inputs });
  try {
    const r = c.update();
    return { ok: r.ok, output, errors: r.errors.map((e) => e.rendered) };
  } finally {
    c.close();
  }
}

/** The address of `symbol` in `file` (nm). */
function addressOf(file: string, symbol: string): string {
  const line = run('nm', [file]).split('\n').find((l) => l.endsWith(` ${symbol}`));
  if (!line) throw new Error(`${symbol} not in ${file}`);
  return line.split(' ')[0]!;
}

describe('zirc build main.zir util.o ...: one link of the program and its objects', () => {
  it('a C main under musl calls a ZIR export that calls back into C, as ld.lld links it', () => {
    const dir = tempDir();
    const inputs = muslInputs(dir, compile(dir, 'main', MAIN_C));
    const built = freshBuild(dir, addThreeLibrary(3), inputs, 'lib');
    expect(built.errors).toEqual([]);
    expect(readelfAll(built.output).stderr).toBe('');
    const reference = referenceLink(dir, addThreeLibrary(3), inputs, 'lib_ref');
    for (const args of [[], ['5'], ['100']]) {
      expect(behaviour(execute(built.output, args))).toEqual(behaviour(execute(reference, args)));
    }
    expect(execute(built.output).stdout).toBe('add3(20) = 43\n');
  });

  it("a ZIR _start calls an object's function; no C runtime", () => {
    const dir = tempDir();
    const util = compile(dir, 'util', UTIL_C);
    const built = freshBuild(dir, startProgram(30, 12), [util], 'start');
    expect(built.errors).toEqual([]);
    expect(execute(built.output).status).toBe(42);
    const reference = referenceLink(dir, startProgram(30, 12), [util], 'start_ref');
    expect(behaviour(execute(built.output))).toEqual(behaviour(execute(reference)));
  });

  it('an extern an archive member defines pulls that member in', () => {
    const dir = tempDir();
    const util = compile(dir, 'util', UTIL_C);
    const other = compile(dir, 'other', 'int unused_elsewhere(void) { return 1; }\n');
    const lib = path.join(dir, 'libutil.a');
    run('ar', ['rcs', lib, util, other]);
    const built = freshBuild(dir, startProgram(1, 2), [lib], 'archived');
    expect(built.errors).toEqual([]);
    expect(execute(built.output).status).toBe(3);
    expect(run('nm', [built.output])).not.toContain('unused_elsewhere');
  });

  it("a WASI extern an object defines is the object's function, not zirc's built-in (spec §7)", () => {
    const dir = tempDir();
    const util = compile(dir, 'util', UTIL_C);
    const exit = compile(
      dir,
      'exit',
      '__attribute__((noreturn)) void proc_exit(unsigned code) {\n  __asm__ volatile("syscall" :: "a"(231), "D"(code + 100));\n  __builtin_unreachable();\n}\n',
    );
    const built = freshBuild(dir, startProgram(2, 3), [util, exit], 'own_exit');
    expect(built.errors).toEqual([]);
    expect(execute(built.output).status).toBe(105);
  });

  it('reports an extern nobody defines, naming the program, and writes nothing', () => {
    const dir = tempDir();
    const inputs = muslInputs(dir, compile(dir, 'main', MAIN_C));
    const built = freshBuild(dir, addThreeLibrary(3, 'c_nowhere'), inputs, 'undef');
    expect(built.ok).toBe(false);
    expect(built.errors.join('\n')).toContain('undefined symbol: c_nowhere');
    expect(built.errors.join('\n')).toContain('undef.zir');
    expect(fs.existsSync(built.output)).toBe(false);
  });
});

describe('zirc build main.zir util.o: edits patch the output in place', () => {
  it('after every update the output behaves as a fresh build and as ld.lld; the objects stay where they are', () => {
    const dir = tempDir();
    const util = compile(dir, 'util', UTIL_C);
    const src = path.join(dir, 'edit.zir');
    const output = path.join(dir, 'edit');
    fs.writeFileSync(src, startProgram(1, 1));
    const c = Compilation.create({ sourcePath: src, outputPath: output, target: 'x86_64-linux', optimize: 'Debug', linkInputs: [util] });
    try {
      expect(c.update().errors).toEqual([]);
      const cAdd = addressOf(output, 'c_add');
      const edits = [startProgram(5, 6), startProgram(5, 6, true), startProgram(70, 6, true), startProgram(9, 9)];
      edits.forEach((text, i) => {
        const r = c.update(Buffer.from(text));
        expect(r.errors.map((e) => e.rendered)).toEqual([]);
        // A patch, not a new file: far less than the executable.
        expect(r.stats.bytesWritten).toBeLessThan(fs.statSync(output).size / 4);
        expect(addressOf(output, 'c_add')).toBe(cAdd);
        const fresh = freshBuild(dir, text, [util], `fresh${i}`);
        const reference = referenceLink(dir, text, [util], `ref${i}`);
        const got = behaviour(execute(output));
        expect(got).toEqual(behaviour(execute(fresh.output)));
        expect(got).toEqual(behaviour(execute(reference)));
        expect(readelfAll(output).stderr).toBe('');
      });
    } finally {
      c.close();
    }
  });

  it('a failed link leaves the output byte for byte; the fix, or the object repaired, links again', () => {
    const dir = tempDir();
    const util = compile(dir, 'util', UTIL_C);
    const src = path.join(dir, 'fail.zir');
    const output = path.join(dir, 'fail');
    fs.writeFileSync(src, startProgram(2, 2));
    const c = Compilation.create({ sourcePath: src, outputPath: output, target: 'x86_64-linux', optimize: 'Debug', linkInputs: [util] });
    try {
      expect(c.update().ok).toBe(true);
      const good = fs.readFileSync(output);
      const undef = c.update(Buffer.from(startProgram(2, 2).replace('"c_add"', '"c_sub"')));
      expect(undef.ok).toBe(false);
      expect(undef.errors.map((e) => e.message).join('\n')).toContain('undefined symbol: c_sub');
      expect(fs.readFileSync(output).equals(good)).toBe(true);

      const utilBytes = fs.readFileSync(util);
      fs.writeFileSync(util, utilBytes.subarray(0, 100));
      const corrupt = c.update(Buffer.from(startProgram(2, 3)));
      expect(corrupt.ok).toBe(false);
      expect(corrupt.errors.map((e) => e.rendered).join('\n')).toContain(util);
      expect(fs.readFileSync(output).equals(good)).toBe(true);

      fs.rmSync(util);
      const missing = c.update(Buffer.from(startProgram(2, 3)));
      expect(missing.errors.map((e) => e.rendered).join('\n')).toContain(`cannot open ${util}`);
      expect(fs.readFileSync(output).equals(good)).toBe(true);

      fs.writeFileSync(util, utilBytes);
      const fixed = c.update(Buffer.from(startProgram(2, 3)));
      expect(fixed.errors).toEqual([]);
      expect(execute(output).status).toBe(5);
    } finally {
      c.close();
    }
  });

  it('an object rebuilt on disk is read again at the next update', () => {
    const dir = tempDir();
    const util = compile(dir, 'util', UTIL_C);
    const src = path.join(dir, 'reread.zir');
    const output = path.join(dir, 'reread');
    fs.writeFileSync(src, startProgram(4, 4));
    const c = Compilation.create({ sourcePath: src, outputPath: output, target: 'x86_64-linux', optimize: 'Debug', linkInputs: [util] });
    try {
      expect(c.update().ok).toBe(true);
      expect(execute(output).status).toBe(8);
      compile(dir, 'util', 'unsigned c_add(unsigned a, unsigned b) { return a * b + 1; }\n');
      expect(c.update().errors).toEqual([]);
      expect(execute(output).status).toBe(17);
    } finally {
      c.close();
    }
  });
});

describe('the zirc command line with objects', () => {
  it('zirc build main.zir objects... links them; ELF objects in a wasm32 link are an error naming them', async () => {
    const dir = tempDir();
    const inputs = muslInputs(dir, compile(dir, 'main', MAIN_C));
    const src = path.join(dir, 'cli.zir');
    fs.writeFileSync(src, addThreeLibrary(1));
    const out = path.join(dir, 'cli');
    let code = -1;
    await makeProgram((c) => (code = c)).parseAsync(['node', 'zirc', 'build', src, ...inputs, '-o', out]);
    expect(code).toBe(0);
    expect(execute(out, ['7']).stdout).toBe('add3(7) = 15\n');
    await makeProgram((c) => (code = c)).parseAsync(['node', 'zirc', 'build', src, ...inputs, '-t', 'wasm32-wasi', '-o', out + '.wasm']);
    expect(code).toBe(1);
    expect(fs.existsSync(out + '.wasm')).toBe(false);
  });
});
