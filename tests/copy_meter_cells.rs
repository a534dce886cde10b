//! The copy meter through the real binary: every strategy in a short recorded cell
//! has its copies where the kernel made them (two-copy 2 per byte on the sender, one
//! copy for one-copy and uring, 0 copied and all pinned then copied late at delivery
//! for zero-copy and uring-zc over loopback, 0 copied but the 32-byte headers for
//! sendfile and splice); and a run without the privileges has the columns empty and
//! succeeds. Needs root (strict CI runs it).

mod common;

use std::collections::HashMap;
use std::process::Command;

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

const BIN: &str = env!("CARGO_BIN_EXE_netio-tui");

/// Runs one recording of `strategies` at 64K x 1, as `user` (None: as we are), and
/// returns its rows by strategy.
fn record(
    strategies: &str,
    setpriv: Option<&str>,
    meter: bool,
) -> HashMap<String, HashMap<String, String>> {
    let dir = tempfile::tempdir().expect("tempdir");
    // The unprivileged user must be able to write the recording.
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .expect("chmod");
    let csv = dir.path().join("m.csv");
    let mut args: Vec<String> = [
        "--record",
        csv.to_str().expect("utf-8 path"),
        "--strategies",
        strategies,
        "--sizes",
        "64K",
        "--threads",
        "1",
        "--duration",
        "600ms",
        "--warmup",
        "200ms",
        "--repeat",
        "1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if !meter {
        args.push("--no-copy-meter".into());
    }
    let out = match setpriv {
        Some(uid) => Command::new("setpriv")
            .args(["--reuid", uid, "--regid", uid, "--clear-groups", BIN])
            .args(&args)
            .output(),
        None => Command::new(BIN).args(&args).output(),
    }
    .expect("run the binary");
    assert!(
        out.status.success(),
        "{strategies}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rows = HashMap::new();
    let mut reader = csv::Reader::from_path(&csv).expect("the recording");
    for r in reader.deserialize::<HashMap<String, String>>() {
        let r = r.expect("a row");
        rows.insert(r["strategy"].clone(), r);
    }
    rows
}

/// A column as a measured count; panics naming it when it is empty.
fn count(row: &HashMap<String, String>, column: &str) -> u64 {
    row[column].parse().unwrap_or_else(|_| {
        panic!(
            "{}: {column} is {:?}, not a count",
            row["strategy"], row[column]
        )
    })
}

/// The most the late copy of a window can differ from its pinned bytes: what can be
/// in flight at the window's two edges (the send and receive buffers' ceilings).
fn in_flight_bound() -> u64 {
    let max = |path: &str| -> u64 {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|s| s.split_whitespace().last()?.parse().ok())
            .unwrap_or(16 << 20)
    };
    2 * (max("/proc/sys/net/ipv4/tcp_wmem") + max("/proc/sys/net/ipv4/tcp_rmem"))
}

#[test]
fn each_strategy_copies_where_the_kernel_says() {
    if !is_root() {
        common::skip("the copy meter needs CAP_BPF and CAP_PERFMON (run as root)");
        return;
    }
    let rows = record("all", None, true);
    let message = 64u64 << 10;
    for (strategy, row) in &rows {
        let c = |k: &str| count(row, k);
        let (user, copied, pinned, spliced) = (
            c("user_copied_bytes"),
            c("tx_copied_bytes"),
            c("tx_zerocopy_bytes"),
            c("tx_spliced_bytes"),
        );
        let (late, received) = (c("late_copied_bytes"), c("rx_copied_bytes"));
        assert!(received > 0, "{strategy}: the receiver copied what arrived");
        match strategy.as_str() {
            // 1 user copy + 1 kernel copy per byte. The sender's record and its meter
            // slot are read together at each edge of the window, where the kernel's
            // count can be ahead by the one message in progress (it counts a call when
            // it returns; the sender publishes after the whole message): so the two
            // differ by at most one message over the window.
            "two-copy" => {
                assert!(copied > 0 && user.abs_diff(copied) <= message, "{row:?}");
                assert_eq!((pinned, spliced, late), (0, 0, 0), "{strategy}");
            }
            "one-copy" | "uring" => {
                assert!(copied > 0, "{strategy}");
                assert_eq!((user, pinned, spliced, late), (0, 0, 0, 0), "{strategy}");
            }
            // Nothing copied on the send path; over loopback every pinned byte is
            // copied late, at delivery.
            "zero-copy" | "uring-zc" => {
                assert!(pinned > 0, "{strategy}");
                assert_eq!((user, copied, spliced), (0, 0, 0), "{strategy}");
                assert!(
                    late.abs_diff(pinned) <= in_flight_bound(),
                    "{strategy}: late {late} against pinned {pinned}"
                );
            }
            // Page references; only the 32-byte header of each message is copied.
            "sendfile" | "splice" => {
                assert!(spliced > 0, "{strategy}");
                assert_eq!((user, pinned, late), (0, 0, 0), "{strategy}");
                assert!(copied <= spliced / 1000, "{strategy}: {copied} copied");
            }
            other => panic!("a strategy this test does not know: {other}"),
        }
    }
    assert_eq!(rows.len(), 7, "every strategy recorded: {:?}", rows.keys());
}

#[test]
fn without_privileges_or_turned_off_the_copy_columns_are_empty_and_the_run_succeeds() {
    if !is_root() {
        common::skip("dropping privileges to nobody needs root");
        return;
    }
    let unprivileged = record("one-copy", Some("65534"), true);
    let turned_off = record("one-copy", None, false);
    for row in [&unprivileged["one-copy"], &turned_off["one-copy"]] {
        empty_copy_columns(row);
    }
}

/// The meter's columns are empty (absent, never 0) and the rest is measured.
fn empty_copy_columns(row: &HashMap<String, String>) {
    for column in [
        "tx_copied_bytes",
        "tx_zerocopy_bytes",
        "tx_spliced_bytes",
        "late_copied_bytes",
        "rx_copied_bytes",
    ] {
        assert_eq!(row[column], "", "{column} without the meter");
    }
    // Everything else is measured as before.
    assert!(row["throughput_gbps"].parse::<f64>().is_ok_and(|g| g > 0.0));
    assert_eq!(
        row["user_copied_bytes"], "0",
        "the tool's own count needs no privilege"
    );
}
