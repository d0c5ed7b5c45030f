// A function's code is let go once the linker has it (Compilation.link). Whenever the
// linker needs the function again, the compilation must make the code again: when the
// function leaves the build and comes back unchanged, and when a failed link starts a new
// linker. Each update's output runs like a fresh build's of the same source.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import '../../src/node/install.js';
import { Compilation } from '../../src/compile/Compilation.js';
import { installedCompilationFiles } from '../../src/compile/compilation_files.js';
import type { TargetName } from '../../src/compile/target.js';
import type { Linker } from '../../src/link/Linker.js';
import { ExitSignal, instantiate } from '../wasm/wasm_check.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-code-release-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Exits with `@get`'s result (3) when `callsGet`, else with 4; `@get` is the same text either way. */
function program(callsGet: boolean): string {
  const status = callsGet ? ['  %got = call(@get, [])', '  %status = as(@u32, %got)'] : ['  %status = as(@u32, @four)'];
  return [
    '@u32 = primitive(u32)',
    '@noreturn = primitive(noreturn)',
    '@three = int(3)',
    '@four = int(4)',
    '@proc_exit_ty = fntype([@u32], @noreturn, cc=C)',
    '@proc_exit = extern(@proc_exit_ty, "proc_exit", lib="wasi_snapshot_preview1")',
    '@start_ty = fntype([], @noreturn, cc=C)',
    '@start_name = str("_start")',
    '@start_export = export(@start_name, "entry")',
    '@get_ty = fntype([], @u32, cc=C)',
    '@get = fn(@get_ty, {',
    '  %v = as(@u32, @three)',
    '  %r = return(%v)',
    '})',
    '@entry = fn(@start_ty, {',
    ...status,
    '  %bye = call(@proc_exit, [%status])',
    '})',
    '',
  ].join('\n');
}

async function exitOf(target: TargetName, output: string): Promise<number | null> {
  if (target === 'x86_64-linux') return spawnSync(output, []).status;
  const h = await instantiate(fs.readFileSync(output));
  const r = h.call('_start');
  return r instanceof ExitSignal ? r.code : null;
}

/** A fresh build of `source`: its exit status. */
async function freshExit(target: TargetName, source: string, name: string): Promise<number | null> {
  const output = path.join(tmp, name);
  const c = Compilation.create({ outputPath: output, sourcePath: path.join(tmp, `${name}.zir`), target, optimize: 'Debug' });
  expect(c.update(source).errors).toEqual([]);
  c.close();
  return exitOf(target, output);
}

describe.each(['x86_64-linux', 'wasm32-wasi'] as const)('%s: code let go after linking is made again', (target) => {
  test('for a function that leaves the build and comes back unchanged', async () => {
    const output = path.join(tmp, `flip-${target}`);
    const c = Compilation.create({ outputPath: output, sourcePath: path.join(tmp, 'flip.zir'), target, optimize: 'Debug' });
    const steps = [true, false, true, false, true];
    for (const [i, callsGet] of steps.entries()) {
      const r = c.update(program(callsGet));
      expect(r.errors, `update ${i + 1}`).toEqual([]);
      expect(await exitOf(target, output), `update ${i + 1}`).toBe(await freshExit(target, program(callsGet), `flip-fresh-${target}`));
      expect(await exitOf(target, output)).toBe(callsGet ? 3 : 4);
    }
    c.close();
  });

  test('for every function when a failed link starts a new linker', async () => {
    const output = path.join(tmp, `reset-${target}`);
    let failNextFlush = false;
    const given: unknown[] = [];
    const linkerFactory = (outputPath: string, t: TargetName): Linker => {
      const real = installedCompilationFiles().openLinker(outputPath, t);
      return {
        updateFunc: (name, code) => {
          given.push(code);
          real.updateFunc(name, code);
        },
        updateData: (atom) => real.updateData(atom),
        deleteSymbol: (name) => real.deleteSymbol(name),
        updateExports: (exports) => real.updateExports(exports),
        flush: () => {
          if (failNextFlush) {
            failNextFlush = false;
            throw new Error('injected linker failure');
          }
          return real.flush();
        },
        close: () => real.close(),
      };
    };
    const c = Compilation.create({ outputPath: output, sourcePath: path.join(tmp, 'reset.zir'), target, optimize: 'Debug', linkerFactory });
    expect(c.update(program(true)).errors).toEqual([]);
    expect(await exitOf(target, output)).toBe(3);

    // An edit of the entry only: its link fails inside the linker, which is dropped.
    failNextFlush = true;
    const failed = c.update(program(true).replace('%bye = call', '%bye2 = call'));
    expect(failed.errors.map((e) => e.message).join('\n')).toMatch(/internal linker error: injected linker failure/);

    // The next update links every function into a new linker: @get's code, let go after
    // the first link, is made again.
    given.length = 0;
    const again = c.update(program(true));
    expect(again.errors).toEqual([]);
    expect(given.length).toBeGreaterThanOrEqual(2);
    expect(given.every((code) => code !== null && code !== undefined)).toBe(true);
    expect(await exitOf(target, output)).toBe(3);
    c.close();
  });
});
