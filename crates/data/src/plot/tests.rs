//! Charts from a fixture recording.

use super::charts::charts;
use super::*;

fn row(strategy: &str, size: u64, threads: u32, gbps: f64) -> Row {
    Row {
        strategy: strategy.into(),
        size_bytes: size,
        threads,
        throughput_gbps: netio_core::figure::Figure::Measured(gbps),
        net_mode: "loopback".into(),
        kernel: "6.0-test".into(),
        cpu_model: "Test CPU".into(),
        lat_p50_us: netio_core::figure::Figure::Measured(10.0),
        lat_p99_us: netio_core::figure::Figure::Measured(100.0),
        tx_cpu_ns_per_byte: netio_core::figure::Figure::Measured(0.5),
        rx_cpu_ns_per_byte: netio_core::figure::Figure::Measured(0.2),
        duration_s: 1.0,
        ..Row::default()
    }
}

fn fixture() -> Vec<Row> {
    let mut rows = Vec::new();
    for (i, s) in ["two-copy", "one-copy", "zero-copy"].iter().enumerate() {
        for (j, size) in [1024u64, 4096, 65536].iter().enumerate() {
            for t in [1u32, 2] {
                let mut r = row(s, *size, t, 1.0 + i as f64 + j as f64 * 2.0 + f64::from(t));
                if *s == "zero-copy" {
                    r.zc_copied_pct = netio_core::figure::Figure::Measured(100.0);
                }
                rows.push(r);
            }
        }
    }
    rows
}

#[test]
fn absent_metrics_are_skipped_not_drawn_as_zeros() {
    let (charts, skipped) = charts(&fixture());
    let stems: Vec<&str> = charts.iter().map(|c| c.stem.as_str()).collect();
    assert!(stems.contains(&"throughput-vs-size-1threads"));
    assert!(stems.contains(&"zero-copy-copied-vs-size"));
    assert!(stems.contains(&"cost-vs-size-2threads"));
    assert!(
        !stems.iter().any(|s| s.starts_with("cache-misses")),
        "{stems:?}"
    );
    assert!(
        !stems.iter().any(|s| s.starts_with("context-switches")),
        "{stems:?}"
    );
    assert!(
        skipped
            .iter()
            .any(|n| n.starts_with("cache-misses-vs-size-1threads")),
        "{skipped:?}"
    );
    let cost = charts
        .iter()
        .find(|c| c.stem == "cost-vs-size-1threads")
        .expect("cost chart");
    assert!(
        cost.title.contains("CPU ns per byte"),
        "labelled as CPU time without cycles"
    );
    let tp = charts
        .iter()
        .find(|c| c.stem == "throughput-vs-size-1threads")
        .expect("chart");
    let two = &tp.series[0];
    assert_eq!(
        two.points,
        vec![(10.0, 2.0), (12.0, 4.0), (16.0, 6.0)],
        "values from the rows, x = log2 size"
    );
}

#[test]
fn writes_valid_png_and_svg() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rows = fixture();
    let png_out = plot_all(&rows, &dir.path().join("png"), ImageFormat::Png).expect("png charts");
    assert!(!png_out.written.is_empty());
    for p in &png_out.written {
        let bytes = std::fs::read(p).expect("read");
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", p.display());
    }
    let svg_out = plot_all(&rows, &dir.path().join("svg"), ImageFormat::Svg).expect("svg charts");
    for p in &svg_out.written {
        let text = std::fs::read_to_string(p).expect("read");
        assert!(text.starts_with("<svg"), "{}", p.display());
        assert!(
            text.contains("Throughput")
                || text.contains("latency")
                || text.contains("ns")
                || text.contains("copied")
        );
        assert!(text.contains("Test CPU"), "footer names the machine");
    }
    assert_eq!(png_out.written.len(), svg_out.written.len());
}

#[test]
fn repeats_plot_as_medians_with_interval_bars() {
    let mut rows: Vec<Row> = [9.0, 10.0, 11.0]
        .iter()
        .map(|&g| row("one-copy", 4096, 1, g))
        .collect();
    // One size alone makes no line: the chart is left out, saying why.
    let (alone, skipped) = charts(&rows);
    assert!(
        alone
            .iter()
            .all(|c| c.stem != "throughput-vs-size-1threads")
    );
    assert!(
        skipped
            .iter()
            .any(|s| s.starts_with("throughput-vs-size-1threads: one value on its x axis")),
        "{skipped:?}"
    );
    rows.extend(
        [19.0, 20.0, 21.0]
            .iter()
            .map(|&g| row("one-copy", 65536, 1, g)),
    );
    let (charts, _) = charts(&rows);
    let tp = charts
        .iter()
        .find(|c| c.stem == "throughput-vs-size-1threads")
        .expect("chart");
    assert!(
        tp.title.contains("median of up to 3 repeats"),
        "{}",
        tp.title
    );
    let s = &tp.series[0];
    assert_eq!(s.points, vec![(12.0, 10.0), (16.0, 20.0)]);
    let (x, lo, hi) = s.bars[0];
    assert_eq!(x, 12.0);
    assert!(lo < 10.0 && hi > 10.0, "{lo} {hi}");
}

