#!/usr/bin/env bash
# Benchmark, not a test: netio-tui's strategies against iperf3 on loopback, one flow,
# at each size, alternated ROUNDS times in one run so every tool sees the same machine
# state, both placed the same way (sender on CPU 0, receiver on CPU 1: netio-tui
# --pin split, iperf3 -A 0,1) and with the same congestion control on every socket.
#
# Peers per size: iperf3 -l SIZE (Nagle on), iperf3 -N -l SIZE (TCP_NODELAY, as
# netio-tui) and iperf3 -Z -l SIZE (sendfile, the zero-copy reference).
# Prints per-round figures, then per size the median Gbps of each tool with its range,
# and the median (and range) of the per-round ratios:
#   one-copy / best(iperf3, iperf3 -N), two-copy / best(...), zero-copy / one-copy.
# Target: the copying strategies >= 1.0x the better iperf3 at every size.
#
#   bash scripts/bench-peers.sh                     # the system's congestion control
#   CC=cubic bash scripts/bench-peers.sh
#   ROUNDS=7 SECONDS_EACH=5 SIZES="64K 1M" bash scripts/bench-peers.sh
# Run it alone on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
SECONDS_EACH=${SECONDS_EACH:-3}
SIZES=${SIZES:-"4K 16K 64K 256K 1M"}
CC=${CC:-$(cat /proc/sys/net/ipv4/tcp_congestion_control)}
PORT=${PORT:-5299}
PIN=${PIN:-split}
# netio-tui's strategies in each round: the assignment's three, uring (one-copy
# through io_uring), uring-zc, sendfile, splice, and zero-copy+rxzc (zero-copy sent,
# received with TCP_ZEROCOPY_RECEIVE: --rx zerocopy). STRATEGIES="one-copy uring"
# for a quicker look.
STRATEGIES=${STRATEGIES:-"one-copy two-copy zero-copy uring uring-zc sendfile splice zero-copy+rxzc"}

source scripts/lib.sh  # (the cd above put us at the root)
need_tool iperf3
build_and_scratch

iperf3 -s -p "$PORT" >/dev/null 2>&1 &
server=$!
sleep 0.5

iperf_pin=()
[ "$PIN" = split ] && iperf_pin=(-A 0,1)

# iperf3 with extra flags; prints Gbps received. -O 1: the first second is left out,
# as netio-tui's 1 s warm-up is.
iperf_gbps() {
    local size=$1
    shift
    iperf3 -c 127.0.0.1 -p "$PORT" -l "$size" -t "$SECONDS_EACH" -O 1 -C "$CC" \
        "${iperf_pin[@]}" -J "$@" >"$work/iperf.json"
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]/1e9)' "$work/iperf.json"
}

netio_gbps() {
    local strategy=${1%+rxzc} size=$2 rx=copy
    [ "$strategy" != "$1" ] && rx=zerocopy
    rm -f "$work/n.csv"
    "$bin" --record "$work/n.csv" --strategies "$strategy" --rx "$rx" --sizes "$size" --threads 1 \
        --duration "${SECONDS_EACH}s" --warmup 1s --repeat 1 --cc "$CC" --pin "$PIN" \
        >/dev/null 2>&1
    python3 -c 'import csv,sys; print(next(csv.DictReader(open(sys.argv[1])))["throughput_gbps"])' "$work/n.csv"
}

echo "congestion control $CC, placement $PIN, $ROUNDS rounds of ${SECONDS_EACH}s, $(nproc) CPUs, kernel $(uname -r)"
results="$work/results.tsv"
for round in $(seq 1 "$ROUNDS"); do
    for size in $SIZES; do
        line="$round	$size"
        for tool in $STRATEGIES iperf3 iperf3-N iperf3-Z; do
            case $tool in
                iperf3) g=$(iperf_gbps "$size") ;;
                iperf3-N) g=$(iperf_gbps "$size" -N) ;;
                iperf3-Z) g=$(iperf_gbps "$size" -Z) ;;
                *) g=$(netio_gbps "$tool" "$size") ;;
            esac
            line="$line	$tool=$g"
        done
        echo "$line" | tee -a "$results"
    done
done

python3 - "$results" "$SIZES" "$STRATEGIES" <<'PY'
import statistics as st, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
sizes = sys.argv[2].split()
by = {}
for r in rows:
    d = {k: float(v) for k, v in (x.split("=") for x in r[2:])}
    by.setdefault(r[1], []).append(d)
def rng(v): return f"{st.median(v):6.2f} [{min(v):.2f}-{max(v):.2f}]"
tools = sys.argv[3].split() + ["iperf3", "iperf3-N", "iperf3-Z"]
print("\nmedian Gbps [min-max] over rounds")
print("size  " + "  ".join(f"{t:>20}" for t in tools))
for s in sizes:
    print(f"{s:5} " + "  ".join(f"{rng([d[t] for d in by[s]]):>20}" for t in tools))
worst = []
if all(t in tools for t in ['one-copy', 'two-copy', 'zero-copy']):
    print("\nper-round ratios: median [min-max]")
    print(f"{'size':5} {'one-copy/best-iperf3':>26} {'two-copy/best-iperf3':>26} {'zero-copy/one-copy':>24} {'one-copy/iperf3-Z':>24}")
    for s in sizes:
        best = [max(d["iperf3"], d["iperf3-N"]) for d in by[s]]
        r1 = [d["one-copy"] / b for d, b in zip(by[s], best)]
        r2 = [d["two-copy"] / b for d, b in zip(by[s], best)]
        rz = [d["zero-copy"] / d["one-copy"] for d in by[s]]
        rs = [d["one-copy"] / d["iperf3-Z"] for d in by[s]]
        worst += [st.median(r1), st.median(r2)]
        f = lambda v: f"{st.median(v):.3f} [{min(v):.2f}-{max(v):.2f}]"
        print(f"{s:5} {f(r1):>26} {f(r2):>26} {f(rz):>24} {f(rs):>24}")
def ratio(a, b, title):
    if a in tools and b in tools:
        print(f"\n{a} / {b}, per round: median [min-max] ({title})")
        for s in sizes:
            r = [d[a] / d[b] for d in by[s]]
            print(f"{s:5} {st.median(r):.3f} [{min(r):.2f}-{max(r):.2f}]")
ratio("uring", "one-copy", "target: within 5 %")
ratio("uring-zc", "zero-copy", "target: within 5 %")
ratio("sendfile", "iperf3-Z", "target: >= 0.95 at 64K-1M")
ratio("splice", "iperf3-Z", "no target: the other no-copy sender")
ratio("zero-copy+rxzc", "zero-copy", "receive zero-copy against recv()")
ratio("zero-copy+rxzc", "two-copy", "the one-copy-per-byte pair against plain sends")
if worst:
    print(f"\nsmallest median ratio of a copying strategy to the better iperf3: {min(worst):.3f} "
          f"({'meets' if min(worst) >= 1.0 else 'BELOW'} the 1.0 target)")
PY
