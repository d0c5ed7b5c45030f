// Tests run in Node: the Node layer gives the core what it installs there (a file system
// for compilations given paths, the native byte compare, the heap probe), as the `zirc`
// entry and the CLI do.
import '../../src/node/install.js';
