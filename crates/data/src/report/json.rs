//! `report --format json`: the same answers as the Markdown report, for scripts. Each
//! section is its title and text (the Markdown's own words, so the two never differ);
//! every cell carries its figures (median, 95 % interval, CV and n over the repeats, for
//! throughput, transactions/s, latency and CPU per byte; its clusters when bimodal; the
//! copy meter's copies per byte), and every comparison of two strategies at one point
//! is an object (cell, a, b, ratio, lo, hi, class). Null where a figure was not
//! measured, never 0.

use serde_json::{Value, json};

use crate::aggregate::{self, CellStats, median_of};
use netio_core::row::Row;

/// The report of `rows` as one JSON value, with the default margin.
pub fn report_json(file: &str, rows: &[Row]) -> Value {
    report_json_with_margin(file, rows, netio_core::stats::DEFAULT_MARGIN_PCT)
}

/// The report of `rows` as one JSON value, ratios within ±`margin_pct` % equivalent.
pub fn report_json_with_margin(file: &str, rows: &[Row], margin_pct: f64) -> Value {
    let markdown = super::report_with_margin(file, rows, margin_pct);
    let cells = aggregate::cells_with_margin(rows, margin_pct);
    json!({
        "file": file,
        "rows": rows.len(),
        "margin_pct": margin_pct,
        "sections": sections(&markdown),
        "cells": cells.iter().map(cell).collect::<Vec<_>>(),
        "comparisons": comparisons(&cells),
    })
}

/// Every pair of strategies at each point (workload, size, threads), on the
/// workload's headline figure, A over B.
fn comparisons(cells: &[CellStats]) -> Vec<Value> {
    let mut out = Vec::new();
    for (i, a) in cells.iter().enumerate() {
        for b in &cells[i + 1..] {
            // rr's depth and reply are the workload's: cells of another depth are
            // another point.
            let rr = |c: &CellStats| {
                c.rows
                    .first()
                    .map(|(_, r)| (r.depth, r.response_size_bytes))
            };
            if (&a.setup, a.mode, a.size, a.threads, rr(a))
                != (&b.setup, b.mode, b.size, b.threads, rr(b))
            {
                continue;
            }
            let better = a.mode.entry().better;
            let Some(c) = aggregate::verdict_on(a, b, |r| r.headline().value(), better) else {
                continue;
            };
            out.push(json!({
                "cell": {
                    "workload": a.mode.to_string(),
                    "setup": a.setup.to_string(),
                    "size_bytes": a.size,
                    "threads": a.threads,
                },
                "figure": a.mode.entry().headline_label,
                "a": a.strategy,
                "b": b.strategy,
                "n": c.n,
                "ratio": c.ratio,
                "lo": c.ci95.map(|(lo, _)| lo),
                "hi": c.ci95.map(|(_, hi)| hi),
                "class": c.class,
            }));
        }
    }
    out
}

/// A figure's estimate over the cell's rounds.
fn estimate(c: &CellStats, f: impl Fn(&Row) -> Option<f64>) -> Value {
    let values: Vec<f64> = c.rows.iter().filter_map(|(_, r)| f(r)).collect();
    let s = netio_core::stats::Summary::of(&values);
    json!({
        "n": s.map(|s| s.n),
        "median": s.map(|s| s.median),
        "ci95": s.and_then(|s| s.ci95).map(|(lo, hi)| [lo, hi]),
        "cv_pct": s.and_then(|s| s.cv_pct),
    })
}

/// `## Title` sections of the Markdown, each with the text under it.
fn sections(markdown: &str) -> Vec<Value> {
    markdown
        .split("\n## ")
        .skip(1)
        .map(|part| {
            let (title, text) = part.split_once('\n').unwrap_or((part, ""));
            json!({ "title": title.trim(), "text": text.trim() })
        })
        .collect()
}

fn cell(c: &CellStats) -> Value {
    let g = c.gbps.as_ref();
    let per_byte = |f: fn(&Row) -> netio_core::figure::Figure<f64>| median_of(c, |r| f(r).value());
    json!({
        "workload": c.mode.to_string(),
        "setup": c.setup.to_string(),
        "strategy": c.strategy,
        "size_bytes": c.size,
        "threads": c.threads,
        "rows": c.rows.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        "throughput_gbps": {
            "n": g.map(|g| g.n),
            "median": g.map(|g| g.median),
            "ci95": g.and_then(|g| g.ci95).map(|(lo, hi)| [lo, hi]),
            "cv_pct": g.and_then(|g| g.cv_pct),
        },
        "transactions_per_s": estimate(c, |r| r.transactions_per_s.value()),
        "latency_p50_us": estimate(c, |r| r.latency_p50().value()),
        "latency_p99_us": estimate(c, |r| r.latency_p99().value()),
        "tx_cpu_ns_per_byte": estimate(c, |r| r.tx_cpu_ns_per_byte.value()),
        "rx_cpu_ns_per_byte": estimate(c, |r| r.rx_cpu_ns_per_byte.value()),
        "bimodal": netio_core::stats::clusters(
            &c.rows.iter().filter_map(|(_, r)| r.headline().value()).collect::<Vec<_>>()
        )
        .map(|[(lo, nlo), (hi, nhi)]| json!([{"median": lo, "n": nlo}, {"median": hi, "n": nhi}])),
        "copies_per_byte": {
            "sender": per_byte(Row::sender_copies_per_byte),
            "late": per_byte(Row::late_copies_per_byte),
            "receiver": per_byte(Row::receiver_copies_per_byte),
            "end_to_end": per_byte(Row::end_to_end_copies_per_byte),
        },
    })
}
