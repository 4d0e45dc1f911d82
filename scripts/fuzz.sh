#!/usr/bin/env bash
# Fuzzes the core with cargo-fuzz (libFuzzer):
#   price_json    any bytes through the JSON-to-output path and the live cart's
#                 edits, seeded with the input of every pricing vector;
#   session_open  any bytes as an order-session token, and as sealed session data.
# Usage: scripts/fuzz.sh [seconds=300] [target=price_json|session_open|all]
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP lets the stable toolchain build them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-300}
target=${2:-all}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked
run() {
  local name=$1 corpus="$root/target/fuzz-corpus/$1"
  mkdir -p "$corpus"
  if [ "$name" = price_json ]; then
    for f in "$root"/tests/vectors/*.json; do
      python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["input"]))' "$f" > "$corpus/$(basename "$f" .json)"
    done
  fi
  (cd "$root" &&
    RUSTC_BOOTSTRAP=1 cargo fuzz run --target-dir "$root/target/fuzz" "$name" "$corpus" -- -max_total_time="$seconds" -max_len=65536)
}
case "$target" in
  all) run price_json; run session_open ;;
  *) run "$target" ;;
esac
