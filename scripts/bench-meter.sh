#!/usr/bin/env bash
# Benchmark, not a test: what the copy meter costs. The same cell (one-copy 64K x 1 by
# default) with and without the meter (--no-copy-meter), alternated ROUNDS times in one
# run, pinned the same way; prints the medians, the spread and the per-round ratio
# (target: the meter costs under 2 % of throughput), and the CPU time per byte both
# sides spent, which the programs add to directly. Then one more run with the meter
# and kernel.bpf_stats_enabled on (restored after; the statistics cost time of their
# own, so the alternated rounds run without them) reads the programs' own run time
# from /proc/<pid>/fdinfo: runs per second and ns per run.
#
#   bash scripts/bench-meter.sh
#   ROUNDS=7 STRATEGY=zero-copy SIZE=1M bash scripts/bench-meter.sh
# Run it alone on the machine, as root.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
SECONDS_EACH=${SECONDS_EACH:-3}
STRATEGY=${STRATEGY:-one-copy}
SIZE=${SIZE:-64K}
CC=${CC:-cubic}
cargo build --release --quiet
bin=target/release/netio-tui
work=$(mktemp -d)
stats_before=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null || echo 0)
cleanup() {
    echo "$stats_before" > /proc/sys/kernel/bpf_stats_enabled 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
echo 0 > /proc/sys/kernel/bpf_stats_enabled

run() {
    rm -f "$work/n.csv"
    "$bin" --record "$work/n.csv" --strategies "$STRATEGY" --sizes "$SIZE" --threads 1 \
        --duration "${SECONDS_EACH}s" --warmup 1s --repeat 1 --cc "$CC" --pin split "$@" \
        >/dev/null 2>&1 &
    local pid=$!
    # Halfway through the window: the meter's programs' counters, twice, 1 s apart.
    sleep $((SECONDS_EACH / 2 + 1))
    for f in /proc/$pid/fdinfo/*; do grep -q '^prog_type' "$f" 2>/dev/null && \
        awk '/run_time_ns|run_cnt/ {print FILENAME, $1, $2}' "$f"; done >"$work/a" || true
    sleep 1
    for f in /proc/$pid/fdinfo/*; do grep -q '^prog_type' "$f" 2>/dev/null && \
        awk '/run_time_ns|run_cnt/ {print FILENAME, $1, $2}' "$f"; done >"$work/b" || true
    wait "$pid"
    python3 - "$work/n.csv" "$work/a" "$work/b" <<'PY'
import csv, sys
row = next(csv.DictReader(open(sys.argv[1])))
g = float(row["throughput_gbps"])
# CPU time per byte, both sides: the meter's programs run inside the send and
# receive calls, so their cost shows here even when throughput's noise hides it.
cpu = float(row["tx_cpu_ns_per_byte"]) + float(row["rx_cpu_ns_per_byte"])
def read(p):
    d = {}
    for line in open(p):
        f, k, v = line.split()
        d[(f, k.rstrip(":"))] = int(v)
    return d
a, b = read(sys.argv[2]), read(sys.argv[3])
runs = sum(b[k] - a.get(k, 0) for k in b if k[1] == "run_cnt")
ns = sum(b[k] - a.get(k, 0) for k in b if k[1] == "run_time_ns")
print(f"{g} {cpu} {runs} {ns}")
PY
}

echo "$STRATEGY $SIZE x 1, $CC, --pin split, $ROUNDS rounds of ${SECONDS_EACH}s, kernel $(uname -r)"
: >"$work/results"
for r in $(seq 1 "$ROUNDS"); do
    read -r on cpu_on _ _ <<<"$(run)"
    read -r off cpu_off _ _ <<<"$(run --no-copy-meter)"
    echo "$r meter=$on no-meter=$off cpu-meter=$cpu_on cpu-no-meter=$cpu_off" | tee -a "$work/results"
done
echo 1 > /proc/sys/kernel/bpf_stats_enabled
read -r _ _ runs ns <<<"$(run)"
echo "0 runs/s=$runs ns=$ns" >>"$work/results"
python3 - "$work/results" <<'PY'
import statistics as st, sys
lines = [l.split() for l in open(sys.argv[1])]
rows = [dict(x.split("=") for x in l[1:]) for l in lines if l[0] != "0"]
stats = [dict(x.split("=") for x in l[1:]) for l in lines if l[0] == "0"]
on = [float(r["meter"]) for r in rows]
off = [float(r["no-meter"]) for r in rows]
ratio = [a / b for a, b in zip(on, off)]
runs = [int(r["runs/s"]) for r in stats]
ns = [int(r["ns"]) for r in stats]
f = lambda v: f"{st.median(v):.3f} [{min(v):.3f}-{max(v):.3f}]"
print(f"\nGbps with the meter {f(on)}, without {f(off)}")
print(f"with / without, per round: {f(ratio)} (target >= 0.98)")
cpu_on = [float(r["cpu-meter"]) for r in rows]
cpu_off = [float(r["cpu-no-meter"]) for r in rows]
cpu_ratio = [a / b for a, b in zip(cpu_on, cpu_off)]
print(f"CPU ns/B (sender + receiver) with {f(cpu_on)}, without {f(cpu_off)}")
print(f"CPU per byte with / without, per round: {f(cpu_ratio)} (target <= 1.02)")
if sum(runs):
    print(f"meter programs: {st.median(runs):.0f} runs/s, "
          f"{st.median([n / max(r, 1) for n, r in zip(ns, runs)]):.0f} ns per run, "
          f"{st.median(ns) / 1e7:.2f} % of one CPU (bpf statistics time each run "
          f"with two clock reads, which on a VM can cost more than a short program)")
PY
