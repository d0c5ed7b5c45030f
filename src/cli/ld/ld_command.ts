//! `zirc ld` (also installed as `zirc-ld`): a static x86-64 link on GNU ld's command line,
//! as `ld.lld` reads it. Parses the line, finds each `-l` archive, links the objects and
//! archives with the static linker (src/link/elf/static/) and writes the executable.
//! Exit status: 0 linked, 1 link errors (no output is written), 2 usage errors.
//! What the linker does not do yet is refused by name rather than ignored.

import '../../node/install.js';
import { readFileSync } from 'node:fs';
import { LdUsageError, type LdPlan } from '../../link/ld_args/plan.js';
import { linkStaticFiles, type LinkFile } from '../../node/link/elf/static/link_files.js';
import type { StaticLinkOptions } from '../../link/elf/static/link_static.js';
import { LinkSession } from '../../node/link/elf/session/LinkSession.js';
import { linkWatch } from '../link_watch.js';
import { isZirSource, linkErrorText, ZirInputCompiler } from '../zir_inputs.js';
import { expandLinkerScripts, parseLdCommandLine, resolveLibrariesOnDisk } from './ld_command_line.js';

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
  --whole-archive     link every member of the archives up to --no-whole-archive
  -u SYM              undefined from the start: pulls the archive member defining SYM
  --defsym=SYM=EXPR   define SYM as a number, a symbol, or symbol +/- number
  --gc-sections       drop the sections nothing live refers to (--print-gc-sections lists them on stdout)
  --eh-frame-hdr      write .eh_frame_hdr and PT_GNU_EH_FRAME
  --build-id[=STYLE]  write a .note.gnu.build-id (fast, md5, sha1, uuid, 0xHEX, none)
  -s, --strip-all     write no symbol table
  --watch [--json]    zirc's own: link, then relink in place on every change of an input
  --start-group ... --end-group, -static, -nostdlib, -m elf_x86_64, -z KEYWORD, ...
`;

/** The link a command line asks for, or the exit status when it asks for none (or is wrong). */
type PreparedLink = { files: LinkFile[]; plan: LdPlan; options: StaticLinkOptions } | { exit: number };

function prepareLink(argv: readonly string[]): PreparedLink {
  let plan: LdPlan;
  try {
    plan = parseLdCommandLine(argv);
  } catch (err) {
    if (err instanceof LdUsageError) {
      process.stderr.write(`${err.message}\n`);
      return { exit: EXIT_USAGE };
    }
    throw err;
  }
  for (const w of plan.warnings) process.stderr.write(`zirc ld: warning: ${w}\n`);
  if (plan.printVersion) process.stdout.write(`${version()}\n`);
  if (plan.printHelp) process.stdout.write(HELP);
  if (!plan.link) return { exit: 0 };
  let files: LinkFile[];
  try {
    files = expandLinkerScripts(resolveLibrariesOnDisk(plan).map((i) => ({ path: i.resolvedPath, wholeArchive: i.wholeArchive })));
  } catch (err) {
    if (err instanceof LdUsageError) {
      process.stderr.write(`${err.message}\n`);
      return { exit: EXIT_LINK_ERRORS };
    }
    throw err;
  }
  if (files.length === 0) {
    process.stderr.write('zirc ld: no input files\n');
    return { exit: EXIT_USAGE };
  }
  const options: StaticLinkOptions = {
    entry: plan.entry ?? '_start', undefinedSymbols: plan.undefinedSymbols, defsyms: plan.defsyms, ehFrameHdr: plan.ehFrameHdr,
    buildId: plan.buildId, stripAll: plan.strip === 'all', gcSections: plan.gcSections,
    startStopGc: plan.z.startStopGc,
  };
  return { files, plan, options };
}

export function ldCommand(argv: readonly string[]): number {
  const prepared = prepareLink(argv);
  if ('exit' in prepared) return prepared.exit;
  const { files, plan, options } = prepared;
  // `.zir` sources among the inputs are compiled in the same link (cli/zir_inputs.ts).
  const zir = new ZirInputCompiler('x86_64-linux');
  const result = linkStaticFiles(files, plan.output, options, { isSource: isZirSource, objectOf: (p, source) => zir.objectOf(p, source) });
  zir.close();
  if (!result.ok) {
    for (const e of result.errors) process.stderr.write(`${linkErrorText('zirc ld', e)}\n`);
    return EXIT_LINK_ERRORS;
  }
  // On stdout, as ld.lld prints it.
  if (plan.printGcSections) for (const s of result.removedSections) process.stdout.write(`removing unused section ${s}\n`);
  return 0;
}

/** Whether `argv` asks for `zirc ld --watch` (zirc's own options, not ld's). */
export function isWatchCommand(argv: readonly string[]): boolean {
  return argv.includes('--watch');
}

/** `zirc ld --watch [--json] [ld arguments]`: link, then relink in place on every change (link_watch.ts). */
export async function ldWatchCommand(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const prepared = prepareLink(argv.filter((a) => a !== '--watch' && a !== '--json'));
  if ('exit' in prepared) return prepared.exit;
  const session = new LinkSession(prepared.files, prepared.plan.output, prepared.options);
  return linkWatch(prepared.files, session, { json, command: 'zirc ld' });
}
