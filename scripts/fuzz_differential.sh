#!/bin/sh
# The differential test (test/compile/differential.test.ts) at length: many seeds, more
# rounds of edits per seed (each round applies every kind of edit once, in a shuffled
# order), on both targets. Too slow for `npm test`; run it after changing the
# compiler's incremental paths or a linker.
#
#   npm run fuzz:differential [-- SEEDS [ROUNDS [FIRST_SEED]]]    (default 20 seeds, 4 rounds, from seed 1000)
set -eu
cd "$(dirname "$0")/.."
count=${1:-20}
rounds=${2:-4}
first=${3:-1000}
seeds=$(seq -s, "$first" "$((first + count - 1))")
echo "differential: seeds $first..$((first + count - 1)), $rounds rounds each, x86_64-linux and wasm32-wasi"
ZIRC_DIFFERENTIAL_SEEDS=$seeds ZIRC_DIFFERENTIAL_ROUNDS=$rounds exec npx vitest run test/compile/differential.test.ts
