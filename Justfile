# netio-tui recipes (https://just.systems; `cargo install just` if you lack it).

# Open the live monitor (or pass options: `just run --record r.csv`).
run *ARGS:
    cargo run --release -- {{ARGS}}

# Put netio-tui on the PATH (~/.cargo/bin), with its bash completion and manual page.
install:
    cargo install --path .
    mkdir -p ~/.local/share/bash-completion/completions ~/.local/share/man/man1
    ~/.cargo/bin/netio-tui completions bash > ~/.local/share/bash-completion/completions/netio-tui
    ~/.cargo/bin/netio-tui man > ~/.local/share/man/man1/netio-tui.1

# Let the installed binary measure without sudo: the copy meter (CAP_BPF, CAP_PERFMON)
# and zero-copy pools beyond RLIMIT_MEMLOCK (CAP_IPC_LOCK). --netns still needs sudo.
install-caps: install
    sudo setcap cap_bpf,cap_perfmon,cap_ipc_lock+ep ~/.cargo/bin/netio-tui

# Record the default matrix (3 strategies x 6 sizes x 4 thread counts, rounds until decided: 3 to 10, ~3 min each).
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
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings

# Every strategy against iperf3 (-l, -N, -Z) at 4K..1M, 5 alternated rounds, with the
# system's congestion control and then with cubic. Run it alone on the machine.
bench:
    bash scripts/bench-peers.sh
    CC=cubic bash scripts/bench-peers.sh

# The same for one congestion control: `just bench-cc bbr`.
bench-cc CC:
    CC={{CC}} bash scripts/bench-peers.sh

# The monitor in tmux for 30 minutes, RSS and fds each minute (MINUTES=5 for less).
soak:
    bash scripts/soak.sh

# Latency: rr against sockperf ping-pong (64 B, 4K, 63K; 5 alternated rounds), rate at
# 50 % against rr's RTT/2, and rr's p50 CV over 5 repeats. Run it alone on the machine.
bench-latency:
    bash scripts/bench-latency.sh

# What the copy meter costs: the same cell with and without it, alternated (root).
bench-meter:
    bash scripts/bench-meter.sh

# One matrix over --netns, --remote and --remote --reverse (serve in its own process
# and namespace), side by side. Root; run it alone on the machine.
remote-vs-netns:
    bash scripts/remote-vs-netns.sh
