//! Child-process entry for the front end's throughput figures: runs `runParseBench` in a
//! fresh process (as every configuration is measured in its own) for each program shape
//! and prints the results as JSON, so the heap the bench driver has built up does not slow
//! the parser's collections.

import type { ProgramShape } from './generate.js';
import { runParseBench } from './parse_bench.js';

const functions = Number(process.argv[2] ?? 10_000);
const shapes: ProgramShape[] = ['loops', 'chain', 'constants'];
process.stdout.write(JSON.stringify(shapes.map((shape) => runParseBench({ functions, shape }))));
