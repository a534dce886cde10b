#!/usr/bin/env bash
# Does it matter which end of a connection sends? One-copy at SIZE (default 4096) x
# THREADS (default 2), MSG_MORE unless COALESCE=0,
# the connecting end sending against the accepted end sending (what --remote --reverse
# does), ROUNDS (default 5) alternated rounds over loopback and two namespaces; medians,
# spread and the ratio. Root; run it alone on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --example accepted_ends
exec target/release/examples/accepted_ends
