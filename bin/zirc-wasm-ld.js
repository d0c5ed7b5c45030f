#!/usr/bin/env node
// `zirc-wasm-ld`: `zirc wasm-ld` under a name compiler drivers can call (clang --ld-path=, -fuse-ld=).
// A link keeps its symbol tables for its whole run: a larger young generation than
// Node's default saves the collector copying them from scavenge to scavenge.
import v8 from 'node:v8';
import { loadCli } from './cli_module.js';

v8.setFlagsFromString('--max-semi-space-size=32');
loadCli('../dist/cli/wasm_ld/wasm_ld_command.js').then(async (m) => {
  const args = process.argv.slice(2);
  process.exitCode = m.isWasmWatchCommand(args) ? await m.wasmLdWatchCommand(args) : m.wasmLdCommand(args);
});
