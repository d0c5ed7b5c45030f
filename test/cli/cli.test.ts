// The `zirc` command as a user runs it: help, version, usage errors, exit statuses,
// build/run of the shipped examples, and `zirc test` output lines.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..', '..');
const zirc = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'bin', 'zirc.js'), ...args], { encoding: 'utf8', cwd: root });

describe('zirc command', () => {
  it('prints help and exits 0', () => {
    const r = zirc('--help');
    expect(r.status).toBe(0);
    for (const sub of ['build', 'run', 'ir', 'watch', 'test']) expect(r.stdout).toContain(sub);
  });

  it('prints its version and exits 0', () => {
    const r = zirc('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('exits 2 on usage errors', () => {
    expect(zirc().status).toBe(2);
    expect(zirc('frobnicate').status).toBe(2);
    expect(zirc('build').status).toBe(2);
    expect(zirc('build', 'x.zir', '--target', 'mips').status).toBe(2);
    expect(zirc('build', 'x.zir', '-O', 'Fastest').status).toBe(2);
  });

  it('exits 1 with a rendered error for a source with a parse error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-cli-'));
    const src = path.join(dir, 'bad.zir');
    fs.writeFileSync(src, '@a = int(1)\n@b = primitve(u8)\n');
    const r = zirc('build', src, '-o', path.join(dir, 'out'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${src}:2:6: error: unknown instruction 'primitve'`);
    expect(r.stderr).toContain('@b = primitve(u8)\n     ^');
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    fs.rmSync(dir, { recursive: true });
  });

  it('creates missing output directories, and reports an output it cannot create instead of hanging', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-cli-'));
    const nested = path.join(dir, 'a', 'b', 'hello');
    expect(zirc('build', 'examples/hello.zir', '-o', nested).status).toBe(0);
    expect(fs.existsSync(nested)).toBe(true);
    const r = zirc('build', 'examples/hello.zir', '-o', '/proc/zirc-nope/hello');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("unable to write '/proc/zirc-nope/hello'");
    const w = zirc('build', 'examples/hello.zir', '-t', 'wasm32-wasi', '-o', dir);
    expect(w.status).toBe(1);
    expect(w.stderr).toContain('EISDIR');
    fs.rmSync(dir, { recursive: true });
  });

  it('exits 1 for a missing source file', () => {
    const r = zirc('build', '/nonexistent/nope.zir', '-o', path.join(os.tmpdir(), 'zirc-nope'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('nope.zir: error: unable to read source');
  });

  for (const target of ['x86_64-linux', 'wasm32-wasi']) {
    it(`runs the hello example on ${target}`, () => {
      const r = zirc('run', 'examples/hello.zir', '--target', target);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('Hello from zirc!\n');
      expect(r.status).toBe(0);
    });

    it(`runs the number printer example on ${target}`, () => {
      const r = zirc('run', 'examples/print_numbers.zir', '--target', target);
      expect(r.stdout).toBe('1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n');
      expect(r.status).toBe(0);
    });
  }

  it('zirc test prints one ok line per update and target and exits 0', () => {
    const r = zirc('test', 'test/cases/parse_errors.case');
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('ok test/cases/parse_errors.case x86_64-linux')).length).toBe(4);
    expect(lines.filter((l) => l.startsWith('ok test/cases/parse_errors.case wasm32-wasi')).length).toBe(4);
    expect(lines.at(-1)).toBe('8 passed, 0 failed');
    expect(r.status).toBe(0);
  });

  it('zirc test reports a failing expectation and exits 1', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-cli-'));
    const c = path.join(dir, 'wrong.case');
    fs.writeFileSync(c, '#target=wasm32-wasi\n#update=one\n#file=main.zir\n@a = int(\n#expect_error=main.zir:9:9: error: nope\n');
    const r = zirc('test', c);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^fail .*wrong\.case wasm32-wasi "one": .*missing error\(s\): main\.zir:9:9: error: nope/m);
    fs.rmSync(dir, { recursive: true });
  });
});
