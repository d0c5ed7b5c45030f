// The linker under the real compiler: every x86-64 update of every acceptance case
// (test/cases) yields an executable that readelf reads without a warning and objdump
// disassembles symbol by symbol, with no byte of any function's code that objdump cannot
// decode ("(bad)"); updates after the first are patches, not rewrites; and an update with
// errors leaves the last good executable byte for byte (no file at all before the first).
//
// A "(bad)" is attributed to the function whose bytes [value, value + size) hold it, or
// to the space between functions, which holds only padding: the room a fresh layout left
// (zeros), or int3 where a function shrank, moved away or was deleted (ElfLinker).
// The functions compiled from the case's ZIR and the backend's own routines (safety panics
// `__zirc_*`, WASI built-ins named after their extern) are checked separately, so a
// failure says which of the two emitted the bytes.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCaseFile } from '../../src/compile/case_file.js';
import { Compilation } from '../../src/compile/Compilation.js';
import { errorHeadline } from '../../src/compile/errors.js';
import { objdumpFunctions, readelfAll, readSymbols, runExecutable, tempDir } from './x86_snippets.js';
import type { ElfSymbol } from './x86_snippets.js';

const casesDir = path.join(__dirname, '..', 'cases');
const cases = fs.readdirSync(casesDir).filter((f) => f.endsWith('.case')).sort();

/** What the checks found over all updates of one case, as `update: problem` lines. */
interface Findings {
  goodUpdates: number;
  errorUpdates: number;
  wellFormed: string[];
  errorOutputs: string[];
  badInCompiled: string[];
  badInRoutines: string[];
  badBetween: string[];
  routinesSeen: number;
}

/** Names of the WASI built-ins the backend supplies for this source's externs. */
function wasiBuiltinNames(source: string): Set<string> {
  return new Set([...source.matchAll(/extern\(@[\w.$]+,\s*"([^"]+)",\s*lib="wasi_snapshot_preview1"\)/g)].map((m) => m[1]!));
}

/** Each "(bad)" objdump prints, with the function whose bytes hold it (null: between functions). */
function badInstructions(file: string, funcs: ElfSymbol[]): Array<{ address: number; func: ElfSymbol | null; line: string }> {
  const { text } = objdumpFunctions(file);
  const out: Array<{ address: number; func: ElfSymbol | null; line: string }> = [];
  for (const m of text.matchAll(/^\s*([0-9a-f]+):\t[^\n]*\(bad\)[^\n]*$/gm)) {
    const address = parseInt(m[1]!, 16);
    const func = funcs.find((f) => address >= f.value && address < f.value + f.size) ?? null;
    out.push({ address, func, line: m[0].trim() });
  }
  return out;
}

function compileCase(name: string): Findings {
  const parsed = parseCaseFile(fs.readFileSync(path.join(casesDir, name), 'utf8'));
  const dir = tempDir();
  const out = path.join(dir, 'out');
  const comp = Compilation.create({ sourcePath: path.join(dir, 'main.zir'), outputPath: out, target: 'x86_64-linux', optimize: 'Debug', displayPath: 'main.zir' });
  const f: Findings = { goodUpdates: 0, errorUpdates: 0, wellFormed: [], errorOutputs: [], badInCompiled: [], badInRoutines: [], badBetween: [], routinesSeen: 0 };
  let lastGood: Buffer | null = null;
  try {
    for (const u of parsed.updates) {
      const result = comp.update(new TextEncoder().encode(u.source));
      const at = (problem: string) => `${u.name}: ${problem}`;
      if (!result.ok) {
        f.errorUpdates++;
        if (u.expectErrors.length === 0) f.wellFormed.push(at(`unexpected errors: ${result.errors.map(errorHeadline).join(' | ')}`));
        const now = fs.existsSync(out) ? fs.readFileSync(out) : null;
        if (lastGood === null && now !== null) f.errorOutputs.push(at(`wrote an output (${now.length} bytes) before any good update`));
        else if (lastGood !== null && now === null) f.errorOutputs.push(at('removed the last good output'));
        else if (lastGood !== null && now !== null && !now.equals(lastGood)) f.errorOutputs.push(at('changed the last good output'));
        continue;
      }
      if (u.expectErrors.length > 0) f.wellFormed.push(at('no errors, but the case expects some'));
      lastGood = fs.readFileSync(out);
      const symbols = readSymbols(out);
      const funcs = symbols.filter((s) => s.type === 'FUNC');
      for (const p of readelfAll(out).problems) f.wellFormed.push(at(`readelf: ${p}`));
      const { addresses, stderr } = objdumpFunctions(out);
      if (stderr) f.wellFormed.push(at(`objdump: ${stderr}`));
      for (const s of funcs) if (!addresses.has(s.value)) f.wellFormed.push(at(`objdump has no label for ${s.name}`));
      const builtins = wasiBuiltinNames(u.source);
      const isRoutine = (s: ElfSymbol) => s.name.startsWith('__zirc_') || builtins.has(s.name);
      f.routinesSeen += funcs.filter(isRoutine).length;
      for (const bad of badInstructions(out, funcs)) {
        if (!bad.func) {
          f.badBetween.push(at(`0x${bad.address.toString(16)}: ${bad.line}`));
          continue;
        }
        const where = at(`${bad.func.name}+0x${(bad.address - bad.func.value).toString(16)} (of ${bad.func.size} bytes): ${bad.line}`);
        (isRoutine(bad.func) ? f.badInRoutines : f.badInCompiled).push(where);
      }
      const r = runExecutable(out);
      if (r.stdout !== u.expectStdout) f.wellFormed.push(at(`stdout ${JSON.stringify(r.stdout)}, expected ${JSON.stringify(u.expectStdout)}`));
      if (r.status !== u.expectExit) f.wellFormed.push(at(`exit status ${r.status}, expected ${u.expectExit}`));
      if (f.goodUpdates++ > 0 && result.stats.bytesWritten >= 8192) f.wellFormed.push(at(`rewrote ${result.stats.bytesWritten} bytes`));
    }
  } finally {
    comp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return f;
}

describe('outputs of the compiler for the acceptance cases', () => {
  for (const name of cases) {
    const parsed = parseCaseFile(fs.readFileSync(path.join(casesDir, name), 'utf8'));
    if (!parsed.targets.includes('x86_64-linux')) continue;
    describe(name, () => {
      let f: Findings;
      beforeAll(() => {
        f = compileCase(name);
      });

      it('every good update is a well-formed executable, patched in place', () => {
        expect(f.wellFormed).toEqual([]);
        expect(f.goodUpdates).toBeGreaterThan(0);
      });

      if (parsed.updates.some((u) => u.expectErrors.length > 0)) {
        it('an update with errors leaves the last good executable byte for byte', () => {
          expect(f.errorUpdates).toBeGreaterThan(0);
          expect(f.errorOutputs).toEqual([]);
        });
      }

      it('the code compiled from the case has no byte objdump cannot decode', () => {
        expect(f.badInCompiled).toEqual([]);
      });

      it("the backend's own routines (panics, WASI built-ins) have no byte objdump cannot decode", () => {
        expect(f.badInRoutines).toEqual([]);
      });

      it('the space between functions is padding objdump decodes (no old code or data left behind)', () => {
        expect(f.badBetween).toEqual([]);
      });
    });
  }
});
