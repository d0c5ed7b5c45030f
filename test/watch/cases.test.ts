// Every acceptance case through the real watcher process: for each case and each target
// it lists, each update's source is saved over the watched file; `zirc watch --json --run`
// must report the same errors the case expects and, for a good update, run the program
// with the same stdout, stderr and exit status. While an update has errors, the output
// file stays byte for byte the last good one.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCaseFile } from '../../src/compile/case_file.js';
import { defaultOutputName } from '../../src/compile/target.js';
import { WatchClient } from '../../src/cli/watch/json_client.js';
import { ensureBuilt, root } from './dist.js';

const casesDir = path.join(root, 'test', 'cases');
const caseNames = fs.readdirSync(casesDir).filter((f) => f.endsWith('.case')).sort();

beforeAll(ensureBuilt, 300_000);

interface JsonError {
  path: string;
  line: number;
  column: number;
  message: string;
}

function headline(e: JsonError): string {
  return e.line > 0 ? `${e.path}:${e.line}:${e.column}: error: ${e.message}` : `${e.path}: error: ${e.message}`;
}


describe('zirc watch on the acceptance cases', () => {
  for (const name of caseNames) {
    const caseFile = parseCaseFile(fs.readFileSync(path.join(casesDir, name), 'utf8'));
    for (const target of caseFile.targets) {
      it(`${name} on ${target}: every update gives the expected errors, or runs as expected`, async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-watch-case-'));
        const fileName = caseFile.updates[0].fileName;
        const outputName = defaultOutputName(fileName, target);
        const output = path.join(dir, outputName);
        fs.writeFileSync(path.join(dir, fileName), caseFile.updates[0].source);
        const client = WatchClient.start({ file: fileName, cwd: dir, target, run: true, output: outputName });
        let lastGood: Buffer | null = null;
        try {
          for (const [i, update] of caseFile.updates.entries()) {
            const where = `update ${i + 1} ('${update.name}')`;
            expect(update.fileName, `${where} switches files`).toBe(fileName);
            if (i > 0) fs.writeFileSync(path.join(dir, fileName), update.source);
            const u = await client.nextUpdate();
            expect(u.update, `${where}: one update per save`).toBe(i + 1);
            const errors = (u.errors as JsonError[]).map(headline).sort();
            expect(errors, where).toEqual([...update.expectErrors].sort());
            if (update.expectErrors.length > 0) {
              expect(u.ok).toBe(false);
              if (lastGood === null) expect(fs.existsSync(output), `${where}: no output before a good update`).toBe(false);
              else expect(fs.readFileSync(output).equals(lastGood), `${where}: the last good output is kept`).toBe(true);
              continue;
            }
            expect(u.ok).toBe(true);
            const exit = await client.next((e) => e.event === 'exit' && e.update === u.update);
            expect(exit.error, where).toBeNull();
            expect(exit.killed).toBe(false);
            const stdout = client.programOutput(u.update as number, 'stdout').toString('latin1');
            const stderr = client.programOutput(u.update as number, 'stderr').toString('latin1');
            expect(stdout, `${where}: stdout`).toBe(update.expectStdout);
            if (update.expectStderr !== null) expect(stderr, `${where}: stderr`).toBe(update.expectStderr);
            expect(exit.exitCode, `${where}: exit status (stderr ${JSON.stringify(stderr)})`).toBe(update.expectExit);
            lastGood = fs.readFileSync(output);
          }
          const ended = await client.stop();
          expect(ended).toEqual({ code: 0, signal: null });
          expect(client.strayLines).toEqual([]);
        } finally {
          client.kill();
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  }
});
