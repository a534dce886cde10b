#!/usr/bin/env bash
# One matrix three ways on this machine: --netns (one process, two namespaces), and
# --remote / --remote --reverse (netio-tui serve as its own process in one namespace,
# the controller in the other, over the same kind of veth pair). Prints each run's
# `report` table and leaves the recordings in $OUT (default: a temporary folder).
# Needs root. Run it alone on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$(mktemp -d)}
MATRIX=(--strategies "${STRATEGIES:-two-copy,one-copy,zero-copy}" --sizes "${SIZES:-4K,64K}"
        --threads "${THREADS:-1,2}" --repeat "${REPEAT:-3}" --duration 2s --warmup 500ms --cc cubic)
cargo build --release -q
BIN=target/release/netio-tui
A=nio-rvn-$$-a B=nio-rvn-$$-b
cleanup() {
    [[ -n "${SERVER:-}" ]] && kill "$SERVER" 2>/dev/null || true
    ip netns del "$A" 2>/dev/null || true
    ip netns del "$B" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$A"; ip netns add "$B"
ip link add rvn$$a netns "$A" type veth peer name rvn$$b netns "$B"
ip -n "$A" addr add 198.18.0.1/30 dev rvn$$a; ip -n "$B" addr add 198.18.0.2/30 dev rvn$$b
for ns in "$A" "$B"; do ip -n "$ns" link set lo up; done
ip -n "$A" link set rvn$$a up; ip -n "$B" link set rvn$$b up
KEY="$OUT/netio.key"; head -c 32 /dev/urandom | base64 > "$KEY"; chmod 600 "$KEY"
ip netns exec "$B" "$BIN" serve --listen 198.18.0.2:5301 --key-file "$KEY" 2>"$OUT/serve.log" &
SERVER=$!
sleep 1
echo "== --netns"
"$BIN" --netns --record "$OUT/netns.csv" "${MATRIX[@]}" >/dev/null
echo "== --remote"
ip netns exec "$A" "$BIN" --remote 198.18.0.2 --key-file "$KEY" --record "$OUT/remote.csv" "${MATRIX[@]}" >/dev/null
echo "== --remote --reverse"
ip netns exec "$A" "$BIN" --remote 198.18.0.2 --key-file "$KEY" --reverse --record "$OUT/reverse.csv" "${MATRIX[@]}" >/dev/null
python3 - "$OUT" <<'PY'
import csv, statistics, sys
out = sys.argv[1]
runs = {name: list(csv.DictReader(open(f"{out}/{name}.csv"))) for name in ("netns", "remote", "reverse")}
def med(rows, col):
    vals = [float(r[col]) for r in rows if r.get(col)]
    return (statistics.median(vals), min(vals), max(vals)) if vals else None
cells = sorted({(r["strategy"], int(r["size_bytes"]), int(r["threads"])) for r in runs["netns"]},
               key=lambda c: (c[1], c[2], c[0]))
print("| cell | netns Gbps | remote Gbps | remote --reverse Gbps | tx ns/B netns / remote | rx ns/B netns / remote | errors |")
print("|---|---|---|---|---|---|---|")
for s, size, t in cells:
    pick = lambda rows: [r for r in rows if (r["strategy"], int(r["size_bytes"]), int(r["threads"])) == (s, size, t)]
    def g(name, col="throughput_gbps"):
        m = med(pick(runs[name]), col)
        return "–" if m is None else f"{m[0]:.2f} [{m[1]:.2f}–{m[2]:.2f}]"
    def c(name, col):
        m = med(pick(runs[name]), col)
        return "–" if m is None else f"{m[0]:.3f}"
    errs = sum(int(r["integrity_errors"]) for n in runs for r in pick(runs[n]))
    print(f"| {s} {size // 1024}K × {t} | {g('netns')} | {g('remote')} | {g('reverse')} | "
          f"{c('netns','tx_cpu_ns_per_byte')} / {c('remote','tx_cpu_ns_per_byte')} | "
          f"{c('netns','rx_cpu_ns_per_byte')} / {c('remote','rx_cpu_ns_per_byte')} | {errs} |")
PY
echo "recordings in $OUT"
