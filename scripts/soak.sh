#!/usr/bin/env bash
# Soak: the monitor in tmux for MINUTES (default 30), cycling the matrix (compare,
# sweep, compare, ...), printing its resident memory, open file descriptors and
# threads once a minute, then the growth. Not a test: run it alone, read the figures.
#
#   bash scripts/soak.sh            # 30 minutes
#   MINUTES=5 bash scripts/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${MINUTES:-30}
command -v tmux >/dev/null || { echo "soak needs tmux (apt-get install tmux)"; exit 2; }
cargo build --release -q
session=nio-soak-$$
tmux kill-session -t "$session" 2>/dev/null || true
tmux new-session -d -s "$session" -x 120 -y 40 \
    "target/release/netio-tui --sizes 1K,16K,256K --threads 1,2 --duration 1s --warmup 200ms"
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT
pid=""
for _ in $(seq 50); do
    pid=$(pgrep -n -f "target/release/netio-tui --sizes 1K,16K,256K" || true)
    [ -n "$pid" ] && break
    sleep 0.1
done
[ -n "$pid" ] || { echo "the monitor did not start"; exit 1; }
printf "%6s %10s %6s %8s\n" minute rss_kib fds threads
first_rss=""
for m in $(seq 0 "$minutes"); do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
    fds=$(ls "/proc/$pid/fd" | wc -l)
    threads=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")
    printf "%6d %10d %6d %8d\n" "$m" "$rss" "$fds" "$threads"
    first_rss=${first_rss:-$rss}
    first_fds=${first_fds:-$fds}
    # The first minute allocates what the engine and the first cells need once.
    [ "$m" -eq 1 ] && minute1_rss=$rss
    [ "$m" -eq $((minutes / 2)) ] && half_rss=$rss
    [ "$m" -eq "$minutes" ] && break
    # Alternate a sweep of the whole matrix and the comparison, a minute each.
    if [ $((m % 2)) -eq 0 ]; then tmux send-keys -t "$session" s; else tmux send-keys -t "$session" c; fi
    sleep 60
done
echo "RSS growth: $((rss - first_rss)) KiB from start, $((rss - ${minute1_rss:-$first_rss})) KiB after the first minute, $((rss - ${half_rss:-$first_rss})) KiB over the second half; fds $first_fds -> $fds"
tmux send-keys -t "$session" q
