//! Which charts a recording supports, and their points: pure, from the rows only.

use std::collections::BTreeMap;

use plotters::style::RGBColor;

use crate::aggregate::{self, CellStats};
use crate::matrix::{Strategy, format_size};
use crate::record::Row;

/// A 95 % interval bar: (x, low, high).
pub(super) type Bar = (f64, f64, f64);

/// One line of a chart.
#[derive(Debug, Clone)]
pub(super) struct Series {
    pub label: String,
    pub color: RGBColor,
    pub width: u32,
    pub points: Vec<(f64, f64)>,
    /// 95 % intervals drawn as vertical bars: (x, low, high).
    pub bars: Vec<Bar>,
}

/// What the x axis holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum XAxis {
    /// log2 of a message size, labelled 4K, 64K...
    Size,
    /// log2 of a count (thread pairs).
    Count,
    /// A plain value (achieved throughput).
    Linear,
}

/// One chart. With `y_log` the points' y values are log10 of the figure and the axis
/// is labelled in the figure's own units.
#[derive(Debug, Clone)]
pub(super) struct Chart {
    pub stem: String,
    pub title: String,
    pub x_label: &'static str,
    pub x_axis: XAxis,
    pub y_label: String,
    pub y_log: bool,
    pub series: Vec<Series>,
}

/// A strategy's colour from its registry entry (blue for a name this build does not know).
pub(super) fn color(s: &str) -> RGBColor {
    Strategy::of_name(s).map_or(RGBColor(40, 90, 200), |st| {
        let (r, g, b) = st.entry().rgb;
        RGBColor(r, g, b)
    })
}

/// Distinct values of `f` over the rows, sorted.
pub(super) fn axis<T: Ord + Copy>(rows: &[Row], f: impl Fn(&Row) -> T) -> Vec<T> {
    let mut v: Vec<T> = rows.iter().map(f).collect();
    v.sort_unstable();
    v.dedup();
    v
}

pub(super) fn strategies(rows: &[Row]) -> Vec<&'static str> {
    Strategy::ALL
        .iter()
        .map(|s| s.name())
        .filter(|n| rows.iter().any(|r| r.strategy == *n))
        .collect()
}

/// The latest row of each (strategy, size, threads).
pub(super) fn cells(rows: &[Row]) -> BTreeMap<(String, u64, u32), &Row> {
    rows.iter()
        .map(|r| ((r.strategy.clone(), r.size_bytes, r.threads), r))
        .collect()
}

/// Points of `metric` against size (x = log2 size) for one strategy at one thread count.
fn vs_size(
    rows: &[Row],
    strategy: &str,
    threads: u32,
    metric: impl Fn(&Row) -> Option<f64>,
) -> Vec<(f64, f64)> {
    cells(rows)
        .into_iter()
        .filter(|((s, _, t), _)| s == strategy && *t == threads)
        .filter_map(|((_, size, _), r)| metric(r).map(|y| ((size as f64).log2(), y)))
        .collect()
}

/// Points of `metric` against threads (x = log2 threads) for one strategy at one size.
fn vs_threads(
    rows: &[Row],
    strategy: &str,
    size: u64,
    metric: impl Fn(&Row) -> Option<f64>,
) -> Vec<(f64, f64)> {
    cells(rows)
        .into_iter()
        .filter(|((s, z, _), _)| s == strategy && *z == size)
        .filter_map(|((_, _, t), r)| metric(r).map(|y| ((t as f64).log2(), y)))
        .collect()
}

/// Median throughput against size (x = log2 size) for one strategy at one thread
/// count, with the 95 % interval of each point where one was measured.
fn medians_vs_size(
    cells: &[CellStats],
    strategy: &str,
    threads: u32,
) -> (Vec<(f64, f64)>, Vec<Bar>) {
    let mut points = Vec::new();
    let mut bars = Vec::new();
    for c in cells
        .iter()
        .filter(|c| c.strategy == strategy && c.threads == threads)
    {
        let Some(g) = c.gbps else { continue };
        let x = (c.size as f64).log2();
        points.push((x, g.median));
        if let Some((lo, hi)) = g.ci95 {
            bars.push((x, lo.max(0.0), hi));
        }
    }
    (points, bars)
}

