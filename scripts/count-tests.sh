#!/usr/bin/env bash
# Every test that compares two counts, N times in a row (default 50), each a fresh
# process; prints the failures per test (0 is the target) and keeps the output of any
# failure in $OUT. Root (the copy meter and the namespaces need it). Takes ~40 minutes
# at N=50: run it alone on the machine, not in CI.
set -uo pipefail
cd "$(dirname "$0")/.."
N=${N:-50}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
TESTS=(
    "copy_meter_cells each_strategy_copies_where_the_kernel_says"
    "copy_meter each_send_path_is_counted_where_the_kernel_took_it"
    "copy_meter the_engine_counts_each_workers_copies_exactly"
    "copy_meter receive_copies_are_counted_exactly_for_registered_sockets_only"
    "engine_loopback every_strategy_delivers_exact_intact_counts"
    "engine_loopback zero_copy_completions_match_sends_and_loopback_is_copied"
    "engine_loopback receiver_byte_count_equals_kernel_tcp_info"
    "perf_counters software_counters_of_a_busy_cell_are_above_zero_on_both_sides"
    "strategies unsafe_reuse_is_caught_by_the_receiver_and_labelled"
    "end_of_cell completions_that_cannot_arrive_are_counted_flagged_and_harmless"
    "kernel_held_memory safe_splice_and_sendfile_frames_survive_the_sender_with_malloc_on_the_heap"
)
cargo test --no-run -q 2>/dev/null
for t in "${TESTS[@]}"; do
    set -- $t
    bin=$(ls -t target/debug/deps/"$1"-* 2>/dev/null | grep -v '\.d$' | head -1)
    fails=0
    for i in $(seq 1 "$N"); do
        if ! NETIO_REQUIRE_ALL=1 "$bin" --exact "$2" >"$OUT/$1.$2.$i.log" 2>&1; then
            fails=$((fails + 1))
        else
            rm -f "$OUT/$1.$2.$i.log"
        fi
    done
    echo "$1::$2: $fails of $N failed"
done
echo "logs of failures in $OUT"
