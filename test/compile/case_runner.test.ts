// The case runner fails an update when the compiler breaks the rules the expectations do
// not state: an update with errors that touches the output (the long-running build must
// keep its last good file byte for byte, a fresh build must write none), incremental and
// fresh builds that behave differently, and an error reported more or fewer times than
// expected. Each rule is shown to fire by handing the runner a compilation broken on purpose.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Compilation } from '../../src/compile/Compilation.js';
import type { CompilationOptions, UpdateResult } from '../../src/compile/Compilation.js';
import { compareErrorLists, formatCaseLine, runCaseFile } from '../../src/node/compile/case_runner.js';
import type { CaseCompilation, CaseLine, CaseRole } from '../../src/node/compile/case_runner.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-case-runner-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function program(statusOperand: string): string {
  return [
    '@u32 = primitive(u32)',
    '@noreturn = primitive(noreturn)',
    '@proc_exit_ty = fntype([@u32], @noreturn, cc=C)',
    '@proc_exit = extern(@proc_exit_ty, "proc_exit", lib="wasi_snapshot_preview1")',
    '@start_ty = fntype([], @noreturn, cc=C)',
    '@start_name = str("_start")',
    '@start_export = export(@start_name, "entry")',
    '@code = int(3)',
    '@entry = fn(@start_ty, {',
    `  %status = as(@u32, ${statusOperand})`,
    '  %bye = call(@proc_exit, [%status])',
    '})',
  ].join('\n');
}

const NOT_FOUND = "main.zir:10:22: error: decl 'nope' not found";

/** Good, broken, fixed; optionally broken before the first good update. */
function writeCase(name: string, opts: { errorFirst?: boolean; targets?: string[] } = {}): string {
  const targets = opts.targets ?? ['x86_64-linux', 'wasm32-wasi'];
  const parts = targets.map((t) => `#target=${t}`);
  const broken = ['#update=broken', '#file=main.zir', program('@nope'), `#expect_error=${NOT_FOUND}`];
  if (opts.errorFirst) parts.push(...broken.map((l) => l.replace('#update=broken', '#update=broken first')));
  parts.push('#update=good', '#file=main.zir', program('@code'), '#expect_exit=3');
  parts.push(...broken);
  parts.push('#update=fixed', '#file=main.zir', program('@code'), '#expect_exit=3');
  const file = path.join(dir, `${name}.case`);
  fs.writeFileSync(file, parts.join('\n') + '\n');
  return file;
}

/** A real compilation whose `update` is followed by `after` (which may tamper with the output or the result). */
function wrapped(
  roles: CaseRole[],
  after: (r: UpdateResult, opts: CompilationOptions) => UpdateResult,
): (opts: CompilationOptions, role: CaseRole) => CaseCompilation {
  return (opts, role) => {
    const real = Compilation.create(opts);
    if (!roles.includes(role)) return real;
    return {
      update: (source) => after(real.update(source), opts),
      emitIr: () => real.emitIr(),
      close: () => real.close(),
    };
  };
}

function failures(lines: CaseLine[]): string[] {
  return lines.filter((l) => !l.ok).map(formatCaseLine);
}

