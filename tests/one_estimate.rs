//! One estimate per cell, in every consumer of a recording: a fixture whose last round
//! differs from its median in every cell, with rows of two workloads, two receive
//! strategies and two congestion controls at the same strategy, size and threads.
//! `report` (Markdown and JSON), `plot` (the points of the `--python` script) show the
//! medians and keep those rows apart; `replay` refuses a file of two setups. The
//! monitor's own replay is covered by `app::tests` (every round, not the last row).

use std::path::Path;
use std::process::{Command, Output};

use netio_core::figure::Figure;
use netio_core::row::Row;
use netio_data::record::RowWriter;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_netio-tui")
}

fn run(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .output()
        .expect("run netio-tui")
}

/// Five rounds of a cell: median `median`, the last round 3× it.
fn rounds(strategy: &str, median: f64, shape: impl Fn(&mut Row)) -> Vec<Row> {
    [0.9, 1.0, 1.1, 0.95, 3.0]
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let mut r = Row {
                run_id: "fixture".into(),
                net_mode: "loopback".into(),
                kernel: "6.18".into(),
                cpu_model: "test".into(),
                cc: Some("cubic".into()),
                strategy: strategy.into(),
                size_bytes: 65536,
                threads: 1,
                duration_s: 1.0,
                repeat: Some(i as u32 + 1),
                throughput_gbps: Figure::Measured(median * k),
                tx_cpu_ns_per_byte: Figure::Measured(median / 10.0 * k),
                workload: Some("stream".into()),
                rx_strategy: Some("copy".into()),
                ..Row::default()
            };
            shape(&mut r);
            r
        })
        .collect()
}

fn write(path: &Path, rows: &[Row]) {
    let mut w = RowWriter::open(path, &rows[0]).expect("open the fixture");
    for r in rows {
        w.write(r).expect("write a row");
    }
}

/// The fixture: stream/copy cells of two strategies, and at the same strategy, size
/// and threads an `rr` cell and a `--rx zerocopy` cell with other figures.
fn one_setup() -> Vec<Row> {
    let mut rows = rounds("two-copy", 10.0, |_| ());
    rows.extend(rounds("one-copy", 20.0, |_| ()));
    rows.extend(rounds("two-copy", 40.0, |r| {
        r.rx_strategy = Some("zerocopy".into());
    }));
    rows.extend(rounds("two-copy", 2.0, |r| {
        r.workload = Some("rr".into());
        r.depth = Some(1);
        r.response_size_bytes = Some(64);
        r.transactions_per_s = Figure::Measured(r.throughput_gbps.value().unwrap_or(0.0) * 1000.0);
    }));
    rows
}

fn medians(v: &serde_json::Value) -> Vec<(String, String, f64)> {
    let mut out: Vec<(String, String, f64)> = v["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .map(|c| {
            (
                c["strategy"].as_str().unwrap_or("").to_string(),
                c["workload"].as_str().unwrap_or("").to_string(),
                c["throughput_gbps"]["median"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect();
    out.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    out
}

#[test]
fn every_consumer_reads_each_cells_median_and_keeps_cells_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("fixture.csv");
    write(&file, &one_setup());
    let f = file.to_str().expect("utf-8 path");

    let json = run(&["report", f, "--format", "json"]);
    assert!(
        json.status.success(),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let got = medians(&v);
    assert_eq!(got.len(), 4, "four cells, none merged: {got:?}");
    let mut want = [10.0, 20.0, 40.0, 2.0];
    want.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let mut seen: Vec<f64> = got.iter().map(|(_, _, m)| *m).collect();
    seen.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    assert_eq!(seen, want, "medians, never the last round (3×)");

    let md = String::from_utf8(run(&["report", f]).stdout).expect("utf-8");
    assert!(md.contains("10.000") || md.contains("10.00"), "{md}");
    assert!(
        !md.contains("30.000"),
        "the last round of two-copy is not the figure"
    );

    // A chart needs two sizes: the same cells at 4K beside them.
    let mut with_4k = one_setup();
    with_4k.extend(rounds("two-copy", 1.0, |r| r.size_bytes = 4096));
    with_4k.extend(rounds("one-copy", 1.5, |r| r.size_bytes = 4096));
    let plotted = dir.path().join("plotted.csv");
    write(&plotted, &with_4k);
    let py = dir.path().join("charts.py");
    let out = run(&[
        "plot",
        plotted.to_str().expect("utf-8 path"),
        "--out-dir",
        dir.path().join("charts").to_str().expect("utf-8"),
        "--python",
        py.to_str().expect("utf-8"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let script = std::fs::read_to_string(&py).expect("script");
    // Throughput against size: two-copy's point is [65536, 10.0], one-copy's 20.0; the
    // rx-zerocopy and rr rows (40, 2) are other cells and never overwrite them.
    assert!(script.contains("[65536.0,10.0]"), "two-copy's median point");
    assert!(script.contains("[65536.0,20.0]"), "one-copy's median point");
    assert!(!script.contains("[65536.0,30.0]"), "no last-round point");
    assert!(
        !script.contains("[65536.0,40.0]"),
        "the rx-zerocopy cell stays apart"
    );
}

#[test]
fn a_file_of_two_setups_is_reported_and_plotted_apart_and_replay_refuses_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("two-setups.csv");
    let mut rows = rounds("two-copy", 10.0, |_| ());
    rows.extend(rounds("two-copy", 5.0, |r| r.cc = Some("bbr".into())));
    // Each setup at a second size too, so each has a chart to draw.
    rows.extend(rounds("two-copy", 1.0, |r| r.size_bytes = 4096));
    rows.extend(rounds("two-copy", 0.5, |r| {
        r.size_bytes = 4096;
        r.cc = Some("bbr".into());
    }));
    write(&file, &rows);
    let f = file.to_str().expect("utf-8 path");

    let v: serde_json::Value =
        serde_json::from_slice(&run(&["report", f, "--format", "json"]).stdout).expect("JSON");
    let got = medians(&v);
    assert_eq!(got.len(), 4, "two sizes in each of two setups: {got:?}");
    let md = String::from_utf8(run(&["report", f]).stdout).expect("utf-8");
    assert!(md.contains("Setup 1 of 2: cc=cubic"), "{md}");
    assert!(md.contains("Setup 2 of 2: cc=bbr"), "{md}");

    let charts = dir.path().join("charts");
    let out = run(&["plot", f, "--out-dir", charts.to_str().expect("utf-8")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains("--cc-cubic"), "{listed}");
    assert!(listed.contains("--cc-bbr"), "{listed}");

    let out = run(&["replay", f]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 setups") && err.contains("cc=bbr"), "{err}");
}
