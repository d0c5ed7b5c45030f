//! What the Node layer gives the core (which has no Node in it: `zirc/core`): a native
//! byte compare, the parser's heap probe, and the file system of compilations given paths. Imported, for its effect, by the Node entry
//! (src/index.ts) and the CLI, before anything compiles.

import './native_bytes.js';
import './heap_probe.js';
import { installCompilationFiles } from '../compile/compilation_files.js';
import { nodeCompilationFiles } from './compilation_files.js';

installCompilationFiles(nodeCompilationFiles);
