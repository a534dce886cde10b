use super::*;
use netio_core::row::words::HwCounters;

/// Five repeats of a cell around `gbps` (±2 %), so every cell has an interval.
fn repeats(strategy: &str, size: u64, threads: u32, gbps: f64) -> Vec<Row> {
    [1.0, 0.98, 1.02, 0.99, 1.01]
        .iter()
        .map(|k| Row {
            strategy: strategy.into(),
            size_bytes: size,
            threads,
            throughput_gbps: netio_core::figure::Figure::Measured(gbps * k),
            ..Row::default()
        })
        .collect()
}

fn file(cells: &[(&str, u64, u32, f64)]) -> Vec<Row> {
    cells
        .iter()
        .flat_map(|&(s, size, t, g)| repeats(s, size, t, g))
        .collect()
}

#[test]
fn crosses_and_stays_ahead() {
    let rows = file(&[
        ("two-copy", 1024, 1, 5.0),
        ("one-copy", 1024, 1, 4.0),
        ("two-copy", 4096, 1, 8.0),
        ("one-copy", 4096, 1, 9.0),
        ("two-copy", 65536, 1, 10.0),
        ("one-copy", 65536, 1, 12.0),
    ]);
    let c = aggregate::cells(&rows);
    assert!(matches!(
        crossover(&c, Strategy::OneCopy, Strategy::TwoCopy, 1),
        Crossover::From {
            size: 4096,
            comparison
        } if comparison.class == Class::Faster
    ));
}

#[test]
fn small_differences_are_not_wins() {
    // 2 % apart with ±2 % spread: within the margin, or not known, never faster.
    let rows = file(&[
        ("two-copy", 1024, 1, 10.0),
        ("one-copy", 1024, 1, 10.2),
        ("two-copy", 4096, 1, 8.0),
        ("one-copy", 4096, 1, 7.0),
    ]);
    let c = aggregate::cells(&rows);
    let Crossover::Never { by_size } = crossover(&c, Strategy::OneCopy, Strategy::TwoCopy, 1)
    else {
        panic!("a small difference is not a win");
    };
    assert_eq!(by_size.len(), 2);
    assert_eq!(by_size[0].0, 1024);
    assert!(!matches!(by_size[0].1.class, Class::Faster | Class::Slower));
    assert_eq!(by_size[1].1.class, Class::Slower, "7 against 8");
    let text = crossover_text(&c, Strategy::OneCopy, Strategy::TwoCopy, 1);
    assert!(text.contains("at 1K (1.02×"), "{text}");
    assert!(text.contains("slower at 4K (0.8"), "{text}");
}

#[test]
fn single_rows_without_spread_give_no_verdict() {
    let rows = vec![
        Row {
            strategy: "two-copy".into(),
            size_bytes: 4096,
            threads: 1,
            throughput_gbps: netio_core::figure::Figure::Measured(5.0),
            ..Row::default()
        },
        Row {
            strategy: "one-copy".into(),
            size_bytes: 4096,
            threads: 1,
            throughput_gbps: netio_core::figure::Figure::Measured(9.0),
            ..Row::default()
        },
    ];
    let c = aggregate::cells(&rows);
    assert!(matches!(
        crossover(&c, Strategy::OneCopy, Strategy::TwoCopy, 1),
        Crossover::Never { .. }
    ));
    let text = crossover_text(&c, Strategy::OneCopy, Strategy::TwoCopy, 1);
    // One run each: no interval, so not decided either way.
    assert!(text.contains("undecided at 4K (1.80× (n=1))"), "{text}");
    assert!(
        !text.contains("equivalent") && !text.contains("slower"),
        "{text}"
    );
}