describe('the case runner', () => {
  it('passes a case whose builds keep every rule', async () => {
    const lines = await runCaseFile(writeCase('good', { errorFirst: true }));
    expect(failures(lines)).toEqual([]);
    expect(lines.map((l) => `${l.target} ${l.update}`)).toEqual(
      ['x86_64-linux', 'wasm32-wasi'].flatMap((t) => ['broken first', 'good', 'broken', 'fixed'].map((u) => `${t} ${u}`)),
    );
  });

  it('fails an update with errors that changes the last good output of the long-running build', async () => {
    const tamper = wrapped(['incremental'], (r, o) => {
      if (!r.ok) fs.appendFileSync(o.outputPath, Buffer.from([0]));
      return r;
    });
    const bad = failures(await runCaseFile(writeCase('changes'), { createCompilation: tamper }));
    expect(bad).toHaveLength(2);
    for (const line of bad) {
      expect(line).toMatch(/"broken": incremental: an update with errors changed the output: \d+ bytes before, \d+ after/);
      expect(line).not.toMatch(/fresh:/);
    }
  });

  it('fails an update with errors that rewrites the output with the same size', async () => {
    const tamper = wrapped(['incremental'], (r, o) => {
      if (!r.ok) {
        const bytes = fs.readFileSync(o.outputPath);
        bytes[bytes.length >> 1] ^= 0xff;
        fs.writeFileSync(o.outputPath, bytes);
      }
      return r;
    });
    const bad = failures(await runCaseFile(writeCase('flips', { targets: ['x86_64-linux'] }), { createCompilation: tamper }));
    expect(bad).toEqual([expect.stringMatching(/"broken": incremental: an update with errors changed the output: .*first difference at byte \d+/)]);
  });

  it('fails an update with errors that removes the last good output', async () => {
    const tamper = wrapped(['incremental'], (r, o) => {
      if (!r.ok) fs.rmSync(o.outputPath, { force: true });
      return r;
    });
    const bad = failures(await runCaseFile(writeCase('removes', { targets: ['wasm32-wasi'] }), { createCompilation: tamper }));
    expect(bad).toEqual([expect.stringMatching(/"broken": incremental: an update with errors removed the last good output/)]);
  });

  it('fails an update with errors that writes an output where there was none', async () => {
    const tamper = wrapped(['incremental', 'fresh'], (r, o) => {
      if (!r.ok) fs.writeFileSync(o.outputPath, 'not a program');
      return r;
    });
    const bad = failures(await runCaseFile(writeCase('writes', { errorFirst: true, targets: ['x86_64-linux'] }), { createCompilation: tamper }));
    // Before the first good update, both builds; afterwards, every fresh build of an error update.
    expect(bad).toHaveLength(2);
    expect(bad[0]).toMatch(/"broken first": incremental: an update with errors wrote an output file \(13 bytes\), before any good update; fresh: an update with errors wrote an output file \(13 bytes\), a fresh build/);
    expect(bad[1]).toMatch(/"broken": incremental: an update with errors changed the output.*; fresh: an update with errors wrote an output file/);
  });

  it('fails when the incremental and fresh programs differ in what no expectation states', async () => {
    // The case does not check stderr; a fresh output that also writes to stderr meets every
    // expectation and differs only from the incremental one.
    const tamper = wrapped(['fresh'], (r, o) => {
      if (r.ok) {
        fs.rmSync(o.outputPath);
        fs.writeFileSync(o.outputPath, '#!/bin/sh\necho extra >&2\nexit 3\n', { mode: 0o755 });
      }
      return r;
    });
    const bad = failures(await runCaseFile(writeCase('differ', { targets: ['x86_64-linux'] }), { createCompilation: tamper }));
    expect(bad).toEqual([
      expect.stringMatching(/"good": incremental and fresh differ: stderr "" vs "extra\\n"$/),
      expect.stringMatching(/"fixed": incremental and fresh differ: stderr "" vs "extra\\n"$/),
    ]);
  });

  it('counts errors: one reported twice is not the one expected once', async () => {
    const twice = wrapped(['fresh'], (r) => ({ ...r, errors: [...r.errors, ...r.errors] }));
    const bad = failures(await runCaseFile(writeCase('twice', { targets: ['wasm32-wasi'] }), { createCompilation: twice }));
    expect(bad).toEqual([
      expect.stringContaining(
        `"broken": fresh: unexpected error(s): ${NOT_FOUND}; ` +
          `incremental and fresh differ: error(s) only the fresh build reported: ${NOT_FOUND}`,
      ),
    ]);
  });

  it('compares error lists as multisets, in any order', () => {
    expect(compareErrorLists(['a', 'b', 'a'], ['a', 'a', 'b'])).toBeNull();
    expect(compareErrorLists(['a', 'a'], ['a'])).toBe('missing error(s): a');
    expect(compareErrorLists(['a'], ['a', 'a', 'b'])).toBe('unexpected error(s): a | b');
  });
});
