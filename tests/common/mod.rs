//! Shared by the integration tests: how a test that cannot run here says so.
//!
//! Locally a test that lacks root, namespaces, tmux or matplotlib skips with its reason
//! printed. Under `NETIO_REQUIRE_ALL=1` (set by `.ci/run`) the same lack is a failure,
//! so CI can never be green having tested none of it. netem, which this kernel lacks,
//! is the one allowed skip: [`skip_allowed`].

#![allow(dead_code)]

pub mod two_hosts;

/// The rest of a command line that runs each cell once, briefly: one thread pair,
/// one round of `duration` without warm-up.
pub fn one_brief_round(duration: &str) -> [&str; 8] {
    [
        "--threads",
        "1",
        "--duration",
        duration,
        "--repeat",
        "1",
        "--warmup",
        "0s",
    ]
}

/// Rows as JSON Lines on stdout (`--record - --format jsonl`).
pub const JSONL_TO_STDOUT: [&str; 4] = ["--record", "-", "--format", "jsonl"];

/// True when every capability is required (CI).
pub fn require_all() -> bool {
    std::env::var("NETIO_REQUIRE_ALL").is_ok_and(|v| v == "1")
}

/// Skips with `reason`, or fails under `NETIO_REQUIRE_ALL=1`.
pub fn skip(reason: &str) {
    assert!(
        !require_all(),
        "NETIO_REQUIRE_ALL=1 and this test cannot run: {reason}"
    );
    eprintln!("skipped: {reason}");
}

/// The signals that stop a run, and the exit status each must give (128 + its number).
pub const STOP_SIGNALS: [(i32, i32); 4] = [
    (libc::SIGTERM, 143),
    (libc::SIGINT, 130),
    (libc::SIGHUP, 129),
    (libc::SIGQUIT, 131),
];

/// A skip that stays a skip even in CI (netem: not built into this kernel).
pub fn skip_allowed(reason: &str) {
    eprintln!("skipped (allowed in CI): {reason}");
}
