//! Each workload × the three original strategies, short cells over loopback with
//! `--verify`, through the real binary: every row carries its workload's columns and
//! none of the others', and no frame was damaged.

mod common;

use std::process::Command;

use netio_core::figure::Figure;
use netio_core::row::Row;
use netio_core::row::words::HwCounters;
use netio_data::record::read_rows;

fn run(args: &[&str]) -> Vec<Row> {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("w.csv");
    let o = Command::new(env!("CARGO_BIN_EXE_netio-tui"))
        .arg("--record")
        .arg(&out)
        .args([
            "--strategies",
            "two-copy,one-copy,zero-copy",
            "--sizes",
            "4K",
        ])
        .args(["--threads", "1", "--duration", "400ms", "--warmup", "200ms"])
        .args(["--repeat", "1", "--verify"])
        .args(args)
        .output()
        .expect("runs");
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    read_rows(&out).expect("a recording")
}

fn measured(f: Figure<f64>) -> bool {
    f.value().is_some_and(|v| v > 0.0)
}

#[test]
fn every_workload_fills_its_own_columns_and_no_others() {
    let rows = run(&["--workload", "stream,rr,rate", "--rate", "50%"]);
    // 3 strategies × (stream, rr, rate max, rate 50%).
    assert_eq!(rows.len(), 12, "{rows:#?}");
    for r in &rows {
        let what = format!("{} {:?} {:?}", r.strategy, r.workload, r.rate);
        assert_eq!(r.integrity_errors, 0, "{what}");
        assert!(r.messages > 0, "{what}: no message arrived");
        assert!(measured(r.throughput_gbps), "{what}");
        assert_eq!(r.nodelay, Some(true), "{what}");
        match r.workload.as_deref() {
            Some("stream") => {
                assert_eq!(r.rtt_p50_us, Figure::NotApplicable, "{what}");
                assert_eq!(r.transactions_per_s, Figure::NotApplicable, "{what}");
                assert_eq!(r.offered_gbps, Figure::NotApplicable, "{what}");
                assert_eq!(r.pace_err_p50_us, Figure::NotApplicable, "{what}");
                assert_eq!((r.rate.as_deref(), r.saturated), (None, None));
                assert_eq!(r.depth, None, "{what}");
            }
            Some("rr") => {
                assert!(measured(r.transactions_per_s), "{what}");
                for f in [r.rtt_p50_us, r.rtt_p99_us, r.rtt_p999_us, r.rtt_max_us] {
                    assert!(measured(f), "{what}");
                }
                assert!(r.rtt_p50_us.value() <= r.rtt_p99_us.value(), "{what}");
                assert_eq!((r.depth, r.response_size_bytes), (Some(1), Some(32)));
                assert_eq!(r.offered_gbps, Figure::NotApplicable, "{what}");
                assert_eq!(r.pace_err_p50_us, Figure::NotApplicable, "{what}");
                // At depth 1, one request per transaction.
                let tps = r.transactions_per_s.value().unwrap_or(0.0);
                let msgs = r.msgs_per_s.value().unwrap_or(0.0);
                assert!(
                    (tps - msgs).abs() <= 0.05 * msgs + 5.0,
                    "{what}: {tps} vs {msgs}"
                );
                assert_eq!(r.rcvlowat_mode.as_deref(), Some("off"), "{what}");
                // perf is not attached under latency workloads; /proc still counts.
                assert_eq!(r.hw_counters, Some(HwCounters::Off), "{what}");
                assert_eq!(
                    r.tx_context_switches,
                    Figure::Unavailable(netio_core::figure::why::NOT_COUNTED),
                    "{what}"
                );
                assert!(r.tx_voluntary_switches.is_measured(), "{what}");
            }
            Some("rate") if r.rate.as_deref() == Some("max") => {
                // The reference: unpaced, nothing offered, no schedule to miss.
                assert_eq!(r.offered_gbps, Figure::NotApplicable, "{what}");
                assert_eq!(r.pace_err_p50_us, Figure::NotApplicable, "{what}");
                assert_eq!(r.saturated, None, "{what}");
                assert_eq!(r.rcvlowat_mode.as_deref(), Some("off"), "{what}");
                assert_eq!(r.coalesce, Some(false), "{what}");
            }
            Some("rate") => {
                assert_eq!(r.rate.as_deref(), Some("50%"), "{what}");
                assert_eq!(r.load_pct, Some(50), "{what}");
                assert!(measured(r.offered_gbps), "{what}");
                assert!(measured(r.lat_p50_us), "{what}");
                assert!(r.pace_err_p50_us.is_measured(), "{what}");
                assert!(r.saturated.is_some(), "{what}");
                assert_eq!(r.rtt_p50_us, Figure::NotApplicable, "{what}");
                assert_eq!(r.transactions_per_s, Figure::NotApplicable, "{what}");
            }
            other => panic!("unexpected workload {other:?}"),
        }
    }
    // A percentage load is of one reference per point, the fastest strategy's `rate
    // max`: every strategy is offered the same absolute load, half of that.
    let max = rows
        .iter()
        .filter(|r| r.rate.as_deref() == Some("max"))
        .filter_map(|r| r.throughput_gbps.value())
        .fold(0.0, f64::max);
    let offered: Vec<f64> = rows
        .iter()
        .filter(|r| r.rate.as_deref() == Some("50%"))
        .filter_map(|r| r.offered_gbps.value())
        .collect();
    assert_eq!(offered.len(), 3, "{offered:?}");
    for o in &offered {
        assert!(
            (o - max / 2.0).abs() < 1e-4 * max,
            "{o} against half of {max}"
        );
    }
}

#[test]
fn a_deeper_rr_window_and_an_absolute_rate_are_recorded() {
    let rows = run(&[
        "--workload",
        "rr,rate",
        "--depth",
        "4",
        "--response-size",
        "100",
        "--rate",
        "2000/s",
    ]);
    assert_eq!(rows.len(), 6, "{rows:#?}");
    for r in &rows {
        assert_eq!(r.integrity_errors, 0);
        match r.workload.as_deref() {
            Some("rr") => {
                assert_eq!((r.depth, r.response_size_bytes), (Some(4), Some(100)));
                assert!(measured(r.transactions_per_s));
            }
            Some("rate") => {
                assert_eq!(r.rate.as_deref(), Some("2k/s"));
                assert_eq!(r.load_pct, None);
                // 2000 messages of 4 KiB a second.
                assert_eq!(r.offered_gbps, Figure::Measured(0.065536));
                // Paced, not as fast as it can: never far above the schedule (a
                // stream of 4 KiB messages runs at hundreds of thousands a second).
                let per_s = r.msgs_per_s.value().unwrap_or(0.0);
                assert!(per_s > 0.0 && per_s <= 4000.0, "{per_s} msg/s");
            }
            other => panic!("unexpected workload {other:?}"),
        }
    }
}
