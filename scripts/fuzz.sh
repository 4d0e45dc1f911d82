#!/usr/bin/env bash
# Fuzzes the core's JSON-to-output path with cargo-fuzz (libFuzzer), seeded with
# the inputs of every pricing vector. Usage: scripts/fuzz.sh [seconds=300]
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP lets the stable toolchain build them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-300}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked
corpus="$root/target/fuzz-corpus/price_json"
mkdir -p "$corpus"
for f in "$root"/tests/vectors/*.json; do
  python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["input"]))' "$f" > "$corpus/$(basename "$f" .json)"
done
cd "$root/crates/checkout-core"
RUSTC_BOOTSTRAP=1 cargo fuzz run --target-dir "$root/target/fuzz" price_json "$corpus" -- -max_total_time="$seconds" -max_len=65536
