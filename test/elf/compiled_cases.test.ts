// The linker under the real compiler: every x86-64 update of every acceptance case
// (test/cases) yields an executable that readelf reads without a warning and objdump
// disassembles symbol by symbol, and updates after the first are patches, not rewrites.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCaseFile } from '../../src/compile/case_file.js';
import { Compilation } from '../../src/compile/Compilation.js';
import { expectEveryFunctionDisassembled, readelfAll, runExecutable, tempDir } from './x86_snippets.js';

const casesDir = path.join(__dirname, '..', 'cases');
const cases = fs.readdirSync(casesDir).filter((f) => f.endsWith('.case')).sort();

describe('outputs of the compiler for the acceptance cases', () => {
  for (const name of cases) {
    const parsed = parseCaseFile(fs.readFileSync(path.join(casesDir, name), 'utf8'));
    if (!parsed.targets.includes('x86_64-linux')) continue;
    it(`${name}: every good update is a well-formed executable, patched in place`, () => {
      const dir = tempDir();
      const out = path.join(dir, 'out');
      const comp = Compilation.create({ sourcePath: path.join(dir, 'main.zir'), outputPath: out, target: 'x86_64-linux', optimize: 'Debug' });
      let linked = 0;
      for (const u of parsed.updates) {
        const result = comp.update(new TextEncoder().encode(u.source));
        if (!result.ok) continue;
        expect(readelfAll(out).problems, u.name).toEqual([]);
        expect(expectEveryFunctionDisassembled(out).filter((m) => !m.includes('(bad)')), u.name).toEqual([]);
        const r = runExecutable(out);
        expect(r.stdout, u.name).toBe(u.expectStdout);
        expect(r.status, u.name).toBe(u.expectExit);
        if (linked++ > 0 && result.stats.bytesWritten > 0) expect(result.stats.bytesWritten, u.name).toBeLessThan(8192);
      }
      comp.close();
      expect(linked).toBeGreaterThan(0);
    });
  }
});