#[test]
fn ahead_then_behind_is_not_a_crossover() {
    let rows = file(&[
        ("two-copy", 1024, 2, 5.0),
        ("zero-copy", 1024, 2, 6.0),
        ("two-copy", 4096, 2, 8.0),
        ("zero-copy", 4096, 2, 7.0),
        ("two-copy", 65536, 2, 8.0),
        ("zero-copy", 65536, 2, 9.0),
    ]);
    let c = aggregate::cells(&rows);
    assert_eq!(
        crossover(&c, Strategy::ZeroCopy, Strategy::TwoCopy, 2),
        Crossover::Intermittent {
            ahead_at: vec![1024, 65536],
            not_at: vec![4096]
        }
    );
    // Ahead at the largest size too: the words name where it was not ahead, never
    // "a larger size" that was not measured.
    let text = report("r.csv", &rows);
    assert!(text.contains("faster at 1K, 64K but not at 4K"), "{text}");
    assert_eq!(
        crossover(&c, Strategy::ZeroCopy, Strategy::TwoCopy, 8),
        Crossover::NoData
    );
}

#[test]
fn largest_measurable_drop_as_threads_rise() {
    let rows = file(&[
        ("two-copy", 1024, 1, 10.0),
        ("two-copy", 1024, 2, 9.9), // within the spread: not a drop
        ("one-copy", 1024, 1, 10.0),
        ("one-copy", 1024, 2, 20.0),
        ("one-copy", 1024, 4, 5.0),
    ]);
    let c = aggregate::cells(&rows);
    let f = largest_drop(&c).expect("a drop");
    assert!((f.pct - 75.0).abs() < 1e-9, "{}", f.pct);
    assert_eq!((f.from.threads, f.to.threads), (2, 4));
    assert_eq!((f.from_median, f.to_median), (20.0, 5.0));
    let flat = file(&[("two-copy", 1024, 1, 10.0), ("two-copy", 1024, 2, 9.9)]);
    assert!(largest_drop(&aggregate::cells(&flat)).is_none());
}

#[test]
fn report_answers_with_evidence_and_admits_what_it_cannot() {
    let mut rows = file(&[
        ("two-copy", 4096, 1, 8.0),
        ("one-copy", 4096, 1, 9.0),
        ("zero-copy", 4096, 1, 4.0),
    ]);
    for r in rows.iter_mut() {
        r.hw_counters = Some(HwCounters::No);
        if r.strategy == "zero-copy" {
            r.zc_copied_pct = netio_core::figure::Figure::Measured(100.0);
        }
    }
    let text = report("r.csv", &rows);
    assert!(
        text.contains("1 thread: faster from **4K** on, and at every larger size measured (one-copy 1.13× two-copy ["),
        "{text}"
    );
    assert!(
        text.contains("against two-copy never faster; slower at 4K (0.50×"),
        "{text}"
    );
    assert!(
        text.contains("% of zero-copy completions as copied (rows 11, 12, 13, 14, 15)"),
        "{text}"
    );
    assert!(!text.contains("which is why"), "no canned verdicts: {text}");
    assert!(
        text.contains("could not count cache misses (hw_counters = no)"),
        "{text}"
    );
    assert!(text.contains("No measurable fall"), "{text}");
    assert!(
        text.contains("| one-copy | stream | 4K | 1 | 5 | 9.000 |"),
        "{text}"
    );
    assert!(
        text.contains("no cell measured more than once with the host-noise probe"),
        "{text}"
    );
}

#[test]
fn receive_zero_copy_is_answered_beside_the_same_cell_read_with_recv() {
    let mut rows = file(&[("zero-copy", 65536, 1, 8.0), ("two-copy", 65536, 1, 12.0)]);
    // The same zero-copy cell read through TCP_ZEROCOPY_RECEIVE: 95 % mapped, slower.
    for mut r in repeats("zero-copy", 65536, 1, 6.0) {
        r.rx_strategy = Some("zerocopy".into());
        r.rx_mapped_pct = netio_core::figure::Figure::Measured(95.0);
        rows.push(r);
    }
    let text = report("r.csv", &rows);
    let section = text
        .split("## Receive zero-copy")
        .nth(1)
        .expect("a receive zero-copy section");
    assert!(
        section.contains("zero-copy 64K × 1: 95 % mapped"),
        "{section}"
    );
    assert!(
        section.contains("rx zerocopy 0.")
            && section.contains("rx copy [")
            && section.contains(": slower"),
        "{section}"
    );
    // The throughput questions still compare the recv() cells only.
    let zc = text
        .split("## Where zero-copy beats the copying strategies")
        .nth(1)
        .expect("zero-copy section");
    assert!(!zc.split("##").next().unwrap_or("").contains("rx zerocopy"));
    // Without zerocopy rows there is no such section.
    let plain = report("r.csv", &file(&[("one-copy", 4096, 1, 5.0)]));
    assert!(!plain.contains("Receive zero-copy"));
}

