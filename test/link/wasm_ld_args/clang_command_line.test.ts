// What `clang --target=wasm32-wasi` really passes to wasm-ld on this machine (read from
// `clang -###`, so a new clang or wasi-libc is tested as it is) parses, and resolves against
// the real wasi-libc: crt1, the program, -lc found as /usr/lib/wasm32-wasi/libc.a with its
// libc.imports symbols allowed undefined, compiler-rt's builtins archive, -o. The driver's
// other link shapes (reactor, -s, -Wl, -Xlinker, -nostdlib, -flto) parse as the flags say;
// -pthread's --shared-memory is refused by name.
// clang and wasi-libc must be installed: a missing one fails the test.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseWasmLdCommandLine, resolveWasmLibrariesOnDisk } from '../../../src/cli/wasm_ld/wasm_ld_command_line.js';
import { WasmLdUsageError } from '../../../src/link/wasm_ld_args/plan.js';

const WASI_LIB = '/usr/lib/wasm32-wasi';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-wasm-ld-clang-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const hello = path.join(dir, 'hello.c');
fs.writeFileSync(hello, 'int main(void) { return 0; }\n');

/** The arguments `clang -###` prints for one command: each double-quoted, with \\ \" \$ escaped. */
function splitClangCommand(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
}

/** The wasm-ld command clang would run for these flags: argv without the program name. */
function clangLinkArgs(...flags: string[]): string[] {
  const r = spawnSync('clang', ['--target=wasm32-wasi', ...flags, '-###', hello], { encoding: 'utf8', cwd: dir });
  if (r.error) throw new Error(`clang could not run (${r.error.message}): install clang`);
  const line = r.stderr.split('\n').find((l) => /^ "[^"]*wasm-ld[^"]*"/.test(l));
  if (!line) throw new Error(`clang -### printed no wasm-ld command:\n${r.stderr}`);
  return splitClangCommand(line).slice(1);
}

describe('clang --target=wasm32-wasi', () => {
  it('passes a line that parses and resolves against the real wasi-libc and compiler-rt', () => {
    const argv = clangLinkArgs();
    const plan = parseWasmLdCommandLine(argv);
    expect(plan.searchDirs).toEqual([WASI_LIB]);
    expect(plan.output).toBe('a.out');
    expect(plan.entry).toBe('_start');
    expect(plan.gcSections).toBe(true);
    const resolved = resolveWasmLibrariesOnDisk(plan);
    const paths = resolved.resolvedInputs.map((i) => i.resolvedPath);
    expect(paths[0]).toBe(`${WASI_LIB}/crt1-command.o`);
    expect(paths[1]).toMatch(/hello-[0-9a-f]+\.o$/);
    expect(paths[2]).toBe(`${WASI_LIB}/libc.a`);
    expect(paths[3]).toMatch(/^\/usr\/lib\/llvm-\d+\/lib\/clang\/[^/]+\/lib\/wasi\/libclang_rt\.builtins-wasm32\.a$/);
    expect(paths).toHaveLength(4);
    for (const p of [paths[0]!, paths[2]!, paths[3]!]) expect(fs.statSync(p).isFile()).toBe(true);
    expect(resolved.resolvedInputs[2]).toMatchObject({ kind: 'library', name: 'c', wholeArchive: false, groupId: null });
    // wasm-ld reads libc.imports next to libc.a: the WASI imports may stay undefined.
    const imports = fs.readFileSync(`${WASI_LIB}/libc.imports`, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
    expect(imports.length).toBeGreaterThan(0);
    expect(resolved.allowUndefinedSymbols).toEqual(imports);
  });

  it('-mexec-model=reactor links crt1-reactor.o with --entry _initialize', () => {
    const plan = parseWasmLdCommandLine(clangLinkArgs('-mexec-model=reactor'));
    expect(plan.entry).toBe('_initialize');
    expect(plan.inputs[0]).toMatchObject({ kind: 'file', path: `${WASI_LIB}/crt1-reactor.o` });
  });

  it('-s passes --strip-all; -Wl and -Xlinker pass through', () => {
    expect(parseWasmLdCommandLine(clangLinkArgs('-s')).stripAll).toBe(true);
    const plan = parseWasmLdCommandLine(
      clangLinkArgs('-Wl,--export=foo,--export-if-defined=bar,-z,stack-size=1048576,--initial-memory=2097152', '-Xlinker', '--no-entry'),
    );
    expect(plan).toMatchObject({ exports: ['foo'], exportsIfDefined: ['bar'], stackSize: 1048576, initialMemory: 2097152, noEntry: true });
  });

  it('-nostdlib leaves only the program; -lm and -flto add their inputs and directories', () => {
    expect(parseWasmLdCommandLine(clangLinkArgs('-nostdlib')).inputs.map((i) => i.kind)).toEqual(['file']);
    const lm = parseWasmLdCommandLine(clangLinkArgs('-lm'));
    expect(resolveWasmLibrariesOnDisk(lm).resolvedInputs.map((i) => i.resolvedPath)).toContain(`${WASI_LIB}/libm.a`);
    const lto = parseWasmLdCommandLine(clangLinkArgs('-flto', '-O2'));
    expect(lto.searchDirs.at(-1)).toBe(WASI_LIB);
  });

  it('-pthread asks for --shared-memory, which is refused by name', () => {
    const argv = clangLinkArgs('-pthread');
    expect(argv).toContain('--shared-memory');
    try {
      parseWasmLdCommandLine(argv);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(WasmLdUsageError);
      expect((err as WasmLdUsageError).option).toBe('--shared-memory');
      expect((err as Error).message).toMatch(/^zirc wasm-ld: --shared-memory: not supported by zirc wasm-ld/);
    }
  });
});
