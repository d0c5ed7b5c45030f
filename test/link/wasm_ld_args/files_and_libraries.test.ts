// What zirc wasm-ld reads besides argv, through injected readers: @response files (GNU
// quoting, nested, unreadable ones left as inputs), --allow-undefined-file lists, the -l
// search in -L order, and the `.imports` list wasm-ld reads next to each archive.
import { describe, expect, it } from 'vitest';
import { parseWasmLdArgs } from '../../../src/link/wasm_ld_args/parse_wasm_ld_args.js';
import { WasmLdUsageError } from '../../../src/link/wasm_ld_args/plan.js';
import { importsFileFor, resolveWasmLibraries } from '../../../src/link/wasm_ld_args/resolve_libraries.js';

const files = (map: Record<string, string>) => (path: string) => map[path];

describe('response files', () => {
  it('expands @file in place, with quotes, escapes and nested @files', () => {
    const read = files({
      'link.rsp': `-o "out dir/a.wasm" --export=main @more.rsp 'x y.o'`,
      'more.rsp': '--no-entry\n-L/lib\\ s -lc',
    });
    const plan = parseWasmLdArgs(['a.o', '@link.rsp', 'b.o'], { readFile: read });
    expect(plan.output).toBe('out dir/a.wasm');
    expect(plan.exports).toEqual(['main']);
    expect(plan.noEntry).toBe(true);
    expect(plan.searchDirs).toEqual(['/lib s']);
    expect(plan.inputs.map((i) => (i.kind === 'file' ? i.path : `-l${i.name}`))).toEqual(['a.o', '-lc', 'x y.o', 'b.o']);
  });

  it('leaves an unreadable @file as an input name, as wasm-ld does', () => {
    const plan = parseWasmLdArgs(['@missing', 'a.o'], { readFile: files({}) });
    expect(plan.inputs.map((i) => i.kind === 'file' && i.path)).toEqual(['@missing', 'a.o']);
  });

  it('stops a file that includes itself with an error naming it', () => {
    expect(() => parseWasmLdArgs(['@self'], { readFile: () => '@self' })).toThrow(WasmLdUsageError);
    expect(() => parseWasmLdArgs(['@self'], { readFile: () => '@self' })).toThrow('zirc wasm-ld: @self: too many response files');
  });
});

describe('--allow-undefined-file', () => {
  it('reads one symbol a line, trimmed, skipping blanks and # comments, in every spelling', () => {
    const read = files({ a: '# imports\n  env_log \n\nenv_abort\n', b: 'env_log\nenv_now' });
    const plan = parseWasmLdArgs(['--allow-undefined-file=a', '-allow-undefined-file', 'b', 'm.o'], { readFile: read });
    expect(plan.allowUndefinedSymbols).toEqual(['env_log', 'env_abort', 'env_now']);
    expect(plan.allowUndefined).toBe(false);
  });

  it('is an error naming the file when it cannot be read', () => {
    expect(() => parseWasmLdArgs(['--allow-undefined-file=/nonexist', 'm.o'], { readFile: files({}) })).toThrow(
      'zirc wasm-ld: cannot open /nonexist (--allow-undefined-file)',
    );
  });
});

describe('resolveWasmLibraries', () => {
  const exists = (paths: string[]) => (p: string) => paths.includes(p);

  it('finds libNAME.a in the first -L directory that has it, and -l:FILE as named', () => {
    const plan = parseWasmLdArgs(['m.o', '-lc', '-L/a', '-L/b/', '-l:crt.o', '-lm']);
    const resolved = resolveWasmLibraries(plan, { exists: exists(['/b/libc.a', '/a/libm.a', '/b/libm.a', '/b/crt.o']) });
    expect(resolved.resolvedInputs.map((i) => i.resolvedPath)).toEqual(['m.o', '/b/libc.a', '/b/crt.o', '/a/libm.a']);
  });

  it('does not take libNAME.so, and says where it looked', () => {
    const plan = parseWasmLdArgs(['m.o', '-L/a', '-L/b', '-lfoo']);
    expect(() => resolveWasmLibraries(plan, { exists: exists(['/a/libfoo.so']) })).toThrow(
      'zirc wasm-ld: unable to find library -lfoo (looked for libfoo.a in: /a, /b)',
    );
    expect(() => resolveWasmLibraries(parseWasmLdArgs(['-lc']), { exists: () => false })).toThrow(
      'zirc wasm-ld: unable to find library -lc (no -L directories were given)',
    );
  });

  it('keeps whole-archive and group flags on the resolved inputs', () => {
    const plan = parseWasmLdArgs(['-L/l', '--whole-archive', '--start-group', '-lc', '--end-group']);
    const [input] = resolveWasmLibraries(plan, { exists: () => true }).resolvedInputs;
    expect(input).toMatchObject({ kind: 'library', name: 'c', wholeArchive: true, groupId: 1, resolvedPath: '/l/libc.a' });
  });

  it('adds the symbols of each archive\'s .imports file to the allowed undefined ones, once each', () => {
    expect(importsFileFor('/l/libc.a')).toBe('/l/libc.imports');
    expect(importsFileFor('m.o')).toBeUndefined();
    const read = files({ '/l/libc.imports': 'wasi_fd_write\nwasi_proc_exit\n', '/x/libq.imports': 'q_one\nwasi_fd_write', syms: 'mine' });
    const plan = parseWasmLdArgs(['--allow-undefined-file=syms', 'm.o', '-L/l', '-lc', '/x/libq.a', '/x/libr.a'], { readFile: read });
    const resolved = resolveWasmLibraries(plan, {
      exists: exists(['/l/libc.a', '/l/libc.imports', '/x/libq.a', '/x/libq.imports', '/x/libr.a']),
      readFile: read,
    });
    expect(resolved.allowUndefinedSymbols).toEqual(['mine', 'wasi_fd_write', 'wasi_proc_exit', 'q_one']);
    expect(plan.allowUndefinedSymbols).toEqual(['mine']);
  });
});
