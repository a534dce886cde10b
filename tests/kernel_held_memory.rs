//! Memory the kernel still references after a send returns never goes back to malloc.
//! The reproduction of a real corruption: splice's fields were heap memory, freed when
//! the sender ended while frames referencing their pages were still queued at the
//! receiver, and glibc wrote its free-chunk header into them (two arena pointers in
//! place of field 1's stamp). glibc serves these sizes from the heap only once its mmap
//! threshold has risen, so the test forces it there; each invocation is a fresh
//! process, as the bug needed.

use std::collections::HashMap;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_netio-tui");

/// Integrity errors of each (strategy, size) row of one fresh invocation.
fn invocation(strategies: &str) -> Vec<(String, String, u64)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("h.csv");
    let out = Command::new(BIN)
        .env("GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=33554432")
        .args(["--record"])
        .arg(&csv)
        .args(["--strategies", strategies, "--verify", "--sizes", "64K,1M"])
        .args(["--threads", "1", "--duration", "400ms", "--warmup", "0s"])
        .args(["--repeat", "1"])
        .output()
        .expect("run the binary");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut reader = csv::Reader::from_path(&csv).expect("the recording");
    reader
        .deserialize::<HashMap<String, String>>()
        .map(|r| {
            let r = r.expect("a row");
            let errors = r["integrity_errors"].parse().expect("a count");
            (r["strategy"].clone(), r["size_bytes"].clone(), errors)
        })
        .collect()
}

#[test]
fn safe_splice_and_sendfile_frames_survive_the_sender_with_malloc_on_the_heap() {
    let mut cells = 0;
    for _ in 0..4 {
        for (strategy, size, errors) in invocation("splice,sendfile") {
            assert_eq!(
                errors, 0,
                "{strategy} {size}: frames changed after the send"
            );
            cells += 1;
        }
    }
    assert_eq!(cells, 16);
}
