//! Which charts a recording supports: pure, from the rows only (their points come
//! from `points.rs`).

use plotters::style::RGBColor;

pub(super) use super::points::{
    axis, color, footer, log_us, medians_vs_size, merge_coinciding, merge_hidden, pairs,
    spread_vs_threads, strategies, stream_rows, vs_size, vs_threads,
};
use crate::aggregate;
use netio_core::matrix::format_size;
use netio_core::row::Row;
use netio_core::strategy::Strategy;

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

/// Every chart the file supports, one set per setup ([`netio_core::row::Setup`]): a file
/// whose rows differ in an option that changes what is measured gets each setup's
/// charts apart, their names and titles saying what sets them apart ("-cc-bbr").
pub(super) fn charts(all_rows: &[Row]) -> (Vec<Chart>, Vec<String>) {
    let groups = netio_core::row::by_setup(all_rows);
    if groups.len() <= 1 {
        return charts_of_setup(all_rows);
    }
    let setups: Vec<netio_core::row::Setup> = groups.iter().map(|(s, _)| s.clone()).collect();
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for (setup, rows) in &groups {
        let label = setup.label_among(&setups);
        let slug: String = label
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let (charts, notes) = charts_of_setup(rows);
        out.extend(charts.into_iter().map(|c| Chart {
            stem: format!("{}--{slug}", c.stem),
            title: format!("{} [{label}]", c.title),
            ..c
        }));
        skipped.extend(notes.into_iter().map(|n| format!("[{label}] {n}")));
    }
    (out, skipped)
}

/// The charts of rows of one setup, and notes for those they do not support: the
/// throughput, cost and queueing charts from the stream rows, latency against load
/// from the paced rows.
fn charts_of_setup(all_rows: &[Row]) -> (Vec<Chart>, Vec<String>) {
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
    let paced = super::latency_load::charts(all_rows);
    let repeats = grouped.iter().map(|c| c.rows.len()).max().unwrap_or(1);
    let mut push = |mut chart: Chart, what: &str| {
        chart.series = merge_hidden(chart.series);
        // A line needs two x values: one thread count makes a chart of dots.
        let mut xs: Vec<f64> = chart
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .collect();
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        match xs.len() {
            0 => skipped.push(format!("{}: the file has no {what}", chart.stem)),
            1 => skipped.push(format!(
                "{}: one value on its x axis ({}) only: record at least two",
                chart.stem, chart.x_label
            )),
            _ => out.push(chart),
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
            lat.push(Series {
                // The range of p99 over the repeats, where the cell was repeated.
                bars: spread_vs_threads(&grouped, s, size, |r| r.lat_p99_us.value())
                    .into_iter()
                    .map(|(x, lo, hi)| (x, lo.max(0.001).log10(), hi.max(0.001).log10()))
                    .collect(),
                ..line(
                    s,
                    format!("{s} p99"),
                    3,
                    vs_threads(rows, s, size, |r| log_us(r.lat_p99_us.value())),
                )
            });
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
                y_label: "queueing delay (µs, log): p99 solid (bars: range of repeats), p50 dashed"
                    .into(),
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
