//! `zirc ir`: print the analyzed program as canonical ZIR (spec §12).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Compilation } from '../compile/Compilation.js';
import { nullLinker } from '../link/null_linker.js';
import type { TargetName } from '../compile/target.js';
import { EXIT_COMPILE_ERRORS, EXIT_OK } from './options.js';

export function irCommand(source: string, target: TargetName): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-ir-'));
  const compilation = Compilation.create({
    sourcePath: source,
    outputPath: path.join(dir, 'out'),
    target,
    optimize: 'Debug',
    // `zirc ir` analyzes only: nothing is linked, and the AIR is what it prints.
    linkerFactory: nullLinker,
    retainAir: true,
  });
  try {
    const result = compilation.update();
    for (const e of result.errors) process.stderr.write(e.rendered + '\n');
    if (!result.ok) return EXIT_COMPILE_ERRORS;
    process.stdout.write(compilation.emitIr());
    return EXIT_OK;
  } finally {
    compilation.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
