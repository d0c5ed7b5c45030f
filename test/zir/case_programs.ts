//! Test helper: the ZIR programs inside test/cases/*.case. Each `#file=` line starts a
//! program that runs up to the next `#expect_*` line; the expectations that follow it
//! are kept with it.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CaseProgram {
  caseName: string;
  update: string;
  fileName: string;
  source: Buffer;
  /** `#expect_error=` lines, as written (`main.zir:12:17: error: ...`). */
  expectErrors: string[];
}

export const CASES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'cases');

export function caseFiles(): string[] {
  return readdirSync(CASES_DIR).filter((f) => f.endsWith('.case')).sort();
}

export function casePrograms(): CaseProgram[] {
  const out: CaseProgram[] = [];
  for (const file of caseFiles()) {
    const lines = readFileSync(join(CASES_DIR, file), 'utf8').split('\n');
    let update = '';
    let current: CaseProgram | null = null;
    let body: string[] | null = null;
    for (const line of lines) {
      if (body !== null && !line.startsWith('#expect_')) {
        body.push(line);
        continue;
      }
      if (body !== null && current !== null) {
        current.source = Buffer.from(body.join('\n') + '\n', 'utf8');
        body = null;
      }
      if (line.startsWith('#update=')) update = line.slice('#update='.length);
      else if (line.startsWith('#file=')) {
        current = { caseName: file, update, fileName: line.slice('#file='.length), source: Buffer.alloc(0), expectErrors: [] };
        out.push(current);
        body = [];
      } else if (line.startsWith('#expect_error=') && current !== null) {
        current.expectErrors.push(line.slice('#expect_error='.length));
      }
    }
    if (body !== null && current !== null) current.source = Buffer.from(body.join('\n') + '\n', 'utf8');
  }
  return out;
}
