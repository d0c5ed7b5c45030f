//! `zirc test`: run case files (spec §13) and print one line per update and target.

import { formatCaseLine, runCaseFile } from '../node/compile/case_runner.js';
import type { OptimizeMode } from '../link/Linker.js';
import { EXIT_COMPILE_ERRORS, EXIT_OK } from './options.js';

export async function testCommand(cases: string[], optimize: OptimizeMode): Promise<number> {
  let passed = 0;
  let failed = 0;
  for (const c of cases) {
    await runCaseFile(c, {
      optimize,
      onLine: (line) => {
        if (line.ok) passed++;
        else failed++;
        process.stdout.write(formatCaseLine(line) + '\n');
      },
    });
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? EXIT_OK : EXIT_COMPILE_ERRORS;
}
