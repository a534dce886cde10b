//! Charts from a fixture recording.

use super::charts::charts;
use super::*;

fn row(strategy: &str, size: u64, threads: u32, gbps: f64) -> Row {
    Row {
        strategy: strategy.into(),
        size_bytes: size,
        threads,
        throughput_gbps: crate::figure::Figure::Measured(gbps),
        net_mode: "loopback".into(),
        kernel: "6.0-test".into(),
        cpu_model: "Test CPU".into(),
        lat_p50_us: crate::figure::Figure::Measured(10.0),
        lat_p99_us: crate::figure::Figure::Measured(100.0),
        tx_cpu_ns_per_byte: crate::figure::Figure::Measured(0.5),
        rx_cpu_ns_per_byte: crate::figure::Figure::Measured(0.2),
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
                    r.zc_copied_pct = crate::figure::Figure::Measured(100.0);
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
    let rows: Vec<Row> = [9.0, 10.0, 11.0]
        .iter()
        .map(|&g| row("one-copy", 4096, 1, g))
        .collect();
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
    assert_eq!(s.points, vec![(12.0, 10.0)]);
    let (x, lo, hi) = s.bars[0];
    assert_eq!(x, 12.0);
    assert!(lo < 10.0 && hi > 10.0, "{lo} {hi}");
}
