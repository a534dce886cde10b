//! The latency questions on a fixture recording holding all three workloads.

use super::*;
use netio_core::figure::Figure;

const SPREAD: [f64; 5] = [1.0, 0.98, 1.02, 0.99, 1.01];
/// The same spread in another order: paired by round, it does not cancel.
const OTHER: [f64; 5] = [1.02, 0.99, 0.98, 1.01, 1.0];

/// Five repeats of one cell, numbered as rounds of one run, the strategy's figures
/// `f` scaled by the round's noise (`OTHER`'s for two-copy).
fn cell(strategy: &str, workload: &str, rate: Option<&str>, f: impl Fn(&mut Row, f64)) -> Vec<Row> {
    let spread = if strategy == "two-copy" {
        OTHER
    } else {
        SPREAD
    };
    spread
        .iter()
        .enumerate()
        .map(|(i, &k)| {
            let mut r = Row {
                run_id: "fixture".into(),
                strategy: strategy.into(),
                size_bytes: 65536,
                threads: 1,
                repeat: Some(i as u32 + 1),
                workload: Some(workload.into()),
                rate: rate.map(str::to_string),
                load_pct: rate.and_then(|r| r.trim_end_matches('%').parse().ok()),
                ..Row::default()
            };
            f(&mut r, k);
            r
        })
        .collect()
}

/// Stream: zero-copy has by far the *lowest* queueing delay, which must not make it the
/// winner of anything. rr: one-copy has the lowest round trip, two-copy ties with it.
/// rate: zero-copy's p99 jumps at 90 % and it saturates; one-copy stays flat.
fn fixture() -> Vec<Row> {
    let mut rows = Vec::new();
    for (s, gbps, qd) in [
        ("two-copy", 12.0, 900.0),
        ("one-copy", 16.0, 800.0),
        ("zero-copy", 8.0, 5.0),
    ] {
        rows.extend(cell(s, "stream", None, |r, k| {
            r.throughput_gbps = Figure::Measured(gbps * k);
            r.lat_p50_us = Figure::Measured(qd * k);
            r.lat_p99_us = Figure::Measured(qd * 2.0 * k);
        }));
    }
    for (s, rtt) in [("two-copy", 61.0), ("one-copy", 60.0), ("zero-copy", 100.0)] {
        rows.extend(cell(s, "rr", None, |r, k| {
            r.rtt_p50_us = Figure::Measured(rtt * k);
            r.transactions_per_s = Figure::Measured(1e6 / rtt * k);
        }));
    }
    for (s, p99s) in [
        ("one-copy", [80.0, 85.0, 120.0]),
        ("zero-copy", [150.0, 160.0, 9000.0]),
    ] {
        for (load, p99) in ["10%", "50%", "90%"].into_iter().zip(p99s) {
            rows.extend(cell(s, "rate", Some(load), |r, k| {
                r.lat_p99_us = Figure::Measured(p99 * k);
                r.lat_p50_us = Figure::Measured(p99 / 2.0 * k);
                let sat = s == "zero-copy" && load == "90%";
                r.saturated = Some(sat);
            }));
        }
    }
    rows
}

#[test]
fn round_trips_name_the_lowest_and_call_a_tie_a_tie() {
    let rows = fixture();
    let cells = aggregate::cells(&rows);
    let mut out = String::new();
    round_trips(&mut out, &cells);
    assert!(
        out.contains("**one-copy** lowest p50 round trip 60.0 µs"),
        "{out}"
    );
    assert!(
        out.contains("two-copy 1.02× [0.99–1.05] (equivalent)"),
        "{out}"
    );
    assert!(out.contains("zero-copy 1.67× ["), "{out}");
    assert!(out.contains("(higher)"), "{out}");
}

#[test]
fn half_load_and_knees_come_from_the_paced_cells() {
    let rows = fixture();
    let cells = aggregate::cells(&rows);
    let mut out = String::new();
    at_half_load(&mut out, &cells);
    assert!(out.contains("**one-copy** lowest p99 85.0 µs"), "{out}");
    assert!(
        out.contains("zero-copy 1.88× [1.88–1.88] (higher)"),
        "{out}"
    );
    let mut out = String::new();
    knees(&mut out, &cells);
    assert!(
        out.contains("one-copy 64K × 1: no knee up to 90 % (p50 40.0 → 60.0 µs)"),
        "{out}"
    );
    assert!(
        out.contains("zero-copy 64K × 1: knee at 90 % (p50 75.0 → 4500.0 µs, could not keep up)"),
        "{out}"
    );
    assert_eq!(
        out.matches("one-copy 64K").count(),
        1,
        "one line per strategy: {out}"
    );
}

#[test]
fn the_report_never_ranks_strategies_by_queueing_delay() {
    let rows = fixture();
    let text = crate::report::report("fixture.csv", &rows);
    assert!(text.contains("## Request-response"), "{text}");
    assert!(text.contains("## Under load"), "{text}");
    assert!(text.contains("## Latency against load"), "{text}");
    // Zero-copy's 5 µs stream latency is the lowest in the file: no latency answer may
    // cite a stream row (rows 1 to 15).
    let answers: Vec<&str> = text.lines().filter(|l| l.contains("** lowest")).collect();
    assert_eq!(answers.len(), 2, "{text}");
    for line in answers {
        let cited = line
            .split("(rows ")
            .nth(1)
            .and_then(|s| s.split(')').next())
            .expect("each answer cites its rows");
        for n in cited.split(", ") {
            let n: usize = n.parse().expect("a row number");
            assert!(n > 15, "a stream row cited for latency: {line}");
        }
    }
}

#[test]
fn a_file_without_the_workloads_says_how_to_get_them() {
    let rows: Vec<Row> = fixture()
        .into_iter()
        .filter(|r| r.workload.as_deref() == Some("stream"))
        .collect();
    let cells = aggregate::cells(&rows);
    let mut out = String::new();
    round_trips(&mut out, &cells);
    at_half_load(&mut out, &cells);
    knees(&mut out, &cells);
    assert!(out.contains("--workload rr"), "{out}");
    assert!(out.contains("--rate 50%"), "{out}");
    assert!(out.contains("--rate 10%,50%,90%"), "{out}");
}
