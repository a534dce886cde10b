#!/usr/bin/env bash
# Benchmark, not a test: netio-tui's latency workloads against sockperf on loopback, and
# against each other. Run it alone on the machine.
#
# 1. rr against sockperf ping-pong: one-copy, 1 pair, depth 1, at each size (64 B, 4K,
#    63K: sockperf's largest is 65507 bytes), alternated
#    ROUNDS times in one run, both placed the same way (client/sender on CPU 0,
#    server/receiver on CPU 1: taskset for sockperf, --pin split for netio-tui), both
#    with TCP_NODELAY and the same congestion control. sockperf's server echoes the
#    whole message, so netio-tui runs twice per round: with --response-size = the size
#    (the same bytes both ways: the comparison) and with its default 32-byte reply.
#    Target: netio-tui's p50 RTT (echo) within 1.2x of sockperf's.
# 2. rate at 50 % of saturation (`rate max`) against rr's one-way estimate (RTT / 2) of
#    the same size (32-byte reply), from one netio-tui run of rr and rate at 50 % (with
#    its rate max reference) with ROUNDS interleaved repeats, and the pacing error.
#    Target: rate p50 within 1.5x of RTT/2.
# 3. Identical rr runs (--workload rr --repeat ROUNDS): the CV of p50 RTT over the
#    repeats. Target: <= 5 %.
# Prints per-round figures, then medians, ranges and the ratios.
#
#   bash scripts/bench-latency.sh
#   ROUNDS=7 SECONDS_EACH=3 SIZES="64 4K 63K" bash scripts/bench-latency.sh
#   PARTS="2 3" bash scripts/bench-latency.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
SECONDS_EACH=${SECONDS_EACH:-2}
# sockperf refuses messages over 65507 bytes: 63K is the largest size both take.
SIZES=${SIZES:-"64 4K 63K"}
CC=${CC:-cubic}
PORT=${PORT:-11311}
# Which parts to run: PARTS="2 3" skips the comparison with sockperf.
PARTS=${PARTS:-"1 2 3"}
want() { [[ " $PARTS " == *" $1 "* ]]; }

source scripts/lib.sh  # (the cd above put us at the root)
need_tool sockperf
build_and_scratch

# sockperf's sizes are plain bytes.
bytes() {
    python3 -c 'import sys; s=sys.argv[1].upper(); m={"K":1024,"M":1<<20}.get(s[-1:],1); print(int(s.rstrip("KM"))*m)' "$1"
}

taskset -c 1 sockperf sr --tcp -i 127.0.0.1 -p "$PORT" >/dev/null 2>&1 &
server=$!
sleep 0.5

# p50 round trip of sockperf ping-pong, µs.
sockperf_p50() {
    taskset -c 0 sockperf pp --tcp -i 127.0.0.1 -p "$PORT" -m "$(bytes "$1")" \
        -t "$SECONDS_EACH" --full-rtt >"$work/sp.txt" 2>&1
    awk '/percentile 50.000/ {print $NF}' "$work/sp.txt"
}

# p50 round trip of netio-tui rr (one-copy, 1 pair, depth 1), µs.
netio_rr_p50() {
    local size=$1 reply=$2
    rm -f "$work/n.csv"
    "$bin" --record "$work/n.csv" --strategies one-copy --workload rr --sizes "$size" \
        --response-size "$reply" --threads 1 --duration "${SECONDS_EACH}s" --warmup 500ms \
        --repeat 1 --cc "$CC" --pin split >/dev/null 2>&1
    python3 -c 'import csv,sys; print(next(csv.DictReader(open(sys.argv[1])))["rtt_p50_us"])' "$work/n.csv"
}

if want 1; then
echo "== 1. rr vs sockperf ping-pong: $ROUNDS alternated rounds of ${SECONDS_EACH}s, cc $CC, $(nproc) CPUs, kernel $(uname -r)"
results="$work/rr.tsv"
for round in $(seq 1 "$ROUNDS"); do
    for size in $SIZES; do
        sp=$(sockperf_p50 "$size")
        echo_rtt=$(netio_rr_p50 "$size" "$(bytes "$size")")
        short=$(netio_rr_p50 "$size" 32)
        printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$size" "$sp" "$echo_rtt" "$short" | tee -a "$results"
    done
