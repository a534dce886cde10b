//! The real binary, headless: bad input, a recording, appending, and the stop signals.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use netio_data::record::read_rows;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_netio-tui"))
}

#[test]
fn each_bad_input_exits_2_with_one_line_naming_the_option() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("r.csv");
    let out = out.to_str().expect("utf-8 path");
    let cases: &[(&[&str], &str)] = &[
        (&["--sizes", "0"], "--sizes"),
        (&["--sizes", "65M"], "--sizes"),
        (&["--sizes", "12Q"], "--sizes"),
        (&["--threads", "0"], "--threads"),
        (&["--threads", "65"], "--threads"),
        (&["--strategies", "three-copy"], "--strategies"),
        (&["--duration", "soon"], "--duration"),
        (&["--warmup", "-1s"], "--warmup"),
        (&["--threads", "-2"], "--threads"),
        (&["--sizes", "-4K"], "--sizes"),
        (&["--workload", "ping"], "--workload"),
        (&["--workload", "rate", "--rate", "0%"], "--rate"),
        (&["--workload", "rate", "--rate", "fast"], "--rate"),
        (&["--workload", "rate", "--rate", "50"], "did you mean 50%?"),
        (
            &["--workload", "rate", "--rate", "100bit", "--sizes", "64K"],
            "--rate 100bit/s: below one 64K message",
        ),
        (&["--rate", "50%"], "--rate"),
        (&["--depth", "4"], "--depth"),
        (&["--workload", "rr", "--depth", "0"], "--depth"),
        (&["--workload", "rr", "--depth", "5000"], "--depth"),
        (&["--response-size", "64"], "--response-size"),
        (
            &["--workload", "rr", "--response-size", "0"],
            "--response-size",
        ),
        (&["--rx", "mmap"], "--rx"),
        (&["--uring-depth", "0"], "--uring-depth"),
        (&["--uring-depth", "65"], "--uring-depth"),
        (&["--unsafe-reuse"], "--unsafe-reuse"),
        (
            &["--strategies", "sendfile,one-copy", "--unsafe-reuse"],
            "--unsafe-reuse",
        ),
    ];
    for (args, option) in cases {
        let o = bin()
            .arg("--record")
            .arg(out)
            .args(*args)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(option), "{args:?} should name {option}: {err}");
        assert!(
            !Path::new(out).exists(),
            "{args:?}: output created before input was checked"
        );
    }
    let o = bin()
        .args(["--record", "/nonexistent-dir/r.csv"])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("error: --record /nonexistent-dir/r.csv"),
        "{err}"
    );
}

#[test]
fn record_writes_a_row_per_cell_and_samples_per_second() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cells = dir.path().join("r.csv");
    let samples = dir.path().join("s.csv");
    let table = dir.path().join("table.txt");
    let o = bin()
        .arg("--record")
        .arg(&cells)
        .arg("--samples")
        .arg(&samples)
        .arg("--summary")
        .arg(&table)
        .args([
            "--sizes",
            "4K",
            "--threads",
            "1",
            "--duration",
            "1s",
            "--repeat",
            "2",
            "--warmup",
            "0s",
            "--verify",
        ])
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    // The machine line, then each point's leader and ratios, in 80 columns; the wide
    // table in --summary's file.
    assert!(stdout.starts_with("netio-tui run "), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.starts_with("4K ×1 stream: ")),
        "the point's answer: {stdout}"
    );
    assert!(
        stdout.lines().all(|l| l.chars().count() <= 80),
        "fits 80 columns: {stdout}"
    );
    let wide = std::fs::read_to_string(&table).expect("--summary wrote the table");
    assert!(
        wide.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("strategy")),
        "{wide}"
    );
    let rows = read_rows(&cells).expect("cells file reads back");
    assert_eq!(rows.len(), 6, "3 cells x 2 repeats");
    let repeats: Vec<Option<u32>> = rows.iter().map(|r| r.repeat).collect();
    assert_eq!(
        repeats,
        [Some(1), Some(1), Some(1), Some(2), Some(2), Some(2)],
        "round robin"
    );
    for r in &rows {
        assert!(r.throughput_gbps.value().is_some_and(|g| g > 0.0), "{r:?}");
        assert_eq!(r.integrity_errors, 0);
        assert_eq!(r.net_mode, "loopback");
        assert!(r.second.is_none());
        // Not measured yet by this version: absent, never 0.
        assert_eq!(r.tx_cycles.value(), None);
        let is_zc = r.strategy == "zero-copy";
        assert_eq!(r.zc_sends.is_measured(), is_zc);
        // The socket choices and placement are recorded in every row.
        assert!(r.cc.as_deref().is_some_and(|c| !c.is_empty()), "{r:?}");
        assert_eq!(r.nodelay, Some(true));
        assert_eq!(r.coalesce, Some(!is_zc));
        assert_eq!(r.rcvlowat_bytes, Some(4096));
        assert!(r.tx_cpus.is_some() && r.rx_cpus.is_some(), "{r:?}");
        assert!(r.host_memcpy_gbps.value().is_some_and(|g| g > 0.0));
        assert_eq!(r.seconds_n.value(), Some(1));
        if is_zc {
            assert_eq!(r.zc_completions, r.zc_sends);
            assert_eq!(r.zc_lost.value(), Some(0));
        }
    }
    let text = std::fs::read_to_string(&cells).expect("read");
    let header = text.lines().next().expect("header");
    assert!(header.contains(",tx_cycles,"));
    // The empty perf-counter cells are really empty.
    assert!(text.lines().nth(1).expect("row").contains(",,,,"));
    let seconds = read_rows(&samples).expect("samples file reads back");
    assert_eq!(seconds.len(), 6, "one 1 s sample per cell repeat");
    assert!(
        seconds
            .iter()
            .all(|s| s.second == Some(1) && s.phase.as_deref() == Some("measure"))
    );
}

