#!/usr/bin/env bash
# Benchmark, not a test: netio-tui's one-copy strategy at 64 KiB with 1 thread pair
# against `iperf3 -l 64K` on loopback, alternated ROUNDS times in one run so both see
# the same machine state; prints each pair and the median ratio (target: >= 0.95).
#
#   bash scripts/bench-iperf3.sh            # 3 rounds of 5 s each
#   ROUNDS=5 SECONDS_EACH=10 bash scripts/bench-iperf3.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SECONDS_EACH=${SECONDS_EACH:-5}
PORT=${PORT:-5299}

if ! command -v iperf3 >/dev/null; then
    echo "installing iperf3 with apt-get" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iperf3
fi
cargo build --release --quiet
bin=target/release/netio-tui
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

iperf_gbps() {
    iperf3 -s -1 -p "$PORT" >/dev/null 2>&1 &
    local server=$!
    sleep 0.3
    # -O 1: leave out the first second, as netio-tui's 1 s warm-up does.
    iperf3 -c 127.0.0.1 -p "$PORT" -l 64K -t "$SECONDS_EACH" -O 1 -J >"$work/iperf.json"
    wait "$server" || true
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]/1e9)' "$work/iperf.json"
}

netio_gbps() {
    rm -f "$work/n.csv"
    "$bin" --record "$work/n.csv" --strategies one-copy --sizes 64K --threads 1 \
        --duration "${SECONDS_EACH}s" --warmup 1s >/dev/null 2>&1
    python3 -c 'import csv,sys; print(next(csv.DictReader(open(sys.argv[1])))["throughput_gbps"])' "$work/n.csv"
}

ratios=()
for round in $(seq 1 "$ROUNDS"); do
    i=$(iperf_gbps)
    n=$(netio_gbps)
    r=$(python3 -c "print(f'{$n / $i:.3f}')")
    ratios+=("$r")
    printf 'round %d: iperf3 %.2f Gbps, netio-tui one-copy %.2f Gbps, ratio %s\n' "$round" "$i" "$n" "$r"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
verdict=$(python3 -c "print('meets' if $median >= 0.95 else 'BELOW')")
echo "median ratio netio-tui/iperf3: $median ($verdict the 0.95 target)"