#[test]
fn paced_rows_draw_latency_against_load_on_a_log_axis_and_stay_off_the_stream_charts() {
    let mut rows = fixture();
    let streams = rows.len();
    for (load, gbps, p99) in [("10%", 1.0, 40.0), ("50%", 5.0, 60.0), ("90%", 9.0, 4000.0)] {
        for (s, slower) in [("one-copy", 1.0), ("zero-copy", 2.0)] {
            let p99 = p99 * slower;
            let mut r = row(s, 65536, 1, gbps);
            r.workload = Some("rate".into());
            r.rate = Some(load.into());
            r.offered_gbps = netio_core::figure::Figure::Measured(gbps * 1000.0);
            r.lat_p50_us = netio_core::figure::Figure::Measured(p99 / 4.0);
            r.lat_p99_us = netio_core::figure::Figure::Measured(p99);
            // A paced cell's throughput must not be drawn as a stream's.
            r.throughput_gbps = netio_core::figure::Figure::Measured(gbps * 1000.0);
            rows.push(r);
        }
    }
    let (all, _) = charts(&rows);
    let chart = all
        .iter()
        .find(|c| c.stem == "latency-vs-load-64K-1threads")
        .expect("a latency-vs-load chart");
    assert!(chart.y_log);
    assert_eq!(chart.series.len(), 4, "p99 and p50 of two strategies");
    let p99 = &chart.series[0];
    assert_eq!(p99.label, "one-copy p99");
    assert_eq!(p99.points.len(), 3);
    assert!(
        (p99.points[2].1 - 4000f64.log10()).abs() < 1e-9,
        "{:?}",
        p99.points
    );
    let throughput = all
        .iter()
        .find(|c| c.stem == "throughput-vs-size-1threads")
        .expect("the stream chart");
    let top = throughput
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    assert!(
        top < 100.0,
        "paced rows leaked into the stream chart: {top}"
    );
    assert!(rows.len() > streams);
    let svg = draw::svg(chart, "footer").expect("draws");
    assert!(svg.contains("1000"), "decade labels in the figure's units");
}

#[test]
fn every_point_is_the_median_of_its_rounds_never_the_last_row() {
    // Three rounds whose last differs from their median, and rows of another workload
    // and another receive strategy at the same strategy, size and threads.
    let mut rows = Vec::new();
    for (k, cost) in [(10.0, 0.5), (12.0, 0.66), (30.0, 1.137)] {
        let mut r = row("two-copy", 65536, 1, k);
        r.tx_cpu_ns_per_byte = netio_core::figure::Figure::Measured(cost);
        rows.push(r);
    }
    let mut rr = row("two-copy", 65536, 1, 99.0);
    rr.workload = Some("rr".into());
    rows.push(rr);
    let mut mapped = row("two-copy", 65536, 1, 77.0);
    mapped.rx_strategy = Some("zerocopy".into());
    rows.push(mapped);
    let stream = points::stream_rows(&rows);
    assert_eq!(stream.len(), 3, "other workloads and receivers stay apart");
    let gbps = points::vs_size(&stream, "two-copy", 1, |r| r.throughput_gbps.value());
    assert_eq!(gbps, vec![(16.0, 12.0)]);
    let cost = points::vs_size(&stream, "two-copy", 1, |r| r.tx_cpu_ns_per_byte.value());
    assert_eq!(
        cost,
        vec![(16.0, 0.66)],
        "the median, not the last row's 1.137"
    );
    let (medians, _) = points::medians_vs_size(&crate::aggregate::cells(&stream), "two-copy", 1);
    assert_eq!(medians, vec![(16.0, 12.0)]);
}

/// Two strategies whose lines a reader could not tell apart are one line, named for
/// both; lines apart by more than 1 % of the chart's height stay two.
#[test]
fn a_line_hidden_under_another_is_named_on_the_visible_one() {
    use super::charts::Series;
    let line = |label: &str, ys: [f64; 3]| Series {
        label: label.into(),
        color: plotters::style::RGBColor(0, 0, 0),
        width: 3,
        dashed: false,
        points: vec![(12.0, ys[0]), (14.0, ys[1]), (16.0, ys[2])],
        bars: Vec::new(),
    };
    let merged = super::points::merge_hidden(vec![
        line("one-copy", [10.0, 20.0, 30.0]),
        line("uring", [10.1, 20.1, 29.9]),
        line("two-copy", [5.0, 12.0, 18.0]),
    ]);
    let labels: Vec<&str> = merged.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["one-copy, uring", "two-copy"]);
}
