//! `zirc wasm-ld` (also installed as `zirc-wasm-ld`): a wasm32 link on LLVM wasm-ld's
//! command line. Parses the line, finds each `-l` archive, and hands the resolved plan to
//! the wasm static linker (src/node/link/wasm/static/link_files.ts).
//! Exit status: 0 linked, 1 link errors (no output is written), 2 usage errors.
//! What zirc does not do (shared memory, PIC, relocatable output) is refused by name.

import '../../node/install.js';
import { readFileSync } from 'node:fs';
import { linkWasmFiles } from '../../node/link/wasm/static/link_files.js';
import { WasmLinkSession } from '../../node/link/wasm/session/WasmLinkSession.js';
import { linkWatch } from '../link_watch.js';
import { isZirSource, linkErrorText, ZirInputCompiler } from '../zir_inputs.js';
import { WasmLdUsageError, type WasmLdPlan } from '../../link/wasm_ld_args/plan.js';
import type { ResolvedWasmLdPlan } from '../../link/wasm_ld_args/resolve_libraries.js';
import { parseWasmLdCommandLine, resolveWasmLibrariesOnDisk } from './wasm_ld_command_line.js';

const EXIT_LINK_ERRORS = 1;
const EXIT_USAGE = 2;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `zirc wasm-ld ${pkg.version} (compatible with LLD's wasm-ld)`;
}

const HELP = `usage: zirc wasm-ld [options] file...
A wasm32 linker on LLVM wasm-ld's command line.
  -o FILE                  write the module to FILE (default a.out)
  -e SYM, --entry=SYM      entry point (default _start); --no-entry for none
  -L DIR, -l NAME          archive search: libNAME.a in each -L directory, in order
  --whole-archive          link every member of the archives up to --no-whole-archive
  -u SYM, --undefined=SYM  undefined from the start: pulls the archive member defining SYM
  --export=SYM, --export-if-defined=SYM, --export-all, --export-dynamic
  --allow-undefined, --allow-undefined-file=FILE
  --import-memory, --export-memory, --initial-memory=N, --max-memory=N, --global-base=N
  -z stack-size=N, --stack-first, --import-table, --export-table, --growable-table
  --watch [--json]         zirc's own: link, then relink in place on every change of an input
  --gc-sections (default), --no-gc-sections, --strip-all, --strip-debug, -m wasm32, ...
`;

function usage(err: unknown): number {
  if (err instanceof WasmLdUsageError) {
    process.stderr.write(`${err.message}\n`);
    return EXIT_USAGE;
  }
  throw err;
}

/** The resolved plan of a command line that asks for a link, or the exit status when it asks for none (or is wrong). */
function prepareLink(argv: readonly string[]): ResolvedWasmLdPlan | { exit: number } {
  let plan: WasmLdPlan;
  try {
    plan = parseWasmLdCommandLine(argv);
  } catch (err) {
    return { exit: usage(err) };
  }
  for (const w of plan.warnings) process.stderr.write(`zirc wasm-ld: warning: ${w}\n`);
  if (plan.printVersion) process.stdout.write(`${version()}\n`);
  if (plan.printHelp) process.stdout.write(HELP);
  if (!plan.link) return { exit: 0 };
  try {
    return resolveWasmLibrariesOnDisk(plan);
  } catch (err) {
    if (err instanceof WasmLdUsageError) {
      process.stderr.write(`${err.message}\n`);
      return { exit: EXIT_LINK_ERRORS };
    }
    throw err;
  }
}

export function wasmLdCommand(argv: readonly string[]): number {
  const resolved = prepareLink(argv);
  if ('exit' in resolved) return resolved.exit;
  // `.zir` sources among the inputs are compiled in the same link (cli/zir_inputs.ts).
  const zir = new ZirInputCompiler('wasm32-wasi');
  const result = linkWasmFiles(resolved, undefined, { isSource: isZirSource, objectOf: (p, source) => zir.objectOf(p, source) });
  zir.close();
  if (!result.ok) {
    for (const e of result.errors) process.stderr.write(`${linkErrorText('zirc wasm-ld', e)}\n`);
    return EXIT_LINK_ERRORS;
  }
  for (const w of result.warnings) process.stderr.write(`zirc wasm-ld: warning: ${w}\n`);
  return 0;
}

/** Whether `argv` asks for `zirc wasm-ld --watch` (zirc's own options, not wasm-ld's). */
export function isWasmWatchCommand(argv: readonly string[]): boolean {
  return argv.includes('--watch');
}

/** `zirc wasm-ld --watch [--json] [wasm-ld arguments]`: link, then relink in place on every change (link_watch.ts, session/WasmLinkSession.ts). */
export async function wasmLdWatchCommand(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const resolved = prepareLink(argv.filter((a) => a !== '--watch' && a !== '--json'));
  if ('exit' in resolved) return resolved.exit;
  const files = resolved.resolvedInputs.map((i) => ({ path: i.resolvedPath, wholeArchive: i.wholeArchive }));
  if (files.length === 0) {
    process.stderr.write('zirc wasm-ld: error: no input files\n');
    return EXIT_LINK_ERRORS;
  }
  // Indices and places kept from link to link; a relink of changed objects patches the module in place.
  const session = new WasmLinkSession(files, resolved.output, resolved);
  return linkWatch(files, session, { json, command: 'zirc wasm-ld' });
}
