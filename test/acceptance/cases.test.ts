// Every acceptance case (test/cases/*.case, copied from ../shared/cases) passes on every
// target it lists, on the long-running compilation and on a fresh build of each update.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCaseLine, runCaseFile } from '../../src/node/compile/case_runner.js';

const casesDir = path.join(__dirname, '..', 'cases');
const cases = fs.readdirSync(casesDir).filter((f) => f.endsWith('.case')).sort();

describe('acceptance cases', () => {
  for (const name of cases) {
    it(`${name} passes incrementally and fresh on every target`, async () => {
      const lines = await runCaseFile(path.join(casesDir, name));
      const failures = lines.filter((l) => !l.ok).map(formatCaseLine);
      expect(failures).toEqual([]);
      expect(lines.length).toBeGreaterThan(0);
    });
  }
});
