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
    /// Drawn dashed (a p50 beside its p99, a sender's figure beside the end to end).
    pub dashed: bool,
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
    // Thin lines are the secondary figure (p50, the sender's copies): dashed too, so
    // they differ by more than width.
    let line = |s: &str, label: String, width: u32, points: Vec<(f64, f64)>| Series {
        label,
        color: color(s),
        width,
        dashed: width == 1,
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
                        "Throughput vs message size, {}: median of up to {repeats} repeats, bars 95% CI",
                        pairs(t)
                    )
                } else {
                    format!(
                        "Throughput vs message size, {}: bars 95% CI within one run",
                        pairs(t)
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
                    format!("Sender cycles per byte vs message size, {}", pairs(t))
                } else {
                    format!(
                        "CPU ns per byte vs message size, {} (no cycle counter)",
                        pairs(t)
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
                title: format!("Cache load misses per KiB vs message size, {}", pairs(t)),
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
                    "Copies per byte (the kernel's count, the copy meter) vs message size, {}",
                    pairs(t)
                ),
                x_label: "message size (bytes, log scale)",
                x_axis: XAxis::Size,
                y_log: false,
                y_label: "copies per byte: end to end solid, sender dashed".into(),
                series: merge_coinciding(copies),
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
                vs_threads(rows, s, size, |r| log_us(r.lat_p99_us.value())),
            ));
            lat.push(line(
                s,
                format!("{s} p50"),
                1,
                vs_threads(rows, s, size, |r| log_us(r.lat_p50_us.value())),
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
                // p50 (tens of µs) and p99 (up to tens of ms) on one readable axis.
                y_log: true,
                y_label: "queueing delay (µs, log scale): p99 solid, p50 dashed".into(),
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
    // One line per zero-copy strategy: its thread counts merged where they coincide
    // (the usual 100 % on loopback), each its own dashed line where they differ.
    let mut copied = Vec::new();
    for s in strats
        .iter()
        .filter(|s| Strategy::of_name(s).is_some_and(Strategy::is_zero_copy))
    {
        let per: Vec<(u32, Vec<(f64, f64)>)> = threads
            .iter()
            .map(|&t| (t, vs_size(rows, s, t, |r| r.zc_copied_pct.value())))
            .filter(|(_, p)| !p.is_empty())
            .collect();
        let same = per.windows(2).all(|w| {
            w[0].1.len() == w[1].1.len()
                && w[0]
                    .1
                    .iter()
                    .zip(&w[1].1)
                    .all(|(a, b)| (a.1 - b.1).abs() < 0.5)
        });
        if same {
            if let Some((_, points)) = per.first() {
                let label = if per.len() > 1 {
                    format!("{s} (every thread count alike)")
                } else {
                    s.to_string()
                };
                copied.push(line(s, label, 3, points.clone()));
            }
        } else {
            for (t, points) in per {
                copied.push(Series {
                    dashed: t > 1,
                    ..line(s, format!("{s}, {}", pairs(t)), 2, points)
                });
            }
        }
    }
    push(
        Chart {
            stem: "zero-copy-copied-vs-size".into(),
            title: "Zero-copy completions the kernel copied anyway".into(),
            x_label: "message size (bytes, log scale)",
            x_axis: XAxis::Size,
            y_log: false,
            y_label: "completions flagged COPIED (%)".into(),
            series: merge_coinciding(copied),
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

/// "1 thread pair", "4 thread pairs".
pub(super) fn pairs(t: u32) -> String {
    if t == 1 {
        "1 thread pair".to_string()
    } else {
        format!("{t} thread pairs")
    }
}

/// A latency in µs on a log axis (log10; a value below 0.001 µs is held there).
fn log_us(us: Option<f64>) -> Option<f64> {
    us.map(|v| v.max(0.001).log10())
}

/// Lines that coincide (same style, same points within half a unit) drawn once, named
/// for all of them: "one-copy, uring end to end" (a label's first word is its
/// strategy; the rest is kept from the first line), so no line hides another.
pub(super) fn merge_coinciding(series: Vec<Series>) -> Vec<Series> {
    let mut merged: Vec<(Series, Vec<String>)> = Vec::new();
    for s in series {
        let alike = |m: &Series| {
            m.dashed == s.dashed
                && m.points.len() == s.points.len()
                && m.points
                    .iter()
                    .zip(&s.points)
                    .all(|(a, b)| a.0 == b.0 && (a.1 - b.1).abs() < 0.5)
        };
        let name = s.label.split(' ').next().unwrap_or_default().to_string();
        match merged.iter_mut().find(|(m, _)| alike(m)) {
            Some((_, names)) => names.push(name),
            None => merged.push((s, vec![name])),
        }
    }
    merged
        .into_iter()
        .map(|(mut s, names)| {
            if names.len() > 1 {
                let rest = s.label[names[0].len()..].to_string();
                s.label = format!("{}{rest}", names.join(", "));
            }
            s
        })
        .collect()
}
