#!/usr/bin/env node
// `zirc-wasm-ld`: `zirc wasm-ld` under a name compiler drivers can call (clang --ld-path=, -fuse-ld=).
import('../dist/cli/wasm_ld/wasm_ld_command.js').then((m) => {
  process.exitCode = m.wasmLdCommand(process.argv.slice(2));
});
