//! `zirc run`: build into a temporary directory, then run the program with its stdout and
//! stderr passed through; zirc exits with the program's exit status.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runOutput } from '../node/compile/run_output.js';
import { defaultOutputName } from '../compile/target.js';
import type { BuildOptions } from './build.js';
import { buildOnce } from './build.js';
import { EXIT_COMPILE_ERRORS } from './options.js';

export async function runCommand(source: string, args: string[], opts: BuildOptions): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-run-'));
  try {
    const output = opts.output ?? path.join(dir, defaultOutputName(path.basename(source), opts.target));
    const { result } = buildOnce(source, { ...opts, output });
    if (!result.ok) return EXIT_COMPILE_ERRORS;
    const run = await runOutput(output, opts.target, { args, stdio: 'inherit' });
    return run.exitCode;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