/// Every chart the file supports, and notes for those it does not: the throughput,
/// cost and queueing charts from its stream rows, latency against load from its paced
/// rows.
pub(super) fn charts(all_rows: &[Row]) -> (Vec<Chart>, Vec<String>) {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    let stream = stream_rows(all_rows);
    let rows = stream.as_slice();
    let threads = axis(rows, |r| r.threads);
    let sizes = axis(rows, |r| r.size_bytes);
    let strats = strategies(rows);
    let line = |s: &str, label: String, width: u32, points: Vec<(f64, f64)>| Series {
        label,
        color: color(s),
        width,
        points,
        bars: Vec::new(),
    };
    let grouped = aggregate::cells(rows);
    let paced = super::load::charts(all_rows);
    let repeats = grouped.iter().map(|c| c.rows.len()).max().unwrap_or(1);
    let mut push = |chart: Chart, what: &str| {
        if chart.series.iter().any(|s| !s.points.is_empty()) {
            out.push(chart);
        } else {
            skipped.push(format!("{}: the file has no {what}", chart.stem));
        }
    };
    for &t in &threads {
        push(
            Chart {
                stem: format!("throughput-vs-size-{t}threads"),
                title: if repeats > 1 {
                    format!(
                        "Throughput vs message size, {t} thread pair(s): median of up to {repeats} repeats, bars 95% CI"
                    )
                } else {
                    format!(
                        "Throughput vs message size, {t} thread pair(s): bars 95% CI within one run"
                    )
                },
                x_label: "message size (bytes, log scale)",
                x_axis: XAxis::Size,
                y_log: false,
                y_label: "throughput (Gbit/s)".into(),
                series: strats
                    .iter()
                    .map(|s| {
                        let (points, bars) = medians_vs_size(&grouped, s, t);
                        Series {
                            bars,
                            ..line(s, s.to_string(), 3, points)
                        }
                    })
                    .collect(),
            },
            "throughput",
        );
        let cycles = rows.iter().any(|r| r.cycles_per_byte.is_measured());
        push(
            Chart {
                stem: format!("cost-vs-size-{t}threads"),
                title: if cycles {
                    format!("Sender cycles per byte vs message size, {t} thread pair(s)")
                } else {
                    format!(
                        "CPU ns per byte vs message size, {t} thread pair(s) (no cycle counter)"
                    )
                },
                x_label: "message size (bytes, log scale)",
                x_axis: XAxis::Size,
                y_log: false,
                y_label: if cycles {
                    "sender cycles per byte".into()
                } else {
                    "CPU time per byte, sender + receiver (ns)".into()
                },
                series: strats
                    .iter()
                    .map(|s| {
                        let metric = |r: &Row| {
                            if cycles {
                                r.cycles_per_byte.value()
                            } else {
                                r.cpu_ns_per_byte().value()
                            }
                        };
                        line(s, s.to_string(), 3, vs_size(rows, s, t, metric))
                    })
                    .collect(),
            },
            "cycles or CPU time per byte",
        );
        let mut miss_series = Vec::new();
        for s in &strats {
            miss_series.push(line(
                s,
                format!("{s} L1d"),
                3,
                vs_size(rows, s, t, |r| r.l1d_misses_per_kib().value()),
            ));
            miss_series.push(line(
                s,
                format!("{s} LLC"),
                1,
                vs_size(rows, s, t, |r| r.llc_misses_per_kib().value()),
            ));
        }
        push(
            Chart {
                stem: format!("cache-misses-vs-size-{t}threads"),
                title: format!("Cache load misses per KiB vs message size, {t} thread pair(s)"),
                x_label: "message size (bytes, log scale)",
                x_axis: XAxis::Size,
                y_log: false,
                y_label: "load misses per KiB moved (both sides)".into(),
                series: miss_series,
            },
            "L1 or LLC miss counts (hardware counters were not available when it was recorded)",
        );
        let mut copies = Vec::new();
        for s in &strats {
            copies.push(line(
                s,
                format!("{s} end to end"),
                3,
                vs_size(rows, s, t, |r| r.end_to_end_copies_per_byte().value()),
            ));
            copies.push(line(
                s,
                format!("{s} sender"),
                1,
                vs_size(rows, s, t, |r| r.sender_copies_per_byte().value()),
            ));
        }
        push(
            Chart {
                stem: format!("copies-per-byte-vs-size-{t}threads"),
                title: format!(
                    "Copies per byte (the kernel's count, the copy meter) vs message size, {t} thread pair(s)"
                ),
                x_label: "message size (bytes, log scale)",
                x_axis: XAxis::Size,
                y_log: false,
                y_label: "copies per byte: end to end thick, sender thin".into(),
                series: copies,
            },
            "copy meter figures (recorded without the meter, or without its privileges)",
        );
    }
    for &size in &sizes {
        let mut lat = Vec::new();
        for s in &strats {
            lat.push(line(
                s,
                format!("{s} p99"),
                3,
                vs_threads(rows, s, size, |r| r.lat_p99_us.value()),
            ));
            lat.push(line(
                s,
                format!("{s} p50"),
                1,
                vs_threads(rows, s, size, |r| r.lat_p50_us.value()),
            ));
        }
        let z = format_size(size as usize);
        push(
            Chart {
                stem: format!("latency-vs-threads-{z}"),
                title: format!(
                    "Queueing delay of a saturated stream vs thread pairs, {z} messages (not a strategy's cost)"
                ),
                x_label: "thread pairs (log scale)",
                x_axis: XAxis::Count,
                y_log: false,
                y_label: "queueing delay (µs): p99 thick, p50 thin".into(),
                series: lat,
            },
            "latency percentiles",
        );
        push(
            Chart {
                stem: format!("context-switches-vs-threads-{z}"),
                title: format!("Context switches per second vs thread pairs, {z} messages"),
                x_label: "thread pairs (log scale)",
                x_axis: XAxis::Count,
                y_log: false,
                y_label: "context switches per second (both sides)".into(),
                series: strats
                    .iter()
                    .map(|s| {
                        let metric = |r: &Row| r.context_switches_per_s().value();
                        line(s, s.to_string(), 3, vs_threads(rows, s, size, metric))
                    })
                    .collect(),
            },
            "context-switch counts",
        );
    }
    let palette = [
        RGBColor(160, 40, 170),
        RGBColor(40, 90, 200),
        RGBColor(0, 140, 70),
        RGBColor(214, 120, 0),
    ];
    push(
        Chart {
            stem: "zero-copy-copied-vs-size".into(),
            title: "Zero-copy completions the kernel copied anyway".into(),
            x_label: "message size (bytes, log scale)",
            x_axis: XAxis::Size,
            y_log: false,
            y_label: "completions flagged COPIED (%)".into(),
            series: threads
                .iter()
                .enumerate()
                .map(|(i, &t)| Series {
                    label: format!("{t} thread pair(s)"),
                    color: palette[i % palette.len()],
                    width: 3,
                    points: vs_size(rows, Strategy::ZeroCopy.name(), t, |r| {
                        r.zc_copied_pct.value()
                    }),
                    bars: Vec::new(),
                })
                .collect(),
        },
        "zero-copy rows with completions",
    );
    for chart in paced {
        push(chart, "paced (rate) rows at two or more loads");
    }
    (out, skipped)
}

/// The rows of saturated streams read with recv() (recordings from before workloads
/// are all streams): the strategies' charts compare senders under one receiver, and
/// receive zero-copy is answered by `report` beside the same cells.
pub(super) fn stream_rows(rows: &[Row]) -> Vec<Row> {
    rows.iter()
        .filter(|r| r.workload() == crate::workload::Workload::Stream)
        .filter(|r| r.mode().rx == crate::receive::RxStrategy::Copy)
        .cloned()
        .collect()
}

pub(super) fn footer(rows: &[Row]) -> String {
    let r = &rows[0];
    let net = match (r.mtu, &r.netem) {
        (Some(m), Some(n)) => format!("{} (MTU {m}, netem {n})", r.net_mode),
        (Some(m), None) => format!("{} (MTU {m})", r.net_mode),
        (None, _) => r.net_mode.clone(),
    };
    format!(
        "netio-tui · {} · kernel {} · {net} · recorded {}",
        r.cpu_model, r.kernel, r.started_at
    )
}