done
python3 - "$results" <<'EOF'
import statistics as st, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
print("size   sockperf p50 µs (range)   netio rr echo p50 (range)   netio rr 32 B p50   echo/sockperf median (range)")
for size in dict.fromkeys(r[1] for r in rows):
    rs = [r for r in rows if r[1] == size]
    sp = [float(r[2]) for r in rs]; ec = [float(r[3]) for r in rs]; sh = [float(r[4]) for r in rs]
    ratio = [e / s for e, s in zip(ec, sp)]
    print(f"{size:>5}  {st.median(sp):8.1f} ({min(sp):.1f}-{max(sp):.1f})    {st.median(ec):8.1f} ({min(ec):.1f}-{max(ec):.1f})    {st.median(sh):8.1f}           {st.median(ratio):.2f}x ({min(ratio):.2f}-{max(ratio):.2f})")
EOF

fi

if want 2; then
echo
echo "== 2. rate at 50% of saturation vs rr one-way (RTT/2), $ROUNDS interleaved repeats"
for size in $SIZES; do
    rm -f "$work/w.csv"
    "$bin" --record "$work/w.csv" --strategies one-copy --workload rr,rate --rate 50% \
        --sizes "$size" --threads 1 --duration "${SECONDS_EACH}s" --warmup 500ms \
        --repeat "$ROUNDS" --cc "$CC" --pin split >/dev/null 2>&1
    python3 - "$work/w.csv" "$size" <<'EOF'
import csv, statistics as st, sys
rows = list(csv.DictReader(open(sys.argv[1])))
rr = [float(r["rtt_p50_us"]) for r in rows if r["workload"] == "rr" and r["rtt_p50_us"]]
paced = [r for r in rows if r["workload"] == "rate" and r["rate"] == "50%"]
rate = [float(r["lat_p50_us"]) for r in paced if r["lat_p50_us"]]
sat = sum(r["saturated"] == "yes" for r in paced)
err50 = [float(r["pace_err_p50_us"]) for r in paced if r["pace_err_p50_us"]]
err99 = [float(r["pace_err_p99_us"]) for r in paced if r["pace_err_p99_us"]]
half = st.median(rr) / 2
print(f"{sys.argv[2]:>5}: rate 50% p50 {st.median(rate):.1f} µs (repeats {', '.join(f'{x:.1f}' for x in rate)}; {sat} saturated)"
      f" = {st.median(rate) / half:.2f}x RTT/2 ({half:.1f} µs; rr p50 repeats {', '.join(f'{x:.1f}' for x in rr)})")
print(f"       pacing error p50 {st.median(err50):.2f} µs, p99 median {st.median(err99):.1f} µs (range {min(err99):.1f}-{max(err99):.1f})")
EOF
done

fi

if want 3; then
echo
echo "== 3. identical rr runs: --repeat $ROUNDS, the CV of p50 RTT over the repeats"
for size in $SIZES; do
    rm -f "$work/r.csv"
    "$bin" --record "$work/r.csv" --strategies one-copy --workload rr --sizes "$size" \
        --threads 1 --duration "${SECONDS_EACH}s" --warmup 500ms --repeat "$ROUNDS" \
        --cc "$CC" --pin split >/dev/null 2>&1
    python3 - "$work/r.csv" "$size" <<'EOF'
import csv, statistics as st, sys
rr = [float(r["rtt_p50_us"]) for r in csv.DictReader(open(sys.argv[1])) if r["rtt_p50_us"]]
cv = st.stdev(rr) / st.mean(rr) * 100
print(f"{sys.argv[2]:>5}: rr p50 RTT median {st.median(rr):.1f} µs, repeats {', '.join(f'{x:.1f}' for x in rr)}: CV {cv:.1f} %")
EOF
done
fi
