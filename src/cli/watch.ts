//! `zirc watch`: not built yet (issue "zirc watch"); says so plainly instead of pretending.

import type { OptimizeMode } from '../link/Linker.js';
import type { TargetName } from '../compile/target.js';
import { EXIT_USAGE } from './options.js';

export interface WatchFlags {
  target: TargetName;
  optimize: OptimizeMode;
  output?: string;
  run?: boolean;
  json?: boolean;
}

export async function watchCommand(_file: string, _flags: WatchFlags): Promise<number> {
  process.stderr.write('zirc watch: not implemented yet\n');
  return EXIT_USAGE;
}
