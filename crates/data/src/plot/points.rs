//! The points charts are drawn from, pure over the rows: each strategy's colour, the
//! axes a file holds, a metric against size or threads, medians and the repeats'
//! intervals, the stream rows, the footer, and lines merged where they coincide.

use std::collections::BTreeMap;

use plotters::style::RGBColor;

use super::charts::{Bar, Series};
use crate::aggregate::CellStats;
use netio_core::row::Row;
use netio_core::strategy::Strategy;

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

/// The rows of each (strategy, size, threads), every round of the cell (the rows are
/// one workload's already: [`stream_rows`]).
pub(super) fn cells(rows: &[Row]) -> BTreeMap<(String, u64, u32), Vec<&Row>> {
    let mut out: BTreeMap<(String, u64, u32), Vec<&Row>> = BTreeMap::new();
    for r in rows {
        out.entry((r.strategy.clone(), r.size_bytes, r.threads))
            .or_default()
            .push(r);
    }
    out
}

/// The cell's figure of `metric`: the median over all its rounds (the estimate every
/// consumer reads), never one row.
fn median(rows: &[&Row], metric: &impl Fn(&Row) -> Option<f64>) -> Option<f64> {
    let values: Vec<f64> = rows.iter().filter_map(|r| metric(r)).collect();
    netio_core::stats::Summary::of(&values).map(|s| s.median)
}

/// Medians of `metric` against size (x = log2 size) for one strategy at one thread
/// count.
pub(super) fn vs_size(
    rows: &[Row],
    strategy: &str,
    threads: u32,
    metric: impl Fn(&Row) -> Option<f64>,
) -> Vec<(f64, f64)> {
    cells(rows)
        .into_iter()
        .filter(|((s, _, t), _)| s == strategy && *t == threads)
        .filter_map(|((_, size, _), r)| median(&r, &metric).map(|y| ((size as f64).log2(), y)))
        .collect()
}

/// Medians of `metric` against threads (x = log2 threads) for one strategy at one
/// size.
pub(super) fn vs_threads(
    rows: &[Row],
    strategy: &str,
    size: u64,
    metric: impl Fn(&Row) -> Option<f64>,
) -> Vec<(f64, f64)> {
    cells(rows)
        .into_iter()
        .filter(|((s, z, _), _)| s == strategy && *z == size)
        .filter_map(|((_, _, t), r)| median(&r, &metric).map(|y| ((t as f64).log2(), y)))
        .collect()
}

/// The range (lowest to highest) of `metric` over each cell's repeats, against
/// threads (x = log2 threads), for one strategy at one size; cells run once have none.
/// A range, not a 95 % interval: three noisy latencies give an interval of the mean
/// that reaches below zero, which a log axis cannot draw and no latency can be.
pub(super) fn spread_vs_threads(
    cells: &[CellStats],
    strategy: &str,
    size: u64,
    metric: impl Fn(&Row) -> Option<f64>,
) -> Vec<Bar> {
    cells
        .iter()
        .filter(|c| c.strategy == strategy && c.size == size)
        .filter(|c| c.mode == netio_core::matrix::Mode::default())
        .filter_map(|c| {
            let values: Vec<f64> = c.rows.iter().filter_map(|(_, r)| metric(r)).collect();
            if values.len() < 2 {
                return None;
            }
            let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            Some(((c.threads as f64).log2(), lo, hi))
        })
        .collect()
}

/// Median throughput against size (x = log2 size) for one strategy at one thread
/// count, with the 95 % interval of each point where one was measured.
pub(super) fn medians_vs_size(
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

/// The rows of saturated streams read with recv() (recordings from before workloads
/// are all streams): the strategies' charts compare senders under one receiver, and
/// receive zero-copy is answered by `report` beside the same cells.
pub(super) fn stream_rows(rows: &[Row]) -> Vec<Row> {
    rows.iter()
        .filter(|r| r.workload().saturates())
        .filter(|r| r.mode().rx == netio_core::receive::RxStrategy::Copy)
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
pub(super) fn log_us(us: Option<f64>) -> Option<f64> {
    us.map(|v| v.max(0.001).log10())
}

/// Lines that coincide (same style, same points within half a unit) drawn once, named
/// for all of them: "one-copy, uring end to end" (a label's first word is its
/// strategy; the rest is kept from the first line), so no line hides another.
pub(super) fn merge_coinciding(series: Vec<Series>) -> Vec<Series> {
    merge_within(series, 0.5)
}

/// Lines no reader could tell apart on the chart (every point within 1 % of the
/// chart's height of the other line's) drawn once and named for all: a line hidden
/// under another would otherwise keep a legend entry for a line nobody sees.
pub(super) fn merge_hidden(series: Vec<Series>) -> Vec<Series> {
    let ys = || series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
    let (lo, hi) = (
        ys().fold(f64::INFINITY, f64::min),
        ys().fold(f64::NEG_INFINITY, f64::max),
    );
    let span = if hi > lo { hi - lo } else { 1.0 };
    merge_within(series, span * 0.01)
}

fn merge_within(series: Vec<Series>, tolerance: f64) -> Vec<Series> {
    let mut merged: Vec<(Series, Vec<String>)> = Vec::new();
    for s in series {
        let alike = |m: &Series| {
            m.dashed == s.dashed
                && !m.points.is_empty()
                && m.points.len() == s.points.len()
                && m.points
                    .iter()
                    .zip(&s.points)
                    .all(|(a, b)| a.0 == b.0 && (a.1 - b.1).abs() < tolerance)
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
