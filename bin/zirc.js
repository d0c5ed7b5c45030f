#!/usr/bin/env node
// The `zirc` command: the compiled CLI lives in dist/ (run `npm run build` first).
import { loadCli } from './cli_module.js';

loadCli('../dist/cli/main.js').then((m) => m.main(process.argv));
