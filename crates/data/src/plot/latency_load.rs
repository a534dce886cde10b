//! Latency against load: for each size × thread count with paced (`rate`) cells, each
//! strategy's p99 (solid) and p50 (dashed) one-way latency, measured from each message's
//! due time, against the throughput it achieved, one point per load (medians over the
//! repeats), on a log latency axis. A point where the cell could not keep up is still
//! drawn (it is the knee) and the legend says so.

use super::charts::{Chart, Series, XAxis, axis, color, strategies};
use crate::aggregate::{self, median_of};
use netio_core::matrix::format_size;
use netio_core::row::Row;

/// The charts, one per size × threads with at least two loads of one strategy.
pub(super) fn charts(rows: &[Row]) -> Vec<Chart> {
    // `rate max` has no due times: its latency is queueing, not a point of the curve.
    // One receiver (recv()) per curve, so a strategy's points are one cell each.
    let paced: Vec<Row> = rows
        .iter()
        .filter(|r| r.mode().is_paced() && r.mode().rx == netio_core::receive::RxStrategy::Copy)
        .cloned()
        .collect();
    if paced.is_empty() {
        return Vec::new();
    }
    let cells = aggregate::cells(&paced);
    let mut out = Vec::new();
    for t in axis(&paced, |r| r.threads) {
        for size in axis(&paced, |r| r.size_bytes) {
            let mut series = Vec::new();
            for s in strategies(&paced) {
                // (offered, achieved, p50, p99, saturated), in the order of the load.
                let mut points: Vec<(f64, f64, f64, f64, bool)> = cells
                    .iter()
                    .filter(|c| c.strategy == s && c.threads == t && c.size == size)
                    .filter_map(|c| {
                        let offered = median_of(c, |r| r.offered_gbps.value())?;
                        let x = median_of(c, |r| r.throughput_gbps.value())?;
                        let p99 = median_of(c, |r| r.lat_p99_us.value())?;
                        let p50 = median_of(c, |r| r.lat_p50_us.value())?;
                        let sat = c.saturated();
                        Some((offered, x, p50, p99, sat))
                    })
                    .collect();
                if points.len() < 2 {
                    continue;
                }
                // Joined in the order of the offered load: a cell past saturation
                // achieves less than it was offered, and its line turns back.
                points.sort_by(|a, b| a.0.total_cmp(&b.0));
                let log = |v: f64| v.max(0.001).log10();
                let sat = if points.iter().any(|p| p.4) {
                    " (saturated)"
                } else {
                    ""
                };
                series.push(Series {
                    label: format!("{s} p99{sat}"),
                    color: color(s),
                    width: 3,
                    dashed: false,
                    points: points.iter().map(|p| (p.1, log(p.3))).collect(),
                    bars: Vec::new(),
                });
                series.push(Series {
                    label: format!("{s} p50"),
                    color: color(s),
                    width: 1,
                    dashed: true,
                    points: points.iter().map(|p| (p.1, log(p.2))).collect(),
                    bars: Vec::new(),
                });
            }
            if series.is_empty() {
                continue;
            }
            let z = format_size(size as usize);
            let pairs = super::charts::pairs(t);
            out.push(Chart {
                stem: format!("latency-vs-load-{z}-{t}threads"),
                title: format!("Latency vs achieved throughput (paced), {z} messages, {pairs}"),
                x_label: "achieved throughput (Gbit/s)",
                x_axis: XAxis::Linear,
                y_label: "latency from due time (µs, log): p99 solid, p50 dashed".into(),
                y_log: true,
                series,
            });
        }
    }
    out
}
