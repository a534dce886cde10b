#!/usr/bin/env bash
# Two builds of netio-tui against each other on the same cells: A B [ROUNDS]. Each
# round runs A then B (then B then A, alternating), pinned the same way (--pin split,
# --cc cubic); prints per cell the medians of each, their spread, and the median of the
# per-round ratios B/A (throughput for stream, transactions/s for rr). Root; run it
# alone on the machine. Example: build the commit before a change into /tmp/a, after
# into /tmp/b, then `scripts/ab.sh /tmp/a /tmp/b 5`.
set -euo pipefail
A=$1 B=$2 ROUNDS=${3:-5}
OUT=$(mktemp -d)
COMMON=(--repeat 1 --duration 2s --warmup 500ms --cc cubic --pin split --threads 1)
run() { # bin tag round
    "$1" --record "$OUT/$2-$3-stream.csv" "${COMMON[@]}" --strategies one-copy,zero-copy,uring-zc \
        --sizes 64K >/dev/null 2>&1
    "$1" --record "$OUT/$2-$3-rr.csv" "${COMMON[@]}" --strategies one-copy,zero-copy \
        --workload rr --sizes 64 >/dev/null 2>&1
}
for r in $(seq 1 "$ROUNDS"); do
    if (( r % 2 )); then run "$A" a "$r"; run "$B" b "$r"; else run "$B" b "$r"; run "$A" a "$r"; fi
done
python3 - "$OUT" "$ROUNDS" <<'PY'
import csv, glob, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def figs(tag, r):
    got = {}
    for f in glob.glob(f"{out}/{tag}-{r}-*.csv"):
        for row in csv.DictReader(open(f)):
            rr = row["workload"] == "rr"
            key = f'{row["strategy"]} {row["workload"]} {row["size_bytes"]} B'
            got[key] = float(row["transactions_per_s" if rr else "throughput_gbps"])
    return got
a = [figs("a", r) for r in range(1, rounds + 1)]
b = [figs("b", r) for r in range(1, rounds + 1)]
print(f"{'cell':32} {'A median [min-max]':>26} {'B median [min-max]':>26} {'B/A median of rounds':>22}")
for key in sorted(a[0]):
    xa = [x[key] for x in a if key in x]; xb = [x[key] for x in b if key in x]
    ratios = [y[key] / x[key] for x, y in zip(a, b) if key in x and key in y and x[key] > 0]
    fmt = lambda v: f"{statistics.median(v):.4g} [{min(v):.4g}-{max(v):.4g}]"
    print(f"{key:32} {fmt(xa):>26} {fmt(xb):>26} {statistics.median(ratios):>10.3f} [{min(ratios):.3f}-{max(ratios):.3f}]")
PY