#[test]
fn the_copies_question_is_answered_from_the_meter_or_says_why_not() {
    use netio_core::matrix::Cell;
    use netio_core::strategy::Strategy;
    let rows: Vec<Row> = [Strategy::TwoCopy, Strategy::ZeroCopy]
        .into_iter()
        .map(|s| Row {
            strategy: s.name().into(),
            size_bytes: 65536,
            threads: 1,
            ..netio_core::fixtures::figures(Cell::new(s, 65536, 1), 10.0)
        })
        .collect();
    let text = report("m.csv", &rows);
    // One figure where the range is one value ("100 %", not "100–100 %").
    assert!(
        text.contains("flagged 100 % of zero-copy completions"),
        "{text}"
    );
    let section = text
        .split("## How many copies did each strategy make, and where?")
        .nth(1)
        .expect("the copies section");
    // Two-copy: 2 on the sender + 1 received; zero-copy: 0 + the late copy + 1.
    assert!(
        section.contains("| two-copy 64K × 1 | 2.00 | 0.00 | 1.00 | 3.00 | n/a | row 1 |"),
        "{section}"
    );
    assert!(
        section.contains("| zero-copy 64K × 1 | 0.00 | 1.00 | 1.00 | 2.00 |"),
        "{section}"
    );
    // Without the meter's columns: the reason, and no figure.
    let mut off = rows.clone();
    for r in &mut off {
        r.tx_copied_bytes = netio_core::figure::Figure::Unavailable(netio_core::copymeter::OFF);
    }
    let text = report("m.csv", &off);
    assert!(text.contains(&format!(
        "Not measured in this file: {}",
        netio_core::copymeter::OFF
    )));
}

#[test]
fn json_carries_every_comparison_as_an_object_and_each_cells_figures() {
    let rows = file(&[
        ("two-copy", 4096, 1, 8.0),
        ("one-copy", 4096, 1, 9.0),
        ("zero-copy", 4096, 1, 4.0),
    ]);
    let v = report_json("r.csv", &rows);
    let comparisons = v["comparisons"].as_array().expect("comparisons");
    assert_eq!(comparisons.len(), 3, "every pair at the one point");
    let one_two = comparisons
        .iter()
        .find(|c| {
            c["a"] == "one-copy" && c["b"] == "two-copy"
                || c["a"] == "two-copy" && c["b"] == "one-copy"
        })
        .expect("one-copy against two-copy");
    assert_eq!(one_two["cell"]["size_bytes"], 4096);
    assert!(one_two["lo"].as_f64().is_some_and(|lo| lo > 0.0));
    assert!(one_two["ratio"].as_f64().is_some());
    assert!(["faster", "slower"].contains(&one_two["class"].as_str().expect("class")));
    let cell = &v["cells"][0];
    assert_eq!(cell["throughput_gbps"]["n"], 5);
    assert!(
        cell["tx_cpu_ns_per_byte"]["median"].is_null(),
        "not measured: null, never 0"
    );
    assert!(cell["bimodal"].is_null());
}

#[test]
fn the_margin_decides_what_counts_as_equivalent() {
    let rows = file(&[("two-copy", 4096, 1, 10.0), ("one-copy", 4096, 1, 10.7)]);
    let class = |margin| {
        let c = aggregate::cells_with_margin(&rows, margin);
        let Crossover::Never { by_size } = crossover(&c, Strategy::OneCopy, Strategy::TwoCopy, 1)
        else {
            panic!("7 % is not faster beyond these margins");
        };
        by_size[0].1.class
    };
    assert_eq!(class(5.0), Class::Undecided, "straddles 1.05");
    assert_eq!(class(15.0), Class::Equivalent);
    assert!(report_with_margin("r.csv", &rows, 15.0).contains("beyond ±15 %"));
}
