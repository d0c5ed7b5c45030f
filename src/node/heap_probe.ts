//! Gives the parser's out-of-memory check (zir/heap_probe.ts) V8's heap figures.
//! Importing this module installs it; src/node/install.ts does, for the Node entry and the CLI.

import { getHeapStatistics } from 'node:v8';
import { installHeapProbe } from '../zir/heap_probe.js';

installHeapProbe(getHeapStatistics);
