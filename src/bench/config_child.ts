//! Child-process entry of one bench configuration: `node config_child.js <spec.json>
//! <result.json>`. Runs `runConfig` (see config_run.ts) and writes its result as JSON;
//! a crash leaves no result file, which the driver reports.

import * as fs from 'node:fs';
import { runConfig } from './config_run.js';
import type { ConfigSpec } from './config_run.js';

async function main(): Promise<void> {
  const [specPath, resultPath] = process.argv.slice(2);
  if (!specPath || !resultPath) {
    process.stderr.write('usage: config_child.js <spec.json> <result.json>\n');
    process.exit(2);
  }
  const spec = JSON.parse(fs.readFileSync(specPath, 'utf8')) as ConfigSpec;
  const result = await runConfig(spec);
  fs.writeFileSync(resultPath, JSON.stringify(result, null, 1));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
