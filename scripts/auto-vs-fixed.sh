#!/usr/bin/env bash
# The default matrix under --repeat 5 and under --repeat auto (its default budget):
# wall time, cell runs, and how many comparisons each decided (faster, slower or
# equivalent, from `report --format json`). Run alone on the machine.
#   BIN=target/release/netio-tui OUT=/tmp/auto-vs-fixed bash scripts/auto-vs-fixed.sh
set -euo pipefail
BIN=${BIN:-target/release/netio-tui}
OUT=${OUT:-/tmp/auto-vs-fixed}
mkdir -p "$OUT"
count() {
  "$BIN" report "$1" --format json | python3 -c '
import json, sys
v = json.load(sys.stdin)
cs = v["comparisons"]
decided = [c for c in cs if c["class"] in ("faster", "slower", "equivalent")]
print(f"{len(decided)}/{len(cs)} comparisons decided")'
}
for mode in 5 auto; do
  rm -f "$OUT/$mode.csv"
  start=$(date +%s)
  "$BIN" --record "$OUT/$mode.csv" --repeat "$mode" >"$OUT/$mode.out" 2>"$OUT/$mode.err"
  end=$(date +%s)
  rows=$(($(wc -l <"$OUT/$mode.csv") - 1))
  echo "--repeat $mode: $((end - start)) s, $rows cell runs, $(count "$OUT/$mode.csv")"
done
