#!/usr/bin/env bash
# Safe splice and sendfile cells with glibc forced to serve their buffer sizes from the
# heap (the condition under which freed page-holding memory was rewritten by malloc):
# INVOCATIONS fresh processes (default 25) x 2 strategies x 64K and 1M = 100 cells;
# prints the cells and the integrity errors (0 is the target). BIN defaults to the
# release build.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/netio-tui}
N=${INVOCATIONS:-25}
OUT=$(mktemp -d)
for i in $(seq 1 "$N"); do
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432 "$BIN" --record "$OUT/$i.csv" \
        --strategies splice,sendfile --verify --sizes 64K,1M --threads 1 \
        --duration 1s --warmup 0s --repeat 1 >/dev/null 2>&1
done
python3 - "$OUT" <<'PY'
import csv, glob, sys
rows = [r for f in glob.glob(f"{sys.argv[1]}/*.csv") for r in csv.DictReader(open(f))]
bad = [r for r in rows if int(r["integrity_errors"])]
print(f"{len(rows)} cells, {len(bad)} with integrity errors, "
      f"{sum(int(r['integrity_errors']) for r in rows)} damaged frames in all")
for r in bad:
    print(" ", r["strategy"], r["size_bytes"], r["integrity_errors"])
PY
