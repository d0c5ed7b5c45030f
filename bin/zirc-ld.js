#!/usr/bin/env node
// `zirc-ld`: `zirc ld` under a name compiler drivers can call (clang --ld-path=, gcc -B).
import('../dist/cli/ld/ld_command.js').then((m) => {
  process.exitCode = m.ldCommand(process.argv.slice(2));
});
