#!/usr/bin/env bash
# The far half's memory check against what it really used: for each cell, a fresh
# `serve` on loopback runs the cell; the check's figure (the server
# logs "its buffers here take N B") is set beside the peak resident set during the
# cell (VmHWM, reset before it through /proc/PID/clear_refs) less the resident set
# before it. Run alone on the machine.
#   BIN=target/release/netio-tui bash scripts/serve-memory.sh
set -euo pipefail
BIN=${BIN:-target/release/netio-tui}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
"$BIN" keygen "$DIR/k" 2>/dev/null
PORT=5399
kib() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$2/status"; }
printf '%-44s %12s %12s %8s\n' cell "check MiB" "used MiB" ratio
while read -r label args; do
  [ -z "$label" ] && continue
  "$BIN" serve --listen 127.0.0.1:$PORT --key-file "$DIR/k" 2>"$DIR/log" &
  pid=$!
  for _ in $(seq 100); do grep -q listening "$DIR/log" && break; sleep 0.1; done
  # The peak so far is the server's start (the copy meter parses the kernel's BTF):
  # reset it, so VmHWM is this cell's. (No warm-up cell: memory it freed would stay
  # resident in the heap and be reused, hiding the cell's own.)
  echo 5 > "/proc/$pid/clear_refs"
  base=$(kib VmRSS $pid)
  # shellcheck disable=SC2086
  "$BIN" --remote 127.0.0.1:$PORT --key-file "$DIR/k" --strategies one-copy \
    --duration 1s --warmup 0s --repeat 1 --record "$DIR/$label.csv" $args >/dev/null 2>&1 || true
  hwm=$(kib VmHWM $pid)
  need=$(grep -o 'take [0-9]* B' "$DIR/log" | head -1 | awk '{print $2}' || true)
  kill $pid; wait $pid 2>/dev/null || true
  # A cell the server never checked (refused before, or failed) has no figure: n/a.
  awk -v l="$label" -v n="$need" -v h="$hwm" -v b="$base" 'BEGIN {
    used = (h - b) * 1024
    if (n == "") { printf "%-44s %12s %12.1f %8s\n", l, "n/a", used / 1048576, "n/a"; exit }
    printf "%-44s %12.1f %12.1f %8.2f\n", l, n / 1048576, used / 1048576, used / n }'
done <<'CASES'
stream-64K-x1 --sizes 64K --threads 1
stream-1M-x1 --sizes 1M --threads 1
stream-1M-x8 --sizes 1M --threads 8
stream-16M-x4 --sizes 16M --threads 4
stream-1M-x16 --sizes 1M --threads 16
rr-64K-d1-x1 --workload rr --sizes 64K --threads 1 --depth 1 --response-size 64K
rr-1K-d64-1M-x4 --workload rr --sizes 1K --threads 4 --depth 64 --response-size 1M
rr-1K-d256-1M-x2 --workload rr --sizes 1K --threads 2 --depth 256 --response-size 1M
rate-1M-x2 --workload rate --rate 1Gbit --sizes 1M --threads 2
rate-16M-x1 --workload rate --rate 1Gbit --sizes 16M --threads 1
rate-1M-x16 --workload rate --rate 4Gbit --sizes 1M --threads 16
rr-4K-d16-256K-x8 --workload rr --sizes 4K --threads 8 --depth 16 --response-size 256K
CASES
