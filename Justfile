# netio-tui recipes (https://just.systems; `cargo install just` if you lack it).

# Open the tool (headless help until the live monitor lands).
run *ARGS:
    cargo run --release -- {{ARGS}}

# Record the default matrix (3 strategies x 6 sizes x 4 thread counts, about 8 min).
record:
    #!/usr/bin/env bash
    set -euo pipefail
    mkdir -p recordings
    stamp=$(date +%Y%m%d-%H%M%S)
    cargo run --release -- --record "recordings/loopback-$stamp.csv" --samples "recordings/loopback-$stamp-seconds.csv"

# The README's test command.
test:
    cargo test

# Formatting and lints, as CI checks them.
lint:
    cargo fmt --check
    cargo clippy --all-targets -- -D warnings

# one-copy 64K x1 against iperf3 -l 64K on loopback, alternated 3 times.
bench:
    bash scripts/bench-iperf3.sh
