#!/usr/bin/env bash
# Overhead of the live monitor, a script rather than a test (timings on 2 cores are
# noisy): one-copy 64K x 1 thread measured by the monitor running in tmux (its cells
# recorded with `r`) against `--record` for the same cell, alternated ROUNDS times;
# prints the median throughput ratio (target >= 0.97) and the CPU the monitor's own
# threads used (UI loop and input reader; target: UI thread below 3% of one core).
#
#   bash scripts/monitor-overhead.sh          # 3 rounds, 5 s cells
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
command -v tmux >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux; }
cargo build --release --quiet
bin=$PWD/target/release/netio-tui
work=$(mktemp -d)
session=nio-overhead-$$
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT
cell=(--strategies one-copy --sizes 64K --threads 1 --duration 5s --warmup 1s --repeat 1)
# CPU time (ns) of thread $2 of process $1: schedstat's sum_exec_runtime. (utime and
# stime in /proc/.../stat are tick samples, which read near zero on these VMs.)
cpu_ns() { awk '{print $1}' "/proc/$1/task/$2/schedstat"; }

monitor_round() {
    rm -rf "$work/recordings"
    tmux new-session -d -s "$session" -x 120 -y 40 "cd $work && $bin ${cell[*]}"
    local pid=""
    for _ in $(seq 50); do pid=$(pgrep -f "^$bin ${cell[0]}" | head -1) && [ -n "$pid" ] && break; sleep 0.1; done
    tmux send-keys -t "$session" r
    local input_tid
    input_tid=$(grep -l '^nio-input$' /proc/"$pid"/task/*/comm | head -1 | cut -d/ -f5)
    local ui0 in0 t0
    ui0=$(cpu_ns "$pid" "$pid"); in0=$(cpu_ns "$pid" "$input_tid"); t0=$(date +%s.%N)
    # two finished cells (about 12 s)
    for _ in $(seq 300); do
        f=$(ls "$work"/recordings/*.csv 2>/dev/null | head -1 || true)
        [ -n "$f" ] && [ "$(wc -l < "$f")" -ge 3 ] && break
        sleep 0.1
    done
    local ui1 in1 t1
    ui1=$(cpu_ns "$pid" "$pid"); in1=$(cpu_ns "$pid" "$input_tid"); t1=$(date +%s.%N)
    tmux send-keys -t "$session" q
    sleep 1
    tmux kill-session -t "$session" 2>/dev/null || true
    python3 - "$f" "$ui0" "$ui1" "$in0" "$in1" "$t0" "$t1" <<'PY'
import csv, sys
f, ui0, ui1, in0, in1, t0, t1 = sys.argv[1:]
rows = list(csv.DictReader(open(f)))
gbps = sum(float(r["throughput_gbps"]) for r in rows) / len(rows)
wall = float(t1) - float(t0)
ui = (int(ui1) - int(ui0)) / 1e9 / wall * 100
inp = (int(in1) - int(in0)) / 1e9 / wall * 100
print(f"{gbps} {ui:.2f} {inp:.2f}")
PY
}

headless_round() {
    rm -f "$work/h.csv"
    "$bin" --record "$work/h.csv" "${cell[@]}" >/dev/null 2>&1
    "$bin" --record "$work/h.csv" "${cell[@]}" >/dev/null 2>&1
    python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(sum(float(x["throughput_gbps"]) for x in r)/len(r))' "$work/h.csv"
}

ratios=()
for round in $(seq 1 "$ROUNDS"); do
    read -r m ui inp < <(monitor_round)
    h=$(headless_round)
    r=$(python3 -c "print(f'{$m / $h:.3f}')")
    ratios+=("$r")
    printf 'round %d: monitor %.2f Gbps, --record %.2f Gbps, ratio %s; monitor UI thread %s%% of a core, input thread %s%%\n' \
        "$round" "$m" "$h" "$r" "$ui" "$inp"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
echo "median ratio monitor/--record: $median (target >= 0.97)"
