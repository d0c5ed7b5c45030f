//! The `zirc` command line: subcommands build, run, ir, watch, test, ld (GNU ld's
//! command line, parsed by src/cli/ld/) and wasm-ld (LLVM wasm-ld's, src/cli/wasm_ld/), with `--help`,
//! `--version`, and exit statuses 0 (success), 1 (compile errors or failing cases),
//! 2 (usage). A thin client of the library API; all compiler logic lives elsewhere.

import '../node/install.js';
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { OptimizeMode } from '../link/Linker.js';
import type { TargetName } from '../compile/target.js';
import { DEFAULT_TARGET, TARGET_NAMES } from '../compile/target.js';
import { buildCommand } from './build.js';
import { irCommand } from './ir.js';
import { isWatchCommand, ldCommand, ldWatchCommand } from './ld/ld_command.js';
import { isWasmWatchCommand, wasmLdCommand, wasmLdWatchCommand } from './wasm_ld/wasm_ld_command.js';
import { EXIT_OK, EXIT_USAGE, OPTIMIZE_MODES, parseOptimize, parseTarget } from './options.js';
import { runCommand } from './run.js';
import { testCommand } from './test.js';
import { watchCommand } from './watch.js';

interface CommonFlags {
  target: TargetName;
  optimize: OptimizeMode;
  output?: string;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const targetOption = () =>
  new Option('-t, --target <target>', `target: ${TARGET_NAMES.join(' or ')}`).argParser(parseTarget).default(DEFAULT_TARGET);
const optimizeOption = () =>
  new Option('-O, --optimize <mode>', `optimize mode: ${OPTIMIZE_MODES.join(', ')}`).argParser(parseOptimize).default('Debug');

export function makeProgram(setExit: (code: number) => void): Command {
  const program = new Command('zirc')
    .description('Incremental compiler and in-place linker for ZIR: x86-64 Linux ELF and wasm32 WASI')
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });

  program
    .command('build')
    .description('compile a .zir file to an executable (x86_64-linux) or a .wasm module (wasm32-wasi)')
    .argument('<file>', 'the .zir source file')
    .argument('[objects...]', 'objects and archives to link with the program (ELF, or wasm32 for -t wasm32-wasi)')
    .option('-o, --output <path>', 'output file (default: the source name without .zir, or with .wasm)')
    .option('-c', 'write a relocatable object (.o): ELF for ld.lld, mold or gcc, or wasm32 for wasm-ld')
    .addOption(targetOption())
    .addOption(optimizeOption())
    .addOption(
      new Option('--threads <n>', 'code-generation worker threads (default: one per core less one, none on two cores or fewer)').argParser(parseThreads),
    )
    .action((file: string, objects: string[], flags: CommonFlags & { c?: boolean; threads?: number }) =>
      setExit(buildCommand(file, { ...flags, object: flags.c, linkInputs: objects })),
    );

  program
    .command('run')
    .description("build, then run the program; zirc exits with the program's exit status")
    .argument('<file>', 'the .zir source file')
    .argument('[args...]', 'arguments for the program (after --)')
    .option('-o, --output <path>', 'keep the output at this path (default: a temporary file)')
    .addOption(targetOption())
    .addOption(optimizeOption())
    .action(async (file: string, args: string[], flags: CommonFlags) => setExit(await runCommand(file, args, flags)));

  program
    .command('ir')
    .description('print the analyzed program as canonical ZIR')
    .argument('<file>', 'the .zir source file')
    .addOption(targetOption())
    .action((file: string, flags: CommonFlags) => setExit(irCommand(file, flags.target)));

  program
    .command('watch')
    .description('build, then rebuild in place on every change of the source file or of an object')
    .argument('<file>', 'the .zir source file')
    .argument('[objects...]', 'objects and archives to link with the program (ELF, or wasm32 for -t wasm32-wasi)')
    .option('-o, --output <path>', 'output file')
    .addOption(targetOption())
    .addOption(optimizeOption())
    .option('--run', 'run the program after each good update')
    .option('--hot', 'with --run: swap each good update into the running program instead of restarting it (x86_64-linux)')
    .option('--json', 'print one JSON object per update')
    .action(async (file: string, objects: string[], flags: CommonFlags & { run?: boolean; hot?: boolean; json?: boolean }) =>
      setExit(await watchCommand(file, { ...flags, linkInputs: objects })),
    );

  program
    .command('test')
    .description('run case files (spec §13): every update on every target, incrementally and fresh')
    .argument('<cases...>', '.case files')
    .addOption(optimizeOption())
    .action(async (cases: string[], flags: CommonFlags) => setExit(await testCommand(cases, flags.optimize)));

  // Listed for --help; `main` hands `zirc ld ...` to its own parser before commander sees it.
  program
    .command('ld')
    .description("link x86-64 objects and archives statically, on GNU ld's command line (also installed as zirc-ld)")
    .argument('[args...]', 'ld arguments')
    .allowUnknownOption()
    .action((args: string[]) => setExit(ldCommand(args)));

  // Listed for --help; `main` hands `zirc wasm-ld ...` to its own parser, like `zirc ld`.
  program
    .command('wasm-ld')
    .description("link wasm32 objects and archives, on LLVM wasm-ld's command line (also installed as zirc-wasm-ld)")
    .argument('[args...]', 'wasm-ld arguments')
    .allowUnknownOption()
    .action((args: string[]) => setExit(wasmLdCommand(args)));

  return program;
}

export async function main(argv: string[]): Promise<void> {
  // `zirc ld` takes GNU ld's command line, which is not commander's: it has a parser of its own.
  if (argv[2] === 'ld') {
    const args = argv.slice(3);
    process.exitCode = isWatchCommand(args) ? await ldWatchCommand(args) : ldCommand(args);
    return;
  }
  if (argv[2] === 'wasm-ld') {
    const args = argv.slice(3);
    process.exitCode = isWasmWatchCommand(args) ? await wasmLdWatchCommand(args) : wasmLdCommand(args);
    return;
  }
  let code = EXIT_OK;
  const program = makeProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // `--help` and `--version` succeed; anything else commander rejects (including no subcommand) is usage.
      code = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
    } else {
      process.stderr.write(`zirc: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      code = 3;
    }
  }
  process.exitCode = code;
}

/** `--threads`: a whole number of worker threads, 0 to 64. */
function parseThreads(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 64) throw new InvalidArgumentError('expected a whole number of threads from 0 to 64');
  return n;
}
