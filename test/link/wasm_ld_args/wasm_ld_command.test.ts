// `zirc wasm-ld` as a command: --version / -v / --help print and exit 0; a bad line exits 2
// naming the option; a line that parses and resolves reaches the linker, which exits 1
// naming an input it cannot open; a missing -l archive exits 1. `zirc wasm-ld`
// through main() reaches the same command, and the zirc-wasm-ld bin entry is declared.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { wasmLdCommand } from '../../../src/cli/wasm_ld/wasm_ld_command.js';

const root = path.join(__dirname, '..', '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-wasm-ld-cmd-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function capture(run: () => number): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  const code = run();
  vi.restoreAllMocks();
  return { code, out, err };
}

describe('zirc wasm-ld', () => {
  it('prints a version with --version, -version and -v, and help with --help', () => {
    for (const flag of ['--version', '-version', '-v']) {
      const r = capture(() => wasmLdCommand([flag]));
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toMatch(/^zirc wasm-ld \d+\.\d+\.\d+ \(compatible with LLD's wasm-ld\)\n$/);
    }
    const help = capture(() => wasmLdCommand(['--help']));
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: zirc wasm-ld \[options\] file\.\.\./);
  });

  it('exits 2 on a usage error, naming the option', () => {
    expect(capture(() => wasmLdCommand(['--foo', 'a.o']))).toEqual({ code: 2, out: '', err: 'zirc wasm-ld: unknown option: --foo\n' });
    expect(capture(() => wasmLdCommand(['a.o', '-o']))).toEqual({ code: 2, out: '', err: 'zirc wasm-ld: -o: missing argument\n' });
    expect(capture(() => wasmLdCommand(['--initial-memory=big', 'a.o'])).err).toBe(
      "zirc wasm-ld: --initial-memory: number expected, but got 'big'\n",
    );
    expect(capture(() => wasmLdCommand([])).err).toBe('zirc wasm-ld: no input files\n');
  });

  it('exits 1 when a -l archive is missing', () => {
    const r = capture(() => wasmLdCommand(['a.o', `-L${dir}`, '-lnothere']));
    expect(r.code).toBe(1);
    expect(r.err).toBe(`zirc wasm-ld: unable to find library -lnothere (looked for libnothere.a in: ${dir})\n`);
  });

  it('hands a resolved line (response file, wasi-libc) to the linker, which names a missing input', () => {
    const rsp = path.join(dir, 'link.rsp');
    fs.writeFileSync(rsp, '-m wasm32 -L/usr/lib/wasm32-wasi /usr/lib/wasm32-wasi/crt1-command.o main.o -lc -o out.wasm\n');
    const r = capture(() => wasmLdCommand([`@${rsp}`, '-z', 'now']));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^zirc wasm-ld: warning: ignoring unknown -z value: now\nzirc wasm-ld: error: cannot open main\.o: .*no such file/);
    expect(fs.existsSync(path.join(dir, 'out.wasm'))).toBe(false);
  });

  it('is what `zirc wasm-ld` runs, and zirc-wasm-ld is a bin', async () => {
    let err = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    const before = process.exitCode;
    await main(['node', 'zirc', 'wasm-ld', '--bad']);
    const code = process.exitCode;
    process.exitCode = before;
    expect(code).toBe(2);
    expect(err).toBe('zirc wasm-ld: unknown option: --bad\n');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin['zirc-wasm-ld']).toBe('bin/zirc-wasm-ld.js');
    expect(fs.readFileSync(path.join(root, pkg.bin['zirc-wasm-ld']!), 'utf8')).toContain('dist/cli/wasm_ld/wasm_ld_command.js');
  });
});
