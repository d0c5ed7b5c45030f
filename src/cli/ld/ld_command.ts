//! `zirc ld` (also installed as `zirc-ld`): a static x86-64 link on GNU ld's command line,
//! as `ld.lld` reads it. Parses the line, finds each `-l` archive, links the objects and
//! archives with the static linker (src/link/elf/static/) and writes the executable.
//! Exit status: 0 linked, 1 link errors (no output is written), 2 usage errors.
//! What the linker does not do yet is refused by name rather than ignored.

import { readFileSync } from 'node:fs';
import { LdUsageError, type LdPlan } from '../../link/ld_args/plan.js';
import { linkStaticFiles } from '../../link/elf/static/link_files.js';
import { parseLdCommandLine, resolveLibrariesOnDisk } from './ld_command_line.js';

const EXIT_LINK_ERRORS = 1;
const EXIT_USAGE = 2;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `zirc ld ${pkg.version} (compatible with GNU linkers)`;
}

const HELP = `usage: zirc ld [options] file...
A static x86-64 ELF linker on GNU ld's command line (as ld.lld reads it).
  -o FILE             write the executable to FILE (default a.out)
  -e SYM, --entry=SYM entry point (default _start)
  -L DIR, -l NAME     archive search: libNAME.a in each -L directory, in order
  --start-group ... --end-group, -static, -nostdlib, -m elf_x86_64, -z KEYWORD, ...
`;

/** What the plan asks for that the linker does not do yet: named, so nothing is silently ignored. */
function unsupported(plan: LdPlan): string[] {
  const out: string[] = [];
  if (plan.inputs.some((i) => i.wholeArchive)) out.push('--whole-archive');
  if (plan.undefinedSymbols.length > 0) out.push('-u/--undefined');
  if (plan.defsyms.length > 0) out.push('--defsym');
  return out;
}

export function ldCommand(argv: readonly string[]): number {
  let plan: LdPlan;
  try {
    plan = parseLdCommandLine(argv);
  } catch (err) {
    if (err instanceof LdUsageError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
  for (const w of plan.warnings) process.stderr.write(`zirc ld: warning: ${w}\n`);
  if (plan.printVersion) process.stdout.write(`${version()}\n`);
  if (plan.printHelp) process.stdout.write(HELP);
  if (!plan.link) return 0;
  const missing = unsupported(plan);
  if (missing.length > 0) {
    process.stderr.write(`zirc ld: not supported yet: ${missing.join(', ')}\n`);
    return EXIT_USAGE;
  }
  let paths: string[];
  try {
    paths = resolveLibrariesOnDisk(plan).map((i) => i.resolvedPath);
  } catch (err) {
    if (err instanceof LdUsageError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT_LINK_ERRORS;
    }
    throw err;
  }
  if (paths.length === 0) {
    process.stderr.write('zirc ld: no input files\n');
    return EXIT_USAGE;
  }
  const result = linkStaticFiles(paths, plan.output, { entry: plan.entry ?? '_start' });
  if (!result.ok) {
    for (const e of result.errors) process.stderr.write(`zirc ld: error: ${e}\n`);
    return EXIT_LINK_ERRORS;
  }
  return 0;
}
