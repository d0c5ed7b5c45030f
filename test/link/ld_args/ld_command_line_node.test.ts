// The Node layer of zirc ld's command line reads @files from disk and finds -l archives
// in real directories (a directory named like the archive is not a match).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLdCommandLine, resolveLibrariesOnDisk } from '../../../src/cli/ld/ld_command_line.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-ld-args-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ld command line on disk', () => {
  it('expands a response file and resolves -l against real files', () => {
    fs.mkdirSync(path.join(dir, 'a', 'libc.a'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'b'));
    fs.writeFileSync(path.join(dir, 'b', 'libc.a'), '!<arch>\n');
    const rsp = path.join(dir, 'args.rsp');
    fs.writeFileSync(rsp, `-L'${dir}/a' -L"${dir}/b" main.o -lc\n`);
    const plan = parseLdCommandLine(['-static', `@${rsp}`, '-o', 'out']);
    expect(resolveLibrariesOnDisk(plan).map((i) => i.resolvedPath)).toEqual(['main.o', path.join(dir, 'b', 'libc.a')]);
  });
});
