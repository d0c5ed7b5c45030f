// What zirc wasm-ld refuses, and how: undefined and duplicate symbols worded as wasm-ld
// words them (one line per symbol), a file that is not wasm, a truncated object, a
// thread-using object and PIC code each named with what is wrong; and a failed link writes
// nothing: no output, no temporary file, and a previous output left byte for byte.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clangLinkArgs, compile, linkWithWasmLd, linkWithZirc, run, tempDir } from './toolchain.js';

let dir: string;
beforeAll(() => {
  dir = tempDir();
});

/** wasm-ld's error lines without its `wasm-ld: error: ` prefix. */
function wasmLdErrors(stderr: string): string[] {
  return stderr.trimEnd().split(/\n(?=wasm-ld: )/).map((e) => e.replace(/^wasm-ld: error: /, ''));
}

describe('link errors', () => {
  it('reports each undefined symbol once, naming the object, as wasm-ld does', () => {
    const o = compile('undefined_ref.c', path.join(dir, 'undefined_ref.o'));
    const args = clangLinkArgs([o], path.join(dir, 'undef.wasm'));
    const ref = linkWithWasmLd(args);
    expect(ref.status).toBe(1);
    const r = linkWithZirc(args);
    expect(r).toEqual({ ok: false, errors: wasmLdErrors(ref.stderr) });
    expect(r.ok === false && r.errors).toEqual([`${o}: undefined symbol: missing`, `${o}: undefined symbol: gone`]);
  });

  it('reports a duplicate strong definition naming both objects, as wasm-ld does', () => {
    const a = compile('dup_a.c', path.join(dir, 'dup_a.o'));
    const b = compile('dup_b.c', path.join(dir, 'dup_b.o'));
    const args = clangLinkArgs([a, b], path.join(dir, 'dup.wasm'));
    const ref = linkWithWasmLd(args);
    expect(ref.status).toBe(1);
    expect(linkWithZirc(args)).toEqual({ ok: false, errors: [`duplicate symbol: dup\n>>> defined in ${a}\n>>> defined in ${b}`] });
    expect(wasmLdErrors(ref.stderr)).toEqual([`duplicate symbol: dup\n>>> defined in ${a}\n>>> defined in ${b}`]);
  });

  it('names a file that is neither a wasm object nor an archive', () => {
    const src = path.join(dir, 'notwasm.c');
    fs.writeFileSync(src, 'int main(void) { return 0; }\n');
    const r = linkWithZirc(['--no-entry', src, '-o', path.join(dir, 'notwasm.wasm')]);
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.errors).toEqual([`${src}: unknown file type: not a wasm object or archive (it starts with 69 6e 74 20)`]);
  });

  it('names a truncated object and where it ends', () => {
    const o = compile('dup_b.c', path.join(dir, 'whole.o'));
    const cut = path.join(dir, 'truncated.o');
    fs.writeFileSync(cut, fs.readFileSync(o).subarray(0, 120));
    const r = linkWithZirc(['--no-entry', cut, '-o', path.join(dir, 'truncated.wasm')]);
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.errors.length).toBe(1);
    expect(r.ok === false && r.errors[0]).toMatch(new RegExp(`^${cut.replace(/[.]/g, '\\.')}: .*(past the end|truncated|end of the file)`));
  });

  it('refuses an object built for threads (TLS, atomics), naming it and the feature', () => {
    const o = compile('tls_counter.c', path.join(dir, 'tls.o'), ['-O1', '-matomics', '-mbulk-memory', '-ftls-model=local-exec']);
    const r = linkWithZirc(['--no-entry', '--export=bump', o, '-o', path.join(dir, 'tls.wasm')]);
    expect(r).toEqual({ ok: false, errors: [`${o}: feature atomics: threads (atomics and shared memory) are not supported`] });
  });

  it('refuses PIC relocations, naming the object, section, offset and type', () => {
    const o = path.join(dir, 'pic.o');
    run('clang', ['--target=wasm32-unknown-emscripten', '-O1', '-fPIC', '-c', path.join(import.meta.dirname, 'sources', 'pic_data.c'), '-o', o]);
    const r = linkWithZirc(['--no-entry', '--export=get', o, '-o', path.join(dir, 'pic.wasm')]);
    expect(r.ok).toBe(false);
    const message = r.ok === false ? r.errors.find((e) => e.includes('R_WASM_MEMORY_ADDR_REL_SLEB')) : undefined;
    expect(message).toMatch(/^\S+pic\.o: CODE offset 0x[0-9a-f]+: relocation R_WASM_MEMORY_ADDR_REL_SLEB is not supported \(it is for PIC/);
  });

  it('writes nothing when the link fails: no output, no temporary file, the previous output untouched', () => {
    const o = compile('undefined_ref.c', path.join(dir, 'keep_undef.o'));
    const out = path.join(dir, 'keep', 'program.wasm');
    fs.mkdirSync(path.dirname(out));
    expect(linkWithZirc(clangLinkArgs([o], out)).ok).toBe(false);
    expect(fs.readdirSync(path.dirname(out))).toEqual([]);
    fs.writeFileSync(out, 'the previous output');
    expect(linkWithZirc(clangLinkArgs([o], out)).ok).toBe(false);
    expect(fs.readFileSync(out, 'utf8')).toBe('the previous output');
    expect(fs.readdirSync(path.dirname(out))).toEqual(['program.wasm']);
  });
});