#[test]
fn existing_recording_is_appended_to_never_overwritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cells = dir.path().join("r.csv");
    let run = || {
        bin()
            .arg("--record")
            .arg(&cells)
            .args(["--strategies", "a2", "--sizes", "1K"])
            .args(common::one_brief_round("200ms"))
            .output()
            .expect("runs")
    };
    assert!(run().status.success());
    assert!(run().status.success());
    assert_eq!(read_rows(&cells).expect("reads").len(), 2);

    let foreign = dir.path().join("other.csv");
    std::fs::write(&foreign, "a,b,c\n1,2,3\n").expect("write");
    let o = bin().arg("--record").arg(&foreign).output().expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&foreign).expect("read"),
        "a,b,c\n1,2,3\n"
    );
}

#[test]
fn every_stop_signal_keeps_finished_rows_and_exits_128_plus_its_number() {
    for (sig, status) in common::STOP_SIGNALS {
        let dir = tempfile::tempdir().expect("temp dir");
        let cells = dir.path().join("r.csv");
        let mut child = bin()
            .arg("--record")
            .arg(&cells)
            .args(["--sizes", "4K,16K", "--threads", "1", "--duration", "1s"])
            .args(["--repeat", "1", "--warmup", "0s"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starts");
        // Wait for the first finished row, then stop the run in the middle of a cell.
        let deadline = Instant::now() + Duration::from_secs(20);
        while read_rows(&cells).map(|r| r.len()).unwrap_or(0) < 1 {
            assert!(Instant::now() < deadline, "no row within 20 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(300));
        // SAFETY: signalling our own child process.
        unsafe { libc::kill(child.id() as i32, sig) };
        let exit = child.wait().expect("waits");
        assert_eq!(exit.code(), Some(status), "signal {sig}");
        let rows = read_rows(&cells).expect("file is whole");
        assert!((1..6).contains(&rows.len()), "{} rows", rows.len());
        assert!(
            rows.iter()
                .all(|r| r.throughput_gbps.value().is_some_and(|g| g > 0.0))
        );
        let text = std::fs::read(&cells).expect("read");
        assert_eq!(text.last(), Some(&b'\n'), "no half row after signal {sig}");
    }
}

#[test]
fn the_monitor_without_a_terminal_says_so_and_points_to_record() {
    let o = bin().output().expect("runs");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("terminal") && err.contains("--record"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

/// `--record - --format jsonl` streams one JSON object per finished cell to stdout,
/// ready for jq; progress and the answers stay on stderr.
#[test]
fn record_to_stdout_pipes_json_lines_into_a_parser() {
    let o = bin()
        .args(common::JSONL_TO_STDOUT)
        .args(["--strategies", "a1,a2"])
        .args(["--sizes", "4K"])
        .args(common::one_brief_round("200ms"))
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8(o.stdout).expect("utf-8");
    let rows: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(rows.len(), 2, "a row per cell: {stdout}");
    assert!(
        rows.iter()
            .all(|r| r["throughput_gbps"].as_f64().is_some_and(|g| g > 0.0))
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("4K ×1 stream: "),
        "the answers on stderr: {stderr}"
    );
}
