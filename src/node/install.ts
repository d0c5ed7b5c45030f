//! What the Node layer gives the core (which has no Node in it: `zirc/core`): a native
//! byte compare and the parser's heap probe. Imported, for its effect, by the Node entry
//! (src/index.ts) and the CLI, before anything compiles.

import './native_bytes.js';
import './heap_probe.js';
