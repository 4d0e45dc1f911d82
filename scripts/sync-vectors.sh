#!/usr/bin/env bash
# Refreshes the repository's copy of the pricing vectors (tests/vectors) from
# the specification (../shared/spec/vectors). The core's `vectors_match_the_spec`
# test fails while the two differ.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/../shared/spec/vectors"
[ -d "$src" ] || { echo "no $src: nothing to sync" >&2; exit 1; }
rm -f "$root"/tests/vectors/*.json
cp "$src"/*.json "$root/tests/vectors/"
echo "synced $(ls "$root"/tests/vectors/*.json | wc -l) vectors from $src"
